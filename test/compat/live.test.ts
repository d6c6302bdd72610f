/**
 * Against each real server of the matrix: `compat --server` (no specs of the server's own version ship: it falls back
 * to the nearest release of its minor, the server table's compat36.specs), and a client generated over those specs
 * and 3.6.14 refusing what that server cannot honour before sending anything. What each server lacks of a 3.6.14
 * client is a measured fact of the server table (test/helpers/servers.ts).
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { compat, type CompatReport } from '../../generator/index.js';
import { loadClient } from '../helpers/client.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { specDirOf, specsDir } from '../helpers/specs.js';
import { currentServer } from '../helpers/servers.js';

const facts = currentServer().compat36;
const minor = currentServer().version.split('.').slice(0, 2).join('.');
/** The server lacks operations of a 3.6.14 client: the guard has something to refuse. */
const lacksOperations = facts.cannotServe.length > 0;

type UnionModule = Awaited<ReturnType<typeof loadClient>> & {
  EtcdIgnoredFieldError: new (...args: never[]) => Error;
  OPERATIONS_BY_VERSION: Readonly<Record<string, readonly string[]>>;
};

let etcd: EtcdServer;
let serverVersion: string;

beforeAll(async () => {
  etcd = await startEtcd();
  serverVersion = ((await (await fetch(`${etcd.url}/version`)).json()) as { etcdserver: string }).etcdserver;
});
afterAll(() => etcd?.stop());

describeEtcd('compat --server', () => {
  const subjects = (report: CompatReport, id: string) => report.changes.filter((c) => c.id === id).map((c) => c.operation ?? `${c.message}.${c.field}`);

  it('reads /version, falls back to the nearest same-minor specs and says so, and lists what the client cannot use', async () => {
    const report = await compat({ server: etcd.url, spec: 'etcd@3.6.14', specDir: specsDir });
    expect(report.new).toMatchObject({ label: etcd.url, version: facts.specs, prefix: '/v3', server: { url: etcd.url, version: serverVersion } });
    expect(report.notes).toContain(`no specs for etcd ${serverVersion} in ${specsDir}: compared with etcd ${facts.specs}, the nearest release of ${minor} there`);
    // Missing and rebound operations, and ignored request fields, as the server table measured them.
    expect([...subjects(report, 'operation-removed'), ...subjects(report, 'operation-rebound')].sort()).toEqual(facts.cannotServe);
    expect(subjects(report, 'field-removed')).toEqual(expect.arrayContaining([...facts.ignoredFields]));
    for (const change of report.changes.filter((c) => c.id === 'operation-removed')) {
      expect(change.reason.A).toMatch(new RegExp(`^etcd ${serverVersion} does not serve ${change.operation}( \\([^)]*\\))?: every call of \\S+ fails with 404 \\(UNIMPLEMENTED\\)$`));
    }
    for (const change of report.changes.filter((c) => c.field === 'linearizable' && c.id === 'field-removed')) {
      expect(change.level.A).toBe('WARN');
      expect(change.reason.A).toBe(`etcd ${serverVersion} ignores MemberListRequest.linearizable silently (HTTP 200): the server answers from its local member list, which may be stale`);
    }
    // The 3.6 spec's /v3 is served by 3.4: no prefix finding. Direction B does not apply.
    expect(subjects(report, 'prefix-not-served')).toEqual([]);
    expect(new Set(report.changes.map((c) => c.level.B))).toEqual(new Set(['INFO']));
  });

  it('a /v3alpha client spec is ERR on that server unless the prefix is chosen at run time', async () => {
    const strict = await compat({ server: etcd.url, spec: specDirOf('3.2.32'), specDir: specsDir });
    const [prefix] = strict.changes.filter((c) => c.id === 'prefix-not-served');
    expect(prefix).toMatchObject({ level: { A: 'ERR', B: 'INFO' }, from: '/v3alpha', to: '/v3, /v3beta' });
    expect(prefix!.reason.A).toContain(`etcd ${serverVersion} serves only /v3, /v3beta, so every call fails with 404`);
    const auto = await compat({ server: etcd.url, spec: specDirOf('3.2.32'), specDir: specsDir, prefix: 'auto' });
    expect(auto.changes.filter((c) => c.id.startsWith('prefix-'))).toEqual([]);
  });

  it('without specs of that minor version, only the built-in prefix table is used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egc-specs-'));
    try {
      await symlink(specDirOf('3.6.14'), join(dir, 'v3.6.14'));
      const old = await compat({ server: etcd.url, spec: specDirOf('3.2.32'), specDir: dir });
      expect(old.notes).toEqual([`no specs for etcd ${minor}.x in ${dir}: only the path prefix was checked, from the built-in table of what etcd ${serverVersion} serves`]);
      expect(old.new).toMatchObject({ version: null, files: [], server: { version: serverVersion } });
      expect(old.changes.map((c) => [c.id, c.level.A])).toEqual([['prefix-not-served', 'ERR']]);
      const current = await compat({ server: etcd.url, spec: specDirOf('3.6.14'), specDir: dir });
      expect(current.changes).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('on the command line', () => {
    let stdout: string;
    let stderr: string;
    beforeEach(() => {
      stdout = stderr = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    });
    afterEach(() => vi.restoreAllMocks());

    it('exits 1 for a 3.6 client where the server lacks operations, and leads with what the client cannot use', async () => {
      expect(await main(['compat', '--server', etcd.url, '--spec', 'etcd@3.6.14', '--spec-dir', specsDir])).toBe(lacksOperations ? 1 : 0);
      expect(stdout).toContain(`against ${etcd.url} (etcd ${serverVersion}; specs of etcd ${facts.specs})`);
      expect(stdout).toContain(`operations the server cannot serve as this client calls them: ${facts.cannotServe.join(', ') || 'none'}`);
      expect(stdout).toContain(`request fields the server ignores: ${facts.ignoredFields.join(', ') || 'none'}`);
      expect(stdout).toContain(`note: no specs for etcd ${serverVersion}`);
      expect(stderr).toBe('');
    });

    it('for a 3.4 client spec exits 0 with --fail-on ERR where the server serves it all, 1 with --fail-on INFO', async () => {
      const { cannotServe } = currentServer().compat34;
      expect(await main(['compat', '--server', etcd.url, '--spec', 'etcd@3.4.45', '--spec-dir', specsDir])).toBe(cannotServe.length > 0 ? 1 : 0);
      expect(stdout).toContain(`operations the server cannot serve as this client calls them: ${cannotServe.join(', ') || 'none'}`);
      expect(await main(['compat', '--server', etcd.url, '--spec', 'etcd@3.3.27', '--spec-dir', specsDir, '--fail-on', 'INFO'])).toBe(1);
    });

    it('exits 2 when the server does not answer', async () => {
      expect(await main(['compat', '--server', 'http://127.0.0.1:9', '--spec', 'etcd@3.6.14', '--spec-dir', specsDir])).toBe(2);
      expect(stderr).toMatch(/--server: cannot read http:\/\/127\.0\.0\.1:9\/version/);
    });
  });
});

describeEtcd('a client generated over the specs of the server\'s minor and 3.6.14', () => {
  let gen: UnionModule;
  let sent: string[];
  const recording: typeof fetch = (input, init) => {
    sent.push(`${init?.method ?? 'GET'} ${String(input).replace(etcd.url, '')}`);
    return fetch(input, init);
  };

  beforeAll(async () => {
    gen = (await loadClient({ etcd: [facts.specs, '3.6.14'] })) as UnionModule;
  }, 120_000);
  beforeEach(() => {
    sent = [];
  });

  it('has the table of which operations each version has', () => {
    expect(Object.keys(gen.OPERATIONS_BY_VERSION)).toEqual([facts.specs, '3.6.14']);
    expect(gen.OPERATIONS_BY_VERSION['3.6.14']).toContain('maintenance.downgrade');
    expect(gen.OPERATIONS_BY_VERSION[facts.specs]!.includes('maintenance.downgrade')).toBe(!lacksOperations);
  });

  // Only where the server lacks them (the server table): elsewhere the guard has nothing to refuse.
  it.runIf(lacksOperations).each([
    ['maintenance.downgrade', (c: ReturnType<UnionModule['createClient']>) => c.maintenance.downgrade({ action: 'VALIDATE', version: '3.6' })],
    ['auth.status', (c: ReturnType<UnionModule['createClient']>) => c.auth.status({})],
  ])('%s throws EtcdUnsupportedError naming the operation and the versions that have it; nothing is sent', async (name, call) => {
    const client = gen.createClient({ endpoints: etcd.url, fetch: recording });
    try {
      const error = await call(client).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(gen.EtcdUnsupportedError);
      expect(error).toMatchObject({ operation: name, serverVersion, supportedVersions: '3.6.14 or later' });
      expect((error as Error).message).toBe(`${name} needs etcd 3.6.14 or later, but the server runs etcd ${serverVersion}`);
      expect(sent).toEqual(['GET /version']);
    } finally {
      client.close();
    }
  });

  it.runIf(lacksOperations)('operations the server has work as usual; HashKV, routed where the 3.4 spec binds it, which 3.4 answers with Hash, fails before sending', async () => {
    const client = gen.createClient({ endpoints: etcd.url, fetch: recording });
    try {
      await client.kv.put({ key: 'compat/k', value: 'v' });
      const { kvs } = await client.kv.range({ key: 'compat/k' });
      expect(new TextDecoder().decode(kvs[0]!.value)).toBe('v');
      await expect(client.maintenance.hashKV({})).rejects.toMatchObject({ name: 'EtcdMisroutedError', route: '/maintenance/hash', answeredBy: 'Hash' });
      expect(sent).toEqual(['GET /version', 'POST /v3/kv/put', 'POST /v3/kv/range']);
    } finally {
      client.close();
    }
  });

  it.runIf(facts.ignoredFields.length > 0)('setting a field the server would silently ignore throws, before anything is sent; its zero value does not', async () => {
    const client = gen.createClient({ endpoints: etcd.url, fetch: recording });
    try {
      const error = await client.cluster.memberList({ linearizable: true }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(gen.EtcdIgnoredFieldError);
      expect(error).toBeInstanceOf(gen.EtcdUnsupportedError);
      expect(error).toMatchObject({ operation: 'cluster.memberList', field: 'MemberListRequest.linearizable', supportedVersions: '3.6.14 or later' });
      expect((error as Error).message).toBe(
        `cluster.memberList sets MemberListRequest.linearizable, which etcd ${serverVersion} ignores silently: the server answers from its local member list, which may be stale. ` +
          'It needs etcd 3.6.14 or later; pass allowIgnoredFields: true to send it anyway',
      );
      const hashed = await client.auth.userAdd({ name: 'u', hashedPassword: '$2a$10$x' }).then(() => undefined, (e: unknown) => e);
      expect(hashed).toMatchObject({ field: 'AuthUserAddRequest.hashedPassword' });
      expect(sent).toEqual(['GET /version']);
      expect((await client.cluster.memberList({ linearizable: false })).members).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('allowIgnoredFields: true sends it anyway', async () => {
    const client = gen.createClient({ endpoints: etcd.url, fetch: recording, allowIgnoredFields: true } as Parameters<UnionModule['createClient']>[0]);
    try {
      expect((await client.cluster.memberList({ linearizable: true })).members).toHaveLength(1);
      expect(sent).toEqual(['GET /version', 'POST /v3/cluster/member/list']);
    } finally {
      client.close();
    }
  });

  it('with a fixed prefix the server version is not read, so nothing is checked', async () => {
    const client = gen.createClient({ endpoints: etcd.url, fetch: recording, prefix: '/v3' });
    try {
      const outcome = await client.auth.status({}).then(() => 'answered', (e: unknown) => e);
      // Sent as it is: the server answers, or refuses it with its own error where it lacks it.
      if (lacksOperations) expect(outcome).toBeInstanceOf(gen.EtcdError);
      else expect(outcome).toBe('answered');
      expect(sent).toEqual(['POST /v3/auth/status']);
    } finally {
      client.close();
    }
  });
});
