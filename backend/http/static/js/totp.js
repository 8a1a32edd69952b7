// RFC 6238 TOTP in the browser (HMAC-SHA1, 30 s steps, T0 = 0, 6 digits), the same code as
// devices/passcode/totp.py computes at the gate. WebCrypto needs a secure context (HTTPS, or
// http://127.0.0.1 and localhost); callers fall back to the server-drawn QR where it is missing.

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Bytes(secret) {
  const clean = secret.replace(/=+$/, "").toUpperCase();
  const out = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

export function totpAvailable() {
  return Boolean(globalThis.crypto?.subtle);
}

const keys = new Map();
async function hmacKey(secret) {
  if (!keys.has(secret)) {
    keys.set(secret, crypto.subtle.importKey("raw", base32Bytes(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]));
  }
  return keys.get(secret);
}

/** The 6-digit code of time step `step` (Unix seconds // stepS). */
export async function hotp(secret, step) {
  const counter = new Uint8Array(8);
  let rest = step;
  for (let i = 7; i >= 0; i -= 1) {
    counter[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), counter));
  // RFC 4226 §5.3 dynamic truncation.
  const offset = digest[digest.length - 1] & 0x0f;
  const value = ((digest[offset] & 0x7f) << 24) | (digest[offset + 1] << 16) | (digest[offset + 2] << 8) | digest[offset + 3];
  return String(value % 1_000_000).padStart(6, "0");
}

export async function totp(secret, unixSeconds, stepS = 30) {
  return hotp(secret, Math.floor(unixSeconds / stepS));
}
