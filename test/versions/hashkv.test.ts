/**
 * The 3.3/3.4 specs bind HashKV at /maintenance/hash, which servers answer with Hash (GATEWAY.md; the route table in
 * spec/risks.ts). The generated `maintenance.hashKV()` fails before sending, with EtcdMisroutedError, on a server
 * whose version says it would answer with Hash — measured here against every server of the matrix.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoute, EtcdMisroutedError } from '../../templates/runtime/core/route-check.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { currentServer } from '../helpers/servers.js';
import { versionClientDir } from './clients.js';

type Module = typeof import('../../generated/index.js');

async function load(...versions: string[]): Promise<Module> {
  return (await import(/* @vite-ignore */ join(await versionClientDir(...versions), 'index.ts'))) as Module;
}

describeEtcd('maintenance.hashKV() of a client whose spec binds it at /maintenance/hash', () => {
  const server = currentServer();
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd();
  }, 60_000);
  afterAll(() => etcd?.stop());

  /** A fetch that records the paths the client sends to. */
  function recording(): { fetch: typeof fetch; paths: string[] } {
    const paths: string[] = [];
    const fetchImpl: typeof fetch = (input, init) => {
      paths.push(new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname);
      return fetch(input, init);
    };
    return { fetch: fetchImpl, paths };
  }

  it('is what the server does at that route: Hash answers (no hash_revision, no compact_revision)', async () => {
    const response = await fetch(`${etcd.url}/v3/maintenance/hash`, { method: 'POST', body: '{}' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['hash', 'header']);
  });

  // A client over 3.4.45 and 3.6.14 on a server that has /maintenance/hashkv (3.5 on: the server table) takes the
  // 3.6.14 binding there, so only where the server lacks that route does it fail like the others.
  const failing = ['3.4.45', '3.3.27', ...(server.hashKvRoute ? [] : ['3.4.45+3.6.14'])];

  it.runIf(server.hashKvRoute)('a client over 3.4.45 and 3.6.14 calls HashKV at /maintenance/hashkv', async () => {
    const gen = await load('3.4.45', '3.6.14');
    const { fetch: fetchImpl, paths } = recording();
    const client = gen.createClient({ endpoints: etcd.url, fetch: fetchImpl });
    try {
      expect(await client.maintenance.hashKV({})).toHaveProperty('hash');
      expect(paths.filter((p) => p.includes('/maintenance/hash'))).toEqual(['/v3/maintenance/hashkv']);
    } finally {
      client.close();
    }
  }, 60_000);

  it.each(failing)('fails before sending (client of %s)', async (versions) => {
    const gen = await load(...versions.split('+'));
    const { fetch: fetchImpl, paths } = recording();
    const client = gen.createClient({ endpoints: etcd.url, fetch: fetchImpl });
    try {
      const error = await client.maintenance.hashKV({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(gen.EtcdUnsupportedError);
      expect(error).toBeInstanceOf(gen.EtcdMisroutedError);
      expect(error).toMatchObject({ name: 'EtcdMisroutedError', route: '/maintenance/hash', answeredBy: 'Hash', serverVersion: server.version });
      expect(String(error)).toContain(
        `maintenance.hashKV is bound at /maintenance/hash in this client's spec, but etcd ${server.version} answers /maintenance/hash with Hash`,
      );
      expect(paths.filter((p) => p.endsWith('/maintenance/hash'))).toEqual([]);
      // Everything else goes out as before.
      expect((await client.maintenance.status()).version).toBe(server.version);
    } finally {
      client.close();
    }
  }, 60_000);

  it('is not guarded in a client whose spec binds HashKV at its own route (3.6.14: /maintenance/hashkv)', async () => {
    const gen = await load('3.6.14');
    const client = gen.createClient({ endpoints: etcd.url });
    try {
      // 3.4 has no /maintenance/hashkv (the server's own 404, not the guard); 3.5 on answers it (the server table).
      const answer = await client.maintenance.hashKV({}).catch((e: unknown) => e);
      expect(answer).not.toHaveProperty('name', 'EtcdMisroutedError');
      if (server.hashKvRoute) expect(answer).toHaveProperty('hashRevision');
      else expect(answer).toBeInstanceOf(gen.EtcdError);
    } finally {
      client.close();
    }
  }, 60_000);
});

describe('checkRoute', () => {
  const op = { name: 'maintenance.hashKV', route: '/maintenance/hash', safety: 'read' as const };
  const at = (version: string | undefined) => () => Promise.resolve(version);

  it('lets a call through when the route has no entry, or the server version is unknown', async () => {
    await expect(checkRoute(op, at('3.4.22'))).resolves.toBeUndefined();
    await expect(checkRoute({ ...op, answeredBy: { '/maintenance/hash': { rpc: 'Hash' } } }, at(undefined))).resolves.toBeUndefined();
    await expect(checkRoute({ ...op, route: '/maintenance/hashkv', answeredBy: { '/maintenance/hash': { rpc: 'Hash' } } }, at('3.4.22'))).resolves.toBeUndefined();
  });

  it('honours the version bounds of an entry: since (inclusive), before (exclusive)', async () => {
    const bounded = { ...op, answeredBy: { '/maintenance/hash': { rpc: 'Hash', since: '3.3.0', before: '3.5.0' } } };
    await expect(checkRoute(bounded, at('3.2.32'))).resolves.toBeUndefined();
    await expect(checkRoute(bounded, at('3.3.0'))).rejects.toBeInstanceOf(EtcdMisroutedError);
    await expect(checkRoute(bounded, at('3.4.22-rc.1'))).rejects.toBeInstanceOf(EtcdMisroutedError);
    await expect(checkRoute(bounded, at('3.5.0'))).resolves.toBeUndefined();
  });
});
