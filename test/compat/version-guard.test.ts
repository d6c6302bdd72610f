/**
 * The multi-version client's guard, pure parts: which server versions have what, the ranges it names, and
 * the walk over a request (nested txns, lists, streams). The transport underneath is a stub that only says
 * which version its server runs and records what it is asked to send: no etcd here runs 3.2 or 3.3.
 */
import { describe, expect, it } from 'vitest';
import { EtcdUnsupportedError } from '../../templates/runtime/errors.js';
import type { OperationDescriptor, Transport } from '../../templates/runtime/core/transport.js';
import { availability, createVersionedTransport, EtcdIgnoredFieldError, versionRanges, type VersionTable } from '../../templates/runtime/core/version-guard.js';

const VERSIONS = ['3.2.32', '3.3.12', '3.4.45', '3.6.14'];

describe('availability', () => {
  it.each([
    // exact
    [['3.4.45', '3.6.14'], '3.4.45', 'yes'],
    [['3.6.14'], '3.4.45', 'no'],
    // the nearest release of the same minor: the newest listed at or below, else the oldest listed
    [['3.6.14'], '3.4.22', 'no'],
    [['3.4.45', '3.6.14'], '3.4.22', 'yes'],
    [['3.4.45', '3.6.14'], '3.4.99', 'yes'],
    [['3.6.14'], '3.6.0', 'yes'],
    [['3.6.14'], '3.6.14-rc.1', 'yes'],
    // between two listed versions, both must agree
    [['3.4.45', '3.6.14'], '3.5.1', 'yes'],
    [['3.2.32', '3.3.12'], '3.5.1', 'no'],
    [['3.6.14'], '3.5.1', 'unknown'],
    // older than all: 'no' only when later versions have it; newer than all: unknown
    [['3.3.12', '3.4.45', '3.6.14'], '3.1.0', 'no'],
    [VERSIONS, '3.1.0', 'unknown'],
    [['3.2.32'], '3.7.0', 'unknown'],
  ])('%j on etcd %s → %s', (have, server, want) => {
    expect(availability(have, server, VERSIONS)).toBe(want);
  });
});

describe('versionRanges', () => {
  it.each([
    [['3.6.14'], '3.6.14 or later'],
    [['3.3.12', '3.4.45', '3.6.14'], '3.3.12 or later'],
    [['3.2.32', '3.3.12'], '3.2.32 to 3.3.12'],
    [['3.3.12'], '3.3.12'],
    [['3.2.32', '3.6.14'], '3.2.32, 3.6.14 or later'],
  ])('%j → %s', (have, want) => expect(versionRanges(have, VERSIONS)).toBe(want));
});

const TABLE: VersionTable = {
  versions: ['3.2.32', '3.6.14'],
  operations: { '3.2.32': ['kv.txn', 'lease.revoke', 'watch.watch'], '3.6.14': ['kv.txn', 'lease.revoke', 'watch.watch', 'auth.status'] },
  routes: { 'lease.revoke': [{ versions: ['3.2.32'], route: '/kv/lease/revoke' }] },
  requests: { 'kv.txn': 'TxnRequest', 'watch.watch': 'WatchRequest' },
  messages: {
    TxnRequest: { compare: { message: 'Compare' }, success: { message: 'RequestOp' }, failure: { message: 'RequestOp' } },
    Compare: { range_end: { versions: ['3.6.14'], risk: 'the server evaluates the compare on the single key' } },
    RequestOp: { request_txn: { versions: ['3.6.14'], message: 'TxnRequest' } },
    WatchRequest: { create_request: { message: 'WatchCreateRequest' }, progress_request: { versions: ['3.6.14'] } },
    WatchCreateRequest: { fragment: { versions: ['3.6.14'] } },
  },
};

function stubTransport(serverVersion: string, prefix?: string) {
  const sent: string[] = [];
  const inner = {
    options: { endpoints: 'http://etcd', ...(prefix ? { prefix } : {}) },
    endpoints: ['http://etcd'],
    closed: new AbortController().signal,
    answered: 0,
    unary(op: OperationDescriptor) {
      sent.push(`${op.name} ${op.route}`);
      this.answered++;
      return Promise.resolve({});
    },
    async *stream(op: OperationDescriptor) {
      sent.push(`${op.name} ${op.route}`);
      yield { created: true };
    },
    serverVersion: () => Promise.resolve(serverVersion),
    close: () => undefined,
  };
  return { inner, sent, transport: inner as unknown as Transport };
}

const txn: OperationDescriptor = { name: 'kv.txn', route: '/kv/txn', safety: 'write' };
const watch: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };

describe('createVersionedTransport on an etcd 3.2 server', () => {
  it('refuses an operation the server lacks, naming the versions that have it', async () => {
    const { transport, sent } = stubTransport('3.2.32');
    const guarded = createVersionedTransport(transport, TABLE);
    const error = await guarded.unary({ name: 'auth.status', route: '/auth/status', safety: 'read' }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdUnsupportedError);
    expect(error).toMatchObject({ operation: 'auth.status', serverVersion: '3.2.32', supportedVersions: '3.6.14 or later' });
    expect(sent).toEqual([]);
  });

  it('finds an ignored field deep in a txn: in a list, and in a nested txn', async () => {
    const { transport, sent } = stubTransport('3.2.32');
    const guarded = createVersionedTransport(transport, TABLE);
    const compare = await guarded.unary(txn, { compare: [{ key: 'YQ==' }, { key: 'YQ==', range_end: 'Yg==' }] }).catch((e: unknown) => e);
    expect(compare).toBeInstanceOf(EtcdIgnoredFieldError);
    expect(compare).toMatchObject({ field: 'Compare.range_end (at compare[1].range_end)', consequence: 'the server evaluates the compare on the single key' });
    const nested = await guarded.unary(txn, { success: [{ request_txn: { compare: [{ range_end: 'Yg==' }] } }] }).catch((e: unknown) => e);
    expect(nested).toMatchObject({ field: 'RequestOp.request_txn (at success[0].request_txn)' });
    expect(sent).toEqual([]);
  });

  it('checks each request of a stream, before the stream opens', async () => {
    const { transport, sent } = stubTransport('3.2.32');
    const guarded = createVersionedTransport(transport, TABLE);
    const stream = guarded.stream(watch, [{ create_request: { key: 'YQ==' } }, { create_request: { key: 'Yg==', fragment: true } }]);
    await expect(stream.next()).rejects.toMatchObject({ field: 'WatchCreateRequest.fragment (at [1].create_request.fragment)' });
    await expect(guarded.stream(watch, { progress_request: {} }).next()).rejects.toBeInstanceOf(EtcdIgnoredFieldError);
    expect(sent).toEqual([]);
  });

  it('zero values are not set: false, 0, "", "0", [] go through', async () => {
    const { transport, sent } = stubTransport('3.2.32');
    const guarded = createVersionedTransport(transport, TABLE);
    await guarded.unary(txn, { compare: [{ key: 'YQ==', range_end: '' }], success: [] });
    await guarded.stream(watch, { create_request: { key: 'YQ==', fragment: false } }).next();
    expect(sent).toEqual(['kv.txn /kv/txn', 'watch.watch /watch']);
  });

  it('allowIgnoredFields sends it anyway; the route a version uses instead is taken', async () => {
    const { transport, sent } = stubTransport('3.2.32');
    const guarded = createVersionedTransport(transport, TABLE, { allowIgnoredFields: true });
    await guarded.unary(txn, { compare: [{ range_end: 'Yg==' }] });
    await guarded.unary({ name: 'lease.revoke', route: '/lease/revoke', safety: 'write' }, { ID: '1' });
    expect(sent).toEqual(['kv.txn /kv/txn', 'lease.revoke /kv/lease/revoke']);
  });

  it('checks nothing with a fixed prefix, and on a server of a version it cannot place', async () => {
    for (const { transport, sent } of [stubTransport('3.2.32', '/v3alpha'), stubTransport('3.7.0')]) {
      const guarded = createVersionedTransport(transport, TABLE);
      await guarded.unary(txn, { compare: [{ range_end: 'Yg==' }] });
      await guarded.unary({ name: 'lease.revoke', route: '/lease/revoke', safety: 'write' }, {});
      expect(sent).toEqual(['kv.txn /kv/txn', 'lease.revoke /lease/revoke']);
    }
  });

  it('everything else is the transport itself, bound to it', async () => {
    const { transport, inner } = stubTransport('3.6.14');
    const guarded = createVersionedTransport(transport, TABLE);
    expect(guarded.endpoints).toBe(inner.endpoints);
    expect(guarded.closed).toBe(inner.closed);
    await guarded.unary(txn, { compare: [{ range_end: 'Yg==' }] });
    expect(inner.answered).toBe(1);
    expect(await guarded.serverVersion()).toBe('3.6.14');
  });
});
