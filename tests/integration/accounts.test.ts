/**
 * Staff accounts against real databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set):
 * one-time links (72 hours, single use, replaced by a newer one), password resets, removing access,
 * roles, organisation settings, and the audit log's pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUniqueViolation, openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import {
  TOKEN_LIFETIME_MS,
  checkPassword,
  createAccount,
  createAccountToken,
  deactivateAccount,
  enableTotp,
  findAccountToken,
  getAccount,
  listAccounts,
  redeemAccountToken,
  setRoles,
} from "~/modules/accounts/accounts.server";
import { createSession } from "~/modules/accounts/sessions.server";
import { AUDIT_PAGE_SIZE, audit, listAudit, type AuditAction } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import {
  createOrganisation,
  getOrganisationSettings,
  isValidSlug,
  updateOrganisationSettings,
  validateOrganisationSettings,
} from "~/modules/organisations/organisations.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const HOUR = 60 * 60 * 1000;
const PASSWORD = "ein langer Satz als Passwort";
const NEW_PASSWORD = "noch ein ganz anderer Satz";
let sequence = 0;

describe.each(engines)("accounts on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let otherOrgId: number;
  let adminId: number;

  const person = (roles: ("admin" | "moderator" | "staff")[] = ["staff"], password?: string) =>
    createAccount(h.db, { organisationId: orgId, email: `person${++sequence}@${engine}.example`, displayName: `Person ${sequence}`, roles, password });
  const signInWorks = async (email: string, password: string) =>
    (await checkPassword(h.db, { email, password, clientKey: `test-${engine}-${++sequence}` })).ok;
  const sessionsOf = async (accountId: number) =>
    (await h.db.selectFrom("staff_sessions").select("id_hash").where("account_id", "=", accountId).execute()).length;
  const openSession = (accountId: number) => createSession(h.db, { accountId, organisationId: orgId, secondFactorDone: true, clientAddress: "127.0.0.1" });

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    orgId = await createOrganisation(h.db, { slug: "teststadt", name: "Stadt Teststadt" });
    otherOrgId = await createOrganisation(h.db, { slug: "andere-stadt", name: "Andere Stadt" });
    adminId = (await createAccount(h.db, { organisationId: orgId, email: `admin@${engine}.example`, displayName: "Ada Admin", roles: ["admin"], password: PASSWORD })).id;
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("creates an invited account without a password, and one account per e-mail address", async () => {
    const invited = await createAccount(h.db, { organisationId: orgId, email: "  Neu@Example.ORG ", displayName: "Nora Neu", roles: ["staff"] });
    expect(invited).toMatchObject({ email: "neu@example.org", hasPassword: false, active: true, totpEnabled: false, roles: ["staff"] });
    expect(await signInWorks("neu@example.org", "")).toBe(false);
    // unique on both engines, across organisations
    const again = createAccount(h.db, { organisationId: otherOrgId, email: "NEU@example.org", displayName: "Doppelt", roles: ["staff"] });
    await expect(again).rejects.toSatisfy(isUniqueViolation);
  });

  it("keeps an invitation link valid for exactly 72 hours", async () => {
    const account = await person();
    const t0 = new Date("2026-03-01T09:00:00Z");
    const token = await createAccountToken(h.db, { accountId: account.id, purpose: "invite", createdBy: adminId, now: t0 });
    expect(TOKEN_LIFETIME_MS).toBe(72 * HOUR);
    expect(await findAccountToken(h.db, token, new Date(t0.getTime() + 71 * HOUR))).toMatchObject({ purpose: "invite", email: account.email, organisation_id: orgId });
    expect(await findAccountToken(h.db, token, new Date(t0.getTime() + 72 * HOUR - 1000))).toBeDefined();
    expect(await findAccountToken(h.db, token, new Date(t0.getTime() + 72 * HOUR))).toBeUndefined();
    expect(await redeemAccountToken(h.db, token, PASSWORD, new Date(t0.getTime() + 73 * HOUR))).toBeUndefined();
    expect((await getAccount(h.db, account.id))!.hasPassword).toBe(false);
    // still usable just inside the window
    expect(await redeemAccountToken(h.db, token, PASSWORD, new Date(t0.getTime() + 71 * HOUR))).toMatchObject({ account_id: account.id });
    expect(await signInWorks(account.email, PASSWORD)).toBe(true);
  });

  it("uses a link once, refuses malformed and unknown ones, and lets a newer link replace an older one", async () => {
    const account = await person();
    const first = await createAccountToken(h.db, { accountId: account.id, purpose: "invite", createdBy: adminId });
    const second = await createAccountToken(h.db, { accountId: account.id, purpose: "invite", createdBy: adminId });
    expect(await findAccountToken(h.db, first)).toBeUndefined();
    expect(await redeemAccountToken(h.db, first, PASSWORD)).toBeUndefined();
    expect(await redeemAccountToken(h.db, second, PASSWORD)).toMatchObject({ account_id: account.id, purpose: "invite" });
    expect(await redeemAccountToken(h.db, second, NEW_PASSWORD)).toBeUndefined();
    expect(await findAccountToken(h.db, second)).toBeUndefined();
    // the second try changed nothing
    expect(await signInWorks(account.email, PASSWORD)).toBe(true);
    expect(await signInWorks(account.email, NEW_PASSWORD)).toBe(false);
    for (const bad of ["", "short", "x".repeat(200), "../../etc/passwd", `${second}'--`]) expect(await findAccountToken(h.db, bad)).toBeUndefined();
    // two requests racing for one link: only one wins
    const third = await createAccountToken(h.db, { accountId: account.id, purpose: "reset", createdBy: adminId });
    const results = await Promise.all([redeemAccountToken(h.db, third, NEW_PASSWORD), redeemAccountToken(h.db, third, "wieder ein anderer langer Satz")]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("resets a password with a reset link: the new one works, the old one does not, TOTP stays, sessions end", async () => {
    const account = await person(["moderator"], PASSWORD);
    await enableTotp(h.db, account.id, "JBSWY3DPEHPK3PXP");
    await openSession(account.id);
    await openSession(account.id);
    expect(await sessionsOf(account.id)).toBe(2);
    const token = await createAccountToken(h.db, { accountId: account.id, purpose: "reset", createdBy: adminId });
    // until the link is used the old password still works
    expect(await signInWorks(account.email, PASSWORD)).toBe(true);
    expect(await findAccountToken(h.db, token)).toMatchObject({ purpose: "reset" });
    expect(await redeemAccountToken(h.db, token, NEW_PASSWORD)).toMatchObject({ purpose: "reset", account_id: account.id });
    expect(await signInWorks(account.email, NEW_PASSWORD)).toBe(true);
    expect(await signInWorks(account.email, PASSWORD)).toBe(false);
    expect(await sessionsOf(account.id)).toBe(0);
    expect(await getAccount(h.db, account.id)).toMatchObject({ totpEnabled: true, hasPassword: true, roles: ["moderator"] });
  });

  it("removes access: sessions and open links end, sign-in fails, the record stays", async () => {
    const account = await person(["staff"], PASSWORD);
    await openSession(account.id);
    const other = await person(["staff"], PASSWORD);
    await openSession(other.id);
    const token = await createAccountToken(h.db, { accountId: account.id, purpose: "reset", createdBy: adminId });
    await deactivateAccount(h.db, account.id);
    expect(await sessionsOf(account.id)).toBe(0);
    expect(await sessionsOf(other.id)).toBe(1);
    expect(await findAccountToken(h.db, token)).toBeUndefined();
    expect(await signInWorks(account.email, PASSWORD)).toBe(false);
    expect(await getAccount(h.db, account.id)).toMatchObject({ active: false, email: account.email });
    // a link made for a removed account does not work either
    const late = await createAccountToken(h.db, { accountId: account.id, purpose: "reset", createdBy: adminId });
    expect(await redeemAccountToken(h.db, late, NEW_PASSWORD)).toBeUndefined();
    expect(await signInWorks(account.email, NEW_PASSWORD)).toBe(false);
  });

  it("sets roles and lists only the organisation's own accounts", async () => {
    const account = await person(["staff"]);
    await setRoles(h.db, account.id, ["moderator", "admin"]);
    expect((await getAccount(h.db, account.id))!.roles).toEqual(["admin", "moderator"]);
    await setRoles(h.db, account.id, ["staff"]);
    expect((await getAccount(h.db, account.id))!.roles).toEqual(["staff"]);
    const stranger = await createAccount(h.db, { organisationId: otherOrgId, email: `fremd@${engine}.example`, displayName: "Fremd", roles: ["admin"] });
    const ours = await listAccounts(h.db, orgId);
    expect(ours.map((a) => a.id)).toContain(account.id);
    expect(ours.map((a) => a.id)).not.toContain(stranger.id);
    expect(ours.every((a) => a.organisationId === orgId)).toBe(true);
    expect((await listAccounts(h.db, otherOrgId)).map((a) => a.email)).toEqual([`fremd@${engine}.example`]);
  });

  it("validates and stores the organisation's settings, reporting what changed", async () => {
    const form = (values: Record<string, string>) => new Map(Object.entries(values).map(([k, v]) => [k, [v]]));
    const complete = {
      name: "Stadt Teststadt",
      postal_address: "Markt 1\r\n12345 Teststadt",
      controller_name: "Stadt Teststadt, vertreten durch den Bürgermeister",
      controller_contact: "Markt 1, 12345 Teststadt, info@teststadt.example",
      dpo_name: "Datenschutzbeauftragter",
      dpo_contact: "datenschutz@teststadt.example",
      accessibility_contact: "",
      supervisory_authority: "Landesbeauftragte für den Datenschutz",
      privacy_policy: "Unsere Datenschutzerklärung.",
    };
    const ok = validateOrganisationSettings(form(complete));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.values.postal_address).toBe("Markt 1\n12345 Teststadt");
    expect(await updateOrganisationSettings(h.db, orgId, ok.values)).toEqual([
      "postal_address",
      "controller_name",
      "controller_contact",
      "dpo_name",
      "dpo_contact",
      "supervisory_authority",
      "privacy_policy",
    ]);
    expect(await getOrganisationSettings(h.db, orgId)).toMatchObject({ dpo_contact: "datenschutz@teststadt.example", privacy_policy: "Unsere Datenschutzerklärung." });
    expect(await updateOrganisationSettings(h.db, orgId, ok.values)).toEqual([]);
    // the other organisation is untouched
    expect(await getOrganisationSettings(h.db, otherOrgId)).toMatchObject({ dpo_contact: "", privacy_policy: "" });

    const bad = validateOrganisationSettings(form({ ...complete, name: "", dpo_name: "x".repeat(201), controller_name: "Zwei\nZeilen", privacy_policy: "ü".repeat(20_001) }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual([
      { field: "name", message: "errors.required" },
      { field: "controller_name", message: "errors.forbiddenCharacters" },
      { field: "dpo_name", message: "errors.tooLong", params: { max: 200, length: 201 } },
      { field: "privacy_policy", message: "errors.tooLong", params: { max: 20_000, length: 20_001 } },
    ]);
    // exactly the column sizes: 200 and 500 characters fit on both engines
    const longest = validateOrganisationSettings(form({ ...complete, name: "ä".repeat(200), postal_address: "ö".repeat(500), controller_contact: "ß".repeat(500) }));
    expect(longest.ok).toBe(true);
    if (longest.ok) await updateOrganisationSettings(h.db, orgId, longest.values);
    expect((await getOrganisationSettings(h.db, orgId))!.name).toBe("ä".repeat(200));
    if (ok.ok) await updateOrganisationSettings(h.db, orgId, ok.values);

    expect(() => validateOrganisationSettings(form({ ...complete, slug: "x" }))).toThrow(HttpError);
    expect(() => validateOrganisationSettings(new Map([["name", ["a", "b"]]]))).toThrow(HttpError);
  });

  it("accepts only usable slugs and refuses a taken one", async () => {
    for (const good of ["nordstadt", "bad-salzdetfurth", "a1"]) expect(isValidSlug(good), good).toBe(true);
    for (const bad of ["", "a", "-x", "x-", "Gross", "mit leer", "anmelden", "einladung", "x".repeat(65), "ümlaut"]) expect(isValidSlug(bad), bad).toBe(false);
    await expect(createOrganisation(h.db, { slug: "teststadt", name: "Noch eine" })).rejects.toSatisfy(isUniqueViolation);
  });

  it("pages the audit log, newest first, with the actor's e-mail address or none for the system", async () => {
    const org = otherOrgId;
    const actor = (await listAccounts(h.db, org))[0];
    for (let i = 1; i <= AUDIT_PAGE_SIZE + 5; i++) {
      await audit(h.db, { organisationId: org, accountId: i % 2 ? actor.id : null, action: `test_${i}` as AuditAction, targetType: "account", targetId: i, clientAddress: "192.0.2.1" });
    }
    const first = await listAudit(h.db, org, 1);
    expect(first.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.entries[0]).toMatchObject({ action: `test_${AUDIT_PAGE_SIZE + 5}`, accountEmail: actor.email, client_address: "192.0.2.1" });
    expect(first.entries[1]).toMatchObject({ accountEmail: null });
    const second = await listAudit(h.db, org, 2);
    expect(second.entries.map((e) => e.action)).toEqual(["test_5", "test_4", "test_3", "test_2", "test_1"]);
    expect(second.hasMore).toBe(false);
    expect((await listAudit(h.db, org, 3)).entries).toEqual([]);
    // nothing of another organisation
    expect((await listAudit(h.db, orgId, 1)).entries.every((e) => e.organisation_id === orgId)).toBe(true);
  });
});
