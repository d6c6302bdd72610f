// bytes fields travel as standard base64 with padding, both ways. Table-driven codec (no atob/btoa string
// round trips), so a 1 MB value costs one pass each way.
import { EtcdDecodeError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

const ENCODE = new Uint8Array(64);
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** UTF-8 bytes of a string. */
export function textToBytes(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** The string whose UTF-8 encoding is `b` (invalid sequences become U+FFFD). */
export function bytesToText(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

/** Standard base64 (with padding) of the bytes, or of the UTF-8 encoding of a string. */
export function encodeBytes(v: string | Uint8Array): string {
  if (typeof v === 'string' && v.length <= SHORT_TEXT) {
    const ascii = asciiBase64(v);
    if (ascii !== undefined) return ascii;
  }
  const bytes = typeof v === 'string' ? utf8Encoder.encode(v) : v;
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const whole = n - (n % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const t = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[t >>> 18]!;
    out[o++] = ENCODE[(t >>> 12) & 63]!;
    out[o++] = ENCODE[(t >>> 6) & 63]!;
    out[o++] = ENCODE[t & 63]!;
  }
  if (n - whole === 1) {
    const t = bytes[whole]! << 16;
    out[o++] = ENCODE[t >>> 18]!;
    out[o++] = ENCODE[(t >>> 12) & 63]!;
    out[o++] = PAD;
    out[o] = PAD;
  } else if (n - whole === 2) {
    const t = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    out[o++] = ENCODE[t >>> 18]!;
    out[o++] = ENCODE[(t >>> 12) & 63]!;
    out[o++] = ENCODE[(t >>> 6) & 63]!;
    out[o] = PAD;
  }
  return utf8Decoder.decode(out); // pure ASCII: the decoder's fast path
}

/** Keys and small values: encoded straight from the string, without a TextEncoder/TextDecoder round trip. */
const SHORT_TEXT = 96;

/** Base64 of an ASCII string (its UTF-8 bytes are its char codes); undefined if it has any other character. */
function asciiBase64(s: string): string | undefined {
  const n = s.length;
  const whole = n - (n % 3);
  let out = '';
  for (let i = 0; i < whole; i += 3) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    if ((a | b | c) > 0x7f) return undefined;
    const t = (a << 16) | (b << 8) | c;
    out += ALPHABET[t >>> 18]! + ALPHABET[(t >>> 12) & 63]! + ALPHABET[(t >>> 6) & 63]! + ALPHABET[t & 63]!;
  }
  if (n === whole) return out;
  const a = s.charCodeAt(whole);
  const b = n - whole === 2 ? s.charCodeAt(whole + 1) : 0;
  if ((a | b) > 0x7f) return undefined;
  const t = (a << 16) | (b << 8);
  out += ALPHABET[t >>> 18]! + ALPHABET[(t >>> 12) & 63]!;
  return out + (n - whole === 2 ? `${ALPHABET[(t >>> 6) & 63]!}=` : '==');
}

/**
 * Bytes of a base64 field from a response. Absent (undefined/null) or '' is empty, as proto3 omits empty bytes.
 * Throws EtcdDecodeError, naming `path`, on anything but standard padded base64.
 */
export function decodeBytes(v: unknown, path = ''): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY.slice();
  if (typeof v !== 'string') throw new EtcdDecodeError(path, `expected a base64 string, got ${typeof v}`);
  const n = v.length;
  if (n % 4 !== 0) throw invalidBase64(path, v, 'its length is not a multiple of 4');
  const padding = v.charCodeAt(n - 1) !== PAD ? 0 : v.charCodeAt(n - 2) !== PAD ? 1 : 2;
  const out = new Uint8Array((n / 4) * 3 - padding);
  const whole = padding === 0 ? n : n - 4;
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const t = (sextet(v, i) << 18) | (sextet(v, i + 1) << 12) | (sextet(v, i + 2) << 6) | sextet(v, i + 3);
    if (t < 0) throw invalidBase64(path, v, `unexpected character near offset ${i}`);
    out[o++] = t >>> 16;
    out[o++] = (t >>> 8) & 0xff;
    out[o++] = t & 0xff;
  }
  if (padding > 0) decodeTail(v, whole, padding, out, o, path);
  return out;
}

function decodeTail(v: string, i: number, padding: number, out: Uint8Array, o: number, path: string): void {
  const c = padding === 1 ? sextet(v, i + 2) << 6 : 0;
  const t = (sextet(v, i) << 18) | (sextet(v, i + 1) << 12) | c;
  if (t < 0) throw invalidBase64(path, v, `unexpected character near offset ${i}`);
  out[o] = t >>> 16;
  if (padding === 1) out[o + 1] = (t >>> 8) & 0xff;
}

/** The 6-bit value of the base64 character at `i`, or -1 (which turns any OR-ed group negative). */
function sextet(v: string, i: number): number {
  return DECODE[v.charCodeAt(i)] ?? -1;
}

function invalidBase64(path: string, v: string, why: string): EtcdDecodeError {
  const sample = v.length > 24 ? `${v.slice(0, 24)}…` : v;
  return new EtcdDecodeError(path, `invalid base64 ${JSON.stringify(sample)}: ${why}`);
}

/**
 * etcd's "prefix end" of a key: the smallest key greater than every key starting with it. Increments the last
 * byte below 0xff and drops what follows; a key of only 0xff bytes (or an empty key) gives [0], "to the end".
 */
export function prefixRangeEnd(key: string | Uint8Array): Uint8Array {
  const bytes = typeof key === 'string' ? utf8Encoder.encode(key) : key;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i]!;
    if (b < 0xff) {
      const end = bytes.slice(0, i + 1);
      end[i] = b + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}
