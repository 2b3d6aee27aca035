/** Small but well-formed files of each kind the document upload takes, and broken ones, for the tests. */
import { crc32 } from "node:zlib";

/** A PDF of about `size` bytes: header, filler objects, trailer and %%EOF (what the checks look at). */
export function pdfOf(size: number, seed = 1): Buffer {
  const head = Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n`, "latin1");
  const tail = Buffer.from("trailer << /Root 1 0 R >>\nstartxref\n0\n%%EOF\n", "latin1");
  const filler = Buffer.alloc(Math.max(0, size - head.length - tail.length));
  // varied bytes, so a range that starts at the wrong offset shows
  let x = seed;
  for (let i = 0; i < filler.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    filler[i] = 0x20 + ((x >>> 16) % 90);
  }
  return Buffer.concat([head, filler, tail]);
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b1b6c40000000049454e44ae426082",
  "hex",
);
/** A 1 × 1 white WebP (lossless): "RIFF", its length, "WEBP", one VP8L chunk. */
export const WEBP = Buffer.from("524946461e000000574542505650384c110000002f0000000007d0fffef7bfff8188e87f0000", "hex");
/** A tiny JPEG: SOI, an APP0 (JFIF) segment, EOI. */
export const JPEG = Buffer.concat([Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex"), Buffer.from("ffd9", "hex")]);

/** A ZIP with stored (uncompressed) entries, in order. */
export function zipOf(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const ODT = zipOf([
  ["mimetype", "application/vnd.oasis.opendocument.text"],
  ["content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>'],
]);
export const DOCX = zipOf([
  ["[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
  ["word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document/>'],
]);

/** An ISO BMFF box: 32-bit size, 4-letter type, content. */
const box = (type: string, content: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + content.length, 0);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, content]);
};
/** A minimal MP4 to the checks: ftyp (brand isom), a moov, and `dataBytes` of media data. */
export function mp4Of(dataBytes = 1000): Buffer {
  const ftyp = box("ftyp", Buffer.concat([Buffer.from("isom", "latin1"), Buffer.from([0, 0, 2, 0]), Buffer.from("isomiso2avc1mp41", "latin1")]));
  const moov = box("moov", box("mvhd", Buffer.alloc(100)));
  return Buffer.concat([ftyp, moov, box("mdat", Buffer.alloc(dataBytes, 7))]);
}
export const MP4 = mp4Of();

/** A minimal WebM to the checks: the EBML header (DocType "webm") and a Segment of a known size. */
export function webmOf(segmentBytes = 1000): Buffer {
  const docType = Buffer.concat([Buffer.from([0x42, 0x82, 0x84]), Buffer.from("webm", "latin1")]);
  const header = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | docType.length]), docType]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(segmentBytes));
  size[0] = 0x01; // an 8-byte vint
  return Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), size, Buffer.alloc(segmentBytes, 0xec)]);
}
export const WEBM = webmOf();

/** German captions of two cues, as a sign-language video would have them. */
export const VTT = Buffer.from("WEBVTT\n\n00:00.000 --> 00:03.000\nWillkommen bei der Beteiligung.\n\n00:03.000 --> 00:06.500\nSo sagen Sie Ihre Meinung.\n", "utf8");
