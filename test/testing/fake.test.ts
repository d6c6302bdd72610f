/**
 * createFakeEtcd on its own: what the differential suites (project fake-3.5.30) do not reach — range options, the
 * txn limit, compaction answers, auth, each version's error body and status (GATEWAY.md), and the test controls
 * failNext, pause/resume, advance, stop/start and close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, createFakeEtcd, EtcdError, Op, type FakeEtcd } from '../../generated/index.js';

const open: FakeEtcd[] = [];
function fakeClient(version = '3.5.30') {
  const fake = createFakeEtcd({ version });
  open.push(fake);
  return { fake, client: createClient(fake.clientOptions) };
}
afterEach(() => open.splice(0).forEach((f) => f.close()));

const fail = (p: Promise<unknown>): Promise<EtcdError> => p.then(() => Promise.reject(new Error('no failure')), (e: EtcdError) => e);
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** A raw gateway call on the fake's engine: status, content type and body. */
async function raw(fake: FakeEtcd, path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fake.clientOptions.engine.send({ url: `${fake.clientOptions.endpoints as string}${path}`, method: 'POST', headers, body: JSON.stringify(body), signal: new AbortController().signal });
  return { status: r.status, type: r.header('content-type'), body: JSON.parse(await r.text()) as Record<string, unknown> };
}

describe('range options', () => {
  it('limit with more and count, sort, keysOnly, countOnly, revision and the create/mod filters', async () => {
    const { client } = fakeClient();
    const revs: bigint[] = [];
    for (const [k, v] of [['r/b', '2'], ['r/a', '3'], ['r/c', '1']] as const) revs.push(await client.put(k, v));
    await client.put('r/a', '33');
    const page = await client.kv.range({ key: 'r/', rangeEnd: 'r0', limit: 2 });
    expect([page.kvs.map((kv) => text(kv.key)), page.more, page.count]).toEqual([['r/a', 'r/b'], true, 3n]);
    const byValue = await client.kv.range({ key: 'r/', rangeEnd: 'r0', sortTarget: 'VALUE', sortOrder: 'DESCEND' });
    expect(byValue.kvs.map((kv) => text(kv.value))).toEqual(['33', '2', '1']);
    const keysOnly = await client.kv.range({ key: 'r/', rangeEnd: 'r0', keysOnly: true });
    expect(keysOnly.kvs.every((kv) => kv.value.length === 0)).toBe(true);
    const countOnly = await client.kv.range({ key: 'r/', rangeEnd: 'r0', countOnly: true });
    expect([countOnly.kvs.length, countOnly.count]).toEqual([0, 3n]);
    const past = await client.kv.range({ key: 'r/a', revision: revs[1]! });
    expect([text(past.kvs[0]?.value), past.kvs[0]?.version]).toEqual(['3', 1n]);
    const created = await client.kv.range({ key: 'r/', rangeEnd: 'r0', minCreateRevision: revs[1]!, maxModRevision: revs[2]! });
    expect(created.kvs.map((kv) => text(kv.key))).toEqual(['r/c']);
  });
});

describe('txn and compaction', () => {
  it('refuses 129 operations, accepts 128', async () => {
    const { client } = fakeClient();
    const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ requestPut: { key: `t/${i}`, value: 'v' } }));
    expect((await client.kv.txn({ success: ops(128) })).succeeded).toBe(true);
    const e = await fail(client.kv.txn({ success: ops(129) }));
    expect([e.codeName, e.message]).toEqual(['INVALID_ARGUMENT', 'etcdserver: too many operations in txn request']);
  });

  it('answers reads below the compaction and above the store with OUT_OF_RANGE', async () => {
    const { client } = fakeClient();
    const first = await client.put('c', '1');
    await client.put('c', '2');
    await client.kv.compact({ revision: first + 1n });
    const compacted = await fail(client.kv.range({ key: 'c', revision: first }));
    expect([compacted.codeName, compacted.message]).toEqual(['OUT_OF_RANGE', 'etcdserver: mvcc: required revision has been compacted']);
    const future = await fail(client.kv.range({ key: 'c', revision: first + 100n }));
    expect(future.message).toBe('etcdserver: mvcc: required revision is a future revision');
    const txn = await client.txn().if('c', 'mod', '==', first + 1n).then(Op.get('c')).commit();
    expect(txn.succeeded).toBe(true);
  });
});

describe('errors as each version gives them', () => {
  it.each([
    { version: '3.4.22', want: { status: 404, body: { error: 'etcdserver: requested lease not found', message: 'etcdserver: requested lease not found', code: 5 } } },
    { version: '3.5.30', want: { status: 404, body: { code: 5, message: 'etcdserver: requested lease not found' } } },
    { version: '3.6.14', want: { status: 404, body: { code: 5, message: 'etcdserver: requested lease not found', details: [] } } },
  ])('etcd $version: an unknown lease', async ({ version, want }) => {
    const { fake } = fakeClient(version);
    const answer = await raw(fake, '/v3/kv/put', { key: 'aw==', lease: '42' });
    expect({ status: answer.status, body: answer.body }).toEqual(want);
  });

  it.each([
    { version: '3.4.22', want: 412 },
    { version: '3.5.30', want: 400 },
  ])('etcd $version: FAILED_PRECONDITION is HTTP $want', async ({ version, want }) => {
    const { fake } = fakeClient(version);
    await raw(fake, '/v3/lease/grant', { TTL: 10, ID: 7 });
    expect((await raw(fake, '/v3/lease/grant', { TTL: 10, ID: 7 })).status).toBe(want);
  });

  it('serves the prefixes of its version: 3.3 answers /v3beta, not /v3', async () => {
    const { fake } = fakeClient('3.3.27');
    expect((await raw(fake, '/v3beta/kv/put', { key: 'aw==' })).status).toBe(200);
    const r = await fake.clientOptions.engine.send({ url: `${fake.clientOptions.endpoints as string}/v3/kv/put`, method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal });
    expect(r.status).toBe(404);
  });
});

describe('auth', () => {
  it('tokens, user name is empty, invalid auth token, PERMISSION_DENIED', async () => {
    const { fake, client } = fakeClient();
    await client.auth.userAdd({ name: 'root', password: 'r' });
    await client.auth.userGrantRole({ user: 'root', role: 'root' });
    await client.auth.userAdd({ name: 'reader', password: 'p' });
    await client.auth.roleAdd({ name: 'read-a' });
    await client.auth.roleGrantPermission({ name: 'read-a', perm: { permType: 'READ', key: 'a/', rangeEnd: 'a0' } });
    await client.auth.userGrantRole({ user: 'reader', role: 'read-a' });
    await client.auth.enable({});
    expect((await fail(client.get('a/x'))).message).toBe('etcdserver: user name is empty');
    expect((await fail(createClient({ ...fake.clientOptions, auth: { token: 'nope' } }).get('a/x'))).codeName).toBe('UNAUTHENTICATED');
    const reader = createClient({ ...fake.clientOptions, auth: { name: 'reader', password: 'p' } });
    expect(await reader.get('a/x')).toBeUndefined();
    expect((await fail(reader.put('a/x', 'v'))).codeName).toBe('PERMISSION_DENIED');
    expect((await fail(reader.get('b'))).codeName).toBe('PERMISSION_DENIED');
    reader.close();
  });
});

describe('test controls', () => {
  it('failNext fails the next call of that operation only, with the code and message given', async () => {
    const { fake, client } = fakeClient();
    fake.failNext('kv.range', { code: 'INVALID_ARGUMENT', message: 'etcdserver: a fake failure' });
    await client.put('k', 'v'); // another operation is not affected
    const e = await fail(client.get('k'));
    expect([e.codeName, e.message, e.httpStatus]).toEqual(['INVALID_ARGUMENT', 'etcdserver: a fake failure', 400]);
    expect(await client.getText('k')).toBe('v');
    expect(() => fake.failNext('kv.put', { code: 'NOPE' })).toThrow(/not a gRPC code/);
  });

  it('pause holds every answer until resume', async () => {
    const { fake, client } = fakeClient();
    fake.pause();
    let done = false;
    const put = client.put('p', 'v').then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    fake.resume();
    await put;
    expect(done).toBe(true);
  });

  it("clock 'real' follows the wall clock as well: a 2 s lease is gone after 2 s of waiting", async () => {
    const fake = createFakeEtcd({ clock: 'real' });
    open.push(fake);
    const client = createClient(fake.clientOptions);
    const { ID } = await client.lease.grant({ TTL: 2 });
    await client.put('rt', 'v', { lease: ID });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await client.getText('rt')).toBe('v');
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await client.getText('rt')).toBeUndefined();
  });

  it('advance expires leases and their keys; keepalive renews; close refuses later calls', async () => {
    const { fake, client } = fakeClient();
    const { ID, TTL } = await client.lease.grant({ TTL: 1 });
    expect(TTL).toBe(2n); // etcd's minimum TTL
    await client.put('l', 'v', { lease: ID });
    fake.advance(1_500);
    for await (const answer of client.lease.keepAlive({ ID })) expect(answer.TTL).toBe(2n);
    fake.advance(1_500);
    expect(await client.getText('l')).toBe('v');
    fake.advance(600);
    expect(await client.getText('l')).toBeUndefined();
    expect((await client.lease.timeToLive({ ID })).TTL).toBe(-1n);
    fake.close();
    await expect(createClient({ ...fake.clientOptions, retry: { deadlineMs: 100 } }).get('l')).rejects.toThrow(/closed/);
  });
});

describe('stop and start, and other endpoints', () => {
  it('stop breaks a watch and refuses calls; start brings back the keys, renews leases, forgets tokens', async () => {
    const { fake, client } = fakeClient();
    const { ID } = await client.lease.grant({ TTL: 10 });
    await client.put('s/leased', 'v', { lease: ID });
    await client.auth.userAdd({ name: 'root', password: 'pw' });
    await client.auth.userGrantRole({ user: 'root', role: 'root' });
    await client.auth.enable({});
    const root = createClient({ ...fake.clientOptions, auth: { name: 'root', password: 'pw' } });
    const { token } = await root.auth.authenticate({ name: 'root', password: 'pw' });
    const read = () => raw(fake, '/v3/kv/range', { key: btoa('s/leased') }, { Authorization: token });
    expect((await read()).status).toBe(200);
    const watch = await fake.clientOptions.engine.send({
      url: `${fake.clientOptions.endpoints as string}/v3/watch`,
      method: 'POST',
      headers: { Authorization: token },
      body: JSON.stringify({ create_request: { key: btoa('s/') } }),
      signal: new AbortController().signal,
    });
    const chunks = watch.chunks()[Symbol.asyncIterator]();
    expect(text((await chunks.next()).value)).toContain('"created":true');
    fake.advance(9_000);
    fake.stop();
    await expect(chunks.next()).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } });
    const refused = createClient({ ...fake.clientOptions, retry: { deadlineMs: 100 } });
    await expect(refused.get('s/leased')).rejects.toThrow(/fetch failed: the fake etcd is stopped/);
    refused.close();
    fake.start();
    expect(await read()).toMatchObject({ status: 401, body: { message: 'etcdserver: invalid auth token' } });
    expect(await root.getText('s/leased')).toBe('v'); // kept, as on etcd's disk; the client authenticated again
    fake.advance(9_000); // 18 s after the grant: alive, because start gave it its 10 s again
    expect(await root.getText('s/leased')).toBe('v');
    fake.advance(1_500);
    expect(await root.getText('s/leased')).toBeUndefined();
    root.close();
  });

  it('refuses an endpoint that is not its own, so a client fails over to it', async () => {
    const fake = createFakeEtcd();
    open.push(fake);
    const client = createClient({ ...fake.clientOptions, endpoints: ['http://127.0.0.1:1', fake.clientOptions.endpoints as string] });
    await client.put('f', 'v');
    expect(await client.getText('f')).toBe('v');
    const only = createClient({ ...fake.clientOptions, endpoints: 'http://127.0.0.1:1', retry: { deadlineMs: 100 } });
    await expect(only.get('f')).rejects.toThrow(/nothing listens at http:\/\/127\.0\.0\.1:1/);
    only.close();
    client.close();
  });

  it('a call held by pause() still ends by its own timeout', async () => {
    const { fake, client } = fakeClient();
    fake.pause();
    const error = await fail(client.put('t', 'v', { timeoutMs: 100 }));
    expect(error.codeName).toBe('DEADLINE_EXCEEDED');
    fake.resume();
  });
});
