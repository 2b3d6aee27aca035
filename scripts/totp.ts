/** `npm run totp -- <base32 secret>`: the current TOTP code, for trying the demo accounts without a phone. */
import { totpCode } from "~/modules/accounts/totp.server";

const secret = process.argv[2];
if (!secret) {
  console.error("Usage: npm run totp -- JBSWY3DPEHPK3PXP");
  process.exit(2);
}
console.log(totpCode(secret));
