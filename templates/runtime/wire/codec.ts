/**
 * Small helpers the generated codecs call: reading wire JSON with proto3 defaults filled back in.
 * The gateway omits every zero value (no `count` on an empty range, no `type` on a PUT event), so each
 * reader maps "absent" to the zero of its kind.
 */
import { EtcdDecodeError } from '../errors.js';

export type Wire = Record<string, unknown>;

/** A JSON object (not null, not an array): the one such check of the runtime. */
export function isWireObject(value: unknown): value is Wire {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message on the wire: an object, or nothing at all (every field at its zero). */
export function wireObject(value: unknown, message: string): Wire {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new EtcdDecodeError(message, `expected an object, got ${typeName(value)}`);
  return value as Wire;
}

export function decodeString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  throw new EtcdDecodeError(path, `expected a string, got ${typeName(value)}`);
}

export function decodeBool(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === undefined || value === null) return false;
  throw new EtcdDecodeError(path, `expected a boolean, got ${typeName(value)}`);
}

/** 32-bit and unsized integers and floats: JSON numbers (a numeric string is accepted too). */
export function decodeNumber(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new EtcdDecodeError(path, `expected a number, got ${typeName(value)}`);
}

/** Enums arrive as names; a number (older servers, other encoders) is mapped through the declared order. */
export function decodeEnum<T extends string>(value: unknown, values: readonly T[], zero: T, path: string): T {
  if (typeof value === 'string') return value as T;
  if (value === undefined || value === null) return zero;
  if (typeof value === 'number') return values[value] ?? (String(value) as T);
  throw new EtcdDecodeError(path, `expected an enum name, got ${typeName(value)}`);
}

export function decodeList<T>(value: unknown, decode: (item: unknown, path: string) => T, path: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EtcdDecodeError(path, `expected an array, got ${typeName(value)}`);
  const out = new Array<T>(value.length);
  try {
    for (let i = 0; i < value.length; i++) out[i] = decode(value[i], path);
  } catch (error) {
    // Messages nest only through lists (a txn's responses hold txns): input nested past the stack is malformed.
    // The innermost list with stack enough to build the error reports it; the ones above pass it on.
    if (error instanceof RangeError && error.message.includes('call stack'))
      throw new EtcdDecodeError(path, 'nested too deep');
    throw error;
  }
  return out;
}

/** Read a field whose name Object.prototype also has (`constructor`, `__proto__`) without finding the prototype's. */
export function own(object: object, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, name) ? (object as Record<string, unknown>)[name] : undefined;
}

/** Write such a field as a plain own property (assigning `__proto__` would set the prototype instead). */
export function setOwn(object: object, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Decode each message of a stream as it arrives. */
export async function* mapStream<T>(
  source: AsyncIterable<Record<string, unknown>>,
  decode: (wire: unknown) => T,
): AsyncGenerator<T, void, undefined> {
  for await (const wire of source) yield decode(wire);
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

/** A request-streaming call takes one request or several. */
export function encodeEach<T>(input: T | readonly T[], encode: (message: T) => Wire): Wire | Wire[] {
  return Array.isArray(input) ? (input as readonly T[]).map((message) => encode(message)) : encode(input as T);
}

/** Bytes are given as text (UTF-8) or raw. */
export type BytesInput = string | Uint8Array;
