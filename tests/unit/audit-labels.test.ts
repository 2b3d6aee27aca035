/**
 * The admin's audit log shows every action and target in words, in German and English — never a
 * raw name like "barrier_report_closed". Every action written anywhere (app and scripts, found in
 * the source) must be in AUDIT_ACTIONS, and every registered action and target must have a label.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STAFF_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "~/modules/audit/actions";

const ROOT = process.cwd();
const NAME = /["'`]([a-z][a-z0-9]*(?:_[a-z0-9]+)+)["'`]/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|tsx|js)$/.test(name)) out.push(path);
  }
  return out;
}

/**
 * The action names and target types written to the audit log, read from the source: `action: <expr>`
 * and `auditIt(<expr>` / `auditEntry(<expr>` / `onSubmission(m, id, <expr>` / `onProcedure(m, id, <expr>` (the helpers that name the action) — literals in the expression, also both arms of a
 * conditional — and `targetType: "<type>"`, in every file that uses the audit module.
 */
function writtenInSource() {
  const actions = new Map<string, string>();
  const targets = new Map<string, string>();
  for (const path of [...sources(join(ROOT, "app")), ...sources(join(ROOT, "scripts"))]) {
    const code = readFileSync(path, "utf8");
    if (!/modules\/audit\/audit\.server/.test(code) || path.includes(join("modules", "audit"))) continue;
    const where = path.slice(ROOT.length + 1);
    for (const m of code.matchAll(/(?:\baction:|\baudit(?:It|Entry)\(|\bon(?:Submission|Procedure)\([^,()]+,[^,()]+,)\s*([^,)}\n]*(?:\?[^,)}\n]*:[^,)}\n]*)?)/g)) {
      for (const n of m[1].matchAll(NAME)) actions.set(n[1], where);
    }
    for (const m of code.matchAll(/\btargetType:\s*["'`]([a-z_]+)["'`]/g)) targets.set(m[1], where);
  }
  return { actions, targets };
}

describe("audit-log labels", () => {
  const written = writtenInSource();

  it("finds the actions written in the source (the scan works)", () => {
    // a sample from each area, including a conditional and the routes' helper
    for (const a of ["sign_in", "password_reset_link_created", "invitation_renewed", "procedure_opened", "results_updated", "submission_published_redacted", "barrier_report_closed", "procedure_translation_saved", "organisation_created"]) {
      expect(written.actions.has(a), a).toBe(true);
    }
    expect(written.targets.has("barrier_report")).toBe(true);
  });

  it("registers every action and target type written anywhere", () => {
    const unknownActions = [...written.actions].filter(([a]) => !(AUDIT_ACTIONS as readonly string[]).includes(a)).map(([a, f]) => `${a} (${f})`);
    const unknownTargets = [...written.targets].filter(([t]) => !(AUDIT_TARGET_TYPES as readonly string[]).includes(t)).map(([t, f]) => `${t} (${f})`);
    expect({ unknownActions, unknownTargets }).toEqual({ unknownActions: [], unknownTargets: [] });
  });

  it("registers no action that nothing writes", () => {
    expect(AUDIT_ACTIONS.filter((a) => !written.actions.has(a))).toEqual([]);
  });

  for (const lng of STAFF_LANGUAGES) {
    it(`labels every action and target type in ${lng}`, () => {
      const t = fixedT(lng, "accounts");
      const missing: string[] = [];
      for (const a of AUDIT_ACTIONS) {
        const label = t(`audit.actions.${a}`, { defaultValue: "" });
        if (!label || label === a || label === `audit.actions.${a}`) missing.push(`actions.${a}`);
      }
      for (const type of AUDIT_TARGET_TYPES) {
        const label = t(`audit.targets.${type}`, { defaultValue: "" });
        if (!label || label === type) missing.push(`targets.${type}`);
      }
      expect(missing, `labels missing in locales/${lng}/accounts.json`).toEqual([]);
    });
  }

  it("shows the German and English labels of the new actions as words", () => {
    expect(fixedT("de", "accounts")("audit.actions.barrier_report_closed")).toBe("Barriere-Meldung abgeschlossen");
    expect(fixedT("en", "accounts")("audit.actions.procedure_translation_saved")).toBe("Consultation translation saved");
  });
});
