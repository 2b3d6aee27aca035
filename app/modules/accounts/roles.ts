import type { Role } from "#db/schema";

export const ROLES: readonly Role[] = ["admin", "moderator", "staff"];
/** Admins and moderators see personal data and change what residents see: they need a second factor. */
export const needsSecondFactor = (roles: readonly Role[]) => roles.includes("admin") || roles.includes("moderator");
export type { Role };
