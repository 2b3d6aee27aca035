/**
 * Demo data: one municipality with three procedures — an open consultation on a draft plan (every
 * question type and the contact block), an open survey, and a closed procedure. Dates are relative
 * to the moment of seeding so the demo always has something open.
 */
import type { Kysely } from "kysely";
import type { Database, NewProcedure, NewQuestion } from "./schema";

const DAY = 24 * 60 * 60 * 1000;
const iso = (d: Date) => d.toISOString();

type QuestionSeed = Omit<NewQuestion, "procedure_id" | "position">;

async function insertProcedure(
  db: Kysely<Database>,
  procedure: Omit<NewProcedure, "created_at" | "updated_at">,
  questions: QuestionSeed[],
  now: Date,
): Promise<number> {
  const { id } = await db
    .insertInto("procedures")
    .values({ ...procedure, created_at: iso(now), updated_at: iso(now) })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (questions.length) {
    await db
      .insertInto("questions")
      .values(questions.map((q, i) => ({ ...q, procedure_id: id, position: i + 1 })))
      .execute();
  }
  return id;
}

const options = (...labels: [string, string][]) => JSON.stringify(labels.map(([value, label]) => ({ value, label })));

export async function seedDemo(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { id: organisationId } = await trx
      .insertInto("organisations")
      .values({
        slug: "musterstadt",
        name: "Stadt Musterstadt",
        postal_address: "Rathausplatz 1, 31134 Musterstadt",
        controller_name: "Stadt Musterstadt, vertreten durch die Bürgermeisterin",
        controller_contact: "Rathausplatz 1, 31134 Musterstadt, beteiligung@musterstadt.example, 05121 301-0",
        dpo_name: "Datenschutzbeauftragte der Stadt Musterstadt",
        dpo_contact: "Rathausplatz 1, 31134 Musterstadt, datenschutz@musterstadt.example",
        accessibility_contact: "barrierefreiheit@musterstadt.example, 05121 301-123",
        supervisory_authority:
          "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
        // the open data's contact point (DCAT-AP.de); no GovData contributor ID for the demo
        open_data_email: "beteiligung@musterstadt.example",
        open_data_phone: "05121 301-0",
        created_at: iso(now),
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    // the accessibility statement (the product's known limitations; the state's body for Lower Saxony)
    await trx
      .insertInto("accessibility_statements")
      .values({
        organisation_id: organisationId,
        conformance: "partial",
        method: "self_assessment",
        prepared_on: iso(now).slice(0, 10),
        reviewed_on: iso(now).slice(0, 10),
        standard_limitations: JSON.stringify(["documents", "maps", "procedureLanguages", "signLanguage", "charts"]),
        custom_limitations: "[]",
        federal_body: [
          "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)",
          "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen",
          "Mauerstraße 53, 10117 Berlin",
          "Telefon: 030 18 527-2805",
          "E-Mail: info@schlichtungsstelle-bgg.de",
          "Internet: www.schlichtungsstelle-bgg.de",
        ].join("\n"),
        state_body:
          "Für Stellen des Landes Niedersachsen und seiner Kommunen: Schlichtungsstelle nach dem Niedersächsischen Behindertengleichstellungsgesetz (NBGG) beim Landesbeauftragten für Menschen mit Behinderungen, Hannover.\n\n(Demo-Angabe: vor dem Einsatz Anschrift und Kontakt der Stelle Ihres Landes eintragen.)",
        updated_by: null,
        updated_at: iso(now),
      })
      .execute();

    const cyclingPlanId = await insertProcedure(
      trx,
      {
        organisation_id: organisationId,
        slug: "radverkehrsplan-2030",
        title: "Radverkehrsplan 2030 – Entwurf zur Stellungnahme",
        summary:
          "Die Stadt hat einen Entwurf für den Radverkehrsplan 2030 erarbeitet. Sagen Sie uns, was Ihnen wichtig ist und wo es Probleme gibt.",
        body:
          "Der Radverkehrsplan legt fest, wo in den nächsten Jahren Radwege gebaut, verbreitert oder sicherer gemacht werden. Hier steht jeder Abschnitt des Entwurfs kurz gefasst; den ganzen Entwurf finden Sie unter „Dokumente“. Sie können zum ganzen Entwurf oder zu einem Abschnitt Stellung nehmen.\n\n" +
          "Der Entwurf liegt auch im Rathaus (Zimmer 112) und in der Stadtbibliothek aus. Sie können online, per Telefon über die Behördennummer 115, am Bürgerbüro oder auf Papier Stellung nehmen.\n\n" +
          // the sections of the draft (the PDF's headings): numbered on the page, fixed since the procedure opened
          "# Anlass und Ziel des Plans\n\nBis 2030 sollen 22 statt heute 14 Prozent der Wege mit dem Fahrrad gemacht werden.\n\n" +
          "# Bestandsaufnahme\n\n86 Kilometer Radwege, 23 Lücken im Netz, 412 Unfälle mit Radfahrenden von 2021 bis 2025.\n\n" +
          "# Leitlinien\n\n## Sicherheit zuerst\n\nKreuzungen mit vielen Unfällen werden zuerst umgebaut.\n\n" +
          "## Radwege in der Innenstadt\n\nGeschützte Radfahrstreifen in der Bahnhofstraße; dafür entfallen 46 Parkplätze.\n\n" +
          "## Verbindungen in die Ortsteile\n\nSechs Hauptrouten ohne Lücken bis 2028, neue Radwege nach Nordheim und Waldau.\n\n" +
          "# Maßnahmen und Zeitplan\n\nDrei Stufen von 2027 bis 2030; ein Fahrradparkhaus mit 600 Plätzen am Bahnhof.\n\n" +
          "# Kosten und Finanzierung\n\nEtwa 18,4 Millionen Euro, rund 60 Prozent aus Fördermitteln.\n\n" +
          "# Beteiligung und weiteres Verfahren\n\nAlle Stellungnahmen werden geprüft und beantwortet. Die Ergebnisse veröffentlichen wir nach dem Ende der Beteiligung.",
        kind: "consultation",
        legal_basis: "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz",
        responsible_office: "Fachbereich Stadtplanung, Abteilung Verkehrsplanung",
        opens_at: iso(new Date(now.getTime() - 14 * DAY)),
        closes_at: iso(new Date(now.getTime() + 42 * DAY)),
        status: "open",
        retention_months: 6,
        publication_policy: "Stellungnahmen werden ohne Namen und Kontaktdaten veröffentlicht.",
        notice_version: "2026-11-01",
        contact_name: "optional",
        contact_name_purpose: "damit wir Sie in der Antwort persönlich ansprechen können",
        contact_address: "optional",
        contact_address_purpose: "damit wir Ihnen die Antwort auf Ihre Stellungnahme per Post schicken können",
        contact_email: "optional",
        contact_email_purpose: "damit wir Ihnen die Antwort auf Ihre Stellungnahme per E-Mail schicken können",
        contact_phone: "off",
        contact_phone_purpose: "",
      },
      [
        {
          kind: "long_text",
          label: "Ihre Stellungnahme zum Entwurf",
          hint: "Beschreiben Sie, was Ihnen am Entwurf gefällt oder fehlt. Nennen Sie, wenn möglich, den Ort.",
          required: 1,
          max_length: 3000,
          options_json: "[]",
        },
        {
          kind: "short_text",
          label: "Welche Straße oder welcher Ort betrifft Ihre Stellungnahme?",
          hint: "Zum Beispiel: Bahnhofstraße zwischen Markt und Bahnhof",
          required: 0,
          max_length: 120,
          options_json: "[]",
        },
        {
          kind: "single_choice",
          label: "Wie sind Sie in der Stadt meistens unterwegs?",
          hint: "",
          required: 1,
          max_length: null,
          options_json: options(["bike", "Mit dem Fahrrad"], ["foot", "Zu Fuß"], ["bus", "Mit Bus oder Bahn"], ["car", "Mit dem Auto"]),
        },
        {
          kind: "multiple_choice",
          label: "Was ist Ihnen beim Radverkehr wichtig?",
          hint: "Wählen Sie alles aus, was zutrifft.",
          required: 0,
          max_length: null,
          options_json: options(
            ["safety", "Sichere Kreuzungen"],
            ["width", "Breitere Radwege"],
            ["parking", "Mehr Abstellplätze"],
            ["lighting", "Bessere Beleuchtung"],
          ),
        },
        {
          kind: "scale",
          label: "Wie bewerten Sie den Entwurf insgesamt?",
          hint: "",
          required: 1,
          max_length: null,
          options_json: JSON.stringify({ minLabel: "sehr schlecht", maxLabel: "sehr gut" }),
        },
        {
          kind: "yes_no",
          label: "Fahren Sie mit Kindern Rad?",
          hint: "",
          required: 0,
          max_length: null,
          options_json: "[]",
        },
      ],
      now,
    );
    await seedCyclingPlanTranslations(trx, cyclingPlanId, now);

    await insertProcedure(
      trx,
      {
        organisation_id: organisationId,
        slug: "buergerhaushalt-2027",
        title: "Bürgerhaushalt 2027: Wofür soll die Stadt Geld ausgeben?",
        summary: "Eine kurze Umfrage zu den Schwerpunkten im Haushalt 2027. Sie dauert etwa 3 Minuten.",
        body:
          "Der Rat entscheidet im Frühjahr über den Haushalt 2027. Vorher möchten wir wissen, welche Bereiche Ihnen am wichtigsten sind.\n\n" +
          "Die Umfrage ist anonym: Wir fragen nicht nach Ihrem Namen oder Ihren Kontaktdaten.",
        kind: "survey",
        legal_basis: "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz",
        responsible_office: "Fachbereich Finanzen",
        opens_at: iso(new Date(now.getTime() - 3 * DAY)),
        closes_at: iso(new Date(now.getTime() + 25 * DAY)),
        status: "open",
        retention_months: 3,
        publication_policy: "Die Ergebnisse werden als Statistik veröffentlicht.",
        notice_version: "2026-11-01",
        contact_name: "off",
        contact_name_purpose: "",
        contact_address: "off",
        contact_address_purpose: "",
        contact_email: "off",
        contact_email_purpose: "",
        contact_phone: "off",
        contact_phone_purpose: "",
      },
      [
        {
          kind: "single_choice",
          label: "Welcher Bereich ist Ihnen am wichtigsten?",
          hint: "",
          required: 1,
          max_length: null,
          options_json: options(
            ["schools", "Schulen und Kitas"],
            ["roads", "Straßen und Radwege"],
            ["culture", "Kultur und Sport"],
            ["climate", "Klimaschutz"],
          ),
        },
        {
          kind: "scale",
          label: "Wie zufrieden sind Sie mit den Leistungen der Stadt?",
          hint: "",
          required: 0,
          max_length: null,
          options_json: JSON.stringify({ minLabel: "gar nicht zufrieden", maxLabel: "sehr zufrieden" }),
        },
        {
          kind: "short_text",
          label: "Haben Sie einen konkreten Vorschlag?",
          hint: "",
          required: 0,
          max_length: 200,
          options_json: "[]",
        },
      ],
      now,
    );

    await insertProcedure(
      trx,
      {
        organisation_id: organisationId,
        slug: "marktplatz",
        title: "Neugestaltung des Marktplatzes",
        summary: "Ideensammlung für einen neuen Marktplatz. Die Beteiligung ist beendet; die Auswertung läuft.",
        body: "Vielen Dank für über 300 Ideen. Wir werten sie aus und veröffentlichen die Ergebnisse hier.",
        kind: "idea_collection",
        legal_basis: "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz",
        responsible_office: "Fachbereich Stadtplanung",
        opens_at: iso(new Date(now.getTime() - 90 * DAY)),
        closes_at: iso(new Date(now.getTime() - 30 * DAY)),
        status: "closed",
        retention_months: 6,
        publication_policy: "Ideen werden ohne Namen veröffentlicht.",
        notice_version: "2026-08-01",
        // part of the formal land-use planning (Bauleitplanung): statements are kept until it concludes
        erasure_hold: 1,
        erasure_hold_reason:
          "Die Ideensammlung ist Teil der förmlichen Bauleitplanung (§ 3 BauGB). Stellungnahmen mit Namen müssen bis zum Abschluss des Verfahrens aufbewahrt werden.",
        contact_name: "off",
        contact_name_purpose: "",
        contact_address: "off",
        contact_address_purpose: "",
        contact_email: "optional",
        contact_email_purpose: "damit wir Ihnen das Ergebnis schicken können",
        contact_phone: "off",
        contact_phone_purpose: "",
      },
      [{ kind: "long_text", label: "Ihre Idee für den Marktplatz", hint: "", required: 1, max_length: 2000, options_json: "[]" }],
      now,
    );
  });
}

/**
 * Translations of the cycling plan's own content: complete in English, partial in Turkish (title,
 * summary and some questions; the rest shows in German), so both cases can be seen.
 */
async function seedCyclingPlanTranslations(db: Kysely<Database>, procedureId: number, now: Date): Promise<void> {
  const ids = (await db.selectFrom("questions").select("id").where("procedure_id", "=", procedureId).orderBy("position").execute()).map((q) => String(q.id));
  const [statement, place, mode, priorities, rating, children] = ids;
  await db
    .insertInto("procedure_translations")
    .values([
      {
        procedure_id: procedureId,
        language: "en",
        title: "Cycling Plan 2030 – draft for comment",
        summary: "The town has prepared a draft of the Cycling Plan 2030. Tell us what matters to you and where there are problems.",
        body:
          "The cycling plan sets out where cycle paths will be built, widened or made safer in the coming years. Each section of the draft is summarised here; the full draft is under “Documents”. You can respond to the whole draft or to one section.\n\n" +
          "The draft is also on display at the town hall (room 112) and in the town library. You can respond online, by phone on the public service number 115, at the citizens' office or on paper.\n\n" +
          "# Purpose and aim of the plan\n\nBy 2030, 22 instead of 14 per cent of trips are to be made by bike.\n\n" +
          "# Current situation\n\n86 kilometres of cycle paths, 23 gaps in the network, 412 accidents involving cyclists from 2021 to 2025.\n\n" +
          "# Guidelines\n\n## Safety first\n\nJunctions with many accidents are rebuilt first.\n\n" +
          "## Cycle paths in the town centre\n\nProtected cycle lanes on Bahnhofstraße; 46 parking spaces go.\n\n" +
          "## Links to the districts\n\nSix main routes without gaps by 2028, new cycle paths to Nordheim and Waldau.\n\n" +
          "# Measures and timetable\n\nThree stages from 2027 to 2030; a bike park with 600 spaces at the station.\n\n" +
          "# Costs and funding\n\nAbout 18.4 million euros, around 60 per cent from grants.\n\n" +
          "# Participation and next steps\n\nEvery response is reviewed and answered. We publish the results after the consultation has ended.",
        questions_json: JSON.stringify({
          [statement]: { label: "Your comments on the draft", hint: "Describe what you like about the draft or what is missing. If possible, name the place." },
          [place]: { label: "Which street or place do your comments concern?", hint: "For example: Bahnhofstraße between the market and the station" },
          [mode]: { label: "How do you usually get around town?", options: { bike: "By bike", foot: "On foot", bus: "By bus or train", car: "By car" } },
          [priorities]: {
            label: "What matters to you in cycling?",
            hint: "Select all that apply.",
            options: { safety: "Safe junctions", width: "Wider cycle paths", parking: "More bike parking", lighting: "Better lighting" },
          },
          [rating]: { label: "How do you rate the draft overall?", minLabel: "very poor", maxLabel: "very good" },
          [children]: { label: "Do you cycle with children?" },
        }),
        updated_by: null,
        updated_at: iso(now),
      },
      {
        procedure_id: procedureId,
        language: "tr",
        title: "Bisiklet Ulaşım Planı 2030 – görüşe açık taslak",
        summary: "Belediye, 2030 Bisiklet Ulaşım Planı için bir taslak hazırladı. Sizin için neyin önemli olduğunu ve nerede sorun olduğunu bize söyleyin.",
        body: "",
        questions_json: JSON.stringify({
          [statement]: { label: "Taslak hakkındaki görüşünüz" },
          [mode]: { label: "Şehirde çoğunlukla nasıl ulaşım sağlıyorsunuz?", options: { bike: "Bisikletle", foot: "Yürüyerek" } },
          [children]: { label: "Çocuklarla bisiklete biniyor musunuz?" },
        }),
        updated_by: null,
        updated_at: iso(now),
      },
    ])
    .execute();
}

/** Seeds only a database without any organisation. Returns whether it seeded. */
export async function seedDemoIfEmpty(db: Kysely<Database>, now: Date = new Date()): Promise<boolean> {
  const any = await db.selectFrom("organisations").select("id").limit(1).executeTakeFirst();
  if (any) return false;
  await seedDemo(db, now);
  return true;
}
