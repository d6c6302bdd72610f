/**
 * The transport's authentication against a real etcd with auth enabled (what a fake gateway used to stand in
 * for): lazy and shared, the raw token, a token etcd dropped replaced once (changing a password drops the user's
 * tokens at once, like an expiry; the snapshot route answers that with a 500, not a 401), a wrong password and a fixed token reported as etcd says, and a token on
 * every call but authenticate (Status too, which 3.5 refuses without one). Every exchange goes through the real fetch and is recorded.
 */
import { afterEach, beforeAll, expect, it } from 'vitest';
import { clusterLayers } from '../../templates/runtime/core/layers.js';
import { createTransport, type ClientOptions, type OperationDescriptor, type Transport } from '../../templates/runtime/core/transport.js';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { TEST_PASSWORD } from '../helpers/secrets.js';
import { currentServer } from '../helpers/servers.js';

const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const PUT: OperationDescriptor = { name: 'kv.put', route: '/kv/put', safety: 'write' };
const STATUS: OperationDescriptor = { name: 'maintenance.status', route: '/maintenance/status', safety: 'read' };
const CHANGE_PASSWORD: OperationDescriptor = { name: 'auth.userChangePassword', route: '/auth/user/changepw', safety: 'write' };
const SNAPSHOT: OperationDescriptor = { name: 'maintenance.snapshot', route: '/maintenance/snapshot', safety: 'read' };
const PASSWORD = TEST_PASSWORD;
const key = btoa('auth/k');

describeEtcd('authentication with auth enabled', () => {
  const fx = useEtcd();
  let log: string[] = [];
  const transports: Transport[] = [];
  afterEach(() => {
    for (const t of transports.splice(0)) t.close();
    log = [];
  });

  beforeAll(async () => {
    await etcdctl(['user', 'add', `root:${PASSWORD}`, '--interactive=false'], fx.etcd.url);
    await etcdctl(['user', 'grant-role', 'root', 'root'], fx.etcd.url);
    await etcdctl(['auth', 'enable'], fx.etcd.url);
  });

  /** A transport whose every POST is recorded as `<route> <Authorization or -> <status>`. */
  const transport = (auth: ClientOptions['auth']): Transport => {
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(init?.headers);
      if (init?.method === 'POST') log.push(`${new URL(String(input)).pathname.replace(/^\/v3/, '')} ${headers.get('authorization') ?? '-'} ${response.status}`);
      return response;
    };
    const t = createTransport({ endpoints: fx.etcd.url, ...(auth ? { auth } : {}), fetch: recording }, clusterLayers);
    transports.push(t);
    return t;
  };
  const tokenOf = (line: string | undefined): string => line?.split(' ')[1] ?? '';
  /** `<route> <token> <status>` with any token shown as `<token>`. */
  const shape = (line: string): string => line.split(' ').map((part, i) => (i === 1 && part !== '-' ? '<token>' : part)).join(' ');

  it('authenticates lazily, sends the raw token, and shares one authentication among concurrent calls', async () => {
    const t = transport({ name: 'root', password: PASSWORD });
    expect(log).toEqual([]);
    await Promise.all([t.unary(RANGE, { key }), t.unary(PUT, { key, value: btoa('v') }), t.unary(RANGE, { key })]);
    expect(log.filter((l) => l.startsWith('/auth/authenticate'))).toEqual(['/auth/authenticate - 200']);
    const calls = log.filter((l) => !l.startsWith('/auth/authenticate'));
    expect(calls).toHaveLength(3);
    const token = tokenOf(calls[0]);
    expect(token).toMatch(/^\w+\.\d+$/); // etcd's simple token, sent as is (no "Bearer")
    expect(calls.every((l) => tokenOf(l) === token && l.endsWith(' 200'))).toBe(true);
  });

  it('replaces a token etcd dropped (401 invalid auth token) once and sends the call again, even a write', async () => {
    const t = transport({ name: 'root', password: PASSWORD });
    await t.unary(PUT, { key, value: btoa('1') });
    await t.unary(CHANGE_PASSWORD, { name: 'root', password: PASSWORD }); // drops root's tokens, ours too
    const before = log.length;
    await t.unary(PUT, { key, value: btoa('2') });
    const after = log.slice(before);
    expect(after.map(shape)).toEqual(['/kv/put <token> 401', '/auth/authenticate - 200', '/kv/put <token> 200']);
    expect(tokenOf(after[2])).not.toBe(tokenOf(after[0]));
  });

  it('reopens a stream etcd refused with 500 "invalid auth token" (the snapshot route of 3.4) with a fresh token', async () => {
    const t = transport({ name: 'root', password: PASSWORD });
    await t.unary(RANGE, { key });
    await t.unary(CHANGE_PASSWORD, { name: 'root', password: PASSWORD });
    const before = log.length;
    for await (const message of t.stream(SNAPSHOT, {})) {
      expect(typeof message['blob']).toBe('string');
      break;
    }
    expect(log.slice(before).map(shape)).toEqual(['/maintenance/snapshot <token> 500', '/auth/authenticate - 200', '/maintenance/snapshot <token> 200']);
  });

  it('reports a wrong password as etcd says it', async () => {
    const t = transport({ name: 'root', password: 'nope' });
    await expect(t.unary(RANGE, { key })).rejects.toMatchObject({
      code: 3,
      httpStatus: 400,
      message: 'etcdserver: authentication failed, invalid user ID or password',
      operation: 'auth.authenticate',
    });
  });

  it('sends a given token as is and does not retry its 401', async () => {
    const t = transport({ token: 'abc' });
    await expect(t.unary(RANGE, { key })).rejects.toMatchObject({ code: 16, codeName: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(log).toEqual(['/kv/range abc 401']);
  });

  it('sends the token on Status too, which etcd 3.5 refuses without one', async () => {
    const t = transport({ name: 'root', password: PASSWORD });
    await t.unary(STATUS, {});
    expect(log.map(shape)).toEqual(['/auth/authenticate - 200', '/maintenance/status <token> 200']);
    // What the server does with a Status that carries none (the server table): why the client never leaves it out.
    const answered = await transport(undefined)
      .unary(STATUS, {})
      .then(
        () => true,
        (error: unknown) => (expect(error).toMatchObject({ message: 'etcdserver: user name is empty' }), false),
      );
    expect(answered).toBe(currentServer().statusWithoutToken);
  });
});
