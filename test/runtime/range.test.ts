// One range check for every helper (watch, iterate, mirror, the txn builder): `prefix` or `rangeEnd`, never both.
import { describe, expect, it } from 'vitest';
import { rangeEndOf, type RangeOptions } from '../../templates/runtime/wire/range.js';
import { watchTarget } from '../../templates/runtime/watch/request.js';

describe('rangeEndOf', () => {
  const bytes = new Uint8Array([0x61, 0xff]);
  it.each<{ name: string; given: { key: string | Uint8Array; options: RangeOptions }; want: string | Uint8Array | undefined }>([
    { name: 'the key alone', given: { key: 'a', options: {} }, want: undefined },
    { name: 'a prefix ends past it', given: { key: 'app/', options: { prefix: true } }, want: new TextEncoder().encode('app0') },
    { name: 'prefix false is no prefix', given: { key: 'a', options: { prefix: false } }, want: undefined },
    { name: 'a range end as given', given: { key: 'a', options: { rangeEnd: 'c' } }, want: 'c' },
    { name: "'\\0': every key from the key on", given: { key: 'a', options: { rangeEnd: '\0' } }, want: '\0' },
    { name: 'a bytes prefix', given: { key: bytes, options: { prefix: true } }, want: new Uint8Array([0x62]) },
  ])('$name', ({ given, want }) => {
    expect(rangeEndOf('test', given.key, given.options)).toEqual(want);
  });

  it('refuses prefix with rangeEnd, naming the helper', () => {
    expect(() => rangeEndOf('iterate', 'a', { prefix: true, rangeEnd: 'b' })).toThrow(new TypeError('iterate: give either prefix or rangeEnd, not both'));
    expect(() => watchTarget({ key: 'a', prefix: true, rangeEnd: 'b' })).toThrow(new TypeError('watchEvents: give either prefix or rangeEnd, not both'));
  });
});
