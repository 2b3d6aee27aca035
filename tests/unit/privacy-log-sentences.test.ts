/**
 * Every privacy-log sentence, for every event type, every actor kind and every language, as the
 * resident reads it: whole sentences (capital letter first), no actor phrase pasted in the wrong case,
 * and the German text exactly as listed below.
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { EVENTS_NAMING_THE_ACTOR, explainEvent } from "~/modules/privacy-log/explain";
import { ACTOR_ROLES, PRIVACY_EVENT_TYPES, type ActorRole, type PrivacyEvent, type PrivacyEventType } from "~/modules/privacy-log/events";

function event(type: PrivacyEventType, actorRole: ActorRole, details: PrivacyEvent["details"] = {}): PrivacyEvent {
  return {
    seq: 1,
    occurredAt: "2026-11-25T10:00:00.000Z",
    type,
    actorRole,
    categories: ["name", "email"],
    purpose: "reply",
    legalBasis: "Art. 13 DSGVO",
    details: { channel: "phone", version: "2026-08-01", until: "2027-05-01", reason: "request", ...details },
    hash: "x",
  };
}

/** The first letter of a text, skipping punctuation; null for scripts without case (Arabic). */
function firstCasedLetter(text: string): string | null {
  const letter = /\p{L}/u.exec(text)?.[0] ?? "";
  return letter.toLowerCase() === letter.toUpperCase() ? null : letter;
}

describe("privacy-log sentences for every actor", () => {
  for (const lng of SUPPORTED_LANGUAGES) {
    it(`reads as whole sentences in ${lng}`, () => {
      const t = fixedT(lng, "privacy");
      const actorLabels = ACTOR_ROLES.map((r) => t(`actors.${r}`));
      const problems: string[] = [];
      for (const role of ACTOR_ROLES) {
        const label = t(`actors.${role}`);
        const first = firstCasedLetter(label);
        if (first !== null && first !== first.toUpperCase()) problems.push(`actor label ${role} starts lower case: ${label}`);
      }
      for (const type of PRIVACY_EVENT_TYPES) {
        for (const role of ACTOR_ROLES) {
          for (const held of type === "erasure_requested" ? [false, true] : [false]) {
            const text = explainEvent(event(type, role, { held }), t, lng);
            const where = `${type} × ${role}${held ? " (held)" : ""}: ${text}`;
            if (/\{\{|\}\}|^events\./.test(text)) problems.push(`unfilled ${where}`);
            const first = firstCasedLetter(text);
            if (first !== null && first !== first.toUpperCase()) problems.push(`starts lower case ${where}`);
            if (!/[.!?؟]$/.test(text)) problems.push(`no full stop ${where}`);
            // the stand-alone labels are not pasted after a colon ("Eingegeben von: Sie selbst"),
            // and a label with a remark in brackets ("System (automatisch)") is never part of a sentence
            for (const label of actorLabels) {
              const lower = label[0].toLowerCase() + label.slice(1);
              const afterColon = (phrase: string) => text.split(`: ${phrase}`).slice(1).some((rest) => /^([.,;)]|$)/.test(rest));
              if (afterColon(label) || afterColon(lower)) problems.push(`actor label "${label}" pasted into ${where}`);
              if (label.includes("(") && text.includes(label)) problems.push(`actor label "${label}" pasted into ${where}`);
            }
            if (text.includes("2026-08-01") || text.includes("2027-05-01")) problems.push(`ISO date in ${where}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`has a sentence of its own for each actor where the actor is named (${lng})`, () => {
      const t = fixedT(lng, "privacy");
      for (const type of EVENTS_NAMING_THE_ACTOR) {
        const texts = new Set(ACTOR_ROLES.map((r) => explainEvent(event(type, r), t, lng)));
        // moderators and administrators are told apart everywhere except where a language deliberately says "someone from the council"
        expect(texts.size, `${lng} ${type}`).toBeGreaterThanOrEqual(ACTOR_ROLES.length - 1);
      }
    });
  }

  it("reads in German exactly like this", () => {
    const t = fixedT("de", "privacy");
    const german = (type: PrivacyEventType, role: ActorRole) => explainEvent(event(type, role), t, "de");
    expect(ACTOR_ROLES.map((r) => german("received", r))).toEqual([
      "Ihr Beitrag ist am Telefon eingegangen. Sie haben ihn selbst eingegeben.",
      "Ihr Beitrag ist am Telefon eingegangen. Eine Mitarbeiterin oder ein Mitarbeiter des Servicecenters hat ihn eingegeben.",
      "Ihr Beitrag ist am Telefon eingegangen. Eine Moderatorin oder ein Moderator der Verwaltung hat ihn eingegeben.",
      "Ihr Beitrag ist am Telefon eingegangen. Eine Administratorin oder ein Administrator der Verwaltung hat ihn eingegeben.",
      "Ihr Beitrag ist am Telefon eingegangen. Das System hat ihn automatisch erfasst.",
    ]);
    expect(ACTOR_ROLES.map((r) => german("personal_data_opened", r))).toEqual([
      "Sie haben diese Daten selbst angesehen: Name, E-Mail-Adresse.",
      "Eine Mitarbeiterin oder ein Mitarbeiter des Servicecenters hat diese Daten angesehen: Name, E-Mail-Adresse.",
      "Eine Moderatorin oder ein Moderator der Verwaltung hat diese Daten angesehen: Name, E-Mail-Adresse.",
      "Eine Administratorin oder ein Administrator der Verwaltung hat diese Daten angesehen: Name, E-Mail-Adresse.",
      "Das System hat diese Daten automatisch verarbeitet: Name, E-Mail-Adresse.",
    ]);
    expect(ACTOR_ROLES.map((r) => german("status_looked_up", r))).toEqual([
      "Sie haben den Stand Ihres Beitrags selbst nachgesehen. Persönliche Daten wurden dabei nicht angezeigt.",
      "Eine Mitarbeiterin oder ein Mitarbeiter des Servicecenters hat auf Ihre Nachfrage den Stand Ihres Beitrags nachgesehen. Persönliche Daten wurden dabei nicht angezeigt.",
      "Eine Moderatorin oder ein Moderator der Verwaltung hat auf Ihre Nachfrage den Stand Ihres Beitrags nachgesehen. Persönliche Daten wurden dabei nicht angezeigt.",
      "Eine Administratorin oder ein Administrator der Verwaltung hat auf Ihre Nachfrage den Stand Ihres Beitrags nachgesehen. Persönliche Daten wurden dabei nicht angezeigt.",
      "Das System hat den Stand Ihres Beitrags automatisch abgefragt. Persönliche Daten wurden dabei nicht angezeigt.",
    ]);
    expect(ACTOR_ROLES.map((r) => t(`actors.${r}`))).toEqual([
      "Sie selbst",
      "Mitarbeiterin oder Mitarbeiter des Servicecenters",
      "Moderatorin oder Moderator der Verwaltung",
      "Administratorin oder Administrator der Verwaltung",
      "System (automatisch)",
    ]);
    expect(german("notice_shown", "resident")).toBe("Vor dem Absenden haben wir Ihnen den Datenschutzhinweis gezeigt (Fassung vom 1. August 2026).");
    expect(german("personal_data_stored", "system")).toBe(
      "Wir haben gespeichert: Name, E-Mail-Adresse. Damit können wir Ihnen antworten. Wir löschen die Daten am 1. Mai 2027.",
    );
  });

  it("says in Leichte Sprache who acted, in the right person", () => {
    const t = fixedT("de-x-ls", "privacy");
    const ls = (type: PrivacyEventType, role: ActorRole) => explainEvent(event(type, role), t, "de-x-ls");
    expect(ls("personal_data_opened", "resident")).toBe("Sie selbst haben diese Daten angesehen: Name, E-Mail-Adresse.");
    expect(ls("personal_data_opened", "staff")).toBe("Ein Mensch vom Service·center hat diese Daten angesehen: Name, E-Mail-Adresse.");
    expect(ls("received", "resident")).toBe("Ihre Meinung ist am Telefon bei uns angekommen. Sie haben die Meinung selbst aufgeschrieben.");
    expect(ls("received", "staff")).toBe("Ihre Meinung ist am Telefon bei uns angekommen. Ein Mensch vom Service·center hat die Meinung aufgeschrieben.");
  });

  it("writes the notice's version as a date of the reader's language", () => {
    const version = (lng: (typeof SUPPORTED_LANGUAGES)[number]) => explainEvent(event("notice_shown", "resident"), fixedT(lng, "privacy"), lng);
    expect(version("en")).toContain("August 1, 2026");
    expect(version("de-x-ls")).toContain("1. August 2026");
    expect(version("pl")).toContain("1 sierpnia 2026");
  });
});
