import type { Role } from "#db/schema";

export const ROLES: readonly Role[] = ["admin", "moderator", "staff"];
/** Admins and moderators see personal data and change what residents see: they need a second factor. */
export const needsSecondFactor = (roles: readonly Role[]) => roles.includes("admin") || roles.includes("moderator");
export type { Role };
/**
 * Who may moderate: moderators, and admins (they answer for the procedures they create; in a
 * small municipality one person often does both). Decision 34.
 */
export const MODERATION_ROLES: readonly Role[] = ["moderator", "admin"];
