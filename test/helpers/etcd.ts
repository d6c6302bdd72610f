// Real etcd servers for tests: one member or a small cluster on 127.0.0.1, each on free ports with its own
// temporary data dir, plus etcdctl helpers. See "Starting a real etcd in tests" in ../shared/GATEWAY.md.
//
//   const etcd = await startEtcd();            // afterAll(() => etcd.stop())
//   await fetch(`${etcd.url}/v3/kv/put`, ...);
//   await etcd.kill(); await etcd.restart();   // kill -9 keeps the data dir; restart reuses ports and data
//
// No etcd outlives the test process: children are SIGKILLed on 'exit' and on SIGTERM/SIGINT/SIGHUP (vitest
// stops its fork workers with SIGTERM, which skips 'exit' handlers), and a tiny detached watchdog per etcd
// kills it if the test process itself is SIGKILLed.
import { spawn, execFile, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { describe } from 'vitest';
import { fakeEtcdctl, isFakeUrl } from './fake.js';
import { currentServer, installHint, serverBinaries, serverTag } from './servers.js';
import type { ServerTls } from './tls.js';
import { sleep } from './wait.js';

export interface StartEtcdOptions {
  /** `--auth-token-ttl` in seconds (etcd's default is 300). */
  authTokenTtl?: number | undefined;
  /** `--cors`: comma-separated allowed origins, each `scheme://host:port` (etcd 3.4 rejects a bare host), or `*`. */
  cors?: string | undefined;
  /** Appended verbatim to etcd's command line. */
  extraArgs?: readonly string[] | undefined;
  /** Member name; default `etcd-<random>`. In a cluster, the prefix of `<name>-<i>`. */
  name?: string | undefined;
  /** How long to wait for `GET /health` → `{"health":"true"}`; default 20 000 ms. */
  startTimeoutMs?: number | undefined;
  /**
   * Serve clients over TLS (`makePki().server` from ./tls.js): https client URLs, `--cert-file --key-file
   * --trusted-ca-file` and `--client-cert-auth` unless `clientCertAuth: false`. Peers stay plain http on loopback.
   */
  tls?: ServerTls | undefined;
  /**
   * startCluster only: the peer URL member `index` advertises to the others, given the port it listens on (e.g. a
   * fault proxy's, test/robustness/proxy.ts, so member-to-member links can be cut). Default: its own peer URL.
   */
  advertisePeer?: ((index: number, peerPort: number) => Promise<string>) | undefined;
}

export interface EtcdServer {
  readonly name: string;
  /** Client URL, `http://127.0.0.1:<clientPort>` (`https://` with the tls option), no trailing slash. */
  readonly url: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** PID of the current etcd process; changes on restart(); undefined once it has exited. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** The last `lines` (default 200) lines etcd wrote to stdout/stderr, across restarts. */
  output(lines?: number): string;
  /** Poll `GET /health` until it answers `{"health":"true"}`. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /**
   * Send `signal` (default SIGKILL) and wait for the exit; the data dir is kept for restart(). SIGSTOP and SIGCONT
   * (a hung member and its recovery) are sent without waiting.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Start the same member again (same name, ports, data dir, flags) and wait for health. A cluster member is only
   * healthy with a quorum: after killing most members, restart them together (`Promise.all`).
   */
  restart(): Promise<void>;
  /** SIGTERM, SIGKILL after 5 s, wait for the exit, remove the data dir. Idempotent; no restart afterwards. */
  stop(): Promise<void>;
}

export interface EtcdCluster {
  readonly members: readonly EtcdServer[];
  /** Client URLs of all members, in member order. */
  readonly endpoints: string[];
  /** Wait until every running member reports the same leader; resolves to the leading member. */
  waitForLeader(timeoutMs?: number): Promise<EtcdServer>;
  /** Stop every member, one after the other, and remove every data dir. */
  stop(): Promise<void>;
}

/** The etcd and etcdctl of the server this worker tests (test/helpers/servers.ts). */
const binaries = (): { etcd: string; etcdctl: string } => serverBinaries(currentServer());

const DEFAULT_START_TIMEOUT_MS = 20_000;
export const STOP_GRACE_MS = 5_000;
const RING_LINES = 200;
const ERROR_TAIL_LINES = 40;
const PORT_RETRIES = 3;

/**
 * Whether etcd can be run here, for `describe.skipIf(!etcdAvailable())`. Under CI (`$CI` set) a missing etcd
 * throws instead: CI must never skip the real-server suites silently.
 */
export function etcdAvailable(): boolean {
  const server = currentServer();
  const { etcd } = serverBinaries(server);
  try {
    accessSync(etcd, constants.X_OK);
    return true;
  } catch {
    if (process.env['CI']) {
      throw new Error(`etcd ${server.version} is required under CI but ${etcd} is not executable: ${installHint(server)}`);
    }
    return false;
  }
}

/**
 * `describe` for a block that talks to a real etcd: named with the server it runs on (`… [etcd 3.5.30]`), and skipped
 * where that server is missing (never under CI, where etcdAvailable throws instead).
 */
export function describeEtcd(name: string, fn: () => void): void {
  describe.skipIf(!etcdAvailable())(`${name}${serverTag()}`, fn);
}

/** Start one etcd member on free loopback ports and wait until it is healthy. */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  return withPortRetries(async () => {
    const [clientPort, peerPort] = await freePorts(2);
    const name = opts.name ?? `etcd-${randomUUID().slice(0, 8)}`;
    const peerUrl = loopback(peerPort!);
    const member = createMember(name, clientPort!, peerPort!, opts, [
      `--initial-cluster=${name}=${peerUrl}`,
      ...commonArgs(opts),
    ]);
    await startAll([member]);
    return member;
  });
}

/** Start an n-member cluster (`--initial-cluster` listing all, a fresh token) and wait for a leader. */
export async function startCluster(n = 3, opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`startCluster: n must be a positive integer, got ${n}`);
  return withPortRetries(async () => {
    const ports = await freePorts(2 * n);
    const prefix = opts.name ?? `etcd-${randomUUID().slice(0, 8)}`;
    const specs = Array.from({ length: n }, (_, i) => ({
      name: `${prefix}-${i}`,
      clientPort: ports[2 * i]!,
      peerPort: ports[2 * i + 1]!,
    }));
    const advertised = await Promise.all(
      specs.map((s, i) => opts.advertisePeer?.(i, s.peerPort) ?? Promise.resolve(loopback(s.peerPort))),
    );
    const initialCluster = specs.map((s, i) => `${s.name}=${advertised[i]}`).join(',');
    const shared = [
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${prefix}-${randomUUID()}`,
      ...commonArgs(opts),
    ];
    const members = specs.map((s, i) =>
      createMember(s.name, s.clientPort, s.peerPort, opts, shared, advertised[i]),
    );
    await startAll(members);
    const cluster: EtcdCluster = {
      members,
      endpoints: members.map((m) => m.url),
      waitForLeader: (timeoutMs = DEFAULT_START_TIMEOUT_MS) => waitForLeader(members, timeoutMs, opts.tls),
      // One at a time: members SIGTERMed together stall each other (the leader tries to hand over) until SIGKILL.
      stop: async () => {
        for (const m of members) await m.stop();
      },
    };
    try {
      await cluster.waitForLeader(startTimeout(opts));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  });
}

/** Run etcdctl (API v3) against `endpoint(s)` and resolve to its stdout; rejects with stderr on failure. */
export function etcdctl(
  args: readonly string[],
  endpoint: string | readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  if (isFakeUrl(endpoint)) return fakeEtcdctl(args); // the fake row: a client of the fake does it
  const argv = [`--endpoints=${joinEndpoints(endpoint)}`, ...args];
  return new Promise((resolve, reject) => {
    execFile(
      binaries().etcdctl,
      argv,
      { env: etcdctlEnv(env), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`etcdctl ${argv.join(' ')} failed: ${err.message}\n${stderr}`, { cause: err }));
        else resolve(stdout);
      },
    );
  });
}

export interface EtcdctlProcess extends ChildProcessWithoutNullStreams {
  /** Everything written to stdout so far. */
  stdoutText(): string;
  /** Resolve with stdout once it matches `pattern` (e.g. the key `etcdctl lock` prints when it holds the lock). */
  waitForStdout(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** SIGTERM (SIGKILL after 5 s) and wait for the exit. */
  stop(): Promise<void>;
}

/** Spawn a long-running etcdctl (API v3), e.g. `['lock', 'name']` or `['watch', 'k']`; killed with the test process. */
export function spawnEtcdctl(
  args: readonly string[],
  endpoint: string | readonly string[],
  env?: NodeJS.ProcessEnv,
): EtcdctlProcess {
  const child = spawn(binaries().etcdctl, [`--endpoints=${joinEndpoints(endpoint)}`, ...args], {
    env: etcdctlEnv(env),
    stdio: 'pipe',
  });
  track(child);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.resume(); // never block etcdctl on a full stderr pipe
  const waitForStdout = (pattern: RegExp | string, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const matches = (): boolean => (typeof pattern === 'string' ? stdout.includes(pattern) : pattern.test(stdout));
      const done = (err?: Error): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(stdout);
      };
      const onData = (): void => void (matches() && done());
      const onExit = (): void => done(new Error(`etcdctl exited before its stdout matched ${pattern}: ${stdout}`));
      const timer = setTimeout(
        () => done(new Error(`etcdctl stdout did not match ${pattern} within ${timeoutMs} ms: ${stdout}`)),
        timeoutMs,
      );
      child.stdout.on('data', onData);
      child.once('exit', onExit);
      if (matches()) done();
      else if (child.exitCode !== null || child.signalCode !== null) onExit();
    });
  return Object.assign(child, { stdoutText: () => stdout, waitForStdout, stop: () => terminate(child) });
}

// ---------------------------------------------------------------------------------------------------------------
// Members

interface Member extends EtcdServer {
  readonly tls: ServerTls | undefined;
  /** Spawn the process (no waiting). */
  spawnProcess(): void;
  /** Kill the process without waiting and remove the data dir. */
  discard(): void;
  /** Resolves once the current process has exited and its output has been read to the end. */
  closed(): Promise<void>;
}

function createMember(
  name: string,
  clientPort: number,
  peerPort: number,
  opts: StartEtcdOptions,
  sharedArgs: readonly string[],
  advertisedPeerUrl?: string,
): Member {
  const startTimeoutMs = startTimeout(opts);
  const bin = binaries().etcd;
  const url = loopback(clientPort, opts.tls === undefined ? 'http' : 'https');
  const peerUrl = loopback(peerPort);
  const dataDir = mkdtempSync(join(tmpdir(), 'etcd-test-'));
  dataDirs.add(dataDir);
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${advertisedPeerUrl ?? peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    ...tlsArgs(opts.tls),
    ...sharedArgs,
  ];
  const log = createRingBuffer(RING_LINES);
  let child: ChildProcess | undefined;
  let closed: Promise<void> = Promise.resolve();
  let stopped = false;

  const alive = (): boolean =>
    child?.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const member: Member = {
    tls: opts.tls,
    name,
    url,
    clientPort,
    peerPort,
    peerUrl,
    dataDir,
    get pid() {
      return alive() ? child?.pid : undefined;
    },
    get running() {
      return alive();
    },
    output: (lines = RING_LINES) => log.tail(lines),
    spawnProcess() {
      if (stopped) throw new Error(`etcd ${name} was stopped and its data dir removed; it cannot be restarted`);
      if (alive()) throw new Error(`etcd ${name} is already running (pid ${child?.pid})`);
      log.push(`--- ${bin} ${args.join(' ')}`);
      child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.setEncoding('utf8').on('data', log.writer());
      child.stderr?.setEncoding('utf8').on('data', log.writer());
      const current = child;
      closed = new Promise((resolve) => {
        current.on('error', (err) => {
          log.push(`--- spawn error: ${err.message}`);
          if (current.pid === undefined) resolve();
        });
        current.on('close', (code, signal) => {
          log.push(`--- etcd exited (code ${code}, signal ${signal})`);
          resolve();
        });
      });
      track(child);
      if (child.pid !== undefined) startWatchdog(child.pid, dataDir);
    },
    async waitHealthy(timeoutMs = startTimeoutMs) {
      await waitHealthy(member, timeoutMs);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!child || !alive()) return;
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') child.kill(signal);
      else await signalAndWait(child, signal);
    },
    async restart() {
      member.spawnProcess();
      try {
        await waitHealthy(member, startTimeoutMs);
      } catch (err) {
        await member.kill('SIGKILL'); // keep the data dir: stop() still cleans up
        throw err;
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) await terminate(child);
      removeDataDir(dataDir);
    },
    closed: () => closed,
    discard() {
      stopped = true;
      if (alive()) child?.kill('SIGKILL');
      removeDataDir(dataDir);
    },
  };
  return member;
}

function startTimeout(opts: StartEtcdOptions): number {
  return opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
}

function tlsArgs(tls: ServerTls | undefined): string[] {
  if (tls === undefined) return [];
  const args = [`--cert-file=${tls.certFile}`, `--key-file=${tls.keyFile}`];
  // etcd 3.4 asks every client for a certificate once it has a --trusted-ca-file, with or without --client-cert-auth.
  return tls.clientCertAuth === false ? args : [...args, `--trusted-ca-file=${tls.caFile}`, '--client-cert-auth'];
}

function commonArgs(opts: StartEtcdOptions): string[] {
  const args: string[] = [];
  if (opts.authTokenTtl !== undefined) args.push(`--auth-token-ttl=${opts.authTokenTtl}`);
  if (opts.cors !== undefined) args.push(`--cors=${opts.cors}`);
  return [...args, ...(opts.extraArgs ?? [])];
}

/** Spawn all members at once (a cluster needs a quorum to become healthy) and wait for each; on failure, clean up. */
async function startAll(members: readonly Member[]): Promise<void> {
  try {
    for (const m of members) m.spawnProcess();
    await Promise.all(members.map((m) => m.waitHealthy()));
  } catch (err) {
    for (const m of members) m.discard();
    throw err;
  }
}

class EtcdStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = 'EtcdStartError';
  }
}

async function waitHealthy(member: Member, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (!member.running) {
      // 'exit' can come before the last output: wait for the pipes to drain (briefly) before quoting it.
      await Promise.race([member.closed(), sleep(1_000)]);
      const output = member.output(ERROR_TAIL_LINES);
      throw new EtcdStartError(
        `etcd ${member.name} exited before becoming healthy at ${member.url}\n${tailBlock(output)}`,
        /address already in use/i.test(output),
      );
    }
    try {
      const res = await probe(`${member.url}/health`, member.tls);
      if (res.ok && isHealthy(res.body)) return;
      last = `HTTP ${res.status} ${res.body.trim()}`;
    } catch (err) {
      last = errorText(err);
    }
    if (Date.now() >= deadline) {
      throw new EtcdStartError(
        `etcd ${member.name} did not answer {"health":"true"} on ${member.url}/health within ${timeoutMs} ms ` +
          `(last: ${last})\n${tailBlock(member.output(ERROR_TAIL_LINES))}`,
        false,
      );
    }
    await sleep(100); // the poll interval of this health check
  }
}

function isHealthy(body: string): boolean {
  try {
    return (JSON.parse(body) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}

async function waitForLeader(
  members: readonly EtcdServer[],
  timeoutMs: number,
  tls: ServerTls | undefined,
): Promise<EtcdServer> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const running = members.filter((m) => m.running);
    const statuses = await Promise.all(running.map((m) => memberStatus(m.url, tls).catch((err: unknown) => err)));
    const leaders = new Set(statuses.map((s) => (isStatus(s) ? s.leader : undefined)));
    const [leaderId] = leaders;
    if (running.length > 0 && leaders.size === 1 && leaderId !== undefined && leaderId !== '0') {
      const index = statuses.findIndex((s) => isStatus(s) && s.memberId === leaderId);
      if (index >= 0) return running[index]!;
      last = `leader ${leaderId} is not a running member`;
    } else {
      const summary = (s: unknown): string => (isStatus(s) ? `leader ${s.leader}` : errorText(s));
      last = statuses.map((s, i) => `${running[i]!.name}: ${summary(s)}`).join('; ');
    }
    if (Date.now() >= deadline) {
      const tails = members.map((m) => `${m.name}:\n${tailBlock(m.output(15))}`).join('\n');
      throw new Error(`etcd cluster has no agreed leader after ${timeoutMs} ms (${last})\n${tails}`);
    }
    await sleep(100); // the poll interval of this leader check
  }
}

interface MemberStatus {
  memberId: string;
  leader: string | undefined;
}

function isStatus(value: unknown): value is MemberStatus {
  return typeof value === 'object' && value !== null && 'memberId' in value;
}

async function memberStatus(url: string, tls: ServerTls | undefined): Promise<MemberStatus> {
  const res = await probe(`${url}/v3/maintenance/status`, tls, '{}');
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.body.trim()}`);
  const body = JSON.parse(res.body) as { header?: { member_id?: string }; leader?: string };
  return { memberId: body.header?.member_id ?? '', leader: body.leader };
}

interface ProbeAnswer {
  ok: boolean;
  status: number;
  body: string;
}

/** GET (or POST `body`) with a 2 s timeout: fetch for http://, node:https with the harness's client certificate for https://. */
async function probe(url: string, tls: ServerTls | undefined, body?: string): Promise<ProbeAnswer> {
  const method = body === undefined ? 'GET' : 'POST';
  if (tls === undefined) {
    const res = await fetch(url, { method, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(2_000) });
    return { ok: res.ok, status: res.status, body: await res.text() };
  }
  const agent = probeAgent(tls);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, agent, timeout: 2_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ ok: (res.statusCode ?? 0) < 300, status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after 2000 ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const probeAgents = new Map<ServerTls, HttpsAgent>();

function probeAgent(tls: ServerTls): HttpsAgent {
  let agent = probeAgents.get(tls);
  if (agent === undefined) {
    const read = (file: string): Buffer => readFileSync(file);
    agent = new HttpsAgent({ ca: read(tls.caFile), cert: read(tls.clientCertFile), key: read(tls.clientKeyFile) });
    probeAgents.set(tls, agent);
  }
  return agent;
}

async function withPortRetries<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      // Another process may take a port between our probe and etcd's bind: try again with new ports.
      if (!(err instanceof EtcdStartError && err.portInUse) || attempt >= PORT_RETRIES) throw err;
    }
  }
}

/** Ports the kernel hands out for port 0, all held open together so they are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: kill, wait, and never leak one

const children = new Set<ChildProcess>();
const dataDirs = new Set<string>();
let cleanupInstalled = false;

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  installCleanup();
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killEverything();
      // Die of the same signal as we would have without this handler, unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function killEverything(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dataDirs) removeDataDir(dir);
}

function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  dataDirs.delete(dir);
}

/**
 * A detached shell that SIGKILLs etcd and removes its data dir if this process dies without cleaning up
 * (e.g. a SIGKILLed test worker). It exits as soon as etcd exits.
 */
function startWatchdog(etcdPid: number, dataDir: string): void {
  const script =
    'while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 0.5; done; ' +
    'kill -9 "$2" 2>/dev/null; rm -rf "$3"';
  const args = ['-c', script, 'etcd-test-watchdog', String(process.pid), String(etcdPid), dataDir];
  const watchdog = spawn('/bin/sh', args, { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => undefined); // best effort
  watchdog.unref();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** SIGTERM (and SIGCONT, in case it was stopped), then SIGKILL if the process is still there after STOP_GRACE_MS. */
async function terminate(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  child.kill('SIGCONT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await done;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------------------------
// Small utilities

interface RingBuffer {
  /** A chunk handler for one stream: splits into lines, holding back the unfinished last one. */
  writer(): (chunk: string) => void;
  push(line: string): void;
  tail(n: number): string;
}

function createRingBuffer(capacity: number): RingBuffer {
  const lines: string[] = [];
  const push = (line: string): void => {
    lines.push(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
    if (lines.length > capacity) lines.splice(0, lines.length - capacity);
  };
  return {
    push,
    writer() {
      let partial = '';
      return (chunk) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) push(line);
      };
    },
    tail: (n) => lines.slice(-n).join('\n'),
  };
}

function tailBlock(output: string): string {
  return `--- last lines of etcd output ---\n${output}\n---`;
}

function loopback(port: number, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://127.0.0.1:${port}`;
}

function joinEndpoints(endpoint: string | readonly string[]): string {
  return typeof endpoint === 'string' ? endpoint : endpoint.join(',');
}

function etcdctlEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...process.env, ...env, ETCDCTL_API: '3' };
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
