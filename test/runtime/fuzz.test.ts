// Issue 19: property tests (fast-check, its default 100 runs unless said) of what decodes the wire. The codecs
// round-trip any value; every generated decoder given any JSON throws only EtcdDecodeError, never touches a
// prototype, and does work in proportion to its input (counted, not timed); NDJSON and watch fragments give the
// same messages however the input is cut into chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as codecs from '../../generated/codecs.js';
import { EtcdDecodeError } from '../../generated/runtime/errors.js';
import { decodeBytes, encodeBytes } from '../../generated/runtime/wire/bytes.js';
import { decodeEnum } from '../../generated/runtime/wire/codec.js';
import { decodeInt64, encodeInt64 } from '../../generated/runtime/wire/int64.js';
import { isReadLimitExceeded } from '../../generated/runtime/wire/limits.js';
import { readJsonStream } from '../../generated/runtime/wire/ndjson.js';
import { FragmentAssembler } from '../../generated/runtime/watch/resume.js';
import type { WatchResponseShape } from '../../generated/runtime/watch/types.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const int64 = fc.oneof(fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 2n ** 53n + 1n), fc.bigInt({ min: INT64_MIN, max: INT64_MAX }));

describe('codecs round-trip', () => {
  it('bytes, any of them, through standard padded base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(decodeBytes(encodeBytes(bytes))).toEqual(bytes);
      }),
    );
  });

  it('int64 including its extremes, and uint64 to 2^64-1, as decimal strings', () => {
    fc.assert(fc.property(int64, (v) => decodeInt64(encodeInt64(v)) === v));
    const uint64 = fc.oneof(fc.constantFrom(0n, UINT64_MAX, INT64_MAX + 1n), fc.bigInt({ min: 0n, max: UINT64_MAX }));
    fc.assert(fc.property(uint64, (v) => decodeInt64(encodeInt64(v, true)) === v));
  });

  it('enums by name and by number', () => {
    const values = ['NONE', 'NOSPACE', 'CORRUPT'] as const;
    fc.assert(
      fc.property(fc.nat({ max: values.length - 1 }), fc.boolean(), (index, byNumber) => {
        const name = values[index]!;
        const wire = codecs.encodeAlarmRequest({ alarm: byNumber ? index : name }).alarm;
        expect(decodeEnum(wire, values, 'NONE', 'alarm')).toBe(name);
        const decoded = codecs.decodeAlarmResponse({ alarms: [{ memberID: '1', alarm: wire }] });
        expect(decoded.alarms[0]?.alarm).toBe(name);
      }),
    );
  });

  it('a KeyValue, every field at any value', () => {
    const kv = fc.record({ key: fc.uint8Array({ maxLength: 64 }), value: fc.uint8Array({ maxLength: 256 }), createRevision: int64, modRevision: int64, version: int64, lease: int64 });
    fc.assert(
      fc.property(kv, (model) => {
        const wire = {
          key: encodeBytes(model.key),
          value: encodeBytes(model.value),
          create_revision: encodeInt64(model.createRevision),
          mod_revision: encodeInt64(model.modRevision),
          version: encodeInt64(model.version),
          lease: encodeInt64(model.lease),
        };
        expect(codecs.decodeKeyValue(JSON.parse(JSON.stringify(wire)))).toEqual(model);
      }),
    );
  });
});

const DECODERS = Object.entries(codecs).filter(([name]) => name.startsWith('decode')) as [string, (wire: unknown) => unknown][];

/** Field names the decoders look for, and the ones that reach prototypes, so arbitrary JSON hits real paths. */
const KEYS = fc.oneof(
  fc.constantFrom('header', 'revision', 'kvs', 'key', 'value', 'mod_revision', 'create_revision', 'count', 'more', 'events', 'kv', 'prev_kv', 'type', 'responses', 'response_range', 'response_txn', 'succeeded', 'alarms', 'alarm', 'memberID', 'members', 'ID', 'TTL', 'watch_id', 'created', 'fragment'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.string({ maxLength: 6 }),
);
const SCALAR = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('5e400', '-0', 'AAAA', 'not base64!', '18446744073709551616', 'PUT', 'DELETE'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { json: WIRE_JSON } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, SCALAR, tie('array'), tie('object')),
  array: fc.array(tie('json'), { maxLength: 4 }),
  object: fc.dictionary(KEYS, tie('json'), { maxKeys: 6 }),
}));
/** As the wire gives it: through JSON text, so `__proto__` is an own key like any other. */
const wireValue = WIRE_JSON.map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** Each object reachable from `value` has the prototype a plain decoded value has. */
function plainPrototypes(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return true;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (![Object.prototype, Array.prototype, Uint8Array.prototype, null].includes(proto as object | null)) return false;
  return Object.values(value).every((v) => plainPrototypes(v, seen));
}

describe(`the ${DECODERS.length} generated decoders, given any JSON`, () => {
  it('throw only EtcdDecodeError and return plain objects, never touching Object.prototype', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).join();
    fc.assert(
      fc.property(wireValue, (wire) => {
        for (const [name, decode] of DECODERS) {
          let decoded: unknown;
          try {
            decoded = decode(wire);
          } catch (error) {
            if (!(error instanceof EtcdDecodeError)) throw new Error(`${name} threw ${String(error)}`, { cause: error });
            continue;
          }
          expect(plainPrototypes(decoded), name).toBe(true);
        }
        expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(before);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('read each part of their input a number of times that grows with it linearly', () => {
    /** The input behind a proxy that counts every field read, at every depth. */
    const counted = (value: unknown, reads: { n: number }): unknown => {
      if (typeof value !== 'object' || value === null) return value;
      return new Proxy(value, {
        get(target, property, receiver) {
          reads.n += 1;
          return counted(Reflect.get(target, property, receiver), reads);
        },
      });
    };
    const readsFor = (decode: (wire: unknown) => unknown, wire: unknown): number => {
      const reads = { n: 0 };
      try {
        decode(counted(wire, reads));
      } catch {
        // a decode error is an answer too; its reads count
      }
      return reads.n;
    };
    // A response of n kvs and n events, each with nested fields, and a txn nested n deep.
    const range = (n: number) => ({ header: { revision: '9' }, kvs: Array.from({ length: n }, (_, i) => ({ key: 'YQ==', mod_revision: String(i), value: 'MQ==' })), count: String(n) });
    const watch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ type: 'DELETE', kv: { key: 'YQ==', mod_revision: String(i) } })) });
    const txn = (n: number): unknown => (n === 0 ? { succeeded: true } : { responses: [{ response_txn: txn(n - 1) }] });
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 64 }), (n) => {
        for (const [make, decode] of [
          [range, codecs.decodeRangeResponse],
          [watch, codecs.decodeWatchResponse],
          [txn, codecs.decodeTxnResponse],
        ] as const) {
          const small = readsFor(decode, make(n));
          const large = readsFor(decode, make(4 * n));
          expect(large / small).toBeGreaterThan(3);
          expect(large / small).toBeLessThan(5);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('answer JSON nested 60,000 deep (past the stack) with EtcdDecodeError, not a RangeError', () => {
    const deep = JSON.parse(`${'{"responses":[{"response_txn":'.repeat(20_000)}{}${'}]}'.repeat(20_000)}`) as unknown;
    let outcome: unknown;
    try {
      codecs.decodeTxnResponse(deep);
    } catch (error) {
      outcome = error;
    }
    // Before the guard in decodeList this was a RangeError (or a SyntaxError from a regex run out of stack).
    expect(outcome).toBeInstanceOf(EtcdDecodeError);
    expect((outcome as Error).message).toMatch(/TxnResponse\.responses: nested too deep/);
  });
});

/** `bytes` cut at `cuts` (positions, any order, repeats allowed). */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

async function collect(chunks: readonly Uint8Array[], maxLineBytes?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  async function* source(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  for await (const message of readJsonStream(source(), undefined, maxLineBytes)) out.push(message);
  return out;
}

const message = fc.dictionary(fc.string({ maxLength: 8, unit: 'grapheme' }), fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer()), { maxKeys: 4 });

describe('stream framing, however the input is cut', () => {
  it('NDJSON gives the same messages for every chunking, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), async (messages, cuts) => {
        const bytes = new TextEncoder().encode(messages.map((m) => `${JSON.stringify({ result: m })}\n`).join(''));
        const whole = await collect([bytes]);
        expect(whole).toEqual(messages.map((m) => ({ result: m })));
        expect(await collect(chunked(bytes, cuts))).toEqual(whole);
      }),
    );
  });

  it('NDJSON refuses a line past maxLineBytes however it is cut, and takes one at the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), async (messages, cuts) => {
        const lines = messages.map((m) => JSON.stringify({ result: m }));
        const longest = Math.max(...lines.map((l) => new TextEncoder().encode(l).length));
        const chunks = chunked(new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')), cuts);
        expect(await collect(chunks, longest)).toHaveLength(messages.length);
        const error = await collect(chunks, longest - 1).catch((e: unknown) => e);
        expect(isReadLimitExceeded(error)).toBe(true);
      }),
    );
  });

  it('watch fragments assemble to the same responses however the events are split', () => {
    const event = (i: number) => ({ type: 'PUT', kv: { modRevision: BigInt(i) } });
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (sizes, cuts) => {
        let next = 0;
        const responses = sizes.map((size) => ({ watchId: 1n, fragment: false, events: Array.from({ length: size }, () => event(next++)) }));
        const assembler = new FragmentAssembler<WatchResponseShape>();
        const out: WatchResponseShape[] = [];
        for (const response of responses) {
          const points = [...new Set(cuts.map((c) => c % (response.events.length + 1)))].sort((a, b) => a - b);
          let start = 0;
          const pieces = [...points, response.events.length].map((point) => {
            const piece = response.events.slice(start, point);
            start = point;
            return piece;
          });
          pieces.forEach((events, i) => {
            const whole = assembler.push({ ...response, events, fragment: i < pieces.length - 1 } as unknown as WatchResponseShape);
            if (whole !== undefined) out.push(whole);
          });
        }
        expect(out.map((r) => r.events)).toEqual(responses.map((r) => r.events));
        expect(assembler.pending).toBe(0);
      }),
    );
  });
});
