/**
 * Personal data shown back to their owner are masked: enough to recognise, not enough for someone
 * looking over a shoulder. `anna@example.org` → `a***@example.org`.
 */
const word = (w: string) => (w ? `${[...w][0]}***` : w);

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return word(email);
  return `${word(email.slice(0, at))}${email.slice(at)}`;
}

export function maskName(name: string): string {
  return name.split(/\s+/).filter(Boolean).map(word).join(" ");
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `${"*".repeat(Math.max(digits.length - 2, 3))}${digits.slice(-2)}`;
}

export function maskAddress(address: string): string {
  return address
    .split("\n")
    .map((line) => line.split(/\s+/).filter(Boolean).map(word).join(" "))
    .join(", ");
}

export const MASKS = { name: maskName, address: maskAddress, email: maskEmail, phone: maskPhone } as const;
