/**
 * The page that explains this site in Leichte Sprache (easy-read German), issue 7. It is always in
 * Leichte Sprache, whatever language the reader chose, so its text is content owned by this module
 * (see docs/decisions/0014-leichte-sprache.md), not a translation namespace. The organisation's own
 * contact data (free text from its settings) and the labels of the buttons a resident will press
 * (from locales/de-x-ls, so the page never names a button that does not exist) are filled in.
 *
 * Rules kept here (Netzwerk Leichte Sprache, DIN SPEC 33429): one statement per sentence, short
 * main clauses (tests/unit/leichte-sprache.test.ts counts words), "Sie", active voice, no
 * abbreviations, numbers as digits, hard words explained, long compounds split with "·".
 */
import type { OrganisationTable } from "#db/schema";

/** The language tag of Leichte Sprache in this project (app/i18n/config.ts). */
export const EASY_READ_LANGUAGE = "de-x-ls";

/** The link to this page reads the same in every language, and is German. */
export const EASY_READ_LINK_TEXT = "Leichte Sprache";

export type Block =
  | { kind: "p"; text: string }
  | { kind: "ul" | "ol"; items: string[] }
  /** free text from the organisation's settings, shown line by line */
  | { kind: "contact"; lines: string[] }
  | { kind: "link"; href: string; text: string };

export interface Section {
  id: string;
  level: 2 | 3;
  heading: string;
  blocks: Block[];
}

export interface SiteGuide {
  title: string;
  intro: string[];
  sections: Section[];
}

export interface SiteGuideInput {
  organisation: Pick<OrganisationTable, "slug" | "name" | "postal_address" | "controller_name" | "controller_contact" | "dpo_name" | "dpo_contact" | "accessibility_contact">;
  /** the labels residents see on the buttons and links, in Leichte Sprache */
  labels: { open: string; continue: string; send: string; lookupSubmit: string; required: string };
}

const lines = (...texts: string[]) =>
  texts
    .flatMap((t) => t.split(/\r?\n/))
    .map((l) => l.trim())
    .filter(Boolean);

export function siteGuide({ organisation: o, labels }: SiteGuideInput): SiteGuide {
  const home = `/${o.slug}`;
  const address = lines(o.postal_address);
  const help: Block[] = [
    { kind: "p", text: "Sie haben eine Frage? Rufen Sie die Telefon·nummer 115 an." },
    { kind: "p", text: "Sie haben eine Frage zu einer Beteiligung? Dann melden Sie sich hier:" },
    { kind: "contact", lines: lines(o.controller_name, o.controller_contact) },
  ];
  if (o.accessibility_contact.trim()) {
    help.push(
      { kind: "p", text: "Sie können etwas auf dieser Internet·seite nicht benutzen? Oder Sie können etwas nicht lesen?" },
      { kind: "p", text: "Dann sagen Sie es uns. Melden Sie sich hier:" },
      { kind: "contact", lines: lines(o.accessibility_contact) },
    );
  }
  help.push({ kind: "p", text: "Sie können sich auch helfen lassen. Zum Beispiel von einem Menschen, dem Sie vertrauen." });

  return {
    title: "Leichte Sprache: So funktioniert diese Internet·seite",
    intro: [
      "Auf dieser Seite erklären wir diese Internet·seite.",
      "Wir erklären alles in Leichter Sprache.",
    ],
    sections: [
      {
        id: "was",
        level: 2,
        heading: "Was ist diese Internet·seite?",
        blocks: [
          { kind: "p", text: "Diese Internet·seite heißt Teilhabe." },
          { kind: "p", text: `Die Internet·seite gehört zu: ${o.name}.` },
          { kind: "p", text: "Hier können Sie Ihre Meinung sagen. Zum Beispiel zu einem Plan für Ihre Stadt." },
          { kind: "p", text: "Das nennt man: Bürger·beteiligung." },
          { kind: "p", text: "Sie brauchen dafür kein Konto. Sie müssen nichts bezahlen." },
        ],
      },
      {
        id: "beteiligung",
        level: 2,
        heading: "Was ist eine Beteiligung?",
        blocks: [
          { kind: "p", text: "Die Stadt plant etwas. Zum Beispiel neue Wege für Fahr·räder." },
          { kind: "p", text: "Dann fragt die Stadt die Menschen: Was denken Sie darüber?" },
          { kind: "p", text: "Das nennt man: Beteiligung." },
          {
            kind: "ul",
            items: [
              "Jede Beteiligung hat ein Thema.",
              "Jede Beteiligung hat einen Anfang und ein Ende.",
              "Sie können nur mit·machen, solange die Beteiligung offen ist.",
            ],
          },
          { kind: "p", text: "Ihre Meinung heißt bei der Stadt auch: Beitrag." },
          { kind: "link", href: home, text: "Hier finden Sie alle Beteiligungen" },
        ],
      },
      {
        id: "mitmachen",
        level: 2,
        heading: "So machen Sie mit",
        blocks: [{ kind: "p", text: "Sie können auf 4 Wegen mit·machen. Alle Wege sind gleich gut." }],
      },
      {
        id: "internet",
        level: 3,
        heading: "1. Im Internet",
        blocks: [
          {
            kind: "ol",
            items: [
              `Gehen Sie zur ersten Seite. Suchen Sie eine Beteiligung unter „${labels.open}“ aus.`,
              "Lesen Sie den Text zu der Beteiligung.",
              // some questions are required: the guide quotes the marker the form shows next to them
              `Beantworten Sie die Fragen. Manche Fragen müssen Sie beantworten. Dort steht: „${labels.required.replace(/^\(|\)$/g, "")}“`,
              `Drücken Sie auf den Knopf „${labels.continue}“.`,
              "Sehen Sie Ihre Antworten noch einmal an. Sie können die Antworten noch ändern.",
              `Drücken Sie auf den Knopf „${labels.send}“.`,
              "Dann bekommen Sie einen Code. Schreiben Sie den Code auf.",
            ],
          },
        ],
      },
      {
        id: "telefon",
        level: 3,
        heading: "2. Am Telefon",
        blocks: [
          {
            kind: "ol",
            items: [
              "Rufen Sie die Telefon·nummer 115 an.",
              "Sagen Sie: Ich möchte bei einer Beteiligung mit·machen.",
              "Ein Mensch vom Service·center schreibt Ihre Meinung auf.",
              "Er oder sie liest Ihnen den Text zum Daten·schutz vor.",
              "Am Ende sagt er oder sie Ihnen Ihren Code.",
            ],
          },
        ],
      },
      {
        id: "papier",
        level: 3,
        heading: "3. Auf Papier",
        blocks: [
          { kind: "p", text: "Sie können ein Formular auf Papier ausfüllen." },
          { kind: "p", text: "Bei jeder Beteiligung gibt es ein Formular zum Drucken. Es gibt das Formular auch mit großer Schrift." },
          { kind: "p", text: "Sie können auch einen Brief schreiben." },
          { kind: "p", text: "Schicken Sie das Formular oder den Brief an diese Adresse:" },
          { kind: "contact", lines: address },
          { kind: "p", text: "Schreiben Sie Ihre Adresse dazu? Dann schicken wir Ihnen Ihren Code mit der Post." },
        ],
      },
      {
        id: "buergerbuero",
        level: 3,
        heading: "4. Im Bürger·büro",
        blocks: [
          { kind: "p", text: "Im Bürger·büro hilft die Stadt den Menschen persönlich." },
          { kind: "p", text: "Kommen Sie zu dieser Adresse:" },
          { kind: "contact", lines: address },
          { kind: "p", text: "Ein Mensch im Bürger·büro schreibt Ihre Meinung auf. Dann bekommen Sie Ihren Code auf Papier." },
        ],
      },
      {
        id: "code",
        level: 2,
        heading: "Was ist der Code?",
        blocks: [
          { kind: "p", text: "Nach dem Abschicken bekommen Sie einen Code." },
          { kind: "p", text: "Der Code ist ein Beleg. Ein Beleg zeigt: Ihre Meinung ist bei uns angekommen." },
          { kind: "p", text: "Der Code hat 13 Zeichen. Zum Beispiel: K7M4-2QXP-9ABR-T" },
          { kind: "p", text: "Mit dem Code können Sie später:" },
          {
            kind: "ul",
            items: [
              "nachsehen, was mit Ihrer Meinung passiert.",
              "nachsehen, was mit Ihren Daten passiert.",
              "Ihre Daten löschen lassen.",
              "Ihre Meinung zurück·nehmen, solange die Beteiligung offen ist.",
            ],
          },
          { kind: "p", text: "Heben Sie den Code gut auf. Der Code ist nur für Sie. Sagen Sie den Code nur der Verwaltung." },
          { kind: "p", text: "Sie haben kein Internet? Dann rufen Sie 115 an. Sagen Sie am Telefon Ihren Code. Dort arbeitet die Verwaltung." },
          { kind: "link", href: `${home}/beitrag`, text: `Hier schreiben Sie Ihren Code. Dann drücken Sie auf „${labels.lookupSubmit}“.` },
        ],
      },
      {
        id: "daten",
        level: 2,
        heading: "Was passiert mit Ihren Daten?",
        blocks: [
          { kind: "p", text: "Daten sind Angaben über Sie. Zum Beispiel Ihr Name oder Ihre Adresse." },
          { kind: "p", text: "Daten·schutz bedeutet: Wir passen gut auf Ihre Daten auf." },
          {
            kind: "ul",
            items: [
              "Meistens müssen Sie Ihren Namen nicht sagen.",
              "Sie möchten eine Antwort von uns? Dann brauchen wir Ihre Adresse oder Ihre E-Mail-Adresse.",
              "Wir speichern Ihre Meinung getrennt von Ihrem Namen.",
              "Wir zeigen Ihre Meinung nie mit Ihrem Namen.",
              "Wir geben Ihre Daten nicht an andere weiter.",
              "Sieht jemand Ihre Daten an? Dann schreiben wir das jedes Mal auf.",
              "Nach einer bestimmten Zeit löschen wir Ihre Daten.",
            ],
          },
          { kind: "p", text: "Mit Ihrem Code sehen Sie eine Liste. In der Liste steht alles, was mit Ihren Daten passiert." },
          { kind: "p", text: "Sie haben eine Frage zum Daten·schutz? Dann schreiben Sie an diese Person:" },
          { kind: "contact", lines: lines(o.dpo_name, o.dpo_contact) },
        ],
      },
      { id: "hilfe", level: 2, heading: "Hier bekommen Sie Hilfe", blocks: help },
    ],
  };
}

/** Every sentence of the guide's own text (not the organisation's contact data), for the tests. */
export function guideTexts(guide: SiteGuide): string[] {
  const out = [guide.title, ...guide.intro];
  for (const s of guide.sections) {
    out.push(s.heading);
    for (const b of s.blocks) {
      if (b.kind === "p") out.push(b.text);
      else if (b.kind === "ul" || b.kind === "ol") out.push(...b.items);
      else if (b.kind === "link") out.push(b.text);
    }
  }
  return out;
}
