import type { ResponseDecision } from "#db/schema";

/** The official response's decisions (Abwägung), in the order staff choose from. */
export const RESPONSE_DECISIONS: readonly ResponseDecision[] = ["accepted", "partly_accepted", "not_accepted", "noted"];
