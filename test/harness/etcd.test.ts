// The etcd test harness itself, against real etcd servers.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STOP_GRACE_MS, describeEtcd, etcdctl, spawnEtcdctl, startCluster, startEtcd, type EtcdCluster, type EtcdServer } from '../helpers/etcd.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

async function put(url: string, key: string, value: string): Promise<void> {
  await post(url, '/v3/kv/put', { key: b64(key), value: b64(value) });
}

async function get(url: string, key: string): Promise<string | undefined> {
  const body = (await post(url, '/v3/kv/range', { key: b64(key) })) as { kvs?: { value?: string }[] };
  const kv = body.kvs?.[0];
  return kv === undefined ? undefined : unb64(kv.value ?? '');
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('etcdAvailable', () => {
  it('throws under CI when etcd is missing, instead of letting suites skip', async () => {
    vi.stubEnv('ETCD_BIN', '/nonexistent/etcd'); // the system server's binary
    vi.stubEnv('ETCD_SERVERS_DIR', '/nonexistent'); // the fetched servers' cache
    vi.stubEnv('CI', 'true');
    vi.resetModules();
    try {
      const fresh = await import('../helpers/etcd.js');
      expect(() => fresh.etcdAvailable()).toThrow(/required under CI/);
      vi.stubEnv('CI', '');
      expect(fresh.etcdAvailable()).toBe(false);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describeEtcd('startEtcd', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(() => etcd?.stop());

  it('serves the gateway on loopback', async () => {
    expect(etcd.url).toBe(`http://127.0.0.1:${etcd.clientPort}`);
    expect(etcd.peerPort).not.toBe(etcd.clientPort);
    const version = (await (await fetch(`${etcd.url}/version`)).json()) as { etcdserver?: string };
    expect(version.etcdserver).toMatch(/^3\./);
  });

  it('puts and ranges with base64 keys and values', async () => {
    await put(etcd.url, 'harness/greeting', 'héllo');
    expect(await get(etcd.url, 'harness/greeting')).toBe('héllo');
    expect(await get(etcd.url, 'harness/missing')).toBeUndefined();
  });

  it('interoperates with etcdctl', async () => {
    await etcdctl(['put', 'harness/ctl', 'from-etcdctl'], etcd.url);
    expect(await get(etcd.url, 'harness/ctl')).toBe('from-etcdctl');
    expect(await etcdctl(['get', '--print-value-only', 'harness/greeting'], etcd.url)).toBe('héllo\n');

    const holder = spawnEtcdctl(['lock', 'harness-lock'], etcd.url);
    try {
      const out = await holder.waitForStdout(/^harness-lock\/\S+$/m);
      expect(out).toMatch(/^harness-lock\//);
    } finally {
      await holder.stop();
    }
    expect(holder.exitCode !== null || holder.signalCode !== null).toBe(true);
  });

  it('rejects etcdctl failures with its stderr', async () => {
    await expect(etcdctl(['get'], etcd.url)).rejects.toThrow(/etcdctl .*get.* failed/);
  });
});

describeEtcd('kill, restart, stop', () => {
  let etcd: EtcdServer | undefined;
  afterAll(() => etcd?.stop());

  it('keeps the data across kill -9 and restart on the same ports', async () => {
    etcd = await startEtcd({ name: 'restartable' });
    const { url, clientPort, peerPort, dataDir } = etcd;
    const firstPid = etcd.pid!;
    await put(url, 'durable', 'yes');

    await etcd.kill('SIGKILL');
    expect(etcd.running).toBe(false);
    expect(etcd.pid).toBeUndefined();
    expect(processExists(firstPid)).toBe(false);
    expect(existsSync(dataDir)).toBe(true);
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    await etcd.restart();
    expect(etcd.running).toBe(true);
    expect(etcd.pid).not.toBe(firstPid);
    expect([etcd.url, etcd.clientPort, etcd.peerPort, etcd.dataDir]).toEqual([url, clientPort, peerPort, dataDir]);
    expect(await get(url, 'durable')).toBe('yes');
  });

  it('stop removes the data dir and the process, and is idempotent', async () => {
    const server = etcd!;
    const pid = server.pid!;
    await server.stop();
    expect(processExists(pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    await server.stop();
    await expect(server.restart()).rejects.toThrow(/cannot be restarted/);
  });

  it('reports why etcd did not come up, with the tail of its output', async () => {
    const failure = startEtcd({ extraArgs: ['--no-such-flag'] });
    await expect(failure).rejects.toThrow(
      /exited before becoming healthy[\s\S]*flag provided but not defined: -no-such-flag/,
    );
  });

  it('freezes a member with SIGSTOP, resumes it with SIGCONT, and stops a frozen one promptly', async () => {
    const server = await startEtcd();
    try {
      await server.kill('SIGSTOP');
      expect(server.running).toBe(true);
      await expect(fetch(`${server.url}/health`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
      await server.kill('SIGCONT');
      await server.waitHealthy(5_000);
      await server.kill('SIGSTOP');
      const started = Date.now();
      await server.stop();
      // SIGCONT with the SIGTERM: it shuts down as a running member does (3.5 takes ~4 s), never past the SIGKILL.
      expect(Date.now() - started).toBeLessThan(STOP_GRACE_MS + 1_000);
      expect(server.running).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('passes authTokenTtl and cors through', async () => {
    const server = await startEtcd({ authTokenTtl: 2, cors: 'http://localhost:3000' });
    try {
      expect(server.output()).toContain('--auth-token-ttl=2');
      const res = await fetch(`${server.url}/v3/maintenance/status`, {
        method: 'POST',
        body: '{}',
        headers: { origin: 'http://localhost:3000' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    } finally {
      await server.stop();
    }
  });
});

describeEtcd('startCluster', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  });
  afterAll(() => cluster?.stop());

  it('starts three members that agree on a leader', async () => {
    expect(cluster.members).toHaveLength(3);
    expect(cluster.endpoints).toEqual(cluster.members.map((m) => m.url));
    expect(new Set(cluster.endpoints).size).toBe(3);
    const statuses = await Promise.all(cluster.endpoints.map((url) => post(url, '/v3/maintenance/status', {})));
    const leaders = new Set(statuses.map((s) => s['leader']));
    expect(leaders.size).toBe(1);
    expect([...leaders][0]).toMatch(/^[1-9]\d*$/);
    const members = (await post(cluster.endpoints[0]!, '/v3/cluster/member/list', {})) as { members: unknown[] };
    expect(members.members).toHaveLength(3);
  });

  it('makes a write on one member visible on another', async () => {
    await put(cluster.endpoints[0]!, 'cluster/key', 'replicated');
    expect(await get(cluster.endpoints[2]!, 'cluster/key')).toBe('replicated');
  });

  it('survives killing the leader and brings it back', async () => {
    const leader = await cluster.waitForLeader();
    await leader.kill();
    const others = cluster.members.filter((m) => m !== leader);
    const next = await cluster.waitForLeader();
    expect(next).not.toBe(leader);
    await put(others[0]!.url, 'cluster/after-failover', 'ok');

    await leader.restart();
    expect(await get(leader.url, 'cluster/after-failover')).toBe('ok');
  });
});
