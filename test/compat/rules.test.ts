/** The rules behind the findings: the hash route, prefixes, silent risks and how roles decide a level. */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../spec/build-model.js';
import { IGNORED_FIELD_RISKS } from '../../spec/risks.js';
import { servedPrefixes } from '../../spec/versions.js';
import { compareModels, subjectOf } from '../../generator/compat/compare.js';
import { spec } from '../model/fragments.js';
import { changesBetween, modelOf } from './helpers.js';

describe('the /maintenance/hash route', () => {
  it.each([
    ['3.2.32', '3.3.12', 'Maintenance.Hash', 'Maintenance.HashKV'],
    ['3.2.32', '3.4.45', 'Maintenance.Hash', 'Maintenance.HashKV'],
    ['3.4.45', '3.5.33', 'Maintenance.HashKV', 'Maintenance.Hash'],
    ['3.3.27', '3.6.14', 'Maintenance.HashKV', 'Maintenance.Hash'],
  ])('%s → %s: rebound from %s to %s, ERR both ways', async (old, next, from, to) => {
    const rebound = (await changesBetween(old, next)).filter((c) => c.id === 'operation-rebound');
    expect(rebound).toHaveLength(1);
    expect(rebound[0]).toMatchObject({ operation: 'POST /maintenance/hash', from, to, level: { A: 'ERR', B: 'ERR' } });
    expect(rebound[0]!.reason.A).toContain('the server routes it to Hash (measured on etcd 3.4.');
  });

  it('3.2.32 → 3.5.33: Hash on both sides, so no rebinding (only its operationId changed); HashKV appears at its own route', async () => {
    const changes = await changesBetween('3.2.32', '3.5.33');
    expect(changes.filter((c) => c.operation === 'POST /maintenance/hash').map((c) => c.id)).toEqual(['operation-renamed']);
    expect(changes.find((c) => c.operation === 'POST /maintenance/hashkv')).toMatchObject({ id: 'operation-added', level: { A: 'INFO', B: 'ERR' } });
  });

  it('3.4.45 → 3.5.33: HashKV at /maintenance/hashkv is new, and the reason says where the old spec had it', async () => {
    const hashkv = (await changesBetween('3.4.45', '3.5.33')).find((c) => c.operation === 'POST /maintenance/hashkv')!;
    expect(hashkv.id).toBe('operation-added');
    expect(hashkv.reason.B).toContain('Maintenance.HashKV is bound at POST /maintenance/hash there');
  });
});

describe('prefixes', () => {
  it('follow the table of what each server version serves', () => {
    expect(servedPrefixes('3.2.32')).toEqual(['/v3alpha']);
    expect(servedPrefixes('3.3.27')).toEqual(['/v3beta', '/v3alpha']);
    expect(servedPrefixes('3.4.22')).toEqual(['/v3', '/v3beta']);
    expect(servedPrefixes('3.6.14')).toEqual(['/v3', '/v3beta']);
  });

  it('a client from the /v3alpha spec against 3.4+ is ERR when it sends its spec prefix, and says that a run-time prefix is not affected', async () => {
    const [prefix] = (await changesBetween('3.2.32', '3.4.45')).filter((c) => c.id.startsWith('prefix-'));
    expect(prefix).toMatchObject({ id: 'prefix-not-served', from: '/v3alpha', to: '/v3', level: { A: 'ERR', B: 'ERR' } });
    expect(prefix!.reason.A).toMatch(/assuming the client sends its spec's prefix \/v3alpha: etcd 3\.4\.45 serves only \/v3, \/v3beta/);
    expect(prefix!.reason.A).toMatch(/prefix 'auto'.*picks \/v3 from GET \/version/);
  });

  it("with --prefix auto the same finding is INFO, and its reason names the assumption", async () => {
    const [prefix] = (await changesBetween('3.2.32', '3.4.45', { prefixMode: 'auto' })).filter((c) => c.id.startsWith('prefix-'));
    expect(prefix).toMatchObject({ id: 'prefix-not-served', level: { A: 'INFO', B: 'INFO' } });
    expect(prefix!.reason.A).toContain("assuming prefix 'auto'");
    expect(prefix!.reason.B).toContain('uses /v3alpha, which etcd 3.2.32 serves');
  });

  it('the v3.3.27 spec says /v3, which a 3.3 server does not serve: ERR for its client on 3.3.12, and a note', async () => {
    const result = compareModels(await modelOf('3.3.12'), await modelOf('3.3.27'));
    expect(result.changes[0]).toMatchObject({ id: 'prefix-not-served', level: { A: 'INFO', B: 'ERR' } });
    expect(result.notes.join('\n')).toContain("the etcd 3.3.27 spec's routes use /v3, which an etcd 3.3.27 server does not serve");
  });

  it('/v3beta against 3.4 is served (3.4 rewrites it): only a prefix change', async () => {
    const [prefix] = (await changesBetween('3.3.12', '3.4.45')).filter((c) => c.id.startsWith('prefix-'));
    expect(prefix).toMatchObject({ id: 'prefix-not-served', level: { A: 'INFO', B: 'ERR' } });
    expect(prefix!.reason.A).toContain('etcd 3.4.45 serves it (/v3, /v3beta)');
  });

  it('reports nothing when both specs use a prefix both servers serve', async () => {
    expect((await changesBetween('3.4.45', '3.6.14')).filter((c) => c.id.startsWith('prefix-'))).toEqual([]);
  });
});

describe('silent risks', () => {
  it.each([
    ['3.2.32', '3.3.12', 'etcdserverpbCompare.range_end', /evaluates the compare on the single key `key`/],
    ['3.2.32', '3.3.12', 'etcdserverpbRequestOp.request_txn', /nested txn is not executed/],
    ['3.3.27', '3.4.45', 'etcdserverpbMemberAddRequest.isLearner', /adds a voting member, not a learner/],
    ['3.3.12', '3.3.27', 'etcdserverpbWatchCreateRequest.watch_id', /picks its own watch IDs/],
    ['3.3.12', '3.3.27', 'etcdserverpbWatchRequest.progress_request', /no progress response arrives/],
    ['3.4.45', '3.5.33', 'etcdserverpbMemberListRequest.linearizable', /local member list/],
  ])('%s → %s: %s is WARN in direction B with its consequence', async (old, next, subject, consequence) => {
    const change = (await changesBetween(old, next)).find((c) => subjectOf(c) === subject)!;
    expect(change).toMatchObject({ id: 'field-added', level: { A: 'INFO', B: 'WARN' } });
    expect(change.reason.B).toMatch(new RegExp(`^etcd ${old.replace(/\./g, '\\.')} ignores \\w+\\.\\w+ silently \\(HTTP 200\\): `));
    expect(change.reason.B).toMatch(consequence);
  });

  it('a field removed from a request is the same risk in direction A (an old client sends it to a new server)', async () => {
    const change = (await changesBetween('3.3.12', '3.2.32')).find((c) => subjectOf(c) === 'etcdserverpbCompare.range_end')!;
    expect(change).toMatchObject({ id: 'field-removed', level: { A: 'WARN', B: 'INFO' } });
    expect(change.reason.A).toMatch(/^etcd 3\.2\.32 ignores Compare\.range_end silently \(HTTP 200\): the server evaluates/);
  });

  it('the table holds the consequences the issue names, each spelled out', () => {
    const keys = IGNORED_FIELD_RISKS.map((r) => `${r.message}.${r.field}`);
    for (const key of ['PutRequest.ignore_value', 'PutRequest.ignore_lease', 'Compare.range_end', 'MemberAddRequest.isLearner', 'RangeRequest.min_mod_revision', 'RangeRequest.max_create_revision', 'WatchCreateRequest.fragment', 'WatchCreateRequest.filters', 'WatchCreateRequest.prev_kv', 'LeaseTimeToLiveRequest.keys', 'DeleteRangeRequest.prev_kv']) {
      expect(keys).toContain(key);
    }
    expect(IGNORED_FIELD_RISKS.find((r) => r.field === 'ignore_value')!.consequence).toContain('data loss');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('every request field the shared specs add between versions has a table entry', async () => {
    const versions = ['3.2.32', '3.3.12', '3.3.27', '3.4.45', '3.5.33', '3.6.14'];
    const keys = new Set(IGNORED_FIELD_RISKS.map((r) => `${r.message}.${r.field}`));
    for (let i = 1; i < versions.length; i++) {
      for (const c of await changesBetween(versions[i - 1]!, versions[i]!)) {
        if (c.id === 'field-added' && c.text.startsWith('request field')) expect(keys).toContain(c.text.split(' ')[3]);
      }
    }
  });

  it('a new request field not in the table is still WARN in direction B, with a generic reason', () => {
    const request = (props: object) => ({ etcdserverpbFooRequest: { type: 'object', properties: props } });
    const route = { path: '/v3/foo/bar', operationId: 'Bar', tag: 'Foo', request: 'etcdserverpbFooRequest' };
    const old = buildModel([{ ...spec('rpc.swagger.json', [route], request({ key: { type: 'string', format: 'byte' } })), version: '3.8.0' }]);
    const next = buildModel([{ ...spec('rpc.swagger.json', [route], request({ key: { type: 'string', format: 'byte' }, shiny: { type: 'boolean' } })), version: '3.9.0' }]);
    const [change] = compareModels(old, next).changes;
    expect(change).toMatchObject({ id: 'field-added', message: 'etcdserverpbFooRequest', field: 'shiny', level: { A: 'INFO', B: 'WARN' } });
    expect(change!.reason.B).toBe('etcd 3.8.0 ignores FooRequest.shiny silently (HTTP 200): the request is not honoured as asked');
  });
});

describe('roles decide the level', () => {
  it('an enum value that travels both ways warns both ways (AlarmType.CORRUPT)', async () => {
    const corrupt = (await changesBetween('3.2.32', '3.3.12')).find((c) => c.value === 'CORRUPT')!;
    expect(corrupt.reason.A).toContain('etcd 3.3.12 may send CORRUPT');
    expect(corrupt.reason.B).toContain('etcd 3.2.32 does not know CORRUPT: a request that sends it is rejected with 400');
  });

  it('a string field that becomes bytes changes its wire encoding', async () => {
    const key = (await changesBetween('3.3.12', '3.3.27')).find((c) => c.field === 'key')!;
    expect(key).toMatchObject({ id: 'field-type-changed', from: 'string', to: 'bytes' });
    expect(key.reason.A).toContain('string on one side and base64 string on the other');
  });

  it('a 3.6 error body without `error` warns old clients, not new ones', async () => {
    const unary = (await changesBetween('3.5.33', '3.6.14')).find((c) => c.id === 'error-body-changed' && c.to?.startsWith('googlerpcStatus') && c.from?.startsWith('runtimeError'))!;
    expect(unary.reason.A).toContain('etcd 3.6.14 does not send `error`');
    expect(unary.text).toContain('error body of 41 operations');
  });
});

describe('the other direction, and shapes no shared spec pair shows', () => {
  it('an operation removed breaks old clients (A), not new ones', async () => {
    const status = (await changesBetween('3.5.33', '3.4.45')).find((c) => c.operation === 'POST /auth/status')!;
    expect(status).toMatchObject({ id: 'operation-removed', from: 'Auth.AuthStatus', level: { A: 'ERR', B: 'INFO' } });
    expect(status.reason.A).toBe('etcd 3.4.45 does not serve POST /auth/status: every call of auth.status fails with 404 (UNIMPLEMENTED)');
  });

  it('enum values removed: a client that sends one is rejected; a client that lacks one may receive it', async () => {
    const changes = await changesBetween('3.3.12', '3.2.32');
    expect(changes.find((c) => c.value === 'LEASE')).toMatchObject({ id: 'enum-value-removed', level: { A: 'WARN', B: 'INFO' } });
    const corrupt = changes.find((c) => c.value === 'CORRUPT')!;
    expect(corrupt).toMatchObject({ id: 'enum-value-removed', level: { A: 'WARN', B: 'WARN' } });
    expect(corrupt.reason.A).toContain('etcd 3.2.32 does not know CORRUPT');
    expect(corrupt.reason.B).toContain('etcd 3.3.12 may send CORRUPT');
  });

  it('a message renamed with the same shape is INFO, and so is the operation that now names it', () => {
    const fields = { key: { type: 'string', format: 'byte' }, limit: { type: 'string', format: 'int64' } };
    const at = (request: string) => [{ path: '/v3/foo/get', operationId: 'Get', tag: 'Foo', request }];
    const old = buildModel([{ ...spec('rpc.swagger.json', at('etcdserverpbGetRequest'), { etcdserverpbGetRequest: { type: 'object', properties: fields } }), version: '3.8.0' }]);
    const next = buildModel([{ ...spec('rpc.swagger.json', at('etcdserverpbFetchRequest'), { etcdserverpbFetchRequest: { type: 'object', properties: fields } }), version: '3.9.0' }]);
    const changes = compareModels(old, next).changes;
    expect(changes.map((c) => [c.id, subjectOf(c), c.level.A, c.level.B])).toEqual([
      ['operation-signature-changed', 'POST /foo/get', 'INFO', 'INFO'],
      ['message-renamed', 'etcdserverpbFetchRequest', 'INFO', 'INFO'],
    ]);
    expect(changes[1]).toMatchObject({ from: 'etcdserverpbGetRequest', to: 'etcdserverpbFetchRequest' });
    expect(changes[1]!.reason.A).toContain('the generated type GetRequest becomes FetchRequest');
  });

  it('a definition moved to another proto package keeps its generated name: a rename of the spec name only', () => {
    const fields = { key: { type: 'string', format: 'byte' } };
    const at = (request: string) => [{ path: '/v3/foo/get', operationId: 'Get', tag: 'Foo', request }];
    const old = buildModel([{ ...spec('rpc.swagger.json', at('etcdserverpbGetRequest'), { etcdserverpbGetRequest: { type: 'object', properties: fields } }), version: '3.8.0' }]);
    const next = buildModel([{ ...spec('rpc.swagger.json', at('etcdv4pbGetRequest'), { etcdv4pbGetRequest: { type: 'object', properties: fields } }), version: '3.9.0' }]);
    const [change] = compareModels(old, next).changes;
    expect(change).toMatchObject({ id: 'message-renamed', from: 'etcdserverpbGetRequest', to: 'etcdv4pbGetRequest', level: { A: 'INFO', B: 'INFO' } });
    expect(change!.reason.A).toContain('the generated type stays GetRequest');
  });

  it('a streaming description and a stream that stops streaming differ: only the second is ERR', () => {
    const at = (streamOut: 'bare' | 'envelope' | undefined) => [{ path: '/v3/foo/watch', operationId: 'Watch', tag: 'Foo', ...(streamOut ? { streamOut } : {}) }];
    const model = (streamOut: 'bare' | 'envelope' | undefined, version: string) => buildModel([{ ...spec('rpc.swagger.json', at(streamOut), {}), version }]);
    expect(compareModels(model('bare', '3.8.0'), model('envelope', '3.9.0')).changes.map((c) => [c.id, c.level.A, c.level.B])).toEqual([
      ['stream-envelope-changed', 'INFO', 'INFO'],
      ['error-body-changed', 'INFO', 'INFO'],
    ]);
    expect(compareModels(model('bare', '3.8.0'), model(undefined, '3.9.0')).changes.map((c) => [c.id, c.level.A, c.level.B])).toEqual([['operation-signature-changed', 'ERR', 'ERR']]);
  });
});

