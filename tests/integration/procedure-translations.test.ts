/**
 * Translations of a procedure's own content against real databases (SQLite always, PostgreSQL with
 * TEST_DATABASE_URL): saving with the German limits, each piece falling back to German on its own
 * with its language, coverage, translating in every state without unfreezing anything, the demo
 * seed's complete English and partial Turkish translations, and nothing across organisations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { HttpError } from "~/modules/http/errors";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { addQuestion } from "~/modules/procedures/admin-questions.server";
import { closeProcedure, openProcedure, archiveProcedure } from "~/modules/procedures/lifecycle.server";
import { createProcedure, getProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { berlinDay } from "~/i18n/dates";
import { findPublicProcedure, listPublicProcedures } from "~/modules/procedures/procedures.server";
import { languageNote, pieceLanguages, translatablePieces } from "~/modules/procedures/translations";
import { procedureForReader, readTranslation, saveTranslation, translationStates } from "~/modules/procedures/translations.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

type Fields = Record<string, string>;
const form = (fields: Fields) => new Map(Object.entries(fields).map(([k, v]) => [k, [v]]));
const DAY = 86_400_000;
const inDays = (n: number) => berlinDay(new Date(Date.now() + n * DAY).toISOString());

describe.each(engines)("procedure translations on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let org: number;
  let otherOrg: number;
  const db = () => handle.db;

  /** A draft with a choice question (options "Ja, gern" / "Eher nicht") and a scale. */
  async function draftWithQuestions() {
    const r = await createProcedure(
      db(),
      org,
      form({
        title: `Spielplatz ${Math.random().toString(36).slice(2, 8)}`,
        slug: "",
        summary: "Was wünschen Sie sich?",
        body: "Der Spielplatz wird erneuert.",
        kind: "survey",
        legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
        responsible_office: "Fachbereich Grün",
        opens_on: inDays(-1),
        closes_on: inDays(30),
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
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const choice = await addQuestion(db(), org, r.id, form({ kind: "single_choice", label: "Kommen Sie?", hint: "", max_length: "", options: "Ja, gern\nEher nicht", scale_min_label: "", scale_max_label: "" }));
    const scale = await addQuestion(db(), org, r.id, form({ kind: "scale", label: "Wie gefällt er?", hint: "", max_length: "", options: "", scale_min_label: "gar nicht", scale_max_label: "sehr" }));
    if (!choice.ok || !scale.ok) throw new Error("questions not added");
    return { id: r.id, choiceId: choice.id, scaleId: scale.id, procedure: async () => (await getProcedureForAdmin(db(), org, r.id))! };
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    await migrateToLatest(handle.db);
    await seedDemoIfEmpty(handle.db);
    org = (await findOrganisationBySlug(handle.db, "musterstadt"))!.id;
    otherOrg = (
      await handle.db
        .insertInto("organisations")
        .values({ slug: "nachbarstadt", name: "Nachbarstadt", postal_address: "", controller_name: "", controller_contact: "", dpo_name: "", dpo_contact: "", accessibility_contact: "", supervisory_authority: "", created_at: new Date().toISOString() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });

  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it("saves a partial translation; each piece falls back to German on its own, with its language", async () => {
    const d = await draftWithQuestions();
    const r = await saveTranslation(db(), org, await d.procedure(), "en", form({ title: "Playground", [`q${d.choiceId}_label`]: "Are you coming?", [`q${d.choiceId}_o1`]: "Yes, gladly" }), null);
    expect(r).toMatchObject({ ok: true, changed: 3, coverage: "partial" });

    const seen = await procedureForReader(db(), await d.procedure(), "en");
    expect([seen.title, seen.langs.title]).toEqual(["Playground", "en"]);
    expect([seen.summary, seen.langs.summary]).toEqual(["Was wünschen Sie sich?", "de"]);
    const choice = seen.questions.find((q) => q.id === d.choiceId)!;
    expect([choice.label, choice.langs.label]).toEqual(["Are you coming?", "en"]);
    // option values unchanged; labels translated one by one
    expect(choice.options).toEqual([
      { value: "ja-gern", label: "Yes, gladly" },
      { value: "eher-nicht", label: "Eher nicht" },
    ]);
    expect(choice.langs.options).toEqual({ "ja-gern": "en", "eher-nicht": "de" });
    const scale = seen.questions.find((q) => q.id === d.scaleId)!;
    expect(scale.scale).toMatchObject({ minLabel: "gar nicht", maxLabel: "sehr" });
    expect(seen.coverage).toBe("partial");
    expect(languageNote("en", pieceLanguages(seen))).toBe("partial");

    // German readers and languages without a translation see the original
    const german = await procedureForReader(db(), await d.procedure(), "de");
    expect([german.title, german.coverage]).toEqual([(await d.procedure()).title, "complete"]);
    expect(languageNote("de", pieceLanguages(german))).toBeNull();
    const polish = await procedureForReader(db(), await d.procedure(), "pl");
    expect(polish.coverage).toBe("none");
    expect(new Set(pieceLanguages(polish))).toEqual(new Set(["de"]));
    expect(languageNote("pl", pieceLanguages(polish))).toBe("none");
  });

  it("reports complete once every piece is translated, and the admin overview lists every language", async () => {
    const d = await draftWithQuestions();
    const p = await d.procedure();
    const fields = Object.fromEntries(translatablePieces(p).map((piece) => [piece.field, `EN ${piece.source}`]));
    expect(await saveTranslation(db(), org, p, "en", form(fields), null)).toMatchObject({ ok: true, coverage: "complete" });
    const seen = await procedureForReader(db(), p, "en");
    expect(seen.coverage).toBe("complete");
    expect(languageNote("en", pieceLanguages(seen))).toBeNull();
    expect(seen.questions.find((q) => q.id === d.scaleId)!.scale).toMatchObject({ minLabel: "EN gar nicht", maxLabel: "EN sehr" });

    const states = await translationStates(db(), p);
    expect(states.map((s) => s.language)).toEqual(["de-x-ls", "en", "tr", "ar", "uk", "ru", "pl"]);
    expect(states.find((s) => s.language === "en")!.coverage).toBe("complete");
    expect(states.find((s) => s.language === "ar")!.coverage).toBe("none");

    // emptying a field takes that piece back to German
    expect(await saveTranslation(db(), org, p, "en", form({ ...fields, title: "" }), null)).toMatchObject({ ok: true, changed: 1, coverage: "partial" });
    expect((await procedureForReader(db(), p, "en")).langs.title).toBe("de");
    // the same again changes nothing
    expect(await saveTranslation(db(), org, p, "en", form({ ...fields, title: "" }), null)).toMatchObject({ ok: true, changed: 0 });
  });

  it("applies the German fields' limits and stores nothing when one is exceeded", async () => {
    const d = await draftWithQuestions();
    const p = await d.procedure();
    const r = await saveTranslation(db(), org, p, "tr", form({ title: "x".repeat(301), summary: "ok", [`q${d.choiceId}_o2`]: "y".repeat(201), [`q${d.scaleId}_min`]: "z".repeat(101) }), null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([
      { field: "title", message: "errors.tooLong", params: { max: 300, length: 301 } },
      { field: `q${d.choiceId}_o2`, message: "errors.tooLong", params: { max: 200, length: 201 } },
      { field: `q${d.scaleId}_min`, message: "errors.tooLong", params: { max: 100, length: 101 } },
    ]);
    expect(await readTranslation(db(), p.id, "tr")).toBeNull();
    // a line break in a one-line field, a control character anywhere
    const bad = await saveTranslation(db(), org, p, "tr", form({ title: "a\nb", summary: "c\u0007" }), null);
    expect(bad.ok ? [] : bad.errors.map((e) => e.message)).toEqual(["errors.forbiddenCharacters", "errors.forbiddenCharacters"]);
    expect(await readTranslation(db(), p.id, "tr")).toBeNull();
  });

  it("refuses fields no form of ours sends, and another organisation's procedure", async () => {
    const d = await draftWithQuestions();
    const p = await d.procedure();
    await expect(saveTranslation(db(), org, p, "en", form({ status: "open" }), null)).rejects.toBeInstanceOf(HttpError);
    await expect(saveTranslation(db(), org, p, "en", new Map([["title", ["a", "b"]]]), null)).rejects.toBeInstanceOf(HttpError);
    await expect(saveTranslation(db(), otherOrg, p, "en", form({ title: "x" }), null)).rejects.toMatchObject({ status: 404 });
    expect(await readTranslation(db(), p.id, "en")).toBeNull();
  });

  it("translates in every state without changing state, questions or answers' values", async () => {
    const d = await draftWithQuestions();
    const snapshot = async () => ({
      procedure: await db().selectFrom("procedures").select(["status", "title", "updated_at"]).where("id", "=", d.id).executeTakeFirstOrThrow(),
      questions: await db().selectFrom("questions").selectAll().where("procedure_id", "=", d.id).orderBy("id").execute(),
    });
    for (const step of [null, openProcedure, closeProcedure, archiveProcedure]) {
      if (step) expect((await step(db(), org, d.id)).ok).toBe(true);
      const before = await snapshot();
      const r = await saveTranslation(db(), org, await d.procedure(), "ar", form({ title: `عنوان ${before.procedure.status}` }), null);
      expect(r.ok).toBe(true);
      expect(await snapshot()).toEqual(before);
      expect((await readTranslation(db(), d.id, "ar"))!.title).toBe(`عنوان ${before.procedure.status}`);
    }
  });

  it("seeds the cycling plan complete in English and partly in Turkish; the list shows translated titles", async () => {
    const p = (await findPublicProcedure(db(), org, "radverkehrsplan-2030"))!;
    const en = await procedureForReader(db(), p, "en");
    expect(en.coverage).toBe("complete");
    expect(en.title).toBe("Cycling Plan 2030 – draft for comment");
    const tr = await procedureForReader(db(), p, "tr");
    expect(tr.coverage).toBe("partial");
    expect(tr.langs).toEqual({ title: "tr", summary: "tr", body: "de" });

    const list = await listPublicProcedures(db(), org, new Date(), "en");
    const cycling = list.open.find((i) => i.slug === "radverkehrsplan-2030")!;
    expect(cycling).toMatchObject({ title: "Cycling Plan 2030 – draft for comment", titleLang: "en", summaryLang: "en" });
    const budget = list.open.find((i) => i.slug === "buergerhaushalt-2027")!;
    expect(budget).toMatchObject({ titleLang: "de", summaryLang: "de" });
  });
});
