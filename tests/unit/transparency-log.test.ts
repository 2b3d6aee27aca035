/**
 * The transparency log's pure parts against an independent implementation written here from
 * RFC 9162's recursive definitions (MTH, PATH, SUBPROOF) over plain arrays of leaves — not the
 * server's iterative, tile-based code — and against the RFC 6962 reference vectors; checkpoints
 * against a signature check written here with node:crypto alone.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { consistencyProof, inclusionProof, leafHash, rangeHash, verifyConsistency, verifyInclusion, type SubtreeReader } from "~/modules/transparency-log/merkle";
import { formatVerifierKey, generateSignerKey, openCheckpoint, parseSignerKey, parseVerifierKey, signCheckpoint } from "~/modules/transparency-log/note";
import { hashSpan, parseTileIndexPath, spanOfTile, tileIndexPath, tileNodes, tileOf, tileRoot } from "~/modules/transparency-log/tiles";
import { commitmentOf } from "~/modules/transparency-log/commitment";

import { H_LEAF, MTH, PATH, PROOF, rootFromPath, rootsFromConsistency } from "../support/rfc9162";

const leaves = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));
/** A SubtreeReader over a plain array, as the tiles would answer. */
const arrayReader = (D: Buffer[]): SubtreeReader => (height, index) => MTH(D.slice(index << height, (index + 1) << height));

describe("RFC 9162 tree", () => {
  it("gives the RFC 6962 reference roots", async () => {
    const vectors = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
    const roots = [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    for (let n = 1; n <= 8; n++) {
      const D = vectors.slice(0, n);
      expect(MTH(D).toString("hex")).toBe(roots[n - 1]);
      const reader: SubtreeReader = (height, index) => MTH(D.slice(index << height, (index + 1) << height));
      expect((await rangeHash(reader, 0, n)).toString("hex")).toBe(roots[n - 1]);
    }
    expect(leafHash(Buffer.alloc(0)).toString("hex")).toBe(roots[0]);
  });

  it("builds inclusion proofs that the independent verifier accepts, for every leaf of trees up to 20 leaves", async () => {
    for (let n = 1; n <= 20; n++) {
      const D = leaves(n);
      const root = MTH(D);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(arrayReader(D), m, n);
        expect(proof).toEqual(PATH(m, D));
        expect(rootFromPath(m, n, H_LEAF(D[m]), proof)).toEqual(root);
        expect(verifyInclusion(m, n, H_LEAF(D[m]), proof, root)).toBe(true);
        // another leaf, another index or a changed hash fail
        expect(verifyInclusion(m, n, H_LEAF(Buffer.from("forged")), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, H_LEAF(D[m]), proof, root)).toBe(false);
      }
    }
  }, 60_000);

  it("builds consistency proofs equal to SUBPROOF, accepted by the verifier, and rejects forks", async () => {
    for (let n = 1; n <= 16; n++) {
      const D = leaves(n);
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(arrayReader(D), m, n);
        expect(proof).toEqual(PROOF(m, D));
        if (m > 0) {
          expect(verifyConsistency(m, n, proof, MTH(D.slice(0, m)), MTH(D))).toBe(true);
          expect(rootsFromConsistency(m, n, proof, MTH(D.slice(0, m)))).toEqual({ old: MTH(D.slice(0, m)), new: MTH(D) });
          // a fork: the older tree had a different leaf
          const forked = [...D.slice(0, m - 1), Buffer.from("rewritten")];
          if (m < n) expect(verifyConsistency(m, n, proof, MTH(forked), MTH(D))).toBe(false);
        }
      }
    }
  }, 60_000);

  it("reads perfect subtrees from tiles of 256 hashes, with C2SP tile paths", () => {
    expect(tileIndexPath(1234067)).toBe("x001/x234/067");
    expect(tileIndexPath(5)).toBe("005");
    expect(parseTileIndexPath(["x001", "x234", "067"])).toBe(1234067);
    expect(parseTileIndexPath(["x000", "005"])).toBeNull(); // not the canonical path
    expect(parseTileIndexPath(["5"])).toBeNull();
    expect(tileOf(0, 300)).toEqual({ level: 0, tile: 1, first: 44, count: 1 });
    expect(tileOf(3, 40)).toEqual({ level: 0, tile: 1, first: 64, count: 8 });
    expect(tileOf(8, 2)).toEqual({ level: 1, tile: 0, first: 2, count: 1 });
    const D = leaves(16);
    const tile = Buffer.concat(D.map(H_LEAF));
    expect(hashSpan(tile, 8, 8)).toEqual(MTH(D.slice(8, 16)));
  });

  it("stores each tile's interior nodes so that a proof reads every subtree hash of a full or partial tile (decision 66)", () => {
    for (const width of [256, 200, 1]) {
      const D = leaves(width);
      const tile = Buffer.concat(D.map(H_LEAF));
      const nodes = tileNodes(tile);
      for (let count = 1; count <= 256; count *= 2) {
        for (let first = 0; first + count <= width; first += count) {
          const expected = MTH(D.slice(first, first + count));
          expect(spanOfTile(tile, nodes, first, count)).toEqual(expected);
          // a tile written before migration 0045 has no nodes: the same hash, computed
          expect(spanOfTile(tile, null, first, count)).toEqual(expected);
        }
      }
      if (width === 256) expect(tileRoot(nodes)).toEqual(MTH(D));
      expect(() => spanOfTile(tile, nodes, width - (width % 2), 2)).toThrow(/shorter/);
    }
  });
});

describe("checkpoints (C2SP signed notes)", () => {
  it("are signed so that a check written with node:crypto alone accepts them, and a changed size or root fails", () => {
    const key = parseSignerKey(generateSignerKey("beteiligung.example/transparenz"));
    const root = MTH(leaves(5));
    const note = signCheckpoint(key, 5, root);
    const [body, signatures] = note.split("\n\n");
    expect(body).toBe(`beteiligung.example/transparenz\n5\n${root.toString("base64")}`);
    const m = /^— beteiligung\.example\/transparenz ([A-Za-z0-9+/=]+)\n$/u.exec(signatures)!;
    expect(m).not.toBeNull();
    const raw = Buffer.from(m[1], "base64");
    const verifierKey = formatVerifierKey(key);
    const [, idHex] = verifierKey.split("+");
    const keyB64 = verifierKey.slice(verifierKey.indexOf("+", verifierKey.indexOf("+") + 1) + 1);
    const pub = Buffer.from(keyB64, "base64");
    expect(pub[0]).toBe(1);
    // key ID: SHA-256(name ‖ "\n" ‖ 0x01 ‖ key), first four bytes
    expect(createHash("sha256").update(Buffer.concat([Buffer.from("beteiligung.example/transparenz\n"), pub])).digest().subarray(0, 4).toString("hex")).toBe(idHex);
    expect(raw.subarray(0, 4).toString("hex")).toBe(idHex);
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), pub.subarray(1)]), format: "der", type: "spki" });
    expect(verify(null, Buffer.from(body + "\n"), spki, raw.subarray(4))).toBe(true);

    const verifier = parseVerifierKey(verifierKey);
    expect(openCheckpoint(note, verifier)).toMatchObject({ ok: true, checkpoint: { size: 5, origin: "beteiligung.example/transparenz" } });
    expect(openCheckpoint(note.replace("\n5\n", "\n6\n"), verifier).ok).toBe(false);
    const other = parseVerifierKey(formatVerifierKey(parseSignerKey(generateSignerKey("beteiligung.example/transparenz"))));
    expect(openCheckpoint(note, other).ok).toBe(false);
    expect(() => parseSignerKey("PRIVATE+KEY+x+00000000+AAAA")).toThrow(/Ed25519/);
  });

  it("commit to an event with its salt: another salt or a changed event gives another leaf", () => {
    const event = { seq: 1, occurredAt: "2026-12-07T10:00:00.000Z", type: "received", actorRole: "resident", categories: ["content"], purpose: "participation", legalBasis: "x", details: { channel: "online" }, hash: "ab".repeat(32) };
    const salt = "11".repeat(32);
    const c = commitmentOf(event, salt);
    expect(c).toHaveLength(32);
    expect(commitmentOf({ ...event, details: { channel: "online" } }, salt)).toEqual(c);
    expect(commitmentOf(event, "22".repeat(32))).not.toEqual(c);
    expect(commitmentOf({ ...event, type: "published" }, salt)).not.toEqual(c);
  });
});
