/** `npm run db:migrate` and `npm run db:seed` (tsx db/cli.ts migrate|seed). */
import { databaseUrlFromEnv, openDatabase } from "./connection.server";
import { migrateToLatest } from "./migrate";
import { seedDemoIfEmpty } from "./seed";

const command = process.argv[2];
const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  if (command === "migrate") {
    await migrateToLatest(db);
    console.log("Database is up to date.");
  } else if (command === "seed") {
    await migrateToLatest(db);
    console.log((await seedDemoIfEmpty(db)) ? "Demo data loaded." : "Database already has data; nothing seeded.");
  } else {
    console.error("Usage: tsx db/cli.ts migrate|seed");
    process.exitCode = 2;
  }
} finally {
  await close();
}
