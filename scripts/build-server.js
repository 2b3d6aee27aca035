/**
 * Compiles the server (server/*.ts) for production: build/server/index.js (the server process) and
 * build/server/cluster.js (what `npm start` and `npm run serve` run). Run by `npm run build` after
 * `remix build`, and by scripts/build-if-stale.js. Packages stay imports (node_modules); the app
 * comes from build/index.js at run time. Type-checking is `npx tsc --noEmit`, with the rest.
 */
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export function buildServer() {
  buildSync({
    absWorkingDir: root,
    entryPoints: ["server/index.ts", "server/cluster.ts"],
    outdir: "build/server",
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildServer();
