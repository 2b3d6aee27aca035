/**
 * The one Database interface (Kysely's recommended shape). Timestamps are ISO-8601 UTC strings and
 * booleans are 0/1 integers on both SQLite and PostgreSQL, so query code never branches on the engine
 * (docs/decisions/0003-portable-column-types.md).
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface OrganisationTable {
  id: Generated<number>;
  slug: string;
  name: string;
  postal_address: string;
  controller_name: string;
  controller_contact: string;
  dpo_name: string;
  dpo_contact: string;
  accessibility_contact: string;
  supervisory_authority: string;
  created_at: string;
}

export type ProcedureStatus = "draft" | "open" | "closed" | "in_evaluation" | "results_published" | "archived";
export type ContactFieldMode = "off" | "optional" | "required";

export interface ProcedureTable {
  id: Generated<number>;
  organisation_id: number;
  slug: string;
  title: string;
  summary: string;
  body: string;
  kind: string;
  legal_basis: string;
  responsible_office: string;
  opens_at: string;
  closes_at: string;
  status: ProcedureStatus;
  /** months after closing after which personal contact data are deleted */
  retention_months: number;
  publication_policy: string;
  /** version of the privacy notice shown with the form; stored with every submission */
  notice_version: string;
  contact_name: ContactFieldMode;
  contact_name_purpose: string;
  contact_address: ContactFieldMode;
  contact_address_purpose: string;
  contact_email: ContactFieldMode;
  contact_email_purpose: string;
  contact_phone: ContactFieldMode;
  contact_phone_purpose: string;
  created_at: string;
  updated_at: string;
}

export type QuestionKind = "short_text" | "long_text" | "single_choice" | "multiple_choice" | "scale" | "yes_no";

export interface QuestionTable {
  id: Generated<number>;
  procedure_id: number;
  position: number;
  kind: QuestionKind;
  label: string;
  hint: string;
  required: number;
  max_length: number | null;
  /** JSON array of { value, label } for choice questions; JSON object { minLabel, maxLabel } for scales */
  options_json: string;
}

export type Channel = "online" | "phone" | "paper" | "counter" | "letter";

export interface SubmissionTable {
  id: Generated<number>;
  organisation_id: number;
  procedure_id: number;
  /** SHA-256 (hex) of the normalised receipt code; the code itself is a bearer credential and is not stored */
  receipt_code_hash: string;
  channel: Channel;
  entered_by_account_id: number | null;
  source_reference: string | null;
  received_on: string | null;
  notice_version: string;
  language: string;
  state: string;
  response_state: string;
  /** one submission per idempotency key: retries and double clicks find the first one */
  idempotency_key: string;
  created_at: string;
}

export interface AnswerTable {
  id: Generated<number>;
  submission_id: number;
  question_id: number;
  /** one row per selected option for multiple choice; the text, option value or number otherwise */
  value: string;
}

/** Personal data live apart from the answers so they can be erased or encrypted without touching content. */
export interface ContactDetailsTable {
  submission_id: number;
  name: string | null;
  postal_address: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
}

/** Answers between the form and "check your answers"; emptied once submitted, deleted when expired. */
export interface SubmissionDraftTable {
  id: string;
  procedure_id: number;
  payload_json: string | null;
  language: string;
  submission_id: number | null;
  /** the plain receipt code, kept only until the draft expires so the confirmation page can be reloaded */
  receipt_code: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

export interface Database {
  organisations: OrganisationTable;
  procedures: ProcedureTable;
  questions: QuestionTable;
  submissions: SubmissionTable;
  answers: AnswerTable;
  contact_details: ContactDetailsTable;
  submission_drafts: SubmissionDraftTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type ProcedureRow = Selectable<ProcedureTable>;
export type NewProcedure = Insertable<ProcedureTable>;
export type ProcedureUpdate = Updateable<ProcedureTable>;
export type QuestionRow = Selectable<QuestionTable>;
export type NewQuestion = Insertable<QuestionTable>;
export type SubmissionRow = Selectable<SubmissionTable>;
export type NewSubmission = Insertable<SubmissionTable>;
export type AnswerRow = Selectable<AnswerTable>;
export type ContactDetailsRow = Selectable<ContactDetailsTable>;
export type SubmissionDraftRow = Selectable<SubmissionDraftTable>;
