/**
 * What a request says about itself, read from node's own request the way Express reads it
 * (req.path, req.hostname, req.protocol, req.ip), so that every path of the pipeline — the cached
 * page, the form post, the request through Express — agrees on the client, host and protocol.
 * X-Forwarded-* headers count only from a proxy that TRUST_PROXY trusts.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** Express's compiled "trust proxy" setting: (address, hop) => trusted. */
export type TrustProxy = (address: string | undefined, hop: number) => boolean;

/** The path without the query, as Express's req.path (before any mounted middleware shortened req.url). */
export function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Host headers a URL cannot be made of (`a b`, `[::1`, `x:99999`) are the client's mistake: 400,
 * never a 500 from building the request's URL.
 */
export function hasValidHost(req: IncomingMessage): boolean {
  for (const host of [req.headers.host, req.headers["x-forwarded-host"]]) {
    if (host === undefined) continue;
    if (typeof host !== "string" || host.length > 255) return false;
    try {
      const url = new URL(`http://${host.split(",")[0].trim()}`);
      if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export function requestFacts(trustProxy: TrustProxy) {
  const fromTrustedProxy = (req: IncomingMessage) => trustProxy(req.socket.remoteAddress, 0);
  const forwardedHost = (req: IncomingMessage) => {
    const header = req.headers["x-forwarded-host"];
    return typeof header === "string" && header !== "" ? header : undefined;
  };

  return {
    /** The host the client addressed, with its port: X-Forwarded-Host from a trusted proxy, else Host. */
    publicHostOf(req: IncomingMessage): string | undefined {
      const forwarded = forwardedHost(req);
      if (forwarded && fromTrustedProxy(req)) return forwarded.split(",")[0].trim();
      return req.headers.host;
    },

    /** Express's req.hostname: X-Forwarded-Host only from a trusted proxy, without the port. */
    hostnameOf(req: IncomingMessage): string | undefined {
      let host = forwardedHost(req);
      if (!host || !fromTrustedProxy(req)) host = req.headers.host;
      else if (host.includes(",")) host = host.slice(0, host.indexOf(",")).trimEnd();
      if (!host) return undefined;
      const offset = host[0] === "[" ? host.indexOf("]") + 1 : 0;
      const colon = host.indexOf(":", offset);
      return colon === -1 ? host : host.slice(0, colon);
    },

    /** Express's req.protocol: X-Forwarded-Proto only from a trusted proxy. */
    protocolOf(req: IncomingMessage): string {
      const own = (req.socket as TLSSocket).encrypted ? "https" : "http";
      if (!fromTrustedProxy(req)) return own;
      const header = req.headers["x-forwarded-proto"];
      return (typeof header === "string" ? header : own).split(",")[0].trim();
    },

    /**
     * Express's req.ip (proxy-addr): the socket's address, or, through proxies TRUST_PROXY trusts,
     * the nearest address in X-Forwarded-For that is not a trusted proxy.
     */
    clientAddressOf(req: IncomingMessage): string | undefined {
      const addresses = [req.socket.remoteAddress];
      const forwardedFor = req.headers["x-forwarded-for"];
      if (typeof forwardedFor === "string") addresses.push(...forwardedFor.split(",").map((a) => a.trim()).filter(Boolean).reverse());
      let i = 0;
      while (i < addresses.length - 1 && trustProxy(addresses[i], i)) i++;
      return addresses[i];
    },
  };
}

export type RequestFacts = ReturnType<typeof requestFacts>;
