/** Fixtures: a procedure with one question of every kind (pure tests), form fields, rows for bulk inserts. */
import type { NewSubmission } from "#db/schema";
import type { Procedure } from "~/modules/procedures/procedure";

/**
 * A submission row for inserting thousands straight into the table (tests of paging, batches and
 * exports): `key` makes the receipt hash and idempotency key unique; everything not given is an
 * online submission, received, with no contact data.
 */
export function bulkSubmissionRow(
  row: Pick<NewSubmission, "organisation_id" | "procedure_id" | "state" | "created_at"> & { key: string } & Partial<Pick<NewSubmission, "channel" | "received_on">>,
): NewSubmission {
  const { key, ...given } = row;
  return {
    channel: "online",
    received_on: null,
    ...given,
    receipt_code_hash: key,
    idempotency_key: key,
    entered_by_account_id: null,
    source_reference: null,
    notice_version: "1",
    language: "de",
    response_state: "pending",
    consent_results_notification: null,
    erasure_requested_at: null,
    personal_data_deleted_at: null,
    withdrawn_at: null,
  };
}

export function procedureWithEveryQuestionKind(overrides: Partial<Procedure> = {}): Procedure {
  return {
    id: 1,
    organisationId: 1,
    slug: "test",
    title: "Test",
    summary: "",
    body: "",
    kind: "consultation",
    legalBasis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsibleOffice: "Amt",
    opensAt: "2026-01-01T00:00:00.000Z",
    closesAt: "2027-01-01T00:00:00.000Z",
    status: "open",
    retentionMonths: 6,
    publicationPolicy: "",
    noticeVersion: "1",
    erasureHold: false,
    erasureHoldReason: "",
    contactFields: [
      { key: "name", mode: "optional", purpose: "Anrede" },
      { key: "address", mode: "optional", purpose: "Post" },
      { key: "email", mode: "required", purpose: "Antwort" },
      { key: "phone", mode: "optional", purpose: "Rückruf" },
    ],
    questions: [
      { id: 1, position: 1, kind: "short_text", label: "Kurz", hint: "", required: true, maxLength: 20, options: [], scale: null },
      { id: 2, position: 2, kind: "long_text", label: "Lang", hint: "", required: false, maxLength: 100, options: [], scale: null },
      {
        id: 3,
        position: 3,
        kind: "single_choice",
        label: "Eins",
        hint: "",
        required: true,
        maxLength: null,
        options: [
          { value: "a", label: "A" },
          { value: "b", label: "B" },
        ],
        scale: null,
      },
      {
        id: 4,
        position: 4,
        kind: "multiple_choice",
        label: "Mehrere",
        hint: "",
        required: false,
        maxLength: null,
        options: [
          { value: "x", label: "X" },
          { value: "y", label: "Y" },
          { value: "z", label: "Z" },
        ],
        scale: null,
      },
      { id: 5, position: 5, kind: "scale", label: "Skala", hint: "", required: true, maxLength: null, options: [], scale: { min: 1, max: 5, minLabel: "schlecht", maxLabel: "gut" } },
      { id: 6, position: 6, kind: "yes_no", label: "Ja/Nein", hint: "", required: false, maxLength: null, options: [], scale: null },
    ],
    ...overrides,
  };
}

export const fields = (entries: [string, string][]) => {
  const map = new Map<string, string[]>();
  for (const [k, v] of entries) map.set(k, [...(map.get(k) ?? []), v]);
  return map;
};

export const validEntries: [string, string][] = [
  ["q1", "Hallo"],
  ["q2", "Zeile eins\r\nZeile zwei"],
  ["q3", "b"],
  ["q4", "z"],
  ["q4", "x"],
  ["q5", "3"],
  ["q6", "no"],
  ["contact_email", "anna@example.org"],
];
