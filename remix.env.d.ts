/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single Fetch types for loaders and actions (the v3_singleFetch future flag is on)
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
export {};
