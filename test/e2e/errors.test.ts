/**
 * The gateway's error table, produced by each real server of the matrix and read by the generated client: every
 * case is `{ given, want }`, and `want` is a gRPC code (with the server's message and the typed class where there is
 * one), the same on every server. The HTTP status each server sends for it comes from the server table
 * (test/helpers/servers.ts): it differs between gateway generations, the code does not.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GrpcCode, grpcCodeName } from '../../templates/runtime/codes.js';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { describeEtcd, startCluster, type EtcdCluster, type EtcdServer } from '../helpers/etcd.js';
import { useEtcd, type Client, type EtcdFixture } from '../helpers/fixture.js';
import { currentServer, type CodeName, type ServerFacts } from '../helpers/servers.js';

const server = currentServer();

interface Want {
  readonly codeName: CodeName;
  readonly message?: string | RegExp;
  /** The typed class, where the client has one for this answer. */
  readonly name?: string;
  /** The HTTP status, when it is not the server's status for the code (the server table says which). */
  readonly status?: (server: ServerFacts) => number;
}

interface Case<Ctx> {
  readonly given: string;
  readonly call: (ctx: Ctx) => Promise<unknown>;
  readonly want: Want;
}

async function expectAnswer(call: Promise<unknown>, want: Want): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should fail').toBeInstanceOf(Error);
  expect((error as Error).name, String(error)).toMatch(/^Etcd[A-Za-z]*Error$/);
  if (want.name !== undefined) expect((error as Error).name).toBe(want.name);
  const status = want.status?.(server) ?? server.httpStatus[want.codeName];
  expect(error).toMatchObject({ code: codeOf(want.codeName), codeName: want.codeName, httpStatus: status });
  if (want.message !== undefined) expect((error as Error).message).toMatch(want.message);
}

/** The numeric code of a code name. */
function codeOf(name: CodeName): number {
  return Object.values(GrpcCode).find((code) => grpcCodeName(code) === name) ?? -1;
}

/** A client whose fetch rewrites each request: the typed API cannot send what the server must refuse. */
function rewriting(fx: EtcdFixture, rewrite: (init: RequestInit | undefined) => RequestInit | undefined): Client {
  return fx.gen.createClient({ endpoints: fx.etcd.url, prefix: '/v3', fetch: (input, init) => globalThis.fetch(input, rewrite(init)) });
}

const PLAIN: Case<EtcdFixture>[] = [
  {
    given: 'a malformed JSON body',
    call: (fx) => rewriting(fx, (init) => (init?.body ? { ...init, body: String(init.body).slice(0, -1) } : init)).kv.put({ key: 'k', value: 'v' }),
    want: { codeName: 'INVALID_ARGUMENT', message: /unexpected EOF|invalid character/ },
  },
  ...(['range', 'put', 'deleteRange'] as const).map((rpc) => ({
    given: `${rpc} without a key`,
    call: (fx: EtcdFixture) => (rpc === 'put' ? fx.client.kv.put({ value: 'v' }) : fx.client.kv[rpc]({})),
    want: { codeName: 'INVALID_ARGUMENT' as const, message: 'etcdserver: key is not provided' },
  })),
  {
    given: 'a txn with 129 ops',
    call: (fx) => fx.client.kv.txn({ success: Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: `k${i}`, value: 'v' } })) }),
    want: { codeName: 'INVALID_ARGUMENT', message: 'etcdserver: too many operations in txn request' },
  },
  {
    given: 'a 1.6 MiB value (over --max-request-bytes)',
    call: (fx) => fx.client.kv.put({ key: 'big', value: new Uint8Array(1.6 * 1024 * 1024) }),
    want: { codeName: 'INVALID_ARGUMENT', message: 'etcdserver: request is too large', name: 'EtcdRequestTooLargeError' },
  },
  {
    given: 'a 2 MiB value (over the gRPC message limit)',
    call: (fx) => fx.client.kv.put({ key: 'big', value: new Uint8Array(2 * 1024 * 1024) }),
    want: { codeName: 'RESOURCE_EXHAUSTED', message: /grpc: received message larger than max/ },
  },
  {
    given: 'a compacted revision',
    call: async (fx) => {
      for (let i = 0; i < 3; i++) await fx.client.kv.put({ key: 'rev', value: String(i) });
      const rev = (await fx.client.kv.range({ key: 'rev' })).header!.revision;
      await fx.client.kv.compact({ revision: rev });
      return fx.client.kv.range({ key: 'rev', revision: rev - 1n });
    },
    want: { codeName: 'OUT_OF_RANGE', message: 'etcdserver: mvcc: required revision has been compacted', name: 'EtcdCompactedError' },
  },
  {
    given: 'a future revision',
    call: async (fx) => fx.client.kv.range({ key: 'rev', revision: (await fx.client.kv.range({ key: 'rev' })).header!.revision + 1000n }),
    want: { codeName: 'OUT_OF_RANGE', message: 'etcdserver: mvcc: required revision is a future revision', name: 'EtcdFutureRevisionError' },
  },
  {
    given: 'a put with an unknown lease',
    call: (fx) => fx.client.kv.put({ key: 'k', value: 'v', lease: 123456789n }),
    want: { codeName: 'NOT_FOUND', message: 'etcdserver: requested lease not found', name: 'EtcdLeaseNotFoundError' },
  },
  {
    given: 'revoking an unknown lease',
    call: (fx) => fx.client.lease.revoke({ ID: 987654321n }),
    want: { codeName: 'NOT_FOUND', name: 'EtcdLeaseNotFoundError' },
  },
  {
    given: 'granting an existing lease ID',
    call: async (fx) => {
      await fx.client.lease.grant({ ID: 4242n, TTL: 60 });
      return fx.client.lease.grant({ ID: 4242n, TTL: 60 });
    },
    want: { codeName: 'FAILED_PRECONDITION', message: 'etcdserver: lease already exists', name: 'EtcdAlreadyExistsError' },
  },
  {
    // etcd has no ALREADY_EXISTS answer: an existing user, role or member is FAILED_PRECONDITION, typed here.
    given: 'adding a user that exists',
    call: async (fx) => {
      await fx.client.auth.userAdd({ name: 'twice', password: 'pw' });
      return fx.client.auth.userAdd({ name: 'twice', password: 'pw' });
    },
    want: { codeName: 'FAILED_PRECONDITION', message: 'etcdserver: user name already exists', name: 'EtcdAlreadyExistsError' },
  },
  {
    given: 'a GET on a POST-only gateway route',
    call: (fx) => rewriting(fx, (init) => ({ ...init, method: 'GET', body: null })).kv.range({ key: 'k' }),
    want: { codeName: 'UNIMPLEMENTED', status: (s) => s.getOnPostRoute.status },
  },
];

describeEtcd('the gateway error table', () => {
  const fx = useEtcd();
  it.each(PLAIN)('$given: $want.codeName', async ({ call, want }) => expectAnswer(call(fx), want));

  it('the raw answers behind it: error body keys, content types, GET on a POST route (the server table)', async () => {
    const refused = await fetch(`${fx.etcd.url}/v3/kv/range`, { method: 'POST', body: '{}' });
    expect(refused.headers.get('content-type')).toContain(server.contentType.error);
    expect(Object.keys((await refused.json()) as object).sort()).toEqual(server.errorBodyKeys);
    const get = await fetch(`${fx.etcd.url}/v3/kv/range`);
    expect(get.status).toBe(server.getOnPostRoute.status);
    const body = await get.text();
    expect(body.startsWith('{')).toBe(server.getOnPostRoute.json);
  });
});

interface AuthCtx {
  readonly gen: GeneratedModule;
  readonly url: string;
}

const AUTH: Case<AuthCtx>[] = [
  {
    given: 'no token',
    call: ({ gen, url }) => gen.createClient({ endpoints: url }).kv.range({ key: 'k' }),
    want: { codeName: 'INVALID_ARGUMENT', message: 'etcdserver: user name is empty' },
  },
  {
    given: 'a bad token',
    call: ({ gen, url }) => gen.createClient({ endpoints: url, auth: { token: 'bogus.1' } }).kv.range({ key: 'k' }),
    want: { codeName: 'UNAUTHENTICATED', message: 'etcdserver: invalid auth token' },
  },
  {
    given: 'a wrong password',
    call: ({ gen, url }) => gen.createClient({ endpoints: url, auth: { name: 'root', password: 'wrong' } }).kv.range({ key: 'k' }),
    want: { codeName: 'INVALID_ARGUMENT', message: 'etcdserver: authentication failed, invalid user ID or password', name: 'EtcdAuthFailedError' },
  },
  {
    given: 'a write without permission',
    call: ({ gen, url }) => gen.createClient({ endpoints: url, auth: { name: 'alice', password: 'alicepw' } }).kv.put({ key: 'k', value: 'v' }),
    want: { codeName: 'PERMISSION_DENIED', message: 'etcdserver: permission denied', name: 'EtcdPermissionDeniedError' },
  },
];

describeEtcd('the gateway error table: auth', () => {
  const fx = useEtcd();
  beforeAll(async () => {
    const admin = fx.client;
    await admin.auth.userAdd({ name: 'root', password: 'rootpw' });
    await admin.auth.userGrantRole({ user: 'root', role: 'root' }).catch(async () => {
      await admin.auth.roleAdd({ name: 'root' });
      await admin.auth.userGrantRole({ user: 'root', role: 'root' });
    });
    await admin.auth.userAdd({ name: 'alice', password: 'alicepw' });
    await admin.auth.enable({});
  });
  it.each(AUTH)('$given: $want.codeName', async ({ call, want }) => expectAnswer(call({ gen: fx.gen, url: fx.etcd.url }), want));
});

describeEtcd('the gateway error table: a database over --quota-backend-bytes', () => {
  const fx = useEtcd({ extraArgs: ['--quota-backend-bytes=4194304'] });
  it('writes past the quota: RESOURCE_EXHAUSTED', async () => {
    const value = new Uint8Array(512 * 1024);
    let full: { error: unknown } | undefined;
    for (let i = 0; i < 64 && full === undefined; i++) {
      await fx.client.kv.put({ key: `quota/${i}`, value }).catch((error: unknown) => (full = { error }));
    }
    expect(full, 'the quota was never reached').toBeDefined();
    await expectAnswer(Promise.reject(full!.error), { codeName: 'RESOURCE_EXHAUSTED', message: 'etcdserver: mvcc: database space exceeded', name: 'EtcdNoSpaceError' });
  }, 60_000);
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

  it('with requireLeader: UNAVAILABLE "no leader", at once', async () => {
    const client = gen.createClient({ endpoints: survivor.url, requireLeader: true, retry: { deadlineMs: 1 } });
    await expectAnswer(client.kv.range({ key: 'k' }), { codeName: 'UNAVAILABLE', message: 'etcdserver: no leader', name: 'EtcdNoLeaderError' });
  }, 30_000);

  it('a write without quorum: DEADLINE_EXCEEDED, and it is not retried', async () => {
    // Every member listed (the dead ones refuse connections): a retry would have somewhere to go. The real fetch,
    // counted: the put leaves the client exactly once.
    const puts: string[] = [];
    const counting: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/kv/put')) puts.push(url);
      return fetch(input, init);
    };
    const client = gen.createClient({ endpoints: cluster.members.map((m) => m.url), fetch: counting });
    await expectAnswer(client.kv.put({ key: 'k', value: 'v' }), {
      codeName: 'DEADLINE_EXCEEDED',
      message: /context deadline exceeded/,
      status: (s) => s.contextDeadlineStatus,
    });
    expect(puts).toEqual([`${survivor.url}/v3/kv/put`]);
  }, 30_000);

  it('a serializable range still answers', async () => {
    const client = gen.createClient({ endpoints: survivor.url });
    await expect(client.kv.range({ key: 'k', serializable: true })).resolves.toMatchObject({ count: 0n });
  }, 30_000);
});

