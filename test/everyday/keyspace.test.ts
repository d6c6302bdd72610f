// The wire key rewriting behind client.namespace (pure): prefixing keys and ranges, "all keys", stripping answers.
import { describe, expect, it } from 'vitest';
import { prefixRange, stripKey, stripWatchResponse } from '../../templates/runtime/core/keyspace.js';

const b64 = (s: string | number[]): string => Buffer.from(typeof s === 'string' ? Buffer.from(s, 'latin1') : Uint8Array.from(s)).toString('base64');
const pfx = new TextEncoder().encode('app/');

describe('prefixRange', () => {
  const TABLE = [
    { name: 'a single key', given: { key: b64('k') }, want: { key: b64('app/k') } },
    { name: 'a range', given: { key: b64('a'), range_end: b64('c') }, want: { key: b64('app/a'), range_end: b64('app/c') } },
    { name: 'from a key to the end', given: { key: b64('a'), range_end: b64([0]) }, want: { key: b64('app/a'), range_end: b64('app0') } },
    { name: "all keys ('\\0', '\\0')", given: { key: b64([0]), range_end: b64([0]) }, want: { key: b64('app/'), range_end: b64('app0') } },
    { name: "all keys ('', '\\0')", given: { key: '', range_end: b64([0]) }, want: { key: b64('app/'), range_end: b64('app0') } },
    { name: 'no key at all (etcd says so)', given: { limit: '1' }, want: { limit: '1' } },
    { name: 'other fields kept', given: { key: b64('k'), prev_kv: true }, want: { key: b64('app/k'), prev_kv: true } },
  ];
  it.each(TABLE)('$name', ({ given, want }) => expect(prefixRange(pfx, given)).toEqual(want));

  it('ends "all keys" at the last prefix byte below 0xff, or at the end of the keyspace', () => {
    expect(prefixRange(Uint8Array.from([0x61, 0xff]), { key: b64([0]), range_end: b64([0]) })).toEqual({ key: b64([0x61, 0xff]), range_end: b64([0x62]) });
    expect(prefixRange(Uint8Array.from([0xff]), { key: b64([0]), range_end: b64([0]) })).toEqual({ key: b64([0xff]), range_end: b64([0]) });
  });
});

describe('stripping answers', () => {
  it('cuts the prefix off, and tells keys outside the namespace', () => {
    expect(stripKey(pfx, b64('app/k'))).toBe(b64('k'));
    expect(stripKey(pfx, b64('app/'))).toBe('');
    expect(stripKey(pfx, b64('apq/k'))).toBeUndefined();
    expect(stripKey(pfx, b64('ap'))).toBeUndefined();
  });

  it("strips every event's kv and prev_kv", () => {
    const response = { header: { revision: '5' }, events: [{ type: 'DELETE', kv: { key: b64('app/x'), mod_revision: '5' }, prev_kv: { key: b64('app/x'), value: b64('v') } }] };
    expect(stripWatchResponse(pfx, response)).toEqual({
      header: { revision: '5' },
      events: [{ type: 'DELETE', kv: { key: b64('x'), mod_revision: '5' }, prev_kv: { key: b64('x'), value: b64('v') } }],
    });
  });
});
