import { describe, expect, it } from 'vitest';
import { EtcdDecodeError } from '../../templates/runtime/errors.js';
import { decodeInt64, decodeInt64String, encodeInt64, type Int64Input } from '../../templates/runtime/wire/int64.js';

const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';
const UINT64_MAX = '18446744073709551615';
const LEASE_ID = '7587878498323581452'; // > 2^53, as etcd hands out

describe('encodeInt64', () => {
  const table: [Int64Input, boolean, string][] = [
    [0, false, '0'],
    [-0, false, '0'],
    [42, false, '42'],
    [-42, false, '-42'],
    [Number.MAX_SAFE_INTEGER, false, '9007199254740991'],
    [2n ** 63n - 1n, false, INT64_MAX],
    [-(2n ** 63n), false, INT64_MIN],
    [2n ** 64n - 1n, true, UINT64_MAX],
    [LEASE_ID, false, LEASE_ID],
    [BigInt(LEASE_ID), false, LEASE_ID],
    ['007', false, '7'],
    ['-0', false, '0'],
    [INT64_MAX, false, INT64_MAX],
    [UINT64_MAX, true, UINT64_MAX],
  ];
  it.each(table)('%s (unsigned %s) → %s', (input, unsigned, wire) => {
    expect(encodeInt64(input, unsigned)).toBe(wire);
  });

  const rejected: [string, Int64Input, boolean, RegExp][] = [
    ['a float', 1.5, false, /1\.5 is not a safe integer/],
    ['NaN', NaN, false, /NaN is not a safe integer/],
    ['Infinity', Infinity, false, /Infinity is not a safe integer/],
    ['2^53', 2 ** 53, false, /9007199254740992 is not a safe integer.*bigint/],
    ['int64 max + 1', 2n ** 63n, false, /9223372036854775808 is out of range for an int64/],
    ['int64 min - 1', -(2n ** 63n) - 1n, false, /out of range for an int64/],
    ['uint64 max + 1', 2n ** 64n, true, /out of range for an uint64/],
    ['negative uint64 number', -1, true, /-1 is out of range for a uint64/],
    ['negative uint64 string', '-5', true, /-5 is out of range for a uint64/],
    ['negative uint64 bigint', -1n, true, /out of range/],
    ['string int64 overflow', '9223372036854775808', false, /out of range for an int64/],
    ['hex string', '0x10', false, /"0x10" is not a decimal integer/],
    ['float string', '1.0', false, /not a decimal integer/],
    ['empty string', '', false, /not a decimal integer/],
    ['padded string', ' 1', false, /not a decimal integer/],
    ['exponent', '1e3', false, /not a decimal integer/],
  ];
  it.each(rejected)('rejects %s', (_, input, unsigned, message) => {
    expect(() => encodeInt64(input, unsigned)).toThrow(RangeError);
    expect(() => encodeInt64(input, unsigned)).toThrow(message);
  });

  it('rejects other types with a TypeError', () => {
    expect(() => encodeInt64(null as unknown as number)).toThrow(TypeError);
  });
});

describe('decodeInt64', () => {
  const table: [unknown, bigint][] = [
    [undefined, 0n],
    [null, 0n],
    ['0', 0n],
    ['12', 12n],
    ['-3', -3n],
    [7, 7n],
    [INT64_MAX, 2n ** 63n - 1n],
    [UINT64_MAX, 2n ** 64n - 1n],
    [LEASE_ID, 7587878498323581452n],
  ];
  it.each(table)('%j → %s', (wire, value) => {
    expect(decodeInt64(wire)).toBe(value);
  });
  it.each([1.5, 'x', '', '1.0', true, {}, ' 1'])('rejects %j naming the field', (wire) => {
    expect(() => decodeInt64(wire, 'header.revision')).toThrow(EtcdDecodeError);
    expect(() => decodeInt64(wire, 'header.revision')).toThrow(/header\.revision/);
  });
});

describe('decodeInt64String', () => {
  const table: [unknown, string][] = [
    [undefined, '0'],
    ['0', '0'],
    [LEASE_ID, LEASE_ID],
    [UINT64_MAX, UINT64_MAX],
    ['-0', '0'],
    ['0012', '12'],
    [42, '42'],
  ];
  it.each(table)('%j → %s', (wire, value) => {
    expect(decodeInt64String(wire)).toBe(value);
  });
  it('rejects garbage', () => {
    expect(() => decodeInt64String('abc', 'ID')).toThrow(/at ID: expected a decimal integer string/);
  });
});
