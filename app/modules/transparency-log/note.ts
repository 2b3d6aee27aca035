/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) with Ed25519
 * from node:crypto. A checkpoint's body is three lines — origin, tree size, base64 root hash —
 * then a blank line and one signature line per signer: "— <key name> <base64(key ID ‖ signature)>".
 * Keys use the note formats: a verifier key `<name>+<key ID hex>+<base64(0x01 ‖ public key)>` and
 * a signer key `PRIVATE+KEY+<name>+<key ID hex>+<base64(0x01 ‖ seed)>`; the key ID is the first
 * four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). Pure functions.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

const ED25519 = 0x01;
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface VerifierKey {
  name: string;
  keyId: number;
  publicKey: Buffer;
}

export interface SignerKey extends VerifierKey {
  privateKey: KeyObject;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** the signed text: the three lines, each with its newline */
  body: string;
}

/** A key name: non-empty, no white space and no "+" (the note formats use both as separators). */
export const isKeyName = (name: string) => name.length > 0 && name.length <= 200 && !/[\s+]/u.test(name);

export function keyId(name: string, publicKey: Buffer): number {
  return createHash("sha256")
    .update(`${name}\n`)
    .update(Buffer.from([ED25519]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

export function formatVerifierKey(key: VerifierKey): string {
  return `${key.name}+${hex8(key.keyId)}+${Buffer.concat([Buffer.from([ED25519]), key.publicKey]).toString("base64")}`;
}

function publicKeyOf(privateKey: KeyObject): Buffer {
  return Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).x as string, "base64url");
}

/** A new signer key, as the note text an operator stores in TLOG_SIGNING_KEY. */
export function generateSignerKey(name: string): string {
  if (!isKeyName(name)) throw new Error(`"${name}" cannot be a key name: no spaces and no "+"`);
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d as string, "base64url");
  const id = keyId(name, publicKeyOf(privateKey));
  return `PRIVATE+KEY+${name}+${hex8(id)}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString("base64")}`;
}

/** Reads a signer key; throws an Error that says what is wrong (never echoing the secret). */
/** Splits at the first `count` plus signs only: the base64 key at the end may hold "+" itself. */
function cut(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf("+");
    if (at < 0) return [];
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}

export function parseSignerKey(text: string): SignerKey {
  const parts = cut(text.trim(), 4);
  if (parts.length !== 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") throw new Error("not a signer key: expected PRIVATE+KEY+<name>+<key ID>+<key>");
  const [, , name, idHex, keyText] = parts;
  if (!isKeyName(name)) throw new Error("the key name is empty or has spaces");
  const raw = Buffer.from(keyText, "base64");
  if (raw.length !== 33 || raw[0] !== ED25519) throw new Error("the key is not an Ed25519 key of 32 bytes");
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw.subarray(1)]), format: "der", type: "pkcs8" });
  const publicKey = publicKeyOf(privateKey);
  const id = keyId(name, publicKey);
  if (hex8(id) !== idHex.toLowerCase()) throw new Error("the key ID does not belong to this key");
  return { name, keyId: id, publicKey, privateKey };
}

export function parseVerifierKey(text: string): VerifierKey {
  const parts = cut(text.trim(), 2);
  if (parts.length !== 3) throw new Error("not a verifier key: expected <name>+<key ID>+<key>");
  const [name, idHex, keyText] = parts;
  const raw = Buffer.from(keyText, "base64");
  if (!isKeyName(name) || raw.length !== 33 || raw[0] !== ED25519) throw new Error("not an Ed25519 verifier key");
  const publicKey = raw.subarray(1);
  const id = keyId(name, publicKey);
  if (hex8(id) !== idHex.toLowerCase()) throw new Error("the key ID does not belong to this key");
  return { name, keyId: id, publicKey };
}

export function checkpointBody(origin: string, size: number, root: Buffer): string {
  return `${origin}\n${size}\n${root.toString("base64")}\n`;
}

/** The signed note of a checkpoint. */
export function signCheckpoint(key: SignerKey, size: number, root: Buffer, origin = key.name): string {
  const body = checkpointBody(origin, size, root);
  const signature = sign(null, Buffer.from(body), key.privateKey);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(key.keyId);
  return `${body}\n— ${key.name} ${Buffer.concat([id, signature]).toString("base64")}\n`;
}

export type OpenedCheckpoint = { ok: true; checkpoint: Checkpoint } | { ok: false; problem: string };

/** Parses a signed checkpoint and checks the signature of `key` on it (other signatures, e.g. witnesses', are ignored). */
export function openCheckpoint(note: string, key: VerifierKey): OpenedCheckpoint {
  if (typeof note !== "string" || note.length > 100_000) return { ok: false, problem: "not a checkpoint" };
  const split = note.indexOf("\n\n");
  if (split < 0) return { ok: false, problem: "not a signed note: no blank line before the signatures" };
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) return { ok: false, problem: "a checkpoint has an origin, a size and a root hash" };
  const [origin, sizeText, rootText] = lines;
  const root = Buffer.from(rootText, "base64");
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || root.length !== 32 || root.toString("base64") !== rootText) {
    return { ok: false, problem: "the size or the root hash is malformed" };
  }
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, key.publicKey]), format: "der", type: "spki" });
  for (const line of note.slice(split + 2).split("\n")) {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m || m[1] !== key.name) continue;
    const raw = Buffer.from(m[2], "base64");
    if (raw.length !== 68 || raw.readUInt32BE(0) !== key.keyId) continue;
    if (verify(null, Buffer.from(body), publicKey, raw.subarray(4))) {
      return { ok: true, checkpoint: { origin, size: Number(sizeText), root, body } };
    }
    return { ok: false, problem: "the signature does not match: the checkpoint was changed or signed with another key" };
  }
  return { ok: false, problem: `no signature by ${key.name}` };
}
