/**
 * The app as the server sees it: the Remix build (build/index.js, made by `remix build`), whose
 * entry module also exports what the server needs from the app (app/entry.server.tsx). The server
 * takes all of it from the build at run time, so the app's modules — the metrics registry, the
 * database handle — exist once per process; from app/ it imports types only.
 */
import type { ServerBuild } from "@remix-run/node";
import type * as Entry from "../app/entry.server";

export type AppBuild = ServerBuild & { entry: { module: typeof Entry } };
export type ServerSupport = (typeof Entry)["serverSupport"];
export type PageCache = ReturnType<(typeof Entry)["createPageCache"]>;

/** build/index.js, beside this compiled file's folder (build/server/). */
export async function loadBuild(): Promise<AppBuild> {
  return (await import(new URL("../index.js", import.meta.url).href)) as AppBuild;
}
