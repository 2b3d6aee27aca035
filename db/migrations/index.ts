/**
 * Migrations are listed here statically: a bundled server cannot read a migrations folder at run time.
 * Append new ones; never reorder or edit shipped ones.
 */
import type { Migration } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_privacy_log";
import * as m0003 from "./0003_accounts";
import * as m0004 from "./0004_assisted_entry";
import * as m0005 from "./0005_moderation";
import * as m0006 from "./0006_outbox";
import * as m0007 from "./0007_queue_index";
import * as m0008 from "./0008-procedure-translations";
import * as m0009 from "./0009-accessibility";
import * as m0010 from "./0010-results-snapshots";
import * as m0011 from "./0011-content-versions";
import * as m0012 from "./0012-queue-filters";
import * as m0013 from "./0013-queue-totals";
import * as m0014 from "./0014-keys-and-enrolment";
import * as m0015 from "./0015-receipt-code-columns";
import * as m0017 from "./0017-open-data-contact";
import * as m0019 from "./0019-source-reference-keys";
import * as m0021 from "./0021-procedure-defaults";
import * as m0022 from "./0022-answer-search";
import * as m0023 from "./0023-legal-framework";
import * as m0026 from "./0026-documents";
import * as m0027 from "./0027-sections";
import * as m0028 from "./0028-places";
import * as m0029 from "./0029-consideration-decisions";
import * as m0030 from "./0030-attachments";
import * as m0031 from "./0031-transparency-log";
import * as m0032 from "./0032-alerts";
import * as m0035 from "./0035-queue-sections";
import * as m0036 from "./0036-weighing-by-section";
import * as m0037 from "./0037-attachment-retention";
import * as m0038 from "./0038-published-attachments";
import * as m0039 from "./0039-alert-events-in-the-transparency-log";
import * as m0040 from "./0040-alert-topics-and-districts";
import * as m0041 from "./0041-videos-with-captions";
import * as m0042 from "./0042-withheld-places";
import * as m0043 from "./0043-plan-control-points-and-wms";
import * as m0045 from "./0045-tlog-tile-nodes";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_privacy_log": m0002,
  "0003_accounts": m0003,
  "0004_assisted_entry": m0004,
  "0005_moderation": m0005,
  "0006_outbox": m0006,
  "0007_queue_index": m0007,
  "0008-procedure-translations": m0008,
  "0009-accessibility": m0009,
  "0010-results-snapshots": m0010,
  "0011-content-versions": m0011,
  "0012-queue-filters": m0012,
  "0013-queue-totals": m0013,
  "0014-keys-and-enrolment": m0014,
  "0015-receipt-code-columns": m0015,
  "0017-open-data-contact": m0017,
  "0019-source-reference-keys": m0019,
  "0021-procedure-defaults": m0021,
  "0022-answer-search": m0022,
  "0023-legal-framework": m0023,
  "0026-documents": m0026,
  "0027-sections": m0027,
  "0028-places": m0028,
  "0029-consideration-decisions": m0029,
  "0030-attachments": m0030,
  "0031-transparency-log": m0031,
  "0032-alerts": m0032,
  "0035-queue-sections": m0035,
  "0036-weighing-by-section": m0036,
  "0037-attachment-retention": m0037,
  "0038-published-attachments": m0038,
  "0039-alert-events-in-the-transparency-log": m0039,
  "0040-alert-topics-and-districts": m0040,
  "0041-videos-with-captions": m0041,
  "0042-withheld-places": m0042,
  "0043-plan-control-points-and-wms": m0043,
  "0045-tlog-tile-nodes": m0045,
};
