/**
 * `etcd-gateway-codegen compat` on the command line: exit codes for --fail-on and --direction, the formats,
 * the JSON schema, bad input, and help. In-process through main(); one run of the real executable.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { compat, exitCodeFor } from '../../generator/index.js';
import { startSpecServer } from '../helpers/spec-server.js';
import { repoRoot, specDirOf, specsDir } from '../helpers/specs.js';

let stdout: string;
let stderr: string;

beforeEach(() => {
  stdout = stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => main(['compat', ...args, '--spec-dir', specsDir]);

describe('--fail-on and --direction', () => {
  // 3.5.33 → 3.6.14 has WARN in both directions (error bodies, response fields) and INFO, but no ERR.
  // 3.4.45 → 3.5.33 has ERR in both (the rebound hash route), and B-only ERRs (new operations).
  it.each([
    [['etcd@3.5.33', 'etcd@3.6.14'], 0],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'ERR'], 0],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'WARN'], 1],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'warn', '--direction', 'A'], 1],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'INFO'], 1],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'none'], 0],
    [['etcd@3.4.45', 'etcd@3.5.33'], 1],
    [['etcd@3.4.45', 'etcd@3.5.33', '--fail-on', 'none'], 0],
    [['etcd@3.4.45', 'etcd@3.5.33', '--direction', 'A'], 1],
    [['etcd@3.4.45', 'etcd@3.5.33', '--direction', 'B'], 1],
    // 3.3.27 → 3.4.45: ERR only in B (a 3.3 server serves no /v3; member promote is new).
    [['etcd@3.3.27', 'etcd@3.4.45', '--direction', 'A'], 0],
    [['etcd@3.3.27', 'etcd@3.4.45', '--direction', 'B'], 1],
    [['etcd@3.3.27', 'etcd@3.4.45', '--direction', 'A', '--fail-on', 'WARN'], 0],
    [['etcd@3.3.27', 'etcd@3.4.45', '--direction', 'A', '--fail-on', 'INFO'], 1],
    // The 3.3.27 spec's /v3 is not served by a 3.3.27 server: ERR even against itself, unless the prefix is
    // chosen at run time; operation changes stay ERR either way.
    [['etcd@3.3.27', 'etcd@3.3.27'], 1],
    [['etcd@3.3.27', 'etcd@3.3.27', '--prefix', 'auto'], 0],
    [['etcd@3.3.27', 'etcd@3.4.45', '--direction', 'B', '--prefix', 'auto'], 1],
  ])('compat %j exits %i', async (args, code) => {
    expect(await cli(...args)).toBe(code);
    expect(stderr).toBe('');
  });

  it('the same thresholds from the API', async () => {
    const report = await compat({ old: 'etcd@3.5.33', new: 'etcd@3.6.14', specDir: specsDir });
    expect([exitCodeFor(report), exitCodeFor(report, 'WARN', 'B'), exitCodeFor(report, 'none')]).toEqual([0, 1, 0]);
  });
});

describe('bad input exits 2', () => {
  it.each([
    [['etcd@3.5.33', 'etcd@9.9.9', '--no-download'], /no specs for etcd 9\.9\.9/],
    [['etcd@3.5.33', 'etcd@3.6.14', '--fail-on', 'SEVERE'], /--fail-on: must be ERR, WARN, INFO or none/],
    [['etcd@3.5.33', 'etcd@3.6.14', '--direction', 'C'], /--direction: must be A, B or both/],
    [['etcd@3.5.33', 'etcd@3.6.14', '--format', 'xml'], /Allowed choices are text, markdown, json/],
    [['etcd@3.5.33'], /give two specs to compare/],
    [['/nonexistent/spec.json', 'etcd@3.6.14'], /does not exist/],
    [['etcd@3.5.33', 'etcd@3.6.14', '--spec', 'etcd@3.6.14'], /--spec: is for --server/],
    [['--server', 'http://127.0.0.1:1', '--spec', 'etcd@3.6.14', '--direction', 'B'], /only direction A/],
  ])('compat %j', async (args, message) => {
    expect(await cli(...args)).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('a spec that is not a spec names the file', async () => {
    expect(await cli(join(repoRoot, 'package.json'), 'etcd@3.6.14')).toBe(2);
    expect(stderr).toMatch(/package\.json.*not a Swagger 2\.0 document/);
  });
});

describe('formats', () => {
  it('json: the documented schema, stable key order, parseable', async () => {
    expect(await cli('etcd@3.2.32', 'etcd@3.3.12', '--format', 'json', '--fail-on', 'none')).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & { changes: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['old', 'new', 'prefixMode', 'notes', 'summary', 'changes']);
    expect(report['old']).toEqual({ label: 'etcd@3.2.32', version: '3.2.32', files: ['rpc.swagger.json', 'v3election.swagger.json', 'v3lock.swagger.json'], prefix: '/v3alpha' });
    const allowed = ['id', 'level', 'reason', 'operation', 'message', 'field', 'enum', 'value', 'from', 'to', 'text'];
    for (const change of report.changes) {
      const keys = Object.keys(change);
      expect(keys.filter((k) => !allowed.includes(k))).toEqual([]);
      expect(keys).toEqual(allowed.filter((k) => keys.includes(k)));
      expect(Object.keys(change['level'] as object)).toEqual(['A', 'B']);
      expect(Object.keys(change['reason'] as object)).toEqual(['A', 'B']);
    }
    expect(report.changes).toContainEqual(
      expect.objectContaining({ id: 'field-added', message: 'etcdserverpbCompare', field: 'range_end', level: { A: 'INFO', B: 'WARN' } }),
    );
    expect(report.changes).toContainEqual(expect.objectContaining({ id: 'operation-rebound', operation: 'POST /maintenance/hash' }));
    expect(report['summary']).toEqual({ A: { INFO: 17, WARN: 1, ERR: 1 }, B: { INFO: 9, WARN: 6, ERR: 4 } });
  });

  it('text is plain when stdout is not a terminal', async () => {
    await cli('etcd@3.5.33', 'etcd@3.6.14');
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toMatch(/^compat: etcd@3\.5\.33 \(etcd 3\.5\.33, prefix \/v3\) → etcd@3\.6\.14/);
    expect(stdout).toMatch(/summary: A: 0 ERR, 4 WARN, 6 INFO · B: 0 ERR, 7 WARN, 3 INFO\n$/);
  });

  it('text is coloured on a terminal, unless NO_COLOR', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    const noColor = process.env['NO_COLOR'];
    try {
      delete process.env['NO_COLOR'];
      await cli('etcd@3.5.33', 'etcd@3.6.14');
      expect(stdout).toContain('\u001b[33mWARN\u001b[0m');
      stdout = '';
      process.env['NO_COLOR'] = '1';
      await cli('etcd@3.5.33', 'etcd@3.6.14');
      expect(stdout).not.toMatch(/\u001b\[/);
    } finally {
      if (noColor === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = noColor;
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('sides may be directories or single files of a versioned directory', async () => {
    expect(await cli(specDirOf('3.5.33'), join(specDirOf('3.6.14'), 'rpc.swagger.json'), '--format', 'json', '--fail-on', 'none')).toBe(0);
    const report = JSON.parse(stdout) as { old: { version: string; files: string[] }; new: { version: string; files: string[] } };
    expect(report.old).toMatchObject({ version: '3.5.33', files: ['rpc.swagger.json', 'v3election.swagger.json', 'v3lock.swagger.json'] });
    expect(report.new).toMatchObject({ version: '3.6.14', files: ['rpc.swagger.json'] });
  });
});

it('an etcd@<version> not under --spec-dir is downloaded and verified, as generate --etcd does', async () => {
  const [server, empty, cache] = await Promise.all([startSpecServer(), mkdtemp(join(tmpdir(), 'egc-empty-')), mkdtemp(join(tmpdir(), 'egc-cache-'))]);
  const before = process.env['ETCD_SPECS_BASE_URL'];
  process.env['ETCD_SPECS_BASE_URL'] = server.url;
  try {
    server.alias('3.6.13', '3.6.14');
    const report = await compat({ old: 'etcd@3.5.33', new: 'etcd@3.6.13', specDir: empty, cacheDir: cache });
    expect(report.old.version).toBe('3.5.33');
    expect(report.changes).toHaveLength(10);
    // 3.5.33 is shipped with the package; 3.6.13 is not.
    expect(server.requests).toEqual(['rpc', 'v3lock', 'v3election'].map((n) => `/v3.6.13/Documentation/dev-guide/apispec/swagger/${n}.swagger.json`));
    expect(await main(['compat', 'etcd@3.4.99', 'etcd@3.5.33', '--spec-dir', empty, '--no-download'])).toBe(2);
    expect(stderr).toMatch(/^error: etcd@3\.4\.99: no specs for etcd 3\.4\.99/);
  } finally {
    if (before === undefined) delete process.env['ETCD_SPECS_BASE_URL'];
    else process.env['ETCD_SPECS_BASE_URL'] = before;
    await Promise.all([server.close(), rm(empty, { recursive: true, force: true }), rm(cache, { recursive: true, force: true })]);
  }
});

describe('help', () => {
  it('explains the directions, the exit codes, and shows examples', async () => {
    expect(await main(['compat', '--help'])).toBe(0);
    for (const text of ['--fail-on <level>', '--direction <direction>', '--server <url>', '--format <format>', 'Exit codes: 0', 'Examples:', 'compat etcd@3.4.45 etcd@3.6.14']) {
      expect(stdout).toContain(text);
    }
  });
});

it('the real executable exits 1 on a breaking change and prints markdown', async () => {
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  const run = promisify(execFile);
  const args = [join(repoRoot, 'generator/bin.ts'), 'compat', 'etcd@3.4.45', 'etcd@3.5.33', '--format', 'markdown', '--spec-dir', specsDir];
  const failure = await run(tsx, args).then(
    () => undefined,
    (e: { code: number; stdout: string }) => e,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stdout).toMatch(/^## etcd-gateway-codegen compat: `etcd@3\.4\.45` → `etcd@3\.5\.33`/);
  expect(failure?.stdout).toContain('| **ERR** | **ERR** | `operation-rebound` | `POST /maintenance/hash` |');
}, 60_000);
