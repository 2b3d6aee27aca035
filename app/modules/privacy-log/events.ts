import { LEGAL_BASES } from "./legal-basis";

/**
 * The kinds of event a submission's privacy log records. Each is explained to the resident in
 * their language by the translation `privacy:events.<type>` (locales/<lng>/privacy.json), filled
 * with the event's details. Roles and categories are words the resident understands; the internal
 * account id is kept for audits only.
 */
export const PRIVACY_EVENT_TYPES = [
  "received",
  "notice_shown",
  "notice_read_aloud",
  "personal_data_stored",
  "consent_given",
  "consent_refused",
  "personal_data_opened",
  "redacted",
  "published",
  "not_published",
  "response_given",
  /** a consideration (Abwägung) was recorded for the statement, alone or with others (issue 19) */
  "consideration_recorded",
  /** the submitter's name went into a named weighing table for the council (internal, issue 19) */
  "named_in_weighing_table",
  "included_in_results",
  "included_in_open_data",
  "data_exported",
  "erasure_requested",
  "personal_data_deleted",
  "submission_withdrawn",
  "status_looked_up",
  /** staff opened a submission's answers, status and log at the desk (duplicate check, found without the code) */
  "entry_viewed",
  /** photos, PDFs or a desk scan kept with the submission (issue 20); details: count, source */
  "attachment_stored",
  "attachment_viewed",
  "attachment_deleted",
  /** a moderator chose to publish a photo with the results, or took it back (details: published) */
  "attachment_published",
] as const;
export type PrivacyEventType = (typeof PRIVACY_EVENT_TYPES)[number];

export const ACTOR_ROLES = ["resident", "staff", "moderator", "admin", "system"] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const DATA_CATEGORIES = ["content", "name", "address", "email", "phone", "consent", "attachment"] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const PURPOSES = [
  "participation",
  "transparency",
  "reply",
  "results_notification",
  "moderation",
  "publication",
  "data_rights",
  "retention",
] as const;
export type Purpose = (typeof PURPOSES)[number];

export type EventDetails = Record<string, string | number | boolean | null>;

export interface NewPrivacyEvent {
  type: PrivacyEventType;
  actorRole: ActorRole;
  actorAccountId?: number | null;
  categories: DataCategory[];
  purpose: Purpose;
  legalBasis: string;
  details?: EventDetails;
  occurredAt?: Date;
}

export interface PrivacyEvent {
  seq: number;
  occurredAt: string;
  type: PrivacyEventType;
  actorRole: ActorRole;
  categories: DataCategory[];
  purpose: Purpose;
  legalBasis: string;
  details: EventDetails;
  hash: string;
}

/** The legal basis of consent-based purposes; other purposes use the procedure's own. */
export const CONSENT_LEGAL_BASIS = LEGAL_BASES.consent;
/** The legal basis for answering a data-subject request. */
export const DATA_RIGHTS_LEGAL_BASIS = LEGAL_BASES.dataRights;
