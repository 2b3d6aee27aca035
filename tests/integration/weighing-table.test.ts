/**
 * Considerations and the weighing table against real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set): a consideration for one statement or a group is stored with its audit
 * entry and each statement's privacy-log entry, and the resident sees it; the municipality's own
 * decision set; answers given before issue 19 are considerations; the files are read back with
 * other code than the writers (SheetJS for XLSX, fflate + fast-xml-parser for ODT): cell values,
 * no formula cells, sheet structure, the document's table rows; the anonymised file holds no name,
 * e-mail address, phone number or street address; the named one logs every name it carries.
 */
import { XMLParser } from "fast-xml-parser";
import { unzipSync, strFromU8 } from "fflate";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as XLSX from "xlsx";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { seedDemoAccounts } from "~/modules/accounts/demo.server";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { DEMO_CONCLUDED_SLUG, seedDemoConcludedProcedure } from "~/modules/considerations/demo.server";
import { decisionSet, saveDecisionSet } from "~/modules/considerations/decisions.server";
import { exportWeighingTable, parseWeighingRequest } from "~/modules/considerations/export.server";
import { printableWeighingTable } from "~/modules/considerations/printable.server";
import { procedureForModeration, publishSubmission } from "~/modules/moderation/moderation.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { appendPrivacyEvent, readPrivacyLog, verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { describeSubmission, withdrawSubmission } from "~/modules/privacy/rights.server";
import { seedDemoPlan } from "~/modules/places/demo.server";
import type { PlaceInput } from "~/modules/places/place";
import { placesOfSubmissions, setPlaceWithheld } from "~/modules/places/places.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { sectionsOf } from "~/modules/sections/sections.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const bytesOf = async (r: Readable) => Buffer.concat((await r.toArray()) as Buffer[]);

/**
 * Places (issue 18) on the demo's georeferenced plan (8 × 8, west 9.72 … east 9.7455, north 52.385 …
 * south 52.3725): Erika's in words (her own address), as a cell and a point; a cell alone for another.
 */
const ERIKAS_PLACE: PlaceInput = { description: "Vor meinem Haus, Lindenallee 12", cell: "C4", x: 2500, y: 4000 };
const ERIKAS_COORDINATES = "Länge 9.7264, Breite 52.38 (WGS 84)";

/** Personal data as residents write them: in the contact block and in the text itself. */
const PEOPLE = [
  { name: "Erika Mustermann", email: "erika.mustermann@example.org", address: "Lindenallee 12, 30159 Musterstadt", text: "Bitte rufen Sie mich an: 0511 1234567. Ich wohne in der Lindenallee 12." },
  { name: "Jonas Beispiel", email: "jonas@example.net", address: "Bahnhofstraße 3, 30159 Musterstadt", text: "Schreiben Sie an jonas@example.net, Grüße von Jonas Beispiel." },
];

describe.each(engines)("considerations and the weighing table on %s", (engine) => {
  let t: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let moderatorId: number;
  let procedure: Procedure;
  let seq = 0;
  const ids: number[] = [];
  const codes = new Map<number, string>();

  async function submit(text: string, contact: Record<string, string> = {}, channel: "online" | "phone" = "online", place?: PlaceInput) {
    const q = procedure.questions.find((x) => x.kind === "long_text")!;
    const r = await h.db.transaction().execute((trx) =>
      createSubmission(trx, { procedure, input: { answers: [{ questionId: q.id, values: [text] }], contact, place }, channel, language: "de", idempotencyKey: `weighing-${engine}-${++seq}` }),
    );
    if (!r.created) throw new Error("expected a new submission");
    codes.set(r.submissionId, r.receiptCode);
    return r.submissionId;
  }
  const auditOf = (action: string) => h.db.selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
  const types = async (id: number) => (await readPrivacyLog(h.db, id)).events.map((e) => e.type);

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    h = openDatabase(t.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const p = await h.db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    orgId = p.organisation_id;
    procedure = await procedureForModeration(h.db, orgId, p.id);
    moderatorId = (
      await h.db
        .insertInto("accounts")
        .values({ organisation_id: orgId, email: `mod-${engine}@example.org`, display_name: "Mona Moderatorin", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    // the demo's plan, as `npm start` seeds it
    await seedDemoPlan(h.db);
    for (const [i, person] of PEOPLE.entries()) ids.push(await submit(person.text, { name: person.name, email: person.email, address: person.address }, "online", i === 0 ? ERIKAS_PLACE : undefined));
    ids.push(await submit("=SUMME(1;2) Mehr Fahrradbügel am Bahnhof.", {}, "phone"));
    ids.push(await submit("Der Radweg an der Bahnhofstraße ist zu schmal.", {}, "online", { cell: "B2" }));
  });
  afterAll(async () => {
    await h?.close();
    await t?.drop();
  });

  it("records a consideration for one statement and a common one for a group, each with its audit entry and privacy-log entries; the resident sees it", async () => {
    const single = await recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[0]], moderatorId, decision: "accepted", text: "Die Stelle wird geprüft und entschärft." });
    const group = await recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[2], ids[3]], moderatorId, decision: "partly_accepted", text: "Mehr Abstellanlagen sind geplant; der Radweg bleibt." });
    const entries = await auditOf("consideration_recorded");
    expect(entries.map((e) => [e.target_type, Number(e.target_id), e.account_id])).toEqual([
      ["response", single, moderatorId],
      ["response", group, moderatorId],
    ]);
    expect(JSON.parse(entries[1].details_json)).toMatchObject({ decision: "partly_accepted", submissions: 2, ids: `${ids[2]},${ids[3]}` });
    for (const id of [ids[2], ids[3]]) {
      const log = await readPrivacyLog(h.db, id);
      expect(log.events.at(-1)).toMatchObject({ type: "consideration_recorded", actorRole: "moderator", details: { decision: "partly_accepted", group: true } });
      expect(log.check.intact).toBe(true);
    }
    const seen = await describeSubmission(h.db, ids[3]);
    expect(seen.response).toMatchObject({ decision: "partly_accepted", text: "Mehr Abstellanlagen sind geplant; der Radweg bleibt.", ownLabel: null });
    expect(seen.responseState).toBe("answered");
  });

  it("refuses a decision outside the set, a statement of another procedure and a withdrawn one, storing nothing", async () => {
    const before = { responses: (await h.db.selectFrom("responses").select("id").execute()).length, audit: (await auditOf("consideration_recorded")).length, log: (await types(ids[1])).length };
    const other = await h.db.selectFrom("procedures").select("id").where("slug", "=", "buergerhaushalt-2027").executeTakeFirstOrThrow();
    await expect(recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[1]], moderatorId, decision: "maybe", text: "x" })).rejects.toMatchObject({ status: 400 });
    await expect(recordConsideration(h.db, { organisationId: orgId, procedureId: other.id, submissionIds: [ids[1]], moderatorId, decision: "noted", text: "x" })).rejects.toMatchObject({ status: 404 });
    await expect(recordConsideration(h.db, { organisationId: orgId + 1000, procedureId: procedure.id, submissionIds: [ids[1]], moderatorId, decision: "noted", text: "x" })).rejects.toMatchObject({ status: 404 });
    const withdrawn = await submit("Ich ziehe das zurück.");
    await withdrawSubmission(h.db, withdrawn);
    await expect(recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[1], withdrawn], moderatorId, decision: "noted", text: "x" })).rejects.toMatchObject({ status: 409 });
    await h.db.deleteFrom("privacy_events").where("submission_id", "=", withdrawn).execute();
    await h.db.deleteFrom("answers").where("submission_id", "=", withdrawn).execute();
    await h.db.deleteFrom("submissions").where("id", "=", withdrawn).execute();
    expect((await h.db.selectFrom("responses").select("id").execute()).length).toBe(before.responses);
    expect((await auditOf("consideration_recorded")).length).toBe(before.audit);
    expect((await types(ids[1])).length).toBe(before.log);
  });

  it("answers given before considerations existed are considerations, in the table with their decision", async () => {
    const id = await submit("Mehr Licht im Stadtpark, bitte.");
    // an answer as the app wrote it before issue 19: the response, the link, a "response_given" log entry, no audit entry
    const at = new Date().toISOString();
    await h.db.transaction().execute(async (trx) => {
      const response = await trx
        .insertInto("responses")
        .values({ organisation_id: orgId, procedure_id: procedure.id, decision: "noted", text: "Zur Kenntnis genommen; Beleuchtung ist Sache des Grünflächenamts.", created_by: moderatorId, created_at: at, updated_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.updateTable("submissions").set({ response_id: response.id, response_state: "answered" }).where("id", "=", id).execute();
      await appendPrivacyEvent(trx, { organisationId: orgId, submissionId: id }, { type: "response_given", actorRole: "moderator", actorAccountId: moderatorId, categories: ["content"], purpose: "moderation", legalBasis: LEGAL_BASES.publicTask, details: { decision: "noted", group: false } });
    });
    const table = await printableWeighingTable(h.db, procedure, moderatorId);
    const row = table.rows.find((r) => r[0] === id)!;
    const col = (key: string) => table.columns.findIndex((c) => c.key === key);
    expect(row[col("decision")]).toBe("Zur Kenntnis genommen");
    expect(row[col("consideration")]).toBe("Zur Kenntnis genommen; Beleuchtung ist Sache des Grünflächenamts.");
    ids.push(id);
  });

  it("a municipality's own decision set: its decisions are offered, left-out ones stay readable on stored considerations", async () => {
    await h.db.transaction().execute((trx) =>
      saveDecisionSet(trx, orgId, [
        { key: "accepted", label: null },
        { key: "not_accepted", label: null },
        { key: "deferred", label: { de: "Zurückgestellt", en: "Deferred" } },
      ]),
    );
    const set = await decisionSet(h.db, orgId);
    expect(set.filter((d) => d.active).map((d) => d.key)).toEqual(["accepted", "not_accepted", "deferred"]);
    expect(set.find((d) => d.key === "noted")).toMatchObject({ active: false });
    await expect(recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[1]], moderatorId, decision: "noted", text: "x" })).rejects.toMatchObject({ status: 400 });
    await recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids[1]], moderatorId, decision: "deferred", text: "Wird mit dem Haushalt 2028 entschieden." });
    expect((await describeSubmission(h.db, ids[1])).response).toMatchObject({ decision: "deferred", ownLabel: "Zurückgestellt" });
    const table = await printableWeighingTable(h.db, procedure, moderatorId);
    const decision = table.columns.findIndex((c) => c.key === "decision");
    expect(table.rows.find((r) => r[0] === ids[1])![decision]).toBe("Zurückgestellt");
    // the standard decision no longer offered still labels the answer given with it
    expect(table.rows.find((r) => r[0] === ids.at(-1))![decision]).toBe("Zur Kenntnis genommen");
  });

  it("reads the wanted file from the address and query, and refuses anything else", () => {
    expect(parseWeighingRequest("xlsx", new URLSearchParams("variante=anonymisiert"))).toEqual({ format: "xlsx", variant: "anonymised", text: "redacted" });
    expect(parseWeighingRequest("odt", new URLSearchParams("variante=namentlich&text=original"))).toEqual({ format: "odt", variant: "named", text: "original" });
    for (const [format, query] of [
      ["xlsx", "variante=alles"],
      ["xlsx", ""],
      ["pdf", "variante=anonymisiert"],
      ["xlsx", "variante=anonymisiert&text=roh"],
      ["xlsx", "variante=anonymisiert&extra=1"],
      ["xlsx", "variante=anonymisiert&variante=namentlich"],
    ]) {
      expect(() => parseWeighingRequest(format, new URLSearchParams(query))).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it("a place a moderator withheld is left out of the anonymised table (it is handed on); staff still have it", async () => {
    const moderator = { organisationId: procedure.organisationId, accountId: moderatorId };
    const placeColumn = async () => {
      const file = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "xlsx", variant: "anonymised", text: "original" } });
      const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(await bytesOf(file.body), { type: "buffer" }).Sheets["Abwägung"], { header: 1, defval: "" });
      const column = (rows[0] as string[]).indexOf("Ort");
      return rows.find((r) => r[0] === ids[3])![column];
    };
    expect(await setPlaceWithheld(h.db, moderator, { submissionId: ids[3], withhold: true })).toBe("changed");
    try {
      expect(await placeColumn()).toBe("");
      expect((await placesOfSubmissions(h.db, [ids[3]])).get(ids[3])).toEqual({ cell: "B2", withheld: true });
    } finally {
      expect(await setPlaceWithheld(h.db, moderator, { submissionId: ids[3], withhold: false })).toBe("changed");
    }
    expect(await placeColumn()).toBe("Feld B2");
  });

  it("the anonymised XLSX: one row per statement under a frozen, filtered header, text cells and numbers, no formula, no personal data", async () => {
    const auditBefore = (await auditOf("weighing_table_exported")).length;
    const file = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "xlsx", variant: "anonymised", text: "original" } });
    const bytes = await bytesOf(file.body);
    const book = XLSX.read(bytes, { type: "buffer", cellFormula: true, cellStyles: true });
    expect(book.SheetNames).toEqual(["Abwägung"]);
    const sheet = book.Sheets["Abwägung"];
    const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, defval: "" });
    expect(rows[0]).toEqual(["Nr.", "Eingang", "Weg", "Abschnitt", "Ort", "Stellungnahme", "Entscheidung", "Abwägung", "Gemeinsame Abwägung", "Antwortende Stelle"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(ids.slice().sort((a, b) => a - b));
    for (const cell of Object.keys(sheet).filter((k) => !k.startsWith("!"))) expect(sheet[cell].f, `formula in ${cell}`).toBeUndefined();
    const phone = rows.find((r) => r[0] === ids[2])!;
    expect(phone[2]).toBe("Telefon");
    expect(phone[3]).toBe(""); // no section chosen
    expect(phone[4]).toBe(""); // no place given
    expect(phone[5]).toBe("=SUMME(1;2) Mehr Fahrradbügel am Bahnhof.");
    expect(sheet[`F${rows.indexOf(phone) + 1}`].t).toBe("s");
    expect(phone[8]).toMatch(/^A-\d+$/); // a common consideration
    expect(phone[9]).toBe(procedure.responsibleOffice);
    // the place: the words through the detector (Erika's own address goes), the cell, the point as longitude/latitude
    expect(rows.find((r) => r[0] === ids[0])![4]).toBe(`Vor meinem Haus, [Anschrift entfernt]\nFeld C4\n${ERIKAS_COORDINATES}`);
    expect(rows.find((r) => r[0] === ids[3])![4]).toBe("Feld B2");
    expect(typeof rows[1][0]).toBe("number");
    expect(sheet["!autofilter"]?.ref).toMatch(/^A1:J1/);
    // frozen header: the sheet's XML has a frozen pane below row 1
    const sheetXml = strFromU8(unzipSync(new Uint8Array(bytes))["xl/worksheets/sheet1.xml"]);
    expect(sheetXml).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheetXml).not.toMatch(/<f>/);
    // the long texts wrap: the text column's cells carry a style with wrapping, the number's does not
    const xfs = [...strFromU8(unzipSync(new Uint8Array(bytes))["xl/styles.xml"]).match(/<cellXfs[^>]*>(.*)<\/cellXfs>/)![1].matchAll(/<xf [^>]*?(?:\/>|>.*?<\/xf>)/g)].map((m) => m[0]);
    const styleOf = (ref: string) => xfs[Number(sheetXml.match(new RegExp(`<c r="${ref}" s="(\\d+)"`))![1])];
    expect(styleOf(`F${rows.indexOf(phone) + 1}`)).toContain('wrapText="1"');
    expect(styleOf(`A${rows.indexOf(phone) + 1}`)).not.toContain("wrapText");
    const all = JSON.stringify(rows);
    for (const p of PEOPLE) {
      expect(all).not.toContain(p.name);
      expect(all).not.toContain(p.email);
      expect(all).not.toContain("1234567");
      expect(all).not.toContain(p.address.split(",")[0]);
    }
    expect(all).toContain("[Telefonnummer entfernt]");
    const audit = await auditOf("weighing_table_exported");
    expect(audit.length).toBe(auditBefore + 1);
    expect(JSON.parse(audit.at(-1)!.details_json)).toMatchObject({ format: "xlsx", variant: "anonymised", text: "original", statements: ids.length });
    // the anonymised file opens no names: nobody's privacy log says so
    for (const id of ids) expect(await types(id)).not.toContain("named_in_weighing_table");
  });

  it("the named ODT: the council's table with names (never contact details), each name logged in its statement's privacy log", async () => {
    const file = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "odt", variant: "named", text: "redacted" } });
    expect(file.fileName).toBe(`abwaegung-${procedure.slug}-namentlich.odt`);
    const bytes = await bytesOf(file.body);
    // ODF: the stored `mimetype` entry comes first
    expect(bytes.subarray(30, 38).toString()).toBe("mimetype");
    const files = unzipSync(new Uint8Array(bytes));
    expect(strFromU8(files.mimetype)).toBe("application/vnd.oasis.opendocument.text");
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml"]));
    const content = new XMLParser({ ignoreAttributes: false, isArray: (name) => ["table:table-row", "table:table-cell", "text:p", "table:table"].includes(name) }).parse(strFromU8(files["content.xml"]));
    const table = content["office:document-content"]["office:body"]["office:text"]["table:table"][0];
    const cellText = (cell: any) => (cell["text:p"] ?? []).map((p: any) => (typeof p === "object" ? (p["#text"] ?? "") : String(p))).join("\n");
    const header = table["table:table-header-rows"]["table:table-row"][0]["table:table-cell"].map(cellText);
    // grouped by section: the section heads its group instead of being a column (none chosen yet: one group)
    expect(header).toEqual(["Nr.", "Eingang", "Weg", "Name", "Ort", "Stellungnahme", "Entscheidung", "Abwägung", "Gemeinsame Abwägung"]);
    expect(content["office:document-content"]["office:body"]["office:text"]["text:h"].map((h: any) => h["#text"])).toEqual([`Abwägungstabelle: ${procedure.title}`, "Zum Entwurf insgesamt"]);
    const rows = table["table:table-row"].map((r: any) => r["table:table-cell"].map(cellText));
    expect(rows.map((r: string[]) => Number(r[0]))).toEqual(ids.slice().sort((a, b) => a - b));
    const first = rows.find((r: string[]) => Number(r[0]) === ids[0]);
    expect(first[3]).toBe(PEOPLE[0].name);
    // internal: the place in the resident's own words, one line each
    expect(first[4]).toBe(`${ERIKAS_PLACE.description}\nFeld C4\n${ERIKAS_COORDINATES}`);
    expect(first[6]).toBe("Berücksichtigt");
    expect(first[7]).toBe("Die Stelle wird geprüft und entschärft.");
    const all = strFromU8(files["content.xml"]);
    // the contact block never: Erika's e-mail address is only there, both postal addresses too
    expect(all).not.toContain(PEOPLE[0].email);
    for (const p of PEOPLE) expect(all).not.toContain(p.address);
    // named: each statement whose name went out has the entry, the others do not
    for (const [i, id] of ids.entries()) expect((await types(id)).includes("named_in_weighing_table")).toBe(i < PEOPLE.length);
    expect(JSON.parse((await auditOf("weighing_table_exported")).at(-1)!.details_json)).toMatchObject({ format: "odt", variant: "named" });
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
  });

  it("the redacted text is the moderator's published version", async () => {
    const review = procedure.questions.find((x) => x.kind === "long_text")!;
    const answer = await h.db.selectFrom("answers").select("id").where("submission_id", "=", ids[3]).where("question_id", "=", review.id).executeTakeFirstOrThrow();
    const result = await publishSubmission(h.db, { organisationId: orgId, submissionId: ids[3], moderatorId, redactions: new Map([[answer.id, "Der Radweg an der [Straße entfernt] ist zu schmal."]]), confirmedChecked: true });
    expect(result.ok).toBe(true);
    const text = async (which: "original" | "redacted") => {
      const file = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "xlsx", variant: "anonymised", text: which } });
      const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(await bytesOf(file.body), { type: "buffer" }).Sheets["Abwägung"], { header: 1 });
      return rows.find((r) => r[0] === ids[3])![5];
    };
    expect(await text("redacted")).toBe("Der Radweg an der [Straße entfernt] ist zu schmal.");
    expect(await text("original")).toContain("Bahnhofstraße");
  });

  it("the document and the printable table are the council's table grouped by section: the whole draft first, then the draft's order", async () => {
    const sections = await sectionsOf(h.db, procedure);
    expect(sections.length).toBeGreaterThan(2);
    const [early, late] = [sections[1], sections.at(-1)!];
    // a later section for an earlier statement: the groups follow the draft, not the numbers
    await h.db.updateTable("submissions").set({ section_id: late.id }).where("id", "=", ids[0]).execute();
    await h.db.updateTable("submissions").set({ section_id: early.id }).where("id", "in", [ids[2], ids[3]]).execute();
    const file = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "odt", variant: "anonymised", text: "redacted" } });
    const xml = strFromU8(unzipSync(new Uint8Array(await bytesOf(file.body)))["content.xml"]);
    const body = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(xml)[1]["office:document-content"].find((n: any) => n["office:body"])["office:body"][0]["office:text"];
    // headings and each table's numbers, in document order
    const textOf = (nodes: any[]): string => nodes.map((n) => (n["#text"] !== undefined ? String(n["#text"]) : textOf(Object.values(n).find(Array.isArray) ?? []))).join("");
    const outline = body
      .filter((n: any) => n["text:h"] || n["table:table"])
      .map((n: any) => (n["text:h"] ? textOf(n["text:h"]) : n["table:table"].filter((r: any) => r["table:table-row"]).map((r: any) => Number(textOf(r["table:table-row"][0]["table:table-cell"])))));
    const whole = ids.filter((id) => ![ids[0], ids[2], ids[3]].includes(id)).sort((a, b) => a - b);
    expect(outline).toEqual([`Abwägungstabelle: ${procedure.title}`, "Zum Entwurf insgesamt", whole, `${early.number} ${early.title}`, [ids[2], ids[3]].sort((a, b) => a - b), `${late.number} ${late.title}`, [ids[0]]]);
    const table = await printableWeighingTable(h.db, procedure, moderatorId);
    expect(table.groups.map((g) => [g.title, g.rows.map((r) => r[0])])).toEqual([
      ["Zum Entwurf insgesamt", whole],
      [`${early.number} ${early.title}`, [ids[2], ids[3]].sort((a, b) => a - b)],
      [`${late.number} ${late.title}`, [ids[0]]],
    ]);
    expect(table.columns.map((c) => c.key)).not.toContain("section");
    // the spreadsheet stays one list in number order, the section a column to filter by
    const sheet = await exportWeighingTable(h.db, { procedure, moderatorId, request: { format: "xlsx", variant: "anonymised", text: "redacted" } });
    const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(await bytesOf(sheet.body), { type: "buffer" }).Sheets["Abwägung"], { header: 1 });
    expect(rows.slice(1).map((r) => r[0])).toEqual(ids.slice().sort((a, b) => a - b));
    expect(rows.find((r) => r[0] === ids[0])![3]).toBe(`${late.number} ${late.title}`);
    await h.db.updateTable("submissions").set({ section_id: null }).where("id", "in", ids).execute();
  });
});

describe.each(engines)("the demo's concluded procedure on %s", (engine) => {
  let t: TestDatabase;
  let h: DatabaseHandle;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    h = openDatabase(t.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    await seedDemoAccounts(h.db);
    expect(await seedDemoConcludedProcedure(h.db)).toBe(true);
  });
  afterAll(async () => {
    await h?.close();
    await t?.drop();
  });

  it("has its statements considered and its results published, once", async () => {
    const p = await h.db.selectFrom("procedures").select(["id", "status", "results_summary"]).where("slug", "=", DEMO_CONCLUDED_SLUG).executeTakeFirstOrThrow();
    expect(p.status).toBe("results_published");
    expect(p.results_summary).toContain("Wasser- und Matschanlage");
    const rows = await h.db.selectFrom("submissions").select(["state", "response_state"]).where("procedure_id", "=", p.id).execute();
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.response_state === "answered")).toBe(true);
    expect(rows.filter((r) => r.state === "not_published")).toHaveLength(1);
    expect(rows.filter((r) => r.state === "published_redacted").length).toBeGreaterThan(0);
    expect(await seedDemoConcludedProcedure(h.db)).toBe(false);
  });

  it("its anonymised weighing table holds no name, e-mail address, phone number or street address from the demo data", async () => {
    const p = await h.db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", DEMO_CONCLUDED_SLUG).executeTakeFirstOrThrow();
    const procedure = await procedureForModeration(h.db, p.organisation_id, p.id);
    const moderator = await h.db.selectFrom("accounts").select("id").where("email", "=", "moderation@demo.example").executeTakeFirstOrThrow();
    for (const [format, text] of [
      ["xlsx", "original"],
      ["odt", "original"],
      ["xlsx", "redacted"],
    ] as const) {
      const file = await exportWeighingTable(h.db, { procedure, moderatorId: moderator.id, request: { format, variant: "anonymised", text } });
      const bytes = await bytesOf(file.body);
      const all =
        format === "xlsx"
          ? JSON.stringify(XLSX.utils.sheet_to_json(XLSX.read(bytes, { type: "buffer" }).Sheets["Abwägung"], { header: 1 }))
          : strFromU8(unzipSync(new Uint8Array(bytes))["content.xml"]);
      expect(all).toContain("Wasser");
      for (const personal of ["Lena Hoffmann", "Hoffmann", "Hans Becker", "Irmgard Schulz", "Walter König", "Sven Krüger", "Petra Lange", "lena.hoffmann@example.org", "familie.yilmaz@example.net", "s.krueger@example.org", "0511 7654321", "7654321", "Lindenweg 4", "Am Markt 9", "Lindenstraße 21", "30159"]) {
        expect(all, `${format}/${text}: ${personal}`).not.toContain(personal);
      }
    }
  });
});
