/** A numeric setting from the environment (README, "Configuration"): unset or empty gives the fallback. */
export function setting(name: string, fallback: number): number {
  const value = process.env[name];
  return value !== undefined && value !== "" ? Number(value) : fallback;
}

/** The Remix mode: development only when NODE_ENV says so. */
export const remixMode = () => (process.env.NODE_ENV === "development" ? "development" : "production");
