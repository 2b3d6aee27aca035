/**
 * The route pattern a path matches (`/einladung/:token`, `/:org/verfahren/:slug`), for the access
 * log and the metrics: parameters — invitation tokens, receipt keys, organisation slugs — are
 * never written out, and the set of patterns is small and fixed.
 */
import { matchRoutes } from "@remix-run/react";

export interface BuildRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
}

interface Node {
  id: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: Node[];
}

/** A function from a pathname to its pattern; "/*" when only the catch-all (404) route matches. */
export function routePatterns(routes: Record<string, BuildRoute | undefined>): (pathname: string) => string {
  const byParent = new Map<string | undefined, BuildRoute[]>();
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const list = byParent.get(route.parentId) ?? [];
    list.push(route);
    byParent.set(route.parentId, list);
  }
  const tree = (parentId: string | undefined): Node[] =>
    (byParent.get(parentId) ?? []).map((r) => {
      const children = r.index ? undefined : tree(r.id);
      return { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive, ...(children?.length ? { children } : {}) };
    });
  const roots = tree(undefined);
  return (pathname: string) => {
    // single fetch's data requests (/x.data, /_root.data) belong to the page they load
    const path = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
    const matches = matchRoutes(roots as Parameters<typeof matchRoutes>[0], path);
    const segments = (matches ?? []).map((m) => (m.route as Node).path).filter((p): p is string => Boolean(p));
    return "/" + segments.join("/").replace(/\/{2,}/g, "/");
  };
}
