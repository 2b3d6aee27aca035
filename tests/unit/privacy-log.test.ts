import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { GENESIS_HASH, canonicalJson, hashEvent, verifyChain, type ChainedFields } from "~/modules/privacy-log/chain";
import { ACTOR_ROLES, DATA_CATEGORIES, PRIVACY_EVENT_TYPES, PURPOSES } from "~/modules/privacy-log/events";
import { maskAddress, maskEmail, maskName, maskPhone } from "~/modules/privacy/masking";

function chain(n: number): (ChainedFields & { hash: string })[] {
  const events: (ChainedFields & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields: ChainedFields = {
      organisation_id: 1,
      submission_id: 9,
      seq,
      occurred_at: new Date(Date.UTC(2026, 10, 25, 12, seq)).toISOString(),
      type: "received",
      actor_role: "resident",
      actor_account_id: null,
      data_categories: '["content"]',
      purpose: "participation",
      legal_basis: "Art. 6",
      details_json: canonicalJson({ b: 2, a: seq }),
      prev_hash: prev,
    };
    prev = hashEvent(fields);
    events.push({ ...fields, hash: prev });
  }
  return events;
}

describe("the hash chain", () => {
  it("accepts an untouched chain and the empty one", () => {
    expect(verifyChain(chain(5))).toEqual({ intact: true, events: 5 });
    expect(verifyChain([])).toEqual({ intact: true, events: 0 });
  });

  it("serialises details the same way whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it("detects a changed field in any event, and names where", () => {
    for (const field of ["occurred_at", "type", "actor_role", "data_categories", "purpose", "legal_basis", "details_json"] as const) {
      const events = chain(4);
      (events[1] as unknown as Record<string, unknown>)[field] = field === "details_json" ? '{"a":99}' : "x";
      expect(verifyChain(events), field).toMatchObject({ intact: false, brokenAt: 2 });
    }
    const recomputed = chain(4);
    recomputed[1].details_json = '{"a":99}';
    recomputed[1].hash = hashEvent(recomputed[1]); // a forger recomputes one hash…
    expect(verifyChain(recomputed)).toMatchObject({ intact: false, brokenAt: 3 }); // …and the next link breaks
  });

  it("detects removed, reordered and foreign events", () => {
    const events = chain(4);
    expect(verifyChain([events[0], events[2], events[3]])).toMatchObject({ intact: false });
    expect(verifyChain([events[0], events[2], events[1], events[3]])).toMatchObject({ intact: false });
    expect(verifyChain(events.slice(1))).toMatchObject({ intact: false });
    const other = chain(4).map((e) => ({ ...e, submission_id: 10 }));
    expect(verifyChain([events[0], other[1]])).toMatchObject({ intact: false, brokenAt: 2 });
  });
});

describe("explanations in every language", () => {
  const params = { channel: "x", version: "2026-11-01", until: "1. Mai 2027", actor: "y", categories: "z", reason: "r", count: 2 };
  for (const lng of SUPPORTED_LANGUAGES) {
    it(`explains every event type, role, category and purpose in ${lng}`, () => {
      const t = fixedT(lng, "privacy");
      for (const type of PRIVACY_EVENT_TYPES) {
        for (const [key, context] of [[`events.${type}.title`], ...ACTOR_ROLES.map((r) => [`events.${type}.explanation`, r])]) {
          const text = t(key, { ...params, context });
          expect(text, `${lng} ${key}`).not.toBe(key);
          expect(text, `${lng} ${key}`).not.toMatch(/\{\{|\}\}/);
          expect(text.length).toBeGreaterThan(3);
        }
      }
      expect(t("events.erasure_requested.explanation", { context: "held" })).not.toBe(t("events.erasure_requested.explanation"));
      for (const role of ACTOR_ROLES) expect(t(`actors.${role}`)).not.toBe(`actors.${role}`);
      for (const c of DATA_CATEGORIES) expect(t(`categories.${c}`)).not.toBe(`categories.${c}`);
      for (const p of PURPOSES) expect(t(`purposes.${p}`)).not.toBe(`purposes.${p}`);
      for (const ch of ["online", "phone", "paper", "counter", "letter"]) expect(t(`channels.${ch}`)).not.toBe(`channels.${ch}`);
      for (const r of ["request", "retention", "withdrawal"]) expect(t(`deletionReasons.${r}`)).not.toBe(`deletionReasons.${r}`);
    });
  }

  it("puts the event's details into the German explanation", () => {
    const t = fixedT("de", "privacy");
    expect(t("events.received.explanation", { channel: "am Telefon", context: "staff" })).toBe(
      "Ihr Beitrag ist am Telefon eingegangen. Eine Mitarbeiterin oder ein Mitarbeiter des Servicecenters hat ihn eingegeben.",
    );
  });
});

describe("masking personal data shown back to their owner", () => {
  it("keeps enough to recognise and no more", () => {
    expect(maskEmail("anna@example.org")).toBe("a***@example.org");
    expect(maskEmail("ä.b@x.de")).toBe("ä***@x.de");
    expect(maskName("Anna Maria Beispiel")).toBe("A*** M*** B***");
    expect(maskPhone("05121 301-0")).toBe("*******10");
    expect(maskAddress("Hauptstraße 5\n31134 Musterstadt")).toBe("H*** 5***, 3*** M***");
    expect(maskName("علي حسن")).toBe("ع*** ح***");
  });
});
