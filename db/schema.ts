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
  /** the organisation's own privacy-policy text, shown with every procedure's full notice */
  privacy_policy: Generated<string>;
  /** contact for the open data (DCAT-AP.de contact point); empty: not set (migration 0017) */
  open_data_email: Generated<string>;
  open_data_phone: Generated<string>;
  open_data_url: Generated<string>;
  /** GovData contributor ID (dcatde:contributorID), e.g. http://dcat-ap.de/def/contributors/… ; empty: not set */
  govdata_contributor_id: Generated<string>;
  /** defaults of a new procedure (migration 0021); "" / null: none */
  default_legal_basis: Generated<string>;
  default_responsible_office: Generated<string>;
  default_retention_months: number | null;
  /** which accessibility law applies: a state's (default Lower Saxony) or the federal one (migration 0023) */
  legal_framework: Generated<LegalFramework>;
}

/** "ni": Lower Saxony (NBGG, NBITVO); "federal": federal bodies (BGG, BITV 2.0). */
export type LegalFramework = "ni" | "federal";

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
  /** 1 when the law keeps personal data until the procedure is concluded (formal planning procedures) */
  erasure_hold: Generated<number>;
  erasure_hold_reason: Generated<string>;
  /** set on a draft made by editing an opened procedure: the procedure it was copied from */
  derived_from_id: number | null;
  /** the moderators' summary on the results page */
  results_summary: Generated<string>;
  /** the end it was planned to have, when it was closed early (migration 0021); null otherwise */
  planned_closes_at: string | null;
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
  /** the paper form number or letter reference as typed */
  source_reference: string | null;
  /** the reference as the duplicate check compares it (sourceReferenceKey); unique per procedure */
  source_reference_key: string | null;
  /** paper and letters: the day the post was received (postmark or entry stamp), YYYY-MM-DD */
  received_on: string | null;
  notice_version: string;
  language: string;
  state: string;
  response_state: string;
  /** one submission per idempotency key: retries and double clicks find the first one */
  idempotency_key: string;
  created_at: string;
  /** 1 consent given, 0 refused, null not asked (no contact data to notify) */
  consent_results_notification: number | null;
  erasure_requested_at: string | null;
  personal_data_deleted_at: string | null;
  withdrawn_at: string | null;
  not_published_reason: string | null;
  moderated_by: number | null;
  moderated_at: string | null;
  /** the official response (Abwägung); several submissions may share one */
  response_id: number | null;
  /** the numbered section of the procedure's text it is about; null: the draft as a whole (migration 0027) */
  section_id: number | null;
}

export interface AnswerTable {
  id: Generated<number>;
  submission_id: number;
  question_id: number;
  /** one row per selected option for multiple choice; the text, option value or number otherwise */
  value: string;
}

/**
 * Personal data live apart from the answers so they can be erased or encrypted without touching
 * content. Every value is AES-256-GCM ciphertext (app/modules/privacy/contact-crypto.server.ts).
 */
export interface ContactDetailsTable {
  submission_id: number;
  name: string | null;
  postal_address: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
  /** computed when stored from the procedure's retention rule; the retention job deletes the row then */
  delete_after: string | null;
}

/** The columns every privacy log has (a submission's, an alert's): append-only and hash-chained. */
interface ChainedEventColumns {
  id: Generated<number>;
  organisation_id: number;
  seq: number;
  occurred_at: string;
  type: string;
  actor_role: string;
  /** the internal account, for audits only; never shown to the resident */
  actor_account_id: number | null;
  /** JSON array of data categories touched */
  data_categories: string;
  purpose: string;
  legal_basis: string;
  /** parameters of the plain-language explanation */
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** The per-submission privacy log. */
export interface PrivacyEventTable extends ChainedEventColumns {
  submission_id: number;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  count: number;
}

/** Keys the app made for itself, sealed with CONTACT_DATA_KEYS (migration 0014). */
export interface ServerKeyTable {
  name: string;
  sealed: string;
  created_at: string;
}

/** A privacy-log event's leaf in the transparency log (decision 56): a commitment, never personal data. */
export interface TlogLeafTable {
  id: Generated<number>;
  /** the event's row: a submission's (privacy_events) or, from migration 0039, an alert's (alert_events) */
  privacy_event_id: number | null;
  alert_event_id: number | null;
  /** hex SHA-256 commitment: the leaf entry */
  entry: string;
  /** hex, 32 random bytes; null once erased */
  salt: string | null;
  /** given by the integrator, in order, without gaps */
  leaf_index: number | null;
  created_at: string;
}

/** C2SP tlog-tiles: up to 256 hashes (32 bytes each) of one tree level, concatenated. */
export interface TlogTileTable {
  level: number;
  idx: number;
  hashes: Uint8Array;
  /** the tile's interior nodes, heights 1–8 (migration 0045, decision 66); null for tiles written before */
  nodes: Uint8Array | null;
}

export interface TlogCheckpointTable {
  tree_size: number;
  root_hash: string;
  key_name: string;
  /** the signed note, as published */
  note: string;
  signed_at: string;
}

export interface TlogStateTable {
  id: number;
  tree_size: number;
  root_hash: string;
  updated_at: string;
}

export interface JobLeaseTable {
  name: string;
  locked_until: string;
  locked_by: string;
  last_result: string | null;
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

export type Role = "admin" | "moderator" | "staff";

export interface AccountTable {
  id: Generated<number>;
  organisation_id: number;
  /** stored lower-case */
  email: string;
  display_name: string;
  /** null until an invitation is accepted */
  password_hash: string | null;
  password_changed_at: string | null;
  /** AES-256-GCM ciphertext of the base32 TOTP secret */
  totp_secret: string | null;
  totp_enabled: Generated<number>;
  /** the last TOTP time step used: a code cannot be replayed */
  totp_last_step: number | null;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface AccountRoleTable {
  account_id: number;
  role: Role;
}

export interface StaffSessionTable {
  id_hash: string;
  account_id: number;
  organisation_id: number;
  csrf_token: string;
  second_factor_done: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_address: string;
  /** the TOTP secret being set up in this session, sealed (migration 0014) */
  pending_totp_secret: string | null;
  /** 1 when a one-time link opened this session: it may set up a second factor (migration 0014) */
  may_enrol: Generated<number>;
}

export interface AccountTokenTable {
  token_hash: string;
  account_id: number;
  purpose: "invite" | "reset";
  expires_at: string;
  used_at: string | null;
  created_by: number | null;
  created_at: string;
}

/** What staff and admins did: who, what, when, from where. Separate from residents' privacy logs. */
export interface AuditLogTable {
  id: Generated<number>;
  organisation_id: number;
  account_id: number | null;
  action: string;
  target_type: string;
  target_id: string;
  details_json: string;
  client_address: string;
  occurred_at: string;
}

export type ResponseDecision = "accepted" | "partly_accepted" | "not_accepted" | "noted";

/**
 * A consideration (Abwägung): the decision on one statement or a group of statements (all pointing
 * here through submissions.response_id) and its reasoning. Called "response" since before issue 19.
 */
export interface ResponseTable {
  id: Generated<number>;
  organisation_id: number;
  procedure_id: number;
  /** one of the standard ResponseDecision keys, or a key of the municipality's own set (consideration_decisions) */
  decision: string;
  text: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** The public version of an answer whose original contains personal data; the original stays internal. */
export interface AnswerRedactionTable {
  answer_id: number;
  public_value: string;
  redacted_by: number | null;
  redacted_at: string;
}

export type OutboxKind = "result_email";
/** pending → sent; failed (retried at next_attempt_at, given up when that is null); cancelled when the contact data went */
export type OutboxState = "pending" | "sent" | "failed" | "cancelled";

/**
 * Notifications waiting to be sent. No address here: it is opened from contact_details at send
 * time (app/modules/notifications/outbox.server.ts), so it stays encrypted and every read is logged.
 */
export interface OutboxTable {
  id: Generated<number>;
  organisation_id: number;
  submission_id: number;
  kind: OutboxKind;
  subject: string;
  body_text: string;
  /** the language of subject and body */
  language: string;
  state: OutboxState;
  attempts: Generated<number>;
  /** the transport's error, with any e-mail address removed */
  last_error: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  created_at: string;
}

/** A procedure's published statistics, stored so the results page does not count per request (raw; suppressed when shown). */
export interface ResultsSnapshotTable {
  procedure_id: number;
  /** the highest submission id and the number withdrawn when counted: a change in either means count again */
  basis_max_id: number;
  basis_withdrawn: number;
  published_count: number;
  /** {"channels":{"online":n},"answers":{"<question id>":{"<value>":n}}} */
  counts_json: string;
  computed_at: string;
}

/** "Included in results / open data" privacy-log entries still to be written after a publication (a job). */
export interface ResultsInclusionTable {
  procedure_id: number;
  organisation_id: number;
  moderator_id: number | null;
  requested_at: string;
  /** the last submission id whose entries are written */
  logged_through: Generated<number>;
  done_at: string | null;
}

export type Conformance = "full" | "partial" | "none";
export type StatementMethod = "self_assessment" | "external_test";

/** An organisation's accessibility statement (BITV 2.0); without a row the product's defaults apply. */
export interface AccessibilityStatementTable {
  organisation_id: number;
  conformance: Conformance;
  method: StatementMethod;
  /** calendar days, YYYY-MM-DD */
  prepared_on: string;
  reviewed_on: string;
  /** JSON array of keys of the product's known limitations that apply (translated) */
  standard_limitations: string;
  /** JSON array of { part, reason, alternative } in German */
  custom_limitations: string;
  federal_body: string;
  state_body: string;
  updated_by: number | null;
  updated_at: string;
}

export type BarrierReportStatus = "open" | "answered" | "closed";
export type BarrierMailState = "none" | "pending" | "sent" | "failed" | "cancelled";

/** A barrier reported through the feedback form. Contact data are ciphertext, erased after closing + retention. */
export interface BarrierReportTable {
  id: Generated<number>;
  organisation_id: number;
  reference: string;
  idempotency_key: string;
  page: string;
  description: string;
  contact_email: string | null;
  contact_phone: string | null;
  language: string;
  received_at: string;
  due_at: string;
  status: BarrierReportStatus;
  answer_text: string | null;
  answered_at: string | null;
  answered_by: number | null;
  closed_at: string | null;
  closed_by: number | null;
  contact_delete_after: string | null;
  contact_deleted_at: string | null;
  mail_state: Generated<BarrierMailState>;
  mail_attempts: Generated<number>;
  mail_next_attempt_at: string | null;
  mail_sent_at: string | null;
}

/** A procedure's published statistics, stored so the results page does not count per request (raw; suppressed when shown). */
/**
 * A procedure's own content in another language (title, summary, body, question texts). '' means
 * not translated: the German original is shown instead, marked lang="de".
 */
export interface ProcedureTranslationTable {
  procedure_id: number;
  language: string;
  title: string;
  summary: string;
  body: string;
  /** { "<question id>": { label, hint, minLabel, maxLabel, options: { "<option value>": label } } } */
  questions_json: string;
  updated_by: number | null;
  updated_at: string;
}

/** One counter per organisation, raised by triggers whenever a resident page could change (migration 0011; the page cache). */
export interface ContentVersionTable {
  organisation_id: number;
  version: number;
}

/** How many submissions a procedure has in each state and response state (triggers keep it; migration 0013-queue-totals). */
export interface SubmissionTotalTable {
  procedure_id: number;
  state: string;
  response_state: string;
  n: number;
}

/** A file's bytes live in file_chunks (decision 42); `claimed` 1 once something refers to it (migration 0026). */
export interface FileBlobTable {
  id: Generated<number>;
  byte_size: number;
  chunk_bytes: number;
  sha256: string;
  claimed: Generated<number>;
  created_at: string;
}

export interface FileChunkTable {
  blob_id: number;
  seq: number;
  data: Uint8Array;
}

export type DocumentKind = "pdf" | "odt" | "docx" | "png" | "jpeg" | "webp" | "mp4" | "webm";

/** A document of a procedure's draft, shown to residents while the procedure is published (issue 17). */
export interface DocumentTable {
  id: Generated<number>;
  organisation_id: number;
  procedure_id: number;
  blob_id: number;
  position: number;
  title: string;
  description: Generated<string>;
  summary: string;
  kind: DocumentKind;
  media_type: string;
  file_name: string;
  byte_size: number;
  sha256: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** a video's WebVTT caption file (required for kind mp4/webm, null otherwise; migration 0041) */
  captions_blob_id: number | null;
}

/** The organisation's explanation in German Sign Language for its home page, with captions (migration 0041). */
export interface SignLanguageVideoTable {
  organisation_id: number;
  blob_id: number;
  captions_blob_id: number;
  kind: "mp4" | "webm";
  media_type: string;
  file_name: string;
  byte_size: number;
  sha256: string;
  created_by: number | null;
  updated_at: string;
}

/** A numbered section of a procedure's text, fixed when the procedure opened (migration 0027-sections). */
export interface ProcedureSectionTable {
  id: Generated<number>;
  procedure_id: number;
  position: number;
  number: string;
  depth: number;
  title: string;
  created_at: string;
}

/** A municipality's own set of consideration decisions (migration 0029); without rows the four standard ones apply. */
export interface ConsiderationDecisionTable {
  organisation_id: number;
  key: string;
  /** '' for the standard keys: their labels are translated */
  label_de: Generated<string>;
  label_en: Generated<string>;
  position: number;
  /** 0: no longer offered, kept so that stored considerations keep their label */
  active: Generated<number>;
}

export type AlertState = "pending" | "confirmed" | "unsubscribed" | "expired" | "erased" | "deleted";
export type AlertMailKind = "confirmation" | "reminder" | "procedure_opened" | "results_published";

/** An e-mail alert without an account (migration 0032). */
export interface AlertTable {
  id: Generated<number>;
  organisation_id: number;
  token_digest: string;
  token_sealed: string;
  email: string | null;
  email_digest: string | null;
  language: string;
  new_procedures: number;
  procedure_id: number | null;
  channel: "online" | "desk";
  state: AlertState;
  created_at: string;
  confirmed_at: string | null;
  delete_after: string | null;
  reminder_sent_at: string | null;
  ended_at: string | null;
}

/** An alert's own privacy log: the columns of privacy_events, chained per alert. */
export interface AlertEventTable extends ChainedEventColumns {
  alert_id: number;
}

export type AlertTagKind = "topic" | "district";

/** A procedure's topics and districts for alerts (migration 0040): free labels set by the admin. */
export interface ProcedureAlertTagTable {
  procedure_id: number;
  kind: AlertTagKind;
  label: string;
}

/** The topics and districts an alert asks for (none of a kind: every one). */
export interface AlertTagTable {
  alert_id: number;
  kind: AlertTagKind;
  label: string;
}

export interface AlertNoticeTable {
  id: Generated<number>;
  organisation_id: number;
  procedure_id: number;
  kind: "procedure_opened" | "results_published";
  created_at: string;
  queued_through: Generated<number>;
  queued_at: string | null;
}

export interface AlertDeliveryTable {
  id: Generated<number>;
  organisation_id: number;
  alert_id: number;
  notice_id: number | null;
  kind: AlertMailKind;
  state: OutboxState;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  created_at: string;
}

/** A procedure's plan (issue 18): a normalised image, its grid and an optional north-up georeference. */
export interface ProcedurePlanTable {
  procedure_id: number;
  organisation_id: number;
  document_id: number | null;
  blob_id: number;
  width: number;
  height: number;
  alt_text: string;
  grid_columns: number;
  grid_rows: number;
  /** WGS 84 corners in millionths of a degree, all four or none */
  north_udeg: number | null;
  west_udeg: number | null;
  south_udeg: number | null;
  east_udeg: number | null;
  /** three control points as JSON [[x, y, lon_udeg, lat_udeg], …] (pixels of the plan), or null (migration 0043) */
  control_points: string | null;
  /** the WMS GetMap URL the plan was rendered from, or null */
  wms_request: string | null;
  updated_at: string;
}

/** Where a statement is about: words, a grid cell, a point (x, y in 1/10000 of the plan), any of them. */
export interface SubmissionPlaceTable {
  submission_id: number;
  procedure_id: number;
  description: string | null;
  grid_cell: string | null;
  x: number | null;
  y: number | null;
  /** a moderator withheld the place from publication (migration 0042): left out of the results and the GeoJSON */
  withheld_at: string | null;
  withheld_by: number | null;
}

export interface Database {
  organisations: OrganisationTable;
  procedures: ProcedureTable;
  questions: QuestionTable;
  submissions: SubmissionTable;
  answers: AnswerTable;
  contact_details: ContactDetailsTable;
  submission_drafts: SubmissionDraftTable;
  privacy_events: PrivacyEventTable;
  rate_limits: RateLimitTable;
  job_leases: JobLeaseTable;
  accounts: AccountTable;
  account_roles: AccountRoleTable;
  staff_sessions: StaffSessionTable;
  account_tokens: AccountTokenTable;
  audit_log: AuditLogTable;
  responses: ResponseTable;
  answer_redactions: AnswerRedactionTable;
  outbox: OutboxTable;
  procedure_translations: ProcedureTranslationTable;
  accessibility_statements: AccessibilityStatementTable;
  barrier_reports: BarrierReportTable;
  results_snapshots: ResultsSnapshotTable;
  results_inclusion: ResultsInclusionTable;
  content_versions: ContentVersionTable;
  submission_totals: SubmissionTotalTable;
  server_keys: ServerKeyTable;
  file_blobs: FileBlobTable;
  file_chunks: FileChunkTable;
  documents: DocumentTable;
  sign_language_videos: SignLanguageVideoTable;
  procedure_sections: ProcedureSectionTable;
  consideration_decisions: ConsiderationDecisionTable;
  attachment_settings: AttachmentSettingsTable;
  attachments: AttachmentTable;
  tlog_leaves: TlogLeafTable;
  tlog_tiles: TlogTileTable;
  tlog_checkpoints: TlogCheckpointTable;
  tlog_state: TlogStateTable;
  procedure_plans: ProcedurePlanTable;
  submission_places: SubmissionPlaceTable;
  alerts: AlertTable;
  alert_events: AlertEventTable;
  alert_notices: AlertNoticeTable;
  alert_deliveries: AlertDeliveryTable;
  procedure_alert_tags: ProcedureAlertTagTable;
  alert_tags: AlertTagTable;
}

/** Whether and how residents may attach files to a procedure's form (migration 0030; no row: off). */
export interface AttachmentSettingsTable {
  procedure_id: number;
  max_files: number;
  max_bytes: number;
  updated_at: string;
}

export type AttachmentKind = "jpeg" | "png" | "pdf";
export type AttachmentSource = "resident" | "desk";

/** A resident's photo or PDF, or the desk's scan of a letter: encrypted bytes in the file store (migration 0030). */
export interface AttachmentTable {
  id: Generated<number>;
  token: string;
  organisation_id: number;
  procedure_id: number;
  draft_id: string | null;
  submission_id: number | null;
  source: AttachmentSource;
  kind: AttachmentKind;
  media_type: string;
  name_sealed: string;
  key_sealed: string;
  byte_size: number;
  sha256: string;
  blob_id: number;
  thumb_blob_id: number | null;
  thumb_key_sealed: string | null;
  width: number | null;
  height: number | null;
  published: Generated<number>;
  created_by: number | null;
  created_at: string;
  /** when it goes with the submission's other personal data (migration 0037); null while in a draft */
  delete_after: string | null;
  /** published with the results (migration 0038): its name on the public path, the moderator's description */
  public_token: string | null;
  alt_text: string | null;
  published_at: string | null;
  published_by: number | null;
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
export type PrivacyEventRow = Selectable<PrivacyEventTable>;
export type AccountRow = Selectable<AccountTable>;
export type StaffSessionRow = Selectable<StaffSessionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type ProcedureTranslationRow = Selectable<ProcedureTranslationTable>;
export type DocumentRow = Selectable<DocumentTable>;
