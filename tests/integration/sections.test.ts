/**
 * Numbered sections against real databases (SQLite always, PostgreSQL with TEST_DATABASE_URL): a
 * draft numbers its text live, opening fixes the sections, an opened procedure's headings stay as
 * they were (its text between them may change), and a statement keeps the section it was sent for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { addQuestion } from "~/modules/procedures/admin-questions.server";
import { createProcedure, getProcedureForAdmin, updateProcedure } from "~/modules/procedures/admin-procedures.server";
import { openProcedure } from "~/modules/procedures/lifecycle.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { sectionByNumber } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const form = (fields: Record<string, string>) => new Map(Object.entries(fields).map(([k, v]) => [k, [v]]));
const DAY = 86_400_000;
const day = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);
const BODY = "Worum es geht.\n\n# Ausgangslage\n\nDer Spielplatz ist alt.\n\n# Pläne\n\n## Schaukeln\n\nZwei neue.\n\n## Sandkasten\n\nGrößer.";

describe.each(engines)("numbered sections on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let org: number;
  const db = () => handle.db;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    await migrateToLatest(handle.db);
    await seedDemoIfEmpty(handle.db);
    org = (await findOrganisationBySlug(handle.db, "musterstadt"))!.id;
  });
  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  const details = (body: string) => ({
    title: "Spielplatz am Stadtpark",
    slug: "",
    summary: "Der Spielplatz wird erneuert.",
    body,
    kind: "survey",
    legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsible_office: "Fachbereich Grün",
    opens_on: day(-1),
    closes_on: day(30),
    retention_months: "6",
    publication_policy: "Statistik.",
    contact_name: "off",
    contact_name_purpose: "",
    contact_address: "off",
    contact_address_purpose: "",
    contact_email: "off",
    contact_email_purpose: "",
    contact_phone: "off",
    contact_phone_purpose: "",
  });

  it("numbers a draft's text live and fixes the sections when it opens", async () => {
    const created = await createProcedure(db(), org, form(details(BODY)));
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    await addQuestion(db(), org, created.id, form({ kind: "long_text", label: "Was wünschen Sie sich?", hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "" }));
    const draft = (await getProcedureForAdmin(db(), org, created.id))!;
    expect((await sectionsOf(db(), draft)).map((s) => [s.id, s.number, s.title])).toEqual([
      [0, "1", "Ausgangslage"],
      [0, "2", "Pläne"],
      [0, "2.1", "Schaukeln"],
      [0, "2.2", "Sandkasten"],
    ]);
    // a draft's text may change its headings freely
    expect(await updateProcedure(db(), org, created.id, form({ ...details(`${BODY}\n\n# Zeitplan\n\nIm Sommer.`), slug: draft.slug }))).toMatchObject({ ok: true });

    expect(await openProcedure(db(), org, created.id)).toMatchObject({ ok: true });
    const open = (await findPublicProcedure(db(), org, draft.slug))!;
    const fixed = await sectionsOf(db(), open);
    expect(fixed.map((s) => `${s.number} ${s.title}`)).toEqual(["1 Ausgangslage", "2 Pläne", "2.1 Schaukeln", "2.2 Sandkasten", "3 Zeitplan"]);
    expect(fixed.every((s) => s.id > 0)).toBe(true);
    // read again (or by a second instance at the same time): the same rows, nothing stored twice
    const [again, parallel] = await Promise.all([sectionsOf(db(), open), sectionsOf(db(), open)]);
    expect(again).toEqual(fixed);
    expect(parallel).toEqual(fixed);
    const rows = await db().selectFrom("procedure_sections").select("id").where("procedure_id", "=", open.id).execute();
    expect(rows).toHaveLength(5);
  });

  it("keeps an opened procedure's headings: the text between them may be corrected, a heading not", async () => {
    const open = (await findPublicProcedure(db(), org, "spielplatz-am-stadtpark"))!;
    const body = `${BODY}\n\n# Zeitplan\n\nIm Sommer.`;
    const editable = (text: string) => form({ title: open.title, summary: open.summary, body: text, responsible_office: open.responsibleOffice, closes_on: day(30) });

    const corrected = await updateProcedure(db(), org, open.id, editable(body.replace("Größer.", "Doppelt so groß.")));
    expect(corrected).toMatchObject({ ok: true, changed: ["body"] });

    for (const changed of [body.replace("# Pläne", "# Unsere Pläne"), body.replace("## Sandkasten\n\nGrößer.", ""), `${body}\n\n# Kosten`]) {
      const refused = await updateProcedure(db(), org, open.id, editable(changed));
      expect(refused).toMatchObject({ ok: false, status: 400, errors: [{ field: "body", message: "errors.sectionsFixed" }] });
    }
    expect((await findPublicProcedure(db(), org, open.slug))!.body).toContain("Doppelt so groß.");
  });

  it("stores the section a statement was sent for, and none for the draft as a whole", async () => {
    const open = (await findPublicProcedure(db(), org, "spielplatz-am-stadtpark"))!;
    const sections = await sectionsOf(db(), open);
    const q = open.questions[0];
    const send = async (sectionId: number | null) => {
      const draftId = await saveDraft(db(), { draftId: null, procedureId: open.id, input: { answers: [{ questionId: q.id, values: ["Mehr Schatten"] }], contact: {}, sectionId }, language: "de" });
      return (await submitDraft(db(), { draftId, procedure: open })).submissionId;
    };
    const about = await send(sectionByNumber(sections, "2.1")!.id);
    const whole = await send(null);
    const stored = await db().selectFrom("submissions").select(["id", "section_id"]).where("id", "in", [about, whole]).orderBy("id").execute();
    expect(stored).toEqual([
      { id: about, section_id: sectionByNumber(sections, "2.1")!.id },
      { id: whole, section_id: null },
    ]);
  });

  it("fixes the demo's open consultation from its text, numbered like its PDF", async () => {
    const plan = (await findPublicProcedure(db(), org, "radverkehrsplan-2030"))!;
    const sections = await sectionsOf(db(), plan);
    expect(sections.map((s) => `${s.number} ${s.title}`)).toContain("3.2 Radwege in der Innenstadt");
    expect(sections).toHaveLength(9);
  });
});
