/**
 * Procedure administration against real databases (SQLite always, PostgreSQL with
 * TEST_DATABASE_URL): the create/edit form's rules, unique addresses, the question editor, the
 * freeze once a procedure opens (a draft copy changes nothing residents answered), the lifecycle,
 * and that nothing crosses organisations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { HttpError } from "~/modules/http/errors";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { addQuestion, moveQuestion, removeQuestion, updateQuestion } from "~/modules/procedures/admin-questions.server";
import { archiveProcedure, closeProcedure, openProcedure, reopenDayFor, reopenProcedure } from "~/modules/procedures/lifecycle.server";
import { copyAsDraft, createProcedure, getProcedureForAdmin, updateProcedure } from "~/modules/procedures/admin-procedures.server";
import { optionValues } from "~/modules/procedures/question-form.server";
import { slugify } from "~/modules/procedures/slugs";
import { berlinDay, parseDay } from "~/i18n/dates";
import { findPublicProcedure, listPublicProcedures } from "~/modules/procedures/procedures.server";
import { saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { validateSubmission } from "~/modules/submissions/validation";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

type Fields = Record<string, string | string[]>;
const form = (fields: Fields) => new Map(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

const DAY = 86_400_000;
const today = () => berlinDay(new Date().toISOString());
const inDays = (n: number) => berlinDay(new Date(Date.now() + n * DAY).toISOString());

const details = (overrides: Fields = {}): Fields => ({
  title: "Spielplatz am Stadtpark: Ihre Wünsche",
  slug: "",
  summary: "Der Spielplatz am Stadtpark wird erneuert. Was wünschen Sie sich?",
  body: "# Worum es geht\n\nDer Spielplatz ist **30 Jahre** alt.\n\n- Schaukeln\n- Sandkasten",
  kind: "survey",
  legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
  responsible_office: "Fachbereich Grün",
  opens_on: "2030-03-31",
  closes_on: "2030-04-30",
  retention_months: "6",
  publication_policy: "Die Ergebnisse werden als Statistik veröffentlicht.",
  contact_name: "off",
  contact_name_purpose: "",
  contact_address: "off",
  contact_address_purpose: "",
  contact_email: "optional",
  contact_email_purpose: "damit wir Ihnen das Ergebnis schicken können",
  contact_phone: "off",
  contact_phone_purpose: "",
  ...overrides,
});

const question = (overrides: Fields = {}): Fields => ({
  kind: "long_text",
  label: "Was wünschen Sie sich?",
  hint: "",
  max_length: "",
  options: "",
  scale_min_label: "",
  scale_max_label: "",
  ...overrides,
});

describe.each(engines)("procedure administration on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let org: number;
  let otherOrg: number;
  const db = () => handle.db;

  const count = async (table: "procedures" | "questions" | "answers" | "submissions") =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  const created = async (overrides: Fields = {}, organisationId = org) => {
    const r = await createProcedure(db(), organisationId, form(details(overrides)));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r;
  };
  const added = async (procedureId: number, overrides: Fields = {}) => {
    const r = await addQuestion(db(), org, procedureId, form(question(overrides)));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.id;
  };
  const labels = async (procedureId: number) => (await getProcedureForAdmin(db(), org, procedureId))!.questions.map((q) => q.label);
  const rejection = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
  const refusedReopen = async (p: Promise<unknown>) => ((await p) as { errors?: { message: string }[] }).errors?.map((e) => e.message);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    await migrateToLatest(handle.db);
    await seedDemoIfEmpty(handle.db);
    org = (await findOrganisationBySlug(handle.db, "musterstadt"))!.id;
    const now = new Date().toISOString();
    otherOrg = (await handle.db.insertInto("organisations").values({ slug: "nachbarstadt", name: "Nachbarstadt", postal_address: "", controller_name: "", controller_contact: "", dpo_name: "", dpo_contact: "", accessibility_contact: "", supervisory_authority: "", created_at: now }).returning("id").executeTakeFirstOrThrow()).id;
  });

  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it("creates a draft that residents do not see, with its address made from the title and Berlin-time dates", async () => {
    const r = await created();
    expect(r.slug).toBe("spielplatz-am-stadtpark-ihre-wuensche");
    const p = (await getProcedureForAdmin(db(), org, r.id))!;
    expect(p).toMatchObject({ status: "draft", kind: "survey", retentionMonths: 6, derivedFromId: null, submissionCount: 0 });
    // 31 March 2030 is the day the clocks change: midnight is still CET (UTC+1), the evening CEST (UTC+2)
    expect(p.opensAt).toBe("2030-03-30T23:00:00.000Z");
    expect(p.closesAt).toBe("2030-04-30T21:59:59.000Z");
    expect(p.contactFields).toEqual([{ key: "email", mode: "optional", purpose: "damit wir Ihnen das Ergebnis schicken können" }]);
    expect(p.formValues).toMatchObject({ opens_on: "2030-03-31", closes_on: "2030-04-30", contact_phone: "off" });
    expect(await findPublicProcedure(db(), org, r.slug)).toBeUndefined();
    const list = await listPublicProcedures(db(), org);
    expect([...list.open, ...list.upcoming, ...list.closed].map((i) => i.slug)).not.toContain(r.slug);
  });

  it("brings every mistake in the details back as a field error and stores nothing", async () => {
    const before = await count("procedures");
    const empty = await createProcedure(db(), org, form({}));
    expect(empty.ok).toBe(false);
    if (empty.ok) return;
    expect(empty.status).toBe(400);
    expect(empty.errors.map((e) => e.field)).toEqual([
      "title",
      "summary",
      "body",
      "kind",
      "legal_basis",
      "responsible_office",
      "opens_on",
      "closes_on",
      "retention_months",
      "publication_policy",
      "contact_name",
      "contact_address",
      "contact_email",
      "contact_phone",
    ]);
    expect(empty.errors[0].message).toBe("errors.required.title");

    const wrong = await createProcedure(
      db(),
      org,
      form(
        details({
          title: "T".repeat(301),
          slug: "Nicht Gültig!",
          kind: "referendum",
          opens_on: "2030-02-30",
          closes_on: "gestern",
          retention_months: "121",
          contact_phone: "required",
          contact_phone_purpose: "",
          summary: "Bidi \u202E override",
        }),
      ),
    );
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(Object.fromEntries(wrong.errors.map((e) => [e.field, e.message]))).toEqual({
      title: "errors.tooLong",
      slug: "errors.slugFormat",
      summary: "errors.forbiddenCharacters",
      kind: "errors.invalidChoice",
      opens_on: "errors.invalidDate",
      closes_on: "errors.invalidDate",
      retention_months: "errors.retentionRange",
      contact_phone_purpose: "errors.purposeRequired.phone",
    });
    // what was typed comes back to be corrected
    expect(wrong.values.slug).toBe("nicht gültig!");

    const order = await createProcedure(db(), org, form(details({ opens_on: "2030-05-01", closes_on: "30.4.2030", retention_months: "0" })));
    expect(!order.ok && order.errors.map((e) => e.message)).toEqual(["errors.closesBeforeOpens", "errors.retentionRange"]);
    expect(await count("procedures")).toBe(before);
  });

  it("refuses fields no form sends (400) and stores nothing", async () => {
    const before = await count("procedures");
    const unknown = await rejection(createProcedure(db(), org, form({ ...details(), status: "open" })));
    expect(unknown).toBeInstanceOf(HttpError);
    expect(unknown).toMatchObject({ status: 400, reason: "unknown_field" });
    const repeated = await rejection(createProcedure(db(), org, form({ ...details(), title: ["a", "b"] })));
    expect(repeated).toMatchObject({ status: 400, reason: "repeated_field" });
    expect(await count("procedures")).toBe(before);
  });

  it("keeps addresses unique within an organisation, not across organisations", async () => {
    const taken = await createProcedure(db(), org, form(details({ slug: "radverkehrsplan-2030" })));
    expect(!taken.ok && taken.errors).toEqual([{ field: "slug", message: "errors.slugTaken" }]);
    const elsewhere = await created({ slug: "radverkehrsplan-2030" }, otherOrg);
    expect(elsewhere.slug).toBe("radverkehrsplan-2030");
    const mine = await created({ slug: "eindeutig" });
    const clash = await updateProcedure(db(), org, mine.id, form(details({ slug: "buergerhaushalt-2027" })));
    expect(!clash.ok && clash.errors).toEqual([{ field: "slug", message: "errors.slugTaken" }]);
    expect((await getProcedureForAdmin(db(), org, mine.id))!.slug).toBe("eindeutig");
  });

  it("saves edits of a draft and names what changed", async () => {
    const { id } = await created({ slug: "bearbeiten" });
    const same = await updateProcedure(db(), org, id, form(details({ slug: "bearbeiten" })));
    expect(same).toEqual({ ok: true, changed: [] });
    const r = await updateProcedure(db(), org, id, form(details({ slug: "bearbeiten-neu", title: "Neuer Titel", contact_email: "off", closes_on: "2030-05-31" })));
    expect(r).toEqual({ ok: true, changed: expect.arrayContaining(["slug", "title", "contact_email", "contact_email_purpose", "closes_at"]) });
    const p = (await getProcedureForAdmin(db(), org, id))!;
    expect(p).toMatchObject({ slug: "bearbeiten-neu", title: "Neuer Titel", contactFields: [], closesAt: "2030-05-31T21:59:59.000Z" });
    // a purpose for data that are not asked for is not kept
    expect(p.formValues.contact_email_purpose).toBe("");
  });

  it("adds, edits, reorders and removes questions of a draft", async () => {
    const { id } = await created({ slug: "fragen" });
    const a = await added(id, { kind: "short_text", label: "A", max_length: "120" });
    const b = await added(id, { kind: "single_choice", label: "B", options: "Zu Fuß\r\n\r\n  Mit dem Rad  \nMit dem Rad!\n" });
    const c = await added(id, { kind: "scale", label: "C", scale_min_label: "schlecht", scale_max_label: "gut", required: "yes" });
    let p = (await getProcedureForAdmin(db(), org, id))!;
    expect(p.questions.map((q) => [q.label, q.position, q.kind, q.required])).toEqual([
      ["A", 1, "short_text", false],
      ["B", 2, "single_choice", false],
      ["C", 3, "scale", true],
    ]);
    expect(p.questions[0].maxLength).toBe(120);
    expect(p.questions[1].options).toEqual([
      { value: "zu-fuss", label: "Zu Fuß" },
      { value: "mit-dem-rad", label: "Mit dem Rad" },
      { value: "mit-dem-rad-2", label: "Mit dem Rad!" },
    ]);
    expect(p.questions[2].scale).toMatchObject({ min: 1, max: 5, minLabel: "schlecht", maxLabel: "gut" });

    // the editor's rules: limits per kind, 2–20 options, no duplicates, scale labels
    const bad = async (fields: Fields) => {
      const r = await addQuestion(db(), org, id, form(question(fields)));
      return r.ok ? null : r.errors.map((e) => `${e.field}:${e.message}`);
    };
    expect(await bad({ kind: "short_text", max_length: "501" })).toEqual(["max_length:errors.maxLengthRange"]);
    expect(await bad({ kind: "long_text", max_length: "10001" })).toEqual(["max_length:errors.maxLengthRange"]);
    expect(await bad({ kind: "single_choice", options: "Nur eine" })).toEqual(["options:errors.optionsCount"]);
    expect(await bad({ kind: "multiple_choice", options: Array.from({ length: 21 }, (_, i) => `O${i}`).join("\n") })).toEqual(["options:errors.optionsCount"]);
    expect(await bad({ kind: "multiple_choice", options: "Ja\nja" })).toEqual(["options:errors.optionsDuplicate"]);
    expect(await bad({ kind: "scale", scale_max_label: "gut" })).toEqual(["scale_min_label:errors.required.scale_min_label"]);
    expect(await bad({ kind: "essay", label: "" })).toEqual(["kind:errors.invalidChoice", "label:errors.required.label"]);
    expect(await bad({ required: "maybe" })).toEqual(["required:errors.invalidChoice"]);
    await expect(addQuestion(db(), org, id, form({ ...question(), position: "1" }))).rejects.toMatchObject({ status: 400, reason: "unknown_field" });
    expect(await labels(id)).toEqual(["A", "B", "C"]);

    const edited = await updateQuestion(db(), org, id, a, form(question({ kind: "long_text", label: "A2", max_length: "10000", hint: "Hinweis" })));
    expect(edited).toEqual({ ok: true, changed: ["kind", "label", "hint", "max_length"] });
    expect((await getProcedureForAdmin(db(), org, id))!.questions[0]).toMatchObject({ label: "A2", kind: "long_text", maxLength: 10000, hint: "Hinweis" });
    const invalidEdit = await updateQuestion(db(), org, id, a, form(question({ label: "" })));
    expect(invalidEdit.ok).toBe(false);
    expect(await labels(id)).toEqual(["A2", "B", "C"]);

    expect(await moveQuestion(db(), org, id, c, "up")).toEqual({ ok: true, moved: true, position: 2 });
    expect(await labels(id)).toEqual(["A2", "C", "B"]);
    expect(await moveQuestion(db(), org, id, a, "up")).toEqual({ ok: true, moved: false, position: 1 });
    expect(await moveQuestion(db(), org, id, a, "down")).toEqual({ ok: true, moved: true, position: 2 });
    expect(await labels(id)).toEqual(["C", "A2", "B"]);
    expect(await moveQuestion(db(), org, id, b, "down")).toEqual({ ok: true, moved: false, position: 3 });

    expect(await removeQuestion(db(), org, id, c)).toEqual({ ok: true, label: "C" });
    p = (await getProcedureForAdmin(db(), org, id))!;
    expect(p.questions.map((q) => [q.label, q.position])).toEqual([
      ["A2", 1],
      ["B", 2],
    ]);
    // a question of another procedure is not found through this one
    const other = await created({ slug: "andere-fragen" });
    const foreign = await added(other.id, { label: "Fremd" });
    await expect(removeQuestion(db(), org, id, foreign)).rejects.toMatchObject({ status: 404 });
    await expect(moveQuestion(db(), org, id, foreign, "up")).rejects.toMatchObject({ status: 404 });
    await expect(updateQuestion(db(), org, id, foreign, form(question()))).rejects.toMatchObject({ status: 404 });
    expect(await labels(other.id)).toEqual(["Fremd"]);
  });

  it("freezes the questions once open; a draft copy changes nothing residents answered", async () => {
    const { id, slug } = await created({ slug: "eingefroren", opens_on: today(), closes_on: inDays(30), contact_email: "off", contact_email_purpose: "" });
    const q1 = await added(id, { kind: "long_text", label: "Ihre Meinung", required: "yes" });
    const q2 = await added(id, { kind: "yes_no", label: "Kommen Sie oft?" });
    expect(await openProcedure(db(), org, id)).toEqual({ ok: true, from: "draft", to: "open" });

    // a resident answers
    const procedure = (await findPublicProcedure(db(), org, slug))!;
    const checked = validateSubmission(procedure, form({ [`q${q1}`]: "Mehr Schatten, bitte.", [`q${q2}`]: "yes" }));
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const draftId = await saveDraft(db(), { draftId: null, procedureId: id, input: checked.input, language: "de" });
    const { submissionId } = await submitDraft(db(), { draftId, procedure });

    const snapshot = async () => ({
      procedure: await db().selectFrom("procedures").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
      questions: await db().selectFrom("questions").selectAll().where("procedure_id", "=", id).orderBy("id").execute(),
      answers: await db().selectFrom("answers").selectAll().where("submission_id", "=", submissionId).orderBy("id").execute(),
    });
    const before = await snapshot();
    expect(before.answers.map((a) => a.value)).toEqual(["Mehr Schatten, bitte.", "yes"]);

    const frozen = { ok: false, status: 409, errors: [{ field: "questions", message: "errors.questionsFrozen" }] };
    expect(await addQuestion(db(), org, id, form(question()))).toMatchObject(frozen);
    expect(await updateQuestion(db(), org, id, q1, form(question({ label: "Geändert" })))).toMatchObject(frozen);
    expect(await moveQuestion(db(), org, id, q2, "up")).toMatchObject(frozen);
    expect(await removeQuestion(db(), org, id, q1)).toMatchObject(frozen);
    // the fields the privacy notice and the form rest on are not even part of the form any more
    await expect(updateProcedure(db(), org, id, form({ title: "x", retention_months: "1" }))).rejects.toMatchObject({ status: 400, reason: "unknown_field" });
    expect(await snapshot()).toEqual(before);

    // texts may be corrected while open
    const corrected = await updateProcedure(db(), org, id, form({ title: "Eingefroren, korrigiert", summary: before.procedure.summary, body: before.procedure.body, responsible_office: "Fachbereich Grün", closes_on: inDays(30) }));
    expect(corrected).toEqual({ ok: true, changed: ["title"] });

    const copy = await copyAsDraft(db(), org, id);
    expect(copy).toMatchObject({ ok: true, slug: "eingefroren-2", from: id });
    const draft = (await getProcedureForAdmin(db(), org, copy.id))!;
    expect(draft).toMatchObject({ status: "draft", derivedFromId: id, title: "Eingefroren, korrigiert", submissionCount: 0 });
    expect(draft.questions.map((q) => [q.label, q.kind, q.required, q.position])).toEqual([
      ["Ihre Meinung", "long_text", true, 1],
      ["Kommen Sie oft?", "yes_no", false, 2],
    ]);
    expect(draft.questions.map((q) => q.id)).not.toContain(q1);
    // the copy is a draft: its questions change freely
    expect((await updateQuestion(db(), org, copy.id, draft.questions[0].id, form(question({ label: "Ihre neue Meinung" })))).ok).toBe(true);
    expect((await removeQuestion(db(), org, copy.id, draft.questions[1].id)).ok).toBe(true);
    expect(await findPublicProcedure(db(), org, "eingefroren-2")).toBeUndefined();

    const after = await snapshot();
    expect(after.questions).toEqual(before.questions);
    expect(after.answers).toEqual(before.answers);
    expect(after.procedure).toMatchObject({ status: "open", slug: "eingefroren", derived_from_id: null });

    // a copy of the copy counts on from the original's address
    expect((await copyAsDraft(db(), org, copy.id)).slug).toBe("eingefroren-3");
    expect((await copyAsDraft(db(), org, id)).slug).toBe("eingefroren-4");
  });

  it("follows the lifecycle: open only with questions and sensible dates, close, archive", async () => {
    const { id } = await created({ slug: "lebenslauf", opens_on: today(), closes_on: inDays(10) });
    const refused = async (p: Promise<unknown>) => ((await p) as { errors?: { message: string }[] }).errors?.map((e) => e.message);

    expect(await refused(openProcedure(db(), org, id))).toEqual(["errors.noQuestions"]);
    await added(id);
    // an end already past (here: a clock 60 days ahead) cannot be opened
    expect(await refused(openProcedure(db(), org, id, new Date(Date.now() + 60 * DAY)))).toEqual(["errors.closesInPast"]);
    expect(await refused(closeProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);
    expect(await refused(archiveProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);
    expect((await getProcedureForAdmin(db(), org, id))!.status).toBe("draft");

    expect(await openProcedure(db(), org, id)).toEqual({ ok: true, from: "draft", to: "open" });
    expect(await refused(openProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);
    expect(await refused(archiveProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);

    const now = new Date();
    expect(await closeProcedure(db(), org, id, now)).toEqual({ ok: true, from: "open", to: "closed" });
    // closed early: the end is today, as every page will say
    expect((await getProcedureForAdmin(db(), org, id))!.closesAt).toBe(now.toISOString());
    expect(await refused(closeProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);
    expect(await refused(openProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);

    expect(await archiveProcedure(db(), org, id)).toEqual({ ok: true, from: "closed", to: "archived" });
    expect(await refused(archiveProcedure(db(), org, id))).toEqual(["errors.wrongStatus"]);
    const edit = await updateProcedure(db(), org, id, form({ title: "Noch ein Titel" }));
    expect(edit).toMatchObject({ ok: false, status: 409, errors: [{ field: "details", message: "errors.notEditable" }] });

    // in evaluation and results published may also be archived
    for (const status of ["in_evaluation", "results_published"] as const) {
      const p = await created({ slug: `archiv-${status.replace("_", "-")}` });
      await db().updateTable("procedures").set({ status }).where("id", "=", p.id).execute();
      expect(await archiveProcedure(db(), org, p.id)).toEqual({ ok: true, from: status, to: "archived" });
    }
  });

  it("asks before closing early, keeps the planned end, and reopens until the results are published (issue 14, point 13)", async () => {
    const { id } = await created({ slug: "wieder-offen", opens_on: today(), closes_on: inDays(20) });
    await added(id);
    await openProcedure(db(), org, id);
    const planned = (await getProcedureForAdmin(db(), org, id))!.closesAt;
    // not confirmed: nothing changes, the answer names the planned end
    expect(await closeProcedure(db(), org, id, new Date(), { confirmedEarly: false })).toEqual({ ok: false, confirm: { plannedEnd: planned } });
    expect((await getProcedureForAdmin(db(), org, id))!.status).toBe("open");
    // confirmed: closed today, the planned end kept
    const now = new Date();
    expect(await closeProcedure(db(), org, id, now, { confirmedEarly: true })).toEqual({ ok: true, from: "open", to: "closed" });
    const closed = (await getProcedureForAdmin(db(), org, id))!;
    expect(closed).toMatchObject({ status: "closed", closesAt: now.toISOString(), plannedClosesAt: planned });
    // reopening offers the planned end; a day in the past or no date is refused
    expect(reopenDayFor(closed)).toBe(inDays(20));
    expect(await refusedReopen(reopenProcedure(db(), org, id, "gestern"))).toEqual(["errors.reopenDate"]);
    expect(await refusedReopen(reopenProcedure(db(), org, id, berlinDay(new Date(Date.now() - 2 * DAY).toISOString())))).toEqual(["errors.reopenInPast"]);
    expect(await reopenProcedure(db(), org, id, inDays(20))).toEqual({ ok: true, from: "closed", to: "open" });
    expect(await getProcedureForAdmin(db(), org, id)).toMatchObject({ status: "open", closesAt: planned, plannedClosesAt: null });
    // in evaluation: still possible; results published or archived: no more
    for (const [status, ok] of [["in_evaluation", true], ["results_published", false], ["archived", false]] as const) {
      await db().updateTable("procedures").set({ status }).where("id", "=", id).execute();
      const r = await reopenProcedure(db(), org, id, inDays(30));
      if (ok) expect(r).toEqual({ ok: true, from: status, to: "open" });
      else expect(await refusedReopen(Promise.resolve(r))).toEqual(["errors.wrongStatus"]);
    }
    // a procedure closed on its end date is not asked about
    const ended = await created({ slug: "normal-zu-ende", opens_on: today(), closes_on: inDays(1) });
    await added(ended.id);
    await openProcedure(db(), org, ended.id);
    expect(await closeProcedure(db(), org, ended.id, new Date(Date.now() + 3 * DAY), { confirmedEarly: false })).toEqual({ ok: true, from: "open", to: "closed" });
    expect((await getProcedureForAdmin(db(), org, ended.id))!.plannedClosesAt).toBeNull();
  });

  it("finds nothing of another organisation", async () => {
    const theirs = await created({ slug: "nur-dort" }, otherOrg);
    const q = (await addQuestion(db(), otherOrg, theirs.id, form(question()))) as { id: number };
    expect(await getProcedureForAdmin(db(), org, theirs.id)).toBeUndefined();
    expect(await getProcedureForAdmin(db(), otherOrg, theirs.id)).toBeDefined();
    const notFound = { status: 404, reason: "procedure_not_found" };
    await expect(updateProcedure(db(), org, theirs.id, form(details()))).rejects.toMatchObject(notFound);
    await expect(addQuestion(db(), org, theirs.id, form(question()))).rejects.toMatchObject(notFound);
    await expect(updateQuestion(db(), org, theirs.id, q.id, form(question()))).rejects.toMatchObject(notFound);
    await expect(moveQuestion(db(), org, theirs.id, q.id, "up")).rejects.toMatchObject(notFound);
    await expect(removeQuestion(db(), org, theirs.id, q.id)).rejects.toMatchObject(notFound);
    await expect(openProcedure(db(), org, theirs.id)).rejects.toMatchObject(notFound);
    await expect(closeProcedure(db(), org, theirs.id)).rejects.toMatchObject(notFound);
    await expect(archiveProcedure(db(), org, theirs.id)).rejects.toMatchObject(notFound);
    await expect(copyAsDraft(db(), org, theirs.id)).rejects.toMatchObject(notFound);
    const still = (await getProcedureForAdmin(db(), otherOrg, theirs.id))!;
    expect(still).toMatchObject({ status: "draft", title: details().title });
    expect(still.questions).toHaveLength(1);
  });

  it("makes addresses, option values and dates the same way every time", () => {
    expect(slugify("Straßen & Plätze – Übersicht 2030!")).toBe("strassen-plaetze-uebersicht-2030");
    expect(slugify("Café à la carte")).toBe("cafe-a-la-carte");
    expect(optionValues(["Ja", "ja!", "???", "Öl"])).toEqual(["ja", "ja-2", "option", "oel"]);
    expect(parseDay("2030-02-28")).toBe("2030-02-28");
    expect(parseDay("29.2.2028")).toBe("2028-02-29");
    expect(parseDay("29.2.2030")).toBeNull();
    expect(parseDay("2030-13-01")).toBeNull();
    expect(parseDay("1.1.1999")).toBeNull();
  });
});
