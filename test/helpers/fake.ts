/**
 * The fake row of the matrix (vitest project `fake-<version>`, ETCD_FAKE=1 in its workers): `useEtcd` hands out
 * clients on an in-memory `createFakeEtcd` answering as the row's server instead of starting that server, so the
 * suites run unchanged against the fake (issue 18's proof by difference). What a test does to the server maps to
 * the fake's own controls: SIGKILL / SIGTERM and restart are `fake.stop()` and `fake.start()`, SIGSTOP / SIGCONT
 * `pause()` / `resume()`, the server flags `--auth-token-ttl` and `--quota-backend-bytes` its options, and the
 * etcdctl commands the suites set auth up with become calls of a client (`fakeEtcdctl`). What has no counterpart (a
 * child process or an etcdctl lock on its URL) is marked `it.skipIf(processOnly)`, and vitest lists it as skipped.
 */
import type { GeneratedModule } from './client.js';
import type { EtcdServer, StartEtcdOptions } from './etcd.js';
import { currentServer } from './servers.js';

export function fakeRow(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['ETCD_FAKE'] === '1';
}

/** True on the fake row: for `it.skipIf(processOnly)` on a test that acts on the server's process. */
export const processOnly = fakeRow();

type Fake = ReturnType<GeneratedModule['createFakeEtcd']>;

let current: Fake | undefined;

let fakeGen: GeneratedModule | undefined;

/** The WebSocket class of the fake this worker's fixture holds, if on the fake row. */
export function currentFakeWebSocket(): Fake['WebSocket'] | undefined {
  return current?.WebSocket;
}

/**
 * The generated module with createClient on the fake: every client gets the fake's engine, unless it brings its
 * own fetch (a test's counting or spying fetch), which then reaches the fake through `routeFetch`.
 */
export function onFake(gen: GeneratedModule, fake: Fake): GeneratedModule {
  const createClient = ((options: Parameters<GeneratedModule['createClient']>[0]) => {
    // The test's endpoints stay: the fake's engine answers its own URL and refuses any other, as a dead port does.
    const { engine, ...rest } = fake.clientOptions;
    const own = options.engine ?? (options.fetch ? undefined : engine);
    return gen.createClient({ ...rest, ...options, ...(own ? { engine: own } : {}) });
  }) as GeneratedModule['createClient'];
  return { ...gen, createClient };
}

/** Raw fetches of the fake's URL (tests that spy on fetch or talk JSON to `etcd.url`) reach the fake's engine. */
export function routeFetch(fake: Fake, gen: GeneratedModule): () => void {
  current = fake;
  fakeGen = gen;
  const original = globalThis.fetch;
  const endpoint = fake.clientOptions.endpoints as string;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(endpoint)) return original(input, init);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const answer = await fake.clientOptions.engine.send({
      url,
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      headers: { ...headers, ...(headers['authorization'] ? { Authorization: headers['authorization'] } : {}) },
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      signal: init?.signal ?? new AbortController().signal,
    });
    const chunks = answer.chunks()[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    return new Response(body, { status: answer.status, headers: { 'content-type': answer.header('content-type') ?? 'application/json' } });
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
    current = undefined;
    fakeGen = undefined;
  };
}

/** An EtcdServer-shaped handle on the fake: its URL; process controls fail, naming what the fake cannot do. */
export function fakeServer(fake: Fake): EtcdServer {
  const none = (what: string) => (): never => {
    throw new Error(`the fake etcd has no process to ${what} (a difference of the fake row, docs/testing.md)`);
  };
  const url = fake.clientOptions.endpoints as string;
  return {
    name: `fake ${currentServer().version}`,
    url,
    clientPort: 0,
    peerPort: 0,
    peerUrl: '',
    dataDir: '',
    pid: undefined,
    running: true,
    output: () => '',
    waitHealthy: async () => {},
    // A hung member (SIGSTOP … SIGCONT) is the fake paused; a killed or stopped one, the fake stopped.
    kill: (async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (signal === 'SIGSTOP') return fake.pause();
      if (signal === 'SIGCONT') return fake.resume();
      if (signal === 'SIGKILL' || signal === 'SIGTERM') return fake.stop({ graceful: signal === 'SIGTERM' });
      none(`receive ${signal}`)();
    }) as EtcdServer['kill'],
    restart: (async () => fake.start()) as EtcdServer['restart'],
    stop: async () => fake.close(),
  } as unknown as EtcdServer;
}

/** Whether `endpoint` is a createFakeEtcd URL (`http://fake-etcd-<n>.invalid:2379`). */
export function isFakeUrl(endpoint: string | readonly string[]): boolean {
  return [endpoint].flat().some((url) => /^http:\/\/fake-etcd-\d+\.invalid:/.test(url));
}

type FakeOptions = NonNullable<Parameters<GeneratedModule['createFakeEtcd']>[0]>;

/** The fake's options for a server the suite asked for: its flags that have a fake counterpart, else an error. */
export function fakeOptionsFor(options: StartEtcdOptions): FakeOptions {
  const fake: { -readonly [K in keyof FakeOptions]: FakeOptions[K] } = {};
  if (options.authTokenTtl !== undefined) fake.authTokenTtl = options.authTokenTtl;
  for (const arg of options.extraArgs ?? []) {
    const quota = /^--quota-backend-bytes=(\d+)$/.exec(arg);
    if (quota) fake.quotaBackendBytes = Number(quota[1]);
    else throw new Error(`the fake row has no counterpart for the server flag ${arg} (test/helpers/fake.ts)`);
  }
  if (options.tls !== undefined || options.cors !== undefined)
    throw new Error('the fake row serves no TLS and no CORS: run this suite on the server rows only');
  return fake;
}

/**
 * The etcdctl commands the suites use, as calls of a client of the fake (`etcdctl` in etcd.ts hands a fake URL
 * here): `user add`, `role add`, `user grant-role`, `role grant-permission [--prefix]`, `auth enable`, and `put`;
 * `--user=name:password` authenticates. It answers etcdctl's own first output line ("OK", "User x created", …).
 */
export async function fakeEtcdctl(args: readonly string[]): Promise<string> {
  if (current === undefined || fakeGen === undefined) throw new Error('etcdctl on a fake URL, with no fake in this worker');
  const words: string[] = [];
  let login = '';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--user') login = args[++i] ?? '';
    else if (arg.startsWith('--user=')) login = arg.slice('--user='.length);
    else if (!arg.startsWith('--')) words.push(arg);
  }
  const [name, password = ''] = login.split(':');
  const client = fakeGen.createClient({ ...current.clientOptions, ...(name ? { auth: { name, password } } : {}) });
  const [command = '', ...rest] = words;
  const prefix = args.some((a) => a === '--prefix' || a === '--prefix=true');
  try {
    switch (command === 'put' ? 'put' : `${command} ${rest[0] ?? ''}`) {
      case 'user add': {
        const [name = '', pw = ''] = (rest[1] ?? '').split(':');
        await client.auth.userAdd({ name, password: pw });
        return `User ${name} created\n`;
      }
      case 'role add':
        await client.auth.roleAdd({ name: rest[1] });
        return `Role ${rest[1]} created\n`;
      case 'user grant-role':
        await client.auth.userGrantRole({ user: rest[1], role: rest[2] });
        return `Role ${rest[2]} is granted to user ${rest[1]}\n`;
      case 'role grant-permission': {
        const [, role, perm = '', key = '', end] = rest;
        const permType = ({ read: 'READ', write: 'WRITE', readwrite: 'READWRITE' } as const)[perm];
        if (permType === undefined) throw new Error(`etcdctl on the fake: unknown permission ${perm}`);
        const rangeEnd = prefix ? prefixEnd(key) : end;
        await client.auth.roleGrantPermission({ name: role, perm: { permType, key, ...(rangeEnd ? { rangeEnd } : {}) } });
        return `Role ${role} updated\n`;
      }
      case 'auth enable':
        await client.auth.enable({});
        return 'Authentication Enabled\n';
      case 'put':
        await client.kv.put({ key: rest[0], value: rest[1] ?? '' });
        return 'OK\n';
      default:
        throw new Error(`etcdctl on the fake: no counterpart for \`etcdctl ${args.join(' ')}\` (test/helpers/fake.ts)`);
    }
  } finally {
    client.close();
  }
}

/** etcd's range end of a prefix: the prefix with its last byte raised (`\0` for "everything"). */
function prefixEnd(prefix: string): string {
  const bytes = new TextEncoder().encode(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) return new TextDecoder().decode(Uint8Array.of(...bytes.slice(0, i), bytes[i]! + 1));
  }
  return '\0';
}
