/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single Fetch types for loaders and actions (the v3_singleFetch future flag is on)
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  /** What the server (server/pipeline.ts) passes to every loader and action. */
  interface AppLoadContext {
    /** the client's address (behind a proxy only with TRUST_PROXY), for rate limits */
    clientAddress: string;
  }
}
export {};
