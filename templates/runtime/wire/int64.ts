// int64/uint64 fields travel as decimal JSON strings (the gateway also accepts JSON numbers on input). Lease IDs
// and revisions exceed 2^53, so a JS number is only accepted when it is a safe integer.
import { EtcdDecodeError } from '../errors.js';

export type Int64Input = bigint | number | string;

/** An int64 as the generated models give it: bigint, or a decimal string with `--int64 string`. */
export type Int64Output = bigint | string;

/** An int64 given or decoded in any form, as a bigint (throws RangeError on a non-integer). */
export function toBigInt(value: Int64Input): bigint {
  return typeof value === 'bigint' ? value : BigInt(encodeInt64(value));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const DECIMAL = /^-?\d+$/;
/** Already normalized: no leading zeros, no '-0'. */
const CANONICAL = /^(?:0|-?[1-9]\d*)$/;
/** Canonical decimals of at most 15 digits are within ±2^53 and need no bigint range check. */
const SHORT_CANONICAL = /^(?:0|-?[1-9]\d{0,14})$/;

/** The decimal wire form of an int64 (or uint64 when `unsigned`); throws RangeError naming a bad value. */
export function encodeInt64(v: Int64Input, unsigned = false): string {
  if (typeof v === 'number') return encodeNumber(v, unsigned);
  if (typeof v === 'bigint') return checkRange(v, unsigned, v).toString();
  if (typeof v === 'string') return encodeString(v, unsigned);
  throw new TypeError(`expected a bigint, number or decimal string for an ${kind(unsigned)}, got ${typeof v}`);
}

function encodeNumber(v: number, unsigned: boolean): string {
  if (!Number.isSafeInteger(v)) {
    throw new RangeError(
      `${String(v)} is not a safe integer for an ${kind(unsigned)}: pass a bigint or a decimal string instead`,
    );
  }
  if (unsigned && v < 0) throw new RangeError(`${v} is out of range for a uint64`);
  return String(v); // String(-0) is '0'
}

function encodeString(v: string, unsigned: boolean): string {
  if (SHORT_CANONICAL.test(v)) {
    if (unsigned && v.charCodeAt(0) === 0x2d) throw new RangeError(`${v} is out of range for a uint64`);
    return v;
  }
  if (!DECIMAL.test(v)) {
    throw new RangeError(`${JSON.stringify(v)} is not a decimal integer for an ${kind(unsigned)}`);
  }
  return checkRange(BigInt(v), unsigned, v).toString();
}

function checkRange(n: bigint, unsigned: boolean, original: Int64Input): bigint {
  const [min, max] = unsigned ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
  if (n < min || n > max) throw new RangeError(`${String(original)} is out of range for an ${kind(unsigned)}`);
  return n;
}

function kind(unsigned: boolean): string {
  return unsigned ? 'uint64' : 'int64';
}

/** A wire int64/uint64 (JSON string or number) as a bigint; absent is 0n (proto3 omits zero). */
export function decodeInt64(v: unknown, path = ''): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string') {
    if (!DECIMAL.test(v))
      throw new EtcdDecodeError(path, `expected a decimal integer string, got ${JSON.stringify(v)}`);
    return BigInt(v);
  }
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new EtcdDecodeError(path, `expected an integer, got ${describe(v)}`);
}

/** A wire int64/uint64 as a normalized decimal string (for the `--int64 string` output); absent is '0'. */
export function decodeInt64String(v: unknown, path = ''): string {
  if (typeof v === 'string' && CANONICAL.test(v)) return v;
  if (v === undefined || v === null) return '0';
  return decodeInt64(v, path).toString();
}

function describe(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : typeof v === 'string'
      ? JSON.stringify(v)
      : typeof v;
}
