/**
 * The error table of GATEWAY.md, produced by a real etcd 3.4 and read by the generated client:
 * each case gives an EtcdError with the right gRPC code, codeName, HTTP status and the server's message.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { describeEtcd, startCluster, type EtcdCluster, type EtcdServer } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';

async function failure(call: Promise<unknown>): Promise<{ code: number; codeName: string; httpStatus: number | undefined; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should fail').toBeInstanceOf(Error);
  // EtcdError or one of its typed subclasses (EtcdLeaseNotFoundError, EtcdCompactedError, …).
  expect((error as Error).name, String(error)).toMatch(/^Etcd[A-Za-z]*Error$/);
  expect(error).toHaveProperty('codeName');
  return error as never;
}

describeEtcd('the gateway error table', () => {
  const fx = useEtcd();
  let etcd: EtcdServer;
  let gen: GeneratedModule;
  let client: Client;
  beforeAll(() => {
    ({ etcd, gen, client } = fx);
  });

  it('a malformed JSON body: 400 INVALID_ARGUMENT', async () => {
    // The typed API cannot send broken JSON; a fetch that cuts the body short makes the server see it.
    const truncating: typeof fetch = (input, init) => globalThis.fetch(input, init?.body ? { ...init, body: String(init.body).slice(0, -1) } : init);
    const broken = gen.createClient({ endpoints: etcd.url, prefix: '/v3', fetch: truncating });
    const e = await failure(broken.kv.put({ key: 'k', value: 'v' }));
    expect(e).toMatchObject({ code: 3, codeName: 'INVALID_ARGUMENT', httpStatus: 400 });
    expect(e.message).toMatch(/unexpected EOF|invalid character/);
  });

  it.each([
    ['range', (c: Client) => c.kv.range({})],
    ['put', (c: Client) => c.kv.put({ value: 'v' })],
    ['deleteRange', (c: Client) => c.kv.deleteRange({})],
  ])('%s without a key: 400 INVALID_ARGUMENT', async (_, call) => {
    expect(await failure(call(client))).toMatchObject({ code: 3, codeName: 'INVALID_ARGUMENT', httpStatus: 400, message: 'etcdserver: key is not provided' });
  });

  it('a txn with 129 ops: 400 INVALID_ARGUMENT', async () => {
    const success = Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: `k${i}`, value: 'v' } }));
    expect(await failure(client.kv.txn({ success }))).toMatchObject({ code: 3, httpStatus: 400, message: 'etcdserver: too many operations in txn request' });
  });

  it('a 1.6 MiB value: 400; a 2 MiB value: 429 RESOURCE_EXHAUSTED', async () => {
    const big = await failure(client.kv.put({ key: 'big', value: new Uint8Array(1.6 * 1024 * 1024) }));
    expect(big).toMatchObject({ code: 3, httpStatus: 400, message: 'etcdserver: request is too large' });
    const bigger = await failure(client.kv.put({ key: 'big', value: new Uint8Array(2 * 1024 * 1024) }));
    expect(bigger).toMatchObject({ code: 8, codeName: 'RESOURCE_EXHAUSTED', httpStatus: 429 });
    expect(bigger.message).toMatch(/grpc: received message larger than max/);
  });

  it('a compacted and a future revision: 400 OUT_OF_RANGE', async () => {
    for (let i = 0; i < 3; i++) await client.kv.put({ key: 'rev', value: String(i) });
    const rev = (await client.kv.range({ key: 'rev' })).header!.revision;
    await client.kv.compact({ revision: rev });
    const compacted = await failure(client.kv.range({ key: 'rev', revision: rev - 1n }));
    expect(compacted).toMatchObject({ code: 11, codeName: 'OUT_OF_RANGE', httpStatus: 400, message: 'etcdserver: mvcc: required revision has been compacted' });
    const future = await failure(client.kv.range({ key: 'rev', revision: rev + 1000n }));
    expect(future).toMatchObject({ code: 11, httpStatus: 400, message: 'etcdserver: mvcc: required revision is a future revision' });
  });

  it('a put with an unknown lease and revoking an unknown lease: 404 NOT_FOUND', async () => {
    const put = await failure(client.kv.put({ key: 'k', value: 'v', lease: 123456789n }));
    expect(put).toMatchObject({ code: 5, codeName: 'NOT_FOUND', httpStatus: 404, message: 'etcdserver: requested lease not found' });
    const revoke = await failure(client.lease.revoke({ ID: 987654321n }));
    expect(revoke).toMatchObject({ code: 5, codeName: 'NOT_FOUND', httpStatus: 404 });
  });

  it('granting an existing lease ID: 412 FAILED_PRECONDITION', async () => {
    await client.lease.grant({ ID: 4242n, TTL: 60 });
    expect(await failure(client.lease.grant({ ID: 4242n, TTL: 60 }))).toMatchObject({
      code: 9,
      codeName: 'FAILED_PRECONDITION',
      httpStatus: 412,
      message: 'etcdserver: lease already exists',
    });
  });

  it('GET on a gateway route: 405, a text/plain body', async () => {
    const asGet: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, method: 'GET', body: null });
    const e = await failure(gen.createClient({ endpoints: etcd.url, prefix: '/v3', fetch: asGet }).kv.range({ key: 'k' }));
    expect(e).toMatchObject({ httpStatus: 405, codeName: 'UNIMPLEMENTED' });
  });
});

describeEtcd('the gateway error table: auth', () => {
  const fx = useEtcd();
  let etcd: EtcdServer;
  let gen: GeneratedModule;

  beforeAll(async () => {
    ({ etcd, gen } = fx);
    const admin = fx.client;
    await admin.auth.userAdd({ name: 'root', password: 'rootpw' });
    await admin.auth.userGrantRole({ user: 'root', role: 'root' }).catch(async () => {
      await admin.auth.roleAdd({ name: 'root' });
      await admin.auth.userGrantRole({ user: 'root', role: 'root' });
    });
    await admin.auth.userAdd({ name: 'alice', password: 'alicepw' });
    await admin.auth.enable({});
  });

  it('no token: 400 user name is empty', async () => {
    const e = await failure(gen.createClient({ endpoints: etcd.url }).kv.range({ key: 'k' }));
    expect(e).toMatchObject({ code: 3, codeName: 'INVALID_ARGUMENT', httpStatus: 400, message: 'etcdserver: user name is empty' });
  });

  it('a bad token: 401 UNAUTHENTICATED', async () => {
    const e = await failure(gen.createClient({ endpoints: etcd.url, auth: { token: 'bogus.1' } }).kv.range({ key: 'k' }));
    expect(e).toMatchObject({ code: 16, codeName: 'UNAUTHENTICATED', httpStatus: 401, message: 'etcdserver: invalid auth token' });
  });

  it('a wrong password: 400 authentication failed', async () => {
    const e = await failure(gen.createClient({ endpoints: etcd.url, auth: { name: 'root', password: 'wrong' } }).kv.range({ key: 'k' }));
    expect(e).toMatchObject({ code: 3, httpStatus: 400, message: 'etcdserver: authentication failed, invalid user ID or password' });
  });

  it('no permission: 403 PERMISSION_DENIED', async () => {
    const e = await failure(gen.createClient({ endpoints: etcd.url, auth: { name: 'alice', password: 'alicepw' } }).kv.put({ key: 'k', value: 'v' }));
    expect(e).toMatchObject({ code: 7, codeName: 'PERMISSION_DENIED', httpStatus: 403, message: 'etcdserver: permission denied' });
  });
});

describeEtcd('the gateway error table: no quorum', () => {
  let cluster: EtcdCluster;
  let gen: GeneratedModule;
  let survivor: EtcdServer;

  beforeAll(async () => {
    [cluster, gen] = await Promise.all([startCluster(3), loadClient()]);
    survivor = cluster.members[0]!;
    await Promise.all(cluster.members.slice(1).map((m) => m.kill('SIGKILL')));
    // A leader without quorum steps down after an election timeout; wait until the survivor knows it has none.
    const probe = gen.createClient({ endpoints: survivor.url });
    for (let i = 0; i < 100 && (await probe.maintenance.status({})).leader !== 0n; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await probe.maintenance.status({})).leader).toBe(0n);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('with requireLeader: 503 UNAVAILABLE "no leader", at once', async () => {
    const client = gen.createClient({ endpoints: survivor.url, requireLeader: true, retry: { deadlineMs: 1 } });
    const e = await failure(client.kv.range({ key: 'k' }));
    expect(e).toMatchObject({ code: 14, codeName: 'UNAVAILABLE', httpStatus: 503, message: 'etcdserver: no leader' });
  }, 30_000);

  it('a write without quorum: 500 "context deadline exceeded", and it is not retried', async () => {
    // Every member listed (the dead ones refuse connections): a retry would have somewhere to go. The real fetch,
    // counted: the put leaves the client exactly once.
    const puts: string[] = [];
    const counting: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/kv/put')) puts.push(url);
      return fetch(input, init);
    };
    const client = gen.createClient({ endpoints: cluster.members.map((m) => m.url), fetch: counting });
    const e = await failure(client.kv.put({ key: 'k', value: 'v' }));
    expect(e).toMatchObject({ httpStatus: 500 });
    expect(e.message).toMatch(/context deadline exceeded|request timed out/);
    expect(puts).toEqual([`${survivor.url}/v3/kv/put`]);
  }, 30_000);

  it('a serializable range still answers', async () => {
    const client = gen.createClient({ endpoints: survivor.url });
    await expect(client.kv.range({ key: 'k', serializable: true })).resolves.toMatchObject({ count: 0n });
  }, 30_000);
});
