/**
 * The fake row of the matrix (vitest project `fake-<version>`, ETCD_FAKE=1 in its workers): `useEtcd` hands out
 * clients on an in-memory `createFakeEtcd` answering as the row's server instead of starting that server, so the
 * client-only suites run unchanged against the fake (issue 18's proof by difference). What a test does to the
 * process (kill, restart, SIGSTOP, etcdctl, a child process on its URL) has no fake counterpart: those tests are
 * marked `it.skipIf(processOnly)` and skipped there, and vitest lists them as skipped.
 */
import type { GeneratedModule } from './client.js';
import type { EtcdServer } from './etcd.js';
import { currentServer } from './servers.js';

export function fakeRow(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['ETCD_FAKE'] === '1';
}

/** True on the fake row: for `it.skipIf(processOnly)` on a test that acts on the server's process. */
export const processOnly = fakeRow();

type Fake = ReturnType<GeneratedModule['createFakeEtcd']>;

let current: Fake | undefined;

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
    const { engine, ...rest } = fake.clientOptions;
    const own = options.engine ?? (options.fetch ? undefined : engine);
    return gen.createClient({ ...rest, ...options, endpoints: fake.clientOptions.endpoints, ...(own ? { engine: own } : {}) });
  }) as GeneratedModule['createClient'];
  return { ...gen, createClient };
}

/** Raw fetches of the fake's URL (tests that spy on fetch or talk JSON to `etcd.url`) reach the fake's engine. */
export function routeFetch(fake: Fake): () => void {
  current = fake;
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
    // A hung member (SIGSTOP … SIGCONT) is the fake paused; anything else needs a process.
    kill: (async (signal?: NodeJS.Signals) => {
      if (signal === 'SIGSTOP') return fake.pause();
      if (signal === 'SIGCONT') return fake.resume();
      none(`receive ${signal ?? 'SIGKILL'}`)();
    }) as EtcdServer['kill'],
    restart: none('restart') as EtcdServer['restart'],
    stop: async () => fake.close(),
  } as unknown as EtcdServer;
}
