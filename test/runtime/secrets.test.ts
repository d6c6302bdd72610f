// Issue 19: the password, the token and TLS key material are out of reach of a log line: not in util.inspect of
// the client or its transport (however deep, hidden fields and getters included), not in JSON.stringify of the
// options, not in errors (message, fields, cause) nor in observe events. Against a real etcd with auth enabled;
// the TLS key needs no server. (Every error any test creates is also searched: helpers/secrets.setup.ts.)
import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EtcdError } from '../../templates/runtime/errors.js';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { loadClient } from '../helpers/client.js';
import { findSecret, registerSecret, TEST_PASSWORD, TEST_TOKEN, TEST_WRONG_PASSWORD } from '../helpers/secrets.js';
import { makePki } from '../helpers/tls.js';
import { closedEndpoint } from './fake-gateway.js';

/** Everything inspect can reach: every depth, non-enumerable fields, getters run. */
const deep = (value: unknown): string => inspect(value, { depth: Infinity, showHidden: true, getters: true });

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describeEtcd('secrets of a client that authenticates', () => {
  const fx = useEtcd();

  beforeAll(async () => {
    await etcdctl(['user', 'add', `root:${TEST_PASSWORD}`, '--interactive=false'], fx.etcd.url);
    await etcdctl(['user', 'grant-role', 'root', 'root'], fx.etcd.url);
    await etcdctl(['auth', 'enable'], fx.etcd.url);
  });

  it('are not in inspect, JSON or observe events, after calls that used them', async () => {
    const { createClient } = await loadClient();
    const events: unknown[] = [];
    const client = createClient({ endpoints: fx.etcd.url, auth: { name: 'root', password: TEST_PASSWORD }, observe: (e) => events.push(e) });
    closers.push(() => client.close());
    await client.put('secrets/k', 'v');
    expect(await client.getText('secrets/k')).toBe('v');
    const token = registerSecret((await client.transport.token()) ?? '');
    expect(token.length).toBeGreaterThan(12);
    await expect(client.kv.range({ key: 'secrets/none' }, { timeoutMs: 1 })).rejects.toBeInstanceOf(Error); // an error event too
    expect(events.some((e) => (e as { type: string }).type === 'authenticate')).toBe(true);

    const shown = [deep(client), deep(client.transport), JSON.stringify(client.transport.options), deep(events), String(client.transport.options.auth)];
    for (const text of shown) expect(findSecret(text)).toBeUndefined();
    expect(deep(client.transport.options)).toContain("password: '[redacted]'");
    expect(JSON.parse(JSON.stringify(client.transport.options)).auth).toEqual({ name: 'root', password: '[redacted]' });
    expect({ ...client.transport.options.auth }).toEqual({ name: 'root' });
    // The client itself still has it where it needs it.
    expect((client.transport.options.auth as { password: string }).password).toBe(TEST_PASSWORD);
  });

  it('are not in the errors of a wrong password or a token the server does not know', async () => {
    const { createClient, EtcdAuthFailedError } = await loadClient();
    const wrong = createClient({ endpoints: fx.etcd.url, auth: { name: 'root', password: TEST_WRONG_PASSWORD }, timeoutMs: 5_000 });
    const fixed = createClient({ endpoints: fx.etcd.url, auth: { token: TEST_TOKEN }, timeoutMs: 5_000 });
    closers.push(() => wrong.close(), () => fixed.close());
    const refused = await wrong.get('secrets/k').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EtcdAuthFailedError);
    const unknown = await fixed.get('secrets/k').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Error); // UNAUTHENTICATED, or the deadline where the server keeps the call waiting
    for (const text of [deep(refused), deep(unknown), deep(wrong), deep(fixed), JSON.stringify(fixed.transport.options)]) {
      expect(findSecret(text)).toBeUndefined();
    }
  });
});

describe('TLS key material', () => {
  it('is not in inspect, JSON or the error of a failed call', async () => {
    const { createClient } = await loadClient();
    const pki = makePki();
    const endpoint = (await closedEndpoint()).replace('http:', 'https:');
    const client = createClient({ endpoints: endpoint, tls: { ...pki.clientTls, passphrase: TEST_PASSWORD }, liveness: false, retry: { deadlineMs: 200 } });
    closers.push(() => client.close());
    const error = await client.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    for (const text of [deep(client), deep(error), JSON.stringify(client.transport.options)]) expect(findSecret(text)).toBeUndefined();
    expect(JSON.parse(JSON.stringify(client.transport.options)).tls).toMatchObject({ key: '[redacted]', passphrase: '[redacted]', cert: pki.clientCert });
    expect(client.transport.options.tls?.key).toBe(pki.clientKey);
  });
});

describe('the suite-wide check (helpers/secrets.setup.ts)', () => {
  it('sees every EtcdError a test creates', () => {
    const recorder = (globalThis as { [key: symbol]: { created: Error[] } })[Symbol.for('etcd-gateway-codegen.error-recorder')]!;
    const leak = new EtcdError(`token ${TEST_TOKEN}`, { code: 16, cause: new TypeError('inner') });
    expect(recorder.created).toContain(leak);
    recorder.created.splice(recorder.created.indexOf(leak), 1); // this one on purpose: not a leak of the client's
  });
});
