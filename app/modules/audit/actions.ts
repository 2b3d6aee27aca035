/**
 * Every action and target type the audit log records. `audit()` accepts only these, so a new
 * action is added here first; each has a label in `accounts:audit.actions.<action>` /
 * `accounts:audit.targets.<type>` (de and en: tests/unit/audit-labels.test.ts), shown on the
 * admin's audit-log page instead of the raw name.
 */
export const AUDIT_ACTIONS = [
  // accounts and sign-in
  "sign_in",
  "sign_out",
  "second_factor_failed",
  "second_factor_set_up",
  "account_invited",
  "password_reset_link_created",
  "invitation_renewed",
  "password_set",
  "password_changed",
  "roles_changed",
  "access_removed",
  "second_factor_reset",
  // the organisation
  "organisation_created",
  "organisation_settings_changed",
  "accessibility_statement_saved",
  "consideration_decisions_changed",
  // procedures and their questions
  "procedure_created",
  "procedure_updated",
  "procedure_opened",
  "procedure_closed",
  "procedure_reopened",
  "procedure_archived",
  "procedure_copied",
  "procedure_translation_saved",
  "question_added",
  "question_updated",
  "question_moved",
  "question_removed",
  // a procedure's documents
  "document_added",
  "document_replaced",
  "document_moved",
  "document_withdrawn",
  // videos with captions (decision 49): a procedure's, and the organisation's sign-language explanation
  "video_added",
  "sign_language_video_saved",
  "sign_language_video_removed",
  // a procedure's plan (issue 18)
  "plan_saved",
  "plan_removed",
  // a statement's place withheld from publication, or published again
  "place_withheld",
  "place_released",
  // attachments (issue 20): the procedure's setting, staff opening and publishing files
  "attachment_settings_changed",
  // e-mail alerts (issue 21): a procedure's topics and districts
  "procedure_alert_tags_changed",
  "attachment_viewed",
  "attachment_published",
  "attachment_unpublished",
  "scan_attached",
  // submissions, moderation, results
  "submission_entered",
  "submission_looked_up",
  "submission_viewed",
  "submissions_searched",
  "submission_published",
  "submission_published_redacted",
  "submission_not_published",
  // "response_given" until issue 19 (its label stays for older entries)
  "consideration_recorded",
  "weighing_table_exported",
  "contact_data_opened",
  "original_text_opened",
  "results_published",
  "results_updated",
  "results_summary_saved",
  // barrier reports
  "barrier_report_contact_opened",
  "barrier_report_answered",
  "barrier_report_closed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ["account", "organisation", "procedure", "submission", "question", "response", "barrier_report", "document", "attachment"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
