/** A tiny HTTP client for the server tests: a cookie jar, no redirects followed, raw bytes when asked. */
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";

export class Client {
  cookies = new Map<string, string>();
  constructor(
    public base: string,
    public headers: Record<string, string> = {},
  ) {}

  async fetch(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    let res: Response;
    try {
      res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    } catch (error) {
      // a kept-alive connection the server closed while this process was busy (a test blocked in
      // spawnSync past the keep-alive timeout): the request never reached the server, send it again
      if ((error as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw error;
      res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    }
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.fetch(path, { headers });
  }

  post(path: string, body: string | URLSearchParams | [string, string][], headers: Record<string, string> = {}) {
    const encoded = typeof body === "string" ? body : new URLSearchParams(body).toString();
    return this.fetch(path, {
      method: "POST",
      body: encoded,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
  }
}

/** GET with gzip accepted, returning the bytes as they travel over the wire. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; wire: Buffer; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { "accept-encoding": "gzip", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const wire = Buffer.concat(chunks);
        const text = res.headers["content-encoding"] === "gzip" ? gunzipSync(wire).toString("utf8") : wire.toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, text });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

export const mainOf = (html: string) => html.match(/<main[\s\S]*<\/main>/)?.[0] ?? "";
export const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");
