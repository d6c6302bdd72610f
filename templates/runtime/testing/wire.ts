// The fake's JSON, as etcd's gateway writes it: keys and values as standard base64, int64 as decimal strings,
// proto field names (a request may use the lowerCamelCase JSON name as well), zero values left out.
// Keys are held as "binary strings" (one char per byte) so that string order is etcd's byte order.
import { GrpcCode } from '../codes.js';
import { FakeFailure } from './failure.js';

export type Json = Record<string, unknown>;

const camelNames = new Map<string, string>();

/** A request field by its proto name (`range_end`) or JSON name (`rangeEnd`). */
export function field(message: Json | undefined, name: string): unknown {
  if (message === undefined) return undefined;
  const value = message[name];
  if (value !== undefined || !name.includes('_')) return value;
  let camel = camelNames.get(name);
  if (camel === undefined) camelNames.set(name, (camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
  return message[camel];
}

export function object(message: Json | undefined, name: string): Json | undefined {
  const value = field(message, name);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** bytes field → binary string ('' when absent); not base64 is the gateway's 400. */
export function bytes(message: Json | undefined, name: string): string {
  const value = field(message, name);
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new FakeFailure(GrpcCode.InvalidArgument, `bad Base64 input for field ${name}`);
  }
  return atob(value);
}

export function int(message: Json | undefined, name: string): number {
  const value = field(message, name);
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n))
    throw new FakeFailure(GrpcCode.InvalidArgument, `invalid value for int64 field ${name}: ${JSON.stringify(value)}`);
  return n;
}

/** A lease ID: beyond 2^53, so kept as bigint. */
export function id(message: Json | undefined, name: string): bigint {
  const value = field(message, name);
  if (value === undefined || value === null || value === '') return 0n;
  try {
    return BigInt(value as string | number);
  } catch {
    throw new FakeFailure(GrpcCode.InvalidArgument, `invalid value for int64 field ${name}: ${JSON.stringify(value)}`);
  }
}

export function flag(message: Json | undefined, name: string): boolean {
  return field(message, name) === true;
}

/** An enum by name or number; `names[0]` is the zero value. */
export function enumName(message: Json | undefined, name: string, names: readonly string[]): string {
  const value = field(message, name);
  if (value === undefined || value === null) return names[0]!;
  if (typeof value === 'number' && names[value] !== undefined) return names[value]!;
  if (typeof value === 'string' && names.includes(value)) return value;
  throw new FakeFailure(GrpcCode.InvalidArgument, `invalid value for enum field ${name}: ${JSON.stringify(value)}`);
}

export function b64(binary: string): string {
  return btoa(binary);
}

/** UTF-8 text → binary string (names given as text, e.g. a user or lock name read back as a key). */
export function binaryOf(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

export function textOf(binary: string): string {
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Drop zero values, as the gateway does: 0, '0', false, '', empty arrays, undefined. */
export function compact(message: Json): Json {
  const out: Json = {};
  for (const k in message) {
    const v = message[k];
    if (v === undefined || v === false || v === 0 || v === '0' || v === '' || (Array.isArray(v) && v.length === 0))
      continue;
    out[k] = v;
  }
  return out;
}

/** The next `{…}` objects of a body that may hold several, concatenated or newline-separated. */
export function jsonObjects(body: string): Json[] {
  const out: Json[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(parse(body.slice(start, i + 1)));
  }
  if (depth !== 0 || inString) throw new FakeFailure(GrpcCode.InvalidArgument, 'unexpected EOF');
  return out;
}

export function parse(text: string): Json {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch (e) {
    throw new FakeFailure(GrpcCode.InvalidArgument, goJsonError(text, (e as Error).message));
  }
  throw new FakeFailure(GrpcCode.InvalidArgument, 'json: cannot unmarshal into Go value of type proto message');
}

/**
 * Go's encoding/json words for a body JSON.parse refused: `unexpected EOF` when it stops short, else `invalid
 * character 'x' …` at the place V8 names.
 */
function goJsonError(text: string, v8Message: string): string {
  const at = /position (\d+)/.exec(v8Message);
  const position = at ? Number(at[1]) : text.length;
  if (position >= text.trimEnd().length || /end of JSON input|Unterminated/.test(v8Message)) return 'unexpected EOF';
  return `invalid character '${text[position]}' looking for beginning of value`;
}
