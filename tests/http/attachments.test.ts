/**
 * Attachments on the resident form over HTTP against the production server (SQLite, and PostgreSQL
 * with TEST_DATABASE_URL): where the procedure allows files the form is multipart and works without
 * JavaScript; a file chosen once is kept across the error page and listed on check-your-answers, where
 * it can be removed; once sent it belongs to the submission and the privacy log says so. Every bad
 * file gets its reason at the file field in the reader's language and stores nothing; a cut-off body
 * is a 400 and stores nothing.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { saveAttachmentSettings } from "~/modules/attachments/attachments.server";
import { engines } from "../support/databases";
import { pdfOf, zipOf } from "../support/files";
import { Client, mainOf, rawGet, textOf } from "../support/http";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { createSubmission } from "~/modules/submissions/submissions.server";

const FORM = "/musterstadt/verfahren/radverkehrsplan-2030";
const MAX_BYTES = 1_000_000;

describe.each(engines)("attachments on the resident form (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let procedureId: number;
  let answers: [string, string][];

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    procedureId = Number((await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id);
    const q = await h.db.selectFrom("questions").select("id").where("procedure_id", "=", procedureId).orderBy("position").execute();
    answers = [
      [`q${q[0].id}`, "Der Radweg am Bahnhof ist zu schmal, siehe Foto."],
      [`q${q[2].id}`, "bike"],
      [`q${q[3].id}`, "safety"],
      [`q${q[4].id}`, "4"],
    ];
    await saveAttachmentSettings(h.db, procedureId, { maxFiles: 2, maxBytes: MAX_BYTES });
  }, 60_000);
  afterAll(async () => {
    if (process.env.SHOW_LOGS) console.log(server?.logs());
    await h?.close();
    await server?.stop();
  });

  const stored = async () => Number((await h.db.selectFrom("attachments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const photo = () =>
    sharp({ create: { width: 800, height: 600, channels: 3, background: "#6a8f3c" } })
      .jpeg()
      .withExif({ IFD0: { Artist: "Anna Beispiel" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1" } })
      .toBuffer();

  function form(fields: [string, string][], files: { bytes: Buffer; name: string }[] = []) {
    const body = new FormData();
    for (const [k, v] of fields) body.append(k, v);
    for (const f of files) body.append("attachments", new Blob([new Uint8Array(f.bytes)], { type: "application/octet-stream" }), f.name);
    return body;
  }

  it("offers a multipart form with a file field, no script", async () => {
    const html = await (await new Client(server.url).get(FORM)).text();
    expect(html).toMatch(/<form[^>]+enctype="multipart\/form-data"/i);
    expect(html).toMatch(/<input[^>]+type="file"[^>]+name="attachments"/);
    expect(html).toContain("Dateien (Fotos oder PDF)");
    expect(html).not.toMatch(/<script/i);
  });

  it("keeps a photo across the error page, lists it on check-your-answers, and moves it into the submission", async () => {
    const resident = new Client(server.url);
    const before = await stored();
    // the answers are incomplete: the page says so, and the photo is kept (listed, not to be chosen again)
    const first = await resident.fetch(FORM, { method: "POST", body: form([], [{ bytes: await photo(), name: "IMG_2041.JPG" }]) });
    expect(first.status).toBe(400);
    const errorPage = textOf(mainOf(await first.text()));
    expect(errorPage).toContain("Bitte prüfen Sie Ihre Angaben");
    expect(errorPage).toContain("IMG_2041.jpg");
    expect(await stored()).toBe(before + 1);
    const row = await h.db.selectFrom("attachments").select(["kind", "submission_id", "draft_id"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "jpeg", submission_id: null });

    // now the answers, no new file: on to check-your-answers, where the photo is listed
    const second = await resident.fetch(FORM, { method: "POST", body: form(answers) });
    expect(second.status).toBe(303);
    expect(second.headers.get("location")).toMatch(/\/pruefen$/);
    const check = textOf(mainOf(await (await resident.get(`${FORM}/pruefen`)).text()));
    expect(check).toContain("IMG_2041.jpg");
    expect(check).toContain("Entfernen");

    const sent = await resident.post(`${FORM}/pruefen`, []);
    expect(sent.status).toBe(303);
    const attached = await h.db.selectFrom("attachments").select(["submission_id", "draft_id"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(attached.submission_id).not.toBeNull();
    expect(attached.draft_id).toBeNull();
    const events = await h.db.selectFrom("privacy_events").select("type").where("submission_id", "=", attached.submission_id!).execute();
    expect(events.map((e) => e.type)).toContain("attachment_stored");
  });

  it("removes a file with its button on check-your-answers", async () => {
    const resident = new Client(server.url);
    const res = await resident.fetch(FORM, { method: "POST", body: form(answers, [{ bytes: pdfOf(20_000), name: "Brief an die Stadt.pdf" }]) });
    expect(res.status).toBe(303);
    const check = await (await resident.get(`${FORM}/pruefen`)).text();
    const token = check.match(/name="remove_attachment" value="([^"]+)"/)?.[1];
    expect(token).toBeTruthy();
    const before = await stored();
    expect((await resident.post(`${FORM}/pruefen`, [["remove_attachment", token!]])).status).toBe(303);
    expect(await stored()).toBe(before - 1);
    expect(textOf(mainOf(await (await resident.get(`${FORM}/pruefen`)).text()))).toContain("Keine Dateien");
  });

  it("refuses each bad file at the file field in the reader's language and stores nothing", async () => {
    const jpeg = await photo();
    const cases: { what: string; files: { bytes: Buffer; name: string }[]; status: number; de: string; en: string }[] = [
      { what: "a text file named .png", files: [{ bytes: Buffer.from("nur Text"), name: "bild.png" }], status: 400, de: "kein Foto und kein PDF", en: "not a photo or a PDF" },
      { what: "zero bytes", files: [{ bytes: Buffer.alloc(0), name: "leer.jpg" }], status: 400, de: "Die Datei ist leer", en: "The file is empty" },
      { what: "a JPEG that is also HTML", files: [{ bytes: Buffer.concat([jpeg.subarray(0, 20), Buffer.from("<script>alert(1)</script>"), jpeg.subarray(20)]), name: "x.jpg" }], status: 400, de: "noch etwas anderes", en: "something else" },
      { what: "too large", files: [{ bytes: pdfOf(MAX_BYTES + 50_000), name: "gross.pdf" }], status: 413, de: "höchstens 1 MB", en: "at most 1 MB" },
      { what: "too many", files: [1, 2, 3].map((i) => ({ bytes: pdfOf(2000, i), name: `${i}.pdf` })), status: 400, de: "so viele Dateien mitschicken: 2", en: "The most files you can add: 2" },
    ];
    for (const c of cases) {
      for (const lng of ["de", "en"] as const) {
        const resident = new Client(server.url, { "accept-language": lng });
        const before = await stored();
        const res = await resident.fetch(`${FORM}?lng=${lng}`, { method: "POST", body: form(answers, c.files) });
        expect(res.status, `${c.what} (${lng})`).toBe(c.status);
        const text = textOf(mainOf(await res.text()));
        expect(text, `${c.what} (${lng})`).toContain(c[lng]);
        // the too-many case keeps the first two (the limit), the others store nothing
        expect(await stored(), `${c.what} (${lng})`).toBe(c.what === "too many" ? before + 2 : before);
      }
    }
  });

  it("too many files: keeps those within the limit in the draft and names each one not taken, in the reader's language", async () => {
    const names = ["Plan Nord.pdf", "Plan Süd.pdf", "Lageplan.pdf", "C:\\Users\\anna\\Brief\u202egnp.pdf"];
    for (const lng of ["de", "en"] as const) {
      const resident = new Client(server.url, { "accept-language": lng });
      const before = await stored();
      const res = await resident.fetch(`${FORM}?lng=${lng}`, { method: "POST", body: form([], names.map((name, i) => ({ bytes: pdfOf(3000, 20 + i), name }))) });
      expect(res.status).toBe(400);
      const page = textOf(mainOf(await res.text()));
      // the first two (the limit) are kept in the draft and listed; the other two are named, cleaned, and not stored
      expect(await stored()).toBe(before + 2);
      const kept = await h.db.selectFrom("attachments").select(["draft_id", "submission_id"]).orderBy("id", "desc").limit(2).execute();
      expect(kept.every((k) => k.draft_id !== null && k.submission_id === null)).toBe(true);
      expect(page).toContain(lng === "de" ? "Diese Dateien wurden nicht übernommen: Lageplan.pdf, Briefgnp.pdf" : "These files were not taken: Lageplan.pdf, Briefgnp.pdf");
      expect(page).toContain("Plan Nord.pdf");
      expect(page).toContain("Plan Süd.pdf");
      expect(page).not.toContain("\u202e");

      // the draft is full: a file sent now is named as not taken, the two kept stay
      const again = await resident.fetch(`${FORM}?lng=${lng}`, { method: "POST", body: form(answers, [{ bytes: pdfOf(3000, 30), name: "Nachtrag.pdf" }]) });
      expect(again.status).toBe(400);
      const againPage = textOf(mainOf(await again.text()));
      expect(againPage).toContain(lng === "de" ? "nicht übernommen: Nachtrag.pdf." : "not taken: Nachtrag.pdf.");
      expect(await stored()).toBe(before + 2);
      // sent on without a new file: check-your-answers lists the two kept
      expect((await resident.fetch(`${FORM}?lng=${lng}`, { method: "POST", body: form(answers) })).status).toBe(303);
      const check = textOf(mainOf(await (await resident.get(`${FORM}/pruefen?lng=${lng}`)).text()));
      expect(check).toContain("Plan Nord.pdf");
      expect(check).toContain("Plan Süd.pdf");
      expect(check).not.toContain("Lageplan.pdf");
    }
  });

  it("moderators see thumbnails and download files (each opening logged); a photo is published only by choice, on a cookie-less path", async () => {
    const resident = new Client(server.url);
    const sent = await resident.fetch(FORM, { method: "POST", body: form(answers, [{ bytes: await photo(), name: "Radweg.jpg" }, { bytes: pdfOf(30_000), name: "Brief.pdf" }]) });
    expect(sent.status).toBe(303);
    expect((await resident.post(`${FORM}/pruefen`, [])).status).toBe(303);
    const files = await h.db.selectFrom("attachments").select(["token", "kind", "submission_id"]).where("submission_id", "is not", null).orderBy("id", "desc").limit(2).execute();
    const pdf = files.find((f) => f.kind === "pdf")!;
    const jpeg = files.find((f) => f.kind === "jpeg")!;
    const submissionId = jpeg.submission_id!;
    const events = async () => (await h.db.selectFrom("privacy_events").select(["type", "actor_role", "details_json"]).where("submission_id", "=", submissionId).orderBy("seq").execute()).map((e) => [e.type, e.actor_role, e.details_json]);

    const { client: moderator } = await signIn(server.url, DEMO.moderator, { db: h.db });
    const review = await (await moderator.get(`/musterstadt/verwaltung/moderation/beitrag/${submissionId}`)).text();
    expect(textOf(mainOf(review))).toContain("Radweg.jpg herunterladen");
    expect(review).toContain(`/musterstadt/verwaltung/anhang/${jpeg.token}/vorschau`);
    // the page lists names only: nothing was opened yet
    expect((await events()).filter(([type]) => type === "attachment_viewed")).toEqual([]);

    const thumb = await moderator.get(`/musterstadt/verwaltung/anhang/${jpeg.token}/vorschau`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    expect(thumb.headers.get("x-content-type-options")).toBe("nosniff");
    expect(thumb.headers.get("cache-control")).toBe("private, no-store");
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(320);
    await moderator.get(`/musterstadt/verwaltung/anhang/${jpeg.token}/vorschau`); // again within half an hour: logged once

    const download = await moderator.get(`/musterstadt/verwaltung/anhang/${pdf.token}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="Brief.pdf"/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdfOf(30_000))).toBe(true);
    const viewed = (await events()).filter(([type]) => type === "attachment_viewed");
    expect(viewed.map(([, role, details]) => [role, JSON.parse(details)])).toEqual([
      ["moderator", { file: 1, part: "thumbnail" }],
      ["moderator", { file: 2, part: "file" }],
    ]);
    expect((await h.db.selectFrom("audit_log").select("action").where("action", "=", "attachment_viewed").execute()).length).toBe(2);

    // nobody else: a clerk, a resident, a made-up token
    const { client: clerk } = await signIn(server.url, DEMO.staff);
    expect((await clerk.get(`/musterstadt/verwaltung/anhang/${pdf.token}`)).status).toBe(403);
    expect((await new Client(server.url).get(`/musterstadt/verwaltung/anhang/${pdf.token}`)).status).toBe(303);
    expect((await moderator.get(`/musterstadt/verwaltung/anhang/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);

    // publishing needs a description; a PDF cannot be published
    const page = `/musterstadt/verwaltung/moderation/beitrag/${submissionId}`;
    const csrf = csrfOf(review);
    const noAlt = await moderator.post(page, [["_csrf", csrf], ["intent", "publish_attachment"], ["token", jpeg.token], ["publish", "yes"], [`alt_${jpeg.token}`, " "]]);
    expect(noAlt.status).toBe(400);
    expect(textOf(mainOf(await noAlt.text()))).toContain("Beschreiben Sie das Foto");
    expect((await moderator.post(page, [["_csrf", csrf], ["intent", "publish_attachment"], ["token", pdf.token], ["publish", "yes"], [`alt_${pdf.token}`, "x"]])).status).toBe(404);
    const chosen = await moderator.post(page, [["_csrf", csrf], ["intent", "publish_attachment"], ["token", jpeg.token], ["publish", "yes"], [`alt_${jpeg.token}`, "Ein schmaler Radweg neben parkenden Autos"]]);
    expect(chosen.status).toBe(303);
    const row = await h.db.selectFrom("attachments").select(["published", "public_token", "alt_text"]).where("token", "=", jpeg.token).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ published: 1, alt_text: "Ein schmaler Radweg neben parkenden Autos" });
    expect(row.public_token).not.toBe(jpeg.token);
    expect((await events()).at(-1)).toEqual(["attachment_published", "moderator", JSON.stringify({ published: true })]);

    // not public before the submission is published and the results are out
    const publicPath = `/bilder/${row.public_token}`;
    expect((await new Client(server.url).get(publicPath)).status).toBe(404);
    expect((await moderator.post(page, [["_csrf", csrf], ["intent", "publish"]])).status).toBe(303);
    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", procedureId).execute();
    try {
      const image = await new Client(server.url, { cookie: "teilhabe_session=whatever; teilhabe_form=x" }).get(publicPath);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/jpeg");
      expect(image.headers.get("set-cookie")).toBeNull();
      expect(image.headers.get("x-content-type-options")).toBe("nosniff");
      expect(image.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
      expect(image.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
      expect(image.headers.get("referrer-policy")).toBe("no-referrer");
      // whoever asks, signed in or with a language chosen, and whatever the answer: never a cookie,
      // always an image type (or nothing), nosniff and a CSP that allows nothing and sandboxes
      const strict = (res: Response, what: string) => {
        expect(res.headers.get("set-cookie"), what).toBeNull();
        expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
        const csp = (res.headers.get("content-security-policy") ?? "").split(";").map((d) => d.trim());
        expect(csp, what).toContain("default-src 'none'");
        expect(csp, what).toContain("sandbox");
      };
      strict(image, "anonymous");
      const signedIn = await moderator.get(`${publicPath}?lng=en`);
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get("content-type")).toMatch(/^image\/(jpeg|png)$/);
      strict(signedIn, "a moderator's session");
      await signedIn.arrayBuffer();
      const head = await new Client(server.url).fetch(publicPath, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe("image/jpeg");
      strict(head, "HEAD");
      const revalidated = await new Client(server.url).get(publicPath, { "if-none-match": image.headers.get("etag")! });
      expect(revalidated.status).toBe(304);
      strict(revalidated, "304");
      const unknown = await new Client(server.url).get("/bilder/AAAAAAAAAAAAAAAAAAAAAA");
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("set-cookie")).toBeNull();
      expect(unknown.headers.get("content-type") ?? "").not.toMatch(/html/);
      const published = Buffer.from(await image.arrayBuffer());
      expect((await sharp(published).metadata()).exif).toBeUndefined();
      const results = await (await new Client(server.url).get(`${FORM}/ergebnisse`)).text();
      expect(results).toContain(`<img src="${publicPath}" alt="Ein schmaler Radweg neben parkenden Autos"`);

      // taken back: gone at once
      expect((await moderator.post(page, [["_csrf", csrf], ["intent", "publish_attachment"], ["token", jpeg.token], ["publish", "no"]])).status).toBe(303);
      expect((await new Client(server.url).get(publicPath)).status).toBe(404);
      expect((await events()).filter(([type]) => type === "attachment_published").map(([, , d]) => JSON.parse(d).published)).toEqual([true, false]);
    } finally {
      await h.db.updateTable("procedures").set({ status: "open" }).where("id", "=", procedureId).execute();
    }
  });

  it("the resident's export lists the files (name, size, SHA-256) and offers their own for download with the receipt code; the notice names them", async () => {
    const resident = new Client(server.url);
    const pdf = pdfOf(40_000, 7);
    expect((await resident.fetch(FORM, { method: "POST", body: form(answers, [{ bytes: pdf, name: "Stellungnahme.pdf" }]) })).status).toBe(303);
    expect((await resident.post(`${FORM}/pruefen`, [])).status).toBe(303);
    const code = textOf(await (await resident.get(`${FORM}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];

    const owner = new Client(server.url);
    expect((await owner.post("/musterstadt/beitrag", [["code", code]])).status).toBe(303);
    const exported = await owner.post("/musterstadt/beitrag/daten", []);
    expect(exported.status).toBe(200);
    const json = (await exported.json()) as { attachments: { name: string; byteSize: number; sha256: string; source: string; download: string | null }[] };
    expect(json.attachments).toMatchObject([{ name: "Stellungnahme.pdf", byteSize: pdf.length, sha256: createHash("sha256").update(pdf).digest("hex"), source: "resident" }]);
    const download = new URL(json.attachments[0].download!);
    const file = await owner.get(download.pathname);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    // without the receipt session: back to the code form, never the file
    expect((await new Client(server.url).get(download.pathname)).status).toBe(303);

    const notice = textOf(mainOf(await (await new Client(server.url).get(`${FORM}/datenschutz`)).text()));
    expect(notice).toContain("Dateien, die Sie mitschicken (Fotos, PDF), sind personenbezogene Daten");
  });

  it("keeps the form with its file field within 14 KB (HTML and CSS, gzip) and script-free in every language", async () => {
    const report: string[] = [];
    for (const lng of SUPPORTED_LANGUAGES) {
      const page = await rawGet(`${server.url}${FORM}?lng=${lng}`, { "accept-encoding": "gzip" });
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/type="file"/);
      expect(page.text).not.toMatch(/<script/i);
      const css = await rawGet(server.url + page.text.match(/<link rel="stylesheet" href="([^"]+)"/)![1], { "accept-encoding": "gzip" });
      const total = page.wire.length + css.wire.length;
      report.push(`${lng}: ${total}`);
      expect(total, `${lng}: ${total} bytes`).toBeLessThanOrEqual(14 * 1024);
    }
    console.log(`[form with files, bytes] ${report.join(", ")}`);
  });

  it("answers a cut-off multipart body with 400 and stores nothing", async () => {
    const before = await stored();
    const boundary = "----teilhabe20";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 cut`;
    const res = await new Client(server.url).fetch(FORM, { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/at \w+ \(|node_modules/);
    expect(await stored()).toBe(before);
  });
});

describe.each(engines)("the admin's attachment setting (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let procedureId: number;
  let page: string;

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    procedureId = Number((await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id);
    page = `/musterstadt/verwaltung/verfahren/${procedureId}/dateien`;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  const setting = () => h.db.selectFrom("attachment_settings").selectAll().where("procedure_id", "=", procedureId).executeTakeFirst();
  const audits = () => h.db.selectFrom("audit_log").select(["action", "details_json"]).where("action", "=", "attachment_settings_changed").execute();

  it("is off by default: the form takes no files", async () => {
    expect(await setting()).toBeUndefined();
    const html = await (await new Client(server.url).get(FORM)).text();
    expect(html).not.toMatch(/type="file"/);
    expect(html).not.toMatch(/multipart\/form-data/);
  });

  it("an admin allows 3 files of 10 MB (audited), residents read the limits before choosing a file, and turns them off again", async () => {
    const { client: admin } = await signIn(server.url, DEMO.admin, { db: h.db });
    const form = await (await admin.get(page)).text();
    expect(textOf(mainOf(form))).toContain("Das Formular nimmt keine Dateien an.");
    const csrf = csrfOf(form);
    const saved = await admin.post(page, [["_csrf", csrf], ["enabled", "yes"], ["max_files", "3"], ["max_megabytes", "10"]]);
    expect(saved.status).toBe(303);
    expect(await setting()).toMatchObject({ max_files: 3, max_bytes: 10_000_000 });
    expect((await audits()).map((a) => JSON.parse(a.details_json))).toEqual([{ allowed: true, max_files: 3, max_bytes: 10_000_000 }]);

    const resident = textOf(mainOf(await (await new Client(server.url).get(FORM)).text()));
    expect(resident).toContain("Anzahl der Dateien: höchstens 3. Jede Datei höchstens 10 MB");
    const english = textOf(mainOf(await (await new Client(server.url, { "accept-language": "en" }).get(`${FORM}?lng=en`)).text()));
    expect(english).toContain("Number of files: at most 3. Each file at most 10 MB");

    expect((await admin.post(page, [["_csrf", csrf], ["max_files", "3"], ["max_megabytes", "10"]])).status).toBe(303);
    expect(await setting()).toBeUndefined();
    expect((await audits()).length).toBe(2);
    expect(await (await new Client(server.url).get(FORM)).text()).not.toMatch(/type="file"/);
  });

  it("refuses numbers out of range at their fields, saves nothing; a resident or a moderator cannot change it", async () => {
    const { client: admin } = await signIn(server.url, DEMO.admin, { db: h.db });
    const csrf = csrfOf(await (await admin.get(page)).text());
    const before = (await audits()).length;
    for (const [files, mb] of [["0", "10"], ["9", "10"], ["3", "500"], ["drei", "10"], ["3", "-1"]]) {
      const res = await admin.post(page, [["_csrf", csrf], ["enabled", "yes"], ["max_files", files], ["max_megabytes", mb]]);
      expect(res.status, `${files}/${mb}`).toBe(400);
      expect(textOf(mainOf(await res.text()))).toMatch(/Geben Sie eine Zahl von 1 bis (5|20) ein/);
    }
    const unknown = await admin.post(page, [["_csrf", csrf], ["enabled", "yes"], ["max_files", "3"], ["max_megabytes", "10"], ["procedure_id", "1"]]);
    expect(unknown.status).toBe(400);
    expect(await setting()).toBeUndefined();
    expect((await audits()).length).toBe(before);
    const { client: moderator } = await signIn(server.url, DEMO.moderator, { db: h.db });
    expect((await moderator.get(page)).status).toBe(403);
    expect((await new Client(server.url).get(page)).status).toBe(303);
  });
});

describe.each(engines)("the desk keeps the scan of a letter (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let letterId: number;
  let onlineId: number;

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    const org = await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
    // a letter as the desk enters it, and an online submission
    const procedure = (await findPublicProcedure(h.db, org.id, "radverkehrsplan-2030"))!;
    const enter = (channel: "letter" | "online", key: string) =>
      h.db.transaction().execute((trx) =>
        createSubmission(trx, { procedure, input: { answers: [{ questionId: procedure.questions[0].id, values: ["Brief"] }], contact: {} }, channel, language: "de", idempotencyKey: key, receivedOn: channel === "letter" ? "2026-11-20" : null }),
      );
    letterId = (await enter("letter", `scan-letter-${engine}`)).submissionId;
    onlineId = (await enter("online", `scan-online-${engine}`)).submissionId;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  const scans = () => h.db.selectFrom("attachments").select(["source", "kind", "submission_id", "created_by"]).where("submission_id", "=", letterId).execute();
  function upload(csrf: string, bytes: Buffer, name: string) {
    const body = new FormData();
    body.append("_csrf", csrf); // before the file: the token is checked before its bytes are read
    body.append("scan", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
    return body;
  }

  it("the clerk attaches a PDF scan: stored encrypted, in the privacy log and the audit log; bad files refused with nothing stored", async () => {
    const { client: clerk } = await signIn(server.url, DEMO.staff);
    const page = `/musterstadt/verwaltung/schalter/eintrag/${letterId}/scan`;
    const html = await (await clerk.get(page)).text();
    expect(html).toMatch(/<form[^>]+enctype="multipart\/form-data"/i);
    expect(html).not.toMatch(/<script/i);
    const csrf = csrfOf(html);

    for (const [bytes, name, message] of [
      [Buffer.from("Hallo"), "brief.pdf", "kein Foto und kein PDF"],
      [Buffer.alloc(0), "leer.pdf", "Die Datei ist leer"],
      [Buffer.concat([pdfOf(3000), zipOf([["a.txt", "x"]]), Buffer.from("\n%%EOF\n")]), "poly.pdf", "noch etwas anderes"],
    ] as const) {
      const res = await clerk.fetch(page, { method: "POST", body: upload(csrf, bytes, name) });
      expect(res.status, name).toBe(400);
      expect(textOf(mainOf(await res.text())), name).toContain(message);
    }
    expect(await scans()).toEqual([]);
    // without the CSRF token: refused before the file is read
    const noToken = new FormData();
    noToken.append("scan", new Blob([new Uint8Array(pdfOf(3000))]), "brief.pdf");
    expect((await clerk.fetch(page, { method: "POST", body: noToken })).status).toBe(403);

    const stored = await clerk.fetch(page, { method: "POST", body: upload(csrf, pdfOf(80_000), "Brief Müller 12.11..pdf") });
    expect(stored.status).toBe(303);
    expect(textOf(mainOf(await (await clerk.get(stored.headers.get("location")!)).text()))).toContain("Der Scan ist gespeichert.");
    expect(await scans()).toMatchObject([{ source: "desk", kind: "pdf" }]);
    const events = await h.db.selectFrom("privacy_events").select(["type", "actor_role", "details_json"]).where("submission_id", "=", letterId).orderBy("seq", "desc").limit(1).execute();
    expect(events).toEqual([{ type: "attachment_stored", actor_role: "staff", details_json: JSON.stringify({ count: 1, source: "desk" }) }]);
    expect((await h.db.selectFrom("audit_log").select("target_id").where("action", "=", "scan_attached").execute()).map((a) => a.target_id)).toEqual([String(letterId)]);

    // only post keeps a scan; moderators see it; nobody without the desk role uploads
    expect((await clerk.get(`/musterstadt/verwaltung/schalter/eintrag/${onlineId}/scan`)).status).toBe(404);
    const { client: moderator } = await signIn(server.url, DEMO.moderator, { db: h.db });
    expect(textOf(mainOf(await (await moderator.get(`/musterstadt/verwaltung/moderation/beitrag/${letterId}`)).text()))).toContain("Scan der Verwaltung");
    expect((await moderator.get(page)).status).toBe(403);
  });
});
