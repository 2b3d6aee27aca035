/**
 * A real SMTP server on 127.0.0.1 (smtp-server) for the mail suites: every message as received,
 * with its headers and decoded text body, and a transport of the app's own kind pointing at it.
 * Addresses in `rejects` are refused as a mail server does (550); `start(port)` brings a stopped
 * server back on its old port (a transport made before still reaches it).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";
import { createTransport, type Mailer } from "~/modules/notifications/outbox.server";

export interface ReceivedMail {
  to: string[];
  raw: string;
  headers: string;
  text: string;
}

function decodeBody(head: string, body: string): string {
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes: number[] = [];
    const soft = body.replace(/=\r?\n/g, "");
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i], "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

export class LocalSmtp {
  received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  constructor(private readonly options: { rejects?: readonly string[] } = {}) {}

  async start(port = 0) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        if (!this.options.rejects?.includes(address.address)) return callback();
        const error = new Error(`Mailbox ${address.address} unavailable`) as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const [head, ...rest] = raw.split(/\r?\n\r?\n/);
          this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, headers: head, text: decodeBody(head, rest.join("\n\n")) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop() {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  transport(): Mailer {
    return createTransport({ SMTP_URL: `smtp://127.0.0.1:${this.port}/?ignoreTLS=true`, MAIL_FROM: "Stadt Musterstadt <beteiligung@musterstadt.example>" })!;
  }

  /** A header of a received mail, unfolded. */
  static header(mail: ReceivedMail, name: string): string | undefined {
    const unfolded = mail.headers.replace(/\r?\n[ \t]+/g, " ");
    return new RegExp(`^${name}:\\s*(.*)$`, "im").exec(unfolded)?.[1]?.trim();
  }
}
