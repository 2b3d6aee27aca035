/**
 * A stand-in for a municipality's WMS (no WMS server runs here): it speaks just enough of WMS 1.3.0
 * GetMap. Layer "stadtplan" answers a PNG of the asked size drawn with sharp; an unknown layer a
 * ServiceException (XML, status 200, as real servers do); "riesig" a body larger than any cap;
 * "haengt" never answers. Every request's query is kept for the test to check.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadSharp } from "~/modules/files/sharp.server";

export interface WmsStandIn {
  url: string;
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startWmsStandIn(): Promise<WmsStandIn> {
  const sharp = await loadSharp();
  const requests: URLSearchParams[] = [];
  const hanging = new Set<import("node:http").ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    requests.push(query);
    const layers = query.get("LAYERS") ?? "";
    const width = Number(query.get("WIDTH"));
    const height = Number(query.get("HEIGHT"));
    const valid = query.get("SERVICE") === "WMS" && query.get("REQUEST") === "GetMap" && query.get("VERSION") === "1.3.0" && query.get("CRS") === "EPSG:4326" && width > 0 && height > 0;
    if (layers === "haengt") {
      hanging.add(res);
      return;
    }
    if (layers === "riesig") {
      res.writeHead(200, { "content-type": "image/png" });
      const piece = Buffer.alloc(1024 * 1024, 0x89);
      for (let i = 0; i < 64 && !res.destroyed; i++) if (!res.write(piece)) await new Promise((r) => res.once("drain", r));
      res.end();
      return;
    }
    if (!valid || layers !== "stadtplan") {
      res.writeHead(200, { "content-type": "application/vnd.ogc.se_xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc"><ServiceException code="LayerNotDefined">Layer not defined: ${layers.replace(/[<&]/g, "")}</ServiceException></ServiceExceptionReport>`);
      return;
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f1e8"/><path d="M0 ${height / 2} H${width}" stroke="#888" stroke-width="12"/><path d="M${width / 3} 0 V${height}" stroke="#4a90d9" stroke-width="20"/></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    res.writeHead(200, { "content-type": "image/png", "content-length": String(png.length) });
    res.end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wms`,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
