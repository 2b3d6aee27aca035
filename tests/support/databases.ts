/**
 * The databases every data-layer suite runs against: a fresh SQLite file always, and a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set (.ci/run sets it). Each test file gets its
 * own database, created here and dropped afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  engine: "sqlite" | "postgres";
  url: string;
  drop(): Promise<void>;
}

export const postgresUrl = process.env.TEST_DATABASE_URL?.trim() || "";

export const engines: ("sqlite" | "postgres")[] = postgresUrl ? ["sqlite", "postgres"] : ["sqlite"];

if (!postgresUrl && !process.env.TEILHABE_PG_NOTICE_SHOWN) {
  process.env.TEILHABE_PG_NOTICE_SHOWN = "1";
  console.warn(
    "[tests] TEST_DATABASE_URL is not set: the PostgreSQL runs of the database suites are left out. " +
      "Run them with: TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test npm test",
  );
}

export async function createTestDatabase(engine: "sqlite" | "postgres"): Promise<TestDatabase> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "teilhabe-test-"));
    return { engine, url: join(dir, "test.sqlite"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `teilhabe_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    engine,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
