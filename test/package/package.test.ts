/**
 * The package as other repositories use it, in the order of the README's quick start: `npm pack` (its
 * `prepare` builds dist/ from a copy of this tree), install the tarball into a fresh consumer project, generate
 * there from a config file (specs downloaded from a loopback stand-in for GitHub) and from flags, compile
 * consumer code under strict + NodeNext, `--check` (0, then 1 after an edit), regenerate twice and compare
 * bytes, the programmatic API, and the client against a real etcd.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdAvailable, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startSpecServer, type SpecServer } from '../helpers/spec-server.js';
import { repoRoot, specsDir } from '../helpers/specs.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let work: string;
let consumer: string;
let tarball: string;
let packed: string[];
let server: SpecServer;
let etcd: EtcdServer | undefined;

/** Run a command; never throws on a non-zero exit (the exit code is part of what is tested). */
function sh(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (code === -1) reject(new Error(`${command} ${args.join(' ')}: ${error?.message}\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** The consumer's environment: no ETCD_SPECS_DIR (specs come from the download), the loopback "GitHub", a private cache, CI. */
function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { ETCD_SPECS_DIR: _ignored, NODE_OPTIONS: _none, ...env } = process.env;
  return { ...env, CI: 'true', ETCD_SPECS_BASE_URL: server.url, ETCD_GATEWAY_CODEGEN_CACHE_DIR: join(work, 'cache'), ...extra };
}

const codegen = (args: readonly string[], extra?: NodeJS.ProcessEnv): Promise<Run> =>
  sh('npx', ['--no', '--', 'etcd-gateway-codegen', ...args], { cwd: consumer, env: consumerEnv(extra) });

/** stderr without npm's own warnings about the machine's npm config. */
const ownStderr = (run: Run): string => run.stderr.split('\n').filter((line) => !line.startsWith('npm warn')).join('\n');

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[relative(dir, join(entry.parentPath, entry.name))] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/** Copy what `npm pack` needs (sources, build script, manifests) so packing never touches this tree's dist/. */
async function packCopy(): Promise<{ file: string; files: string[] }> {
  const copy = join(work, 'package-src');
  await mkdir(copy);
  for (const entry of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'spec', 'generator', 'templates', 'etcd-specs']) {
    if (existsSync(join(repoRoot, entry))) await cp(join(repoRoot, entry), join(copy, entry), { recursive: true });
  }
  await symlink(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const { code, stdout, stderr } = await sh('npm', ['pack', '--json', '--pack-destination', work], { cwd: copy });
  if (code !== 0) throw new Error(`npm pack failed (${code}):\n${stderr}`);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  return { file: join(work, info!.filename), files: info!.files.map((f) => f.path) };
}

const QUICK_START_CONFIG = { etcd: '3.6.14', out: 'src/etcd' };

const MAIN_TS = `import { bytesToText, createClient, EtcdError } from './etcd/index.js';
import { createKvClient } from './etcd-kv/index.js';

const endpoint = process.argv[2] ?? 'http://127.0.0.1:2379';
const etcd = createClient({ endpoints: [endpoint] });
await etcd.kv.put({ key: 'quick-start', value: 'hello' });
const { kvs, count } = await etcd.kv.range({ key: 'quick-start' });
const first = kvs[0]; // noUncheckedIndexedAccess: KeyValue | undefined
const revision: bigint = count;

const small = createKvClient({ endpoints: endpoint }); // --int64 string --services kv,lease --name createKvClient
const lease = await small.lease.grant({ TTL: '60' });
const leaseId: string = lease.ID;
await small.kv.put({ key: 'leased', value: 'x', lease: leaseId });
const leased = await small.kv.range({ key: 'leased' });

let missingLease = '';
try {
  await etcd.kv.put({ key: 'k', value: 'v', lease: 1234567n });
} catch (e) {
  if (e instanceof EtcdError) missingLease = e.codeName;
}
console.log(JSON.stringify({
  value: first ? bytesToText(first.value) : null,
  count: revision.toString(),
  leaseIdType: typeof leaseId,
  sameLease: leased.kvs[0]?.lease === leaseId,
  missingLease,
}));
etcd.close();
small.close();
`;

/** The README's programmatic example, plus the exported types. */
const CODEGEN_TS = `import { generate, loadConfig, type GenerateResult } from 'etcd-gateway-codegen';

const config = await loadConfig(); // etcd-gateway-codegen.config.json in the current directory
const result: GenerateResult = await generate({ ...config?.options, out: 'src/etcd', write: false });
console.log(JSON.stringify({ status: result.status, files: result.files.map((f) => f.path) }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: ['node'],
    outDir: 'dist',
    rootDir: 'src',
  },
  include: ['src'],
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-package-'));
  consumer = join(work, 'consumer');
  server = await startSpecServer();
  ({ file: tarball, files: packed } = await packCopy());
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', tarball], { cwd: consumer });
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
}, 180_000);

afterAll(async () => {
  await etcd?.stop();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it("holds the built CLI and API, the runtime sources, the fingerprint and etcd's shipped specs; no tests, no TS sources", () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'dist/generator/bin.js', 'dist/generator/index.js', 'dist/generator/index.d.ts', 'dist/fingerprint.txt', 'dist/templates/runtime/core/transport.ts']));
    expect(packed.filter((p) => /(^|\/)test\/|\.test\.|^(spec|generator|templates|scripts|etcd-specs)\//.test(p))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.swagger.json')).every((p) => p.startsWith('dist/etcd-specs/v'))).toBe(true);
    expect(packed).toEqual(expect.arrayContaining(['dist/etcd-specs/NOTICE', 'dist/etcd-specs/LICENSE', 'dist/etcd-specs/v3.6.14/rpc.swagger.json']));
    expect(packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')).every((p) => p.startsWith('dist/templates/runtime/'))).toBe(true);
  });

  it('declares as dependencies exactly the packages its built code imports', async () => {
    const dist = join(consumer, 'node_modules/etcd-gateway-codegen/dist');
    const imported = new Set<string>();
    for (const [path, text] of Object.entries(await tree(dist))) {
      if (!/\.(js|d\.ts)$/.test(path) || path.startsWith('templates/runtime/')) continue;
      for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect([...imported].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });

  it('installs with none of this repository’s dev dependencies', () => {
    for (const dev of ['typescript', 'tsx', 'vitest', '@types/node']) expect(existsSync(join(consumer, 'node_modules', dev)), dev).toBe(false);
  });
});

describe('a consumer project', () => {
  it('runs the installed bin: --version is the package version, --help lists the commands with examples', async () => {
    const version = await codegen(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version);
    const help = await codegen(['help', 'generate']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
  }, 30_000);

  it("generates from etcd-gateway-codegen.config.json, from the etcd specs the package ships (nothing downloaded)", async () => {
    await writeFile(join(consumer, 'etcd-gateway-codegen.config.json'), JSON.stringify(QUICK_START_CONFIG, null, 2));
    const run = await codegen(['generate']);
    expect(ownStderr(run)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote \d+ files to .*src\/etcd\n$/);
    expect(server.requests.filter((p) => p.startsWith('/v3.6.14/'))).toHaveLength(0);
    expect(existsSync(join(consumer, 'node_modules/etcd-gateway-codegen/dist/etcd-specs/v3.6.14/rpc.swagger.json'))).toBe(true);
  }, 60_000);

  it('generates from flags (no config), with --int64 string, --services and --name', async () => {
    const run = await codegen(['generate', '--no-config', '--etcd', '3.4.45', '--spec-dir', specsDir, '--out', 'src/etcd-kv', '--int64', 'string', '--services', 'kv,lease', '--name', 'createKvClient']);
    expect(ownStderr(run)).toBe('');
    expect(run.code).toBe(0);
    const client = await readFile(join(consumer, 'src/etcd-kv/client.ts'), 'utf8');
    expect(client).toContain('export function createKvClient(');
    expect(client).not.toContain('WatchService');
  }, 60_000);

  it('compiles consumer code that calls both clients and the API, under strict with module NodeNext', async () => {
    const typescript = JSON.parse(await readFile(join(repoRoot, 'node_modules/typescript/package.json'), 'utf8')).version as string;
    const types = JSON.parse(await readFile(join(repoRoot, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `typescript@${typescript}`, `@types/node@${types}`], { cwd: consumer });
    expect(install.code, install.stderr).toBe(0);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    await writeFile(join(consumer, 'src/main.ts'), MAIN_TS);
    await writeFile(join(consumer, 'src/codegen.ts'), CODEGEN_TS);
    const tsc = await sh('npx', ['--no', '--', 'tsc', '-p', '.'], { cwd: consumer });
    expect(tsc.stdout + ownStderr(tsc)).toBe('');
    expect(tsc.code).toBe(0);
    expect(existsSync(join(consumer, 'dist/main.js'))).toBe(true);
  }, 90_000);

  it('--check: exit 0 when up to date, 1 naming the file after an edit', async () => {
    const clean = await codegen(['generate', '--check']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/up to date \(\d+ files\)/);

    await appendFile(join(consumer, 'src/etcd/models.ts'), '// edited by hand\n');
    const edited = await codegen(['generate', '--check']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('  changed  models.ts\n');
    expect(edited.stderr).toContain('Run the same command without --check to update it.');
  }, 60_000);

  it('regenerating restores the edit; twice gives the same bytes; an unchanged run loads no ts-morph or prettier', async () => {
    const restore = await codegen(['generate']);
    expect(restore.stdout).toMatch(/^wrote \d+ files/);
    const once = await tree(join(consumer, 'src/etcd'));
    expect(once['models.ts']).not.toContain('edited by hand');
    expect((await codegen(['generate', '--force'])).code).toBe(0);
    expect(await tree(join(consumer, 'src/etcd'))).toEqual(once);

    const log = join(work, 'loads.log');
    const hooks = join(repoRoot, 'test/generator/fixtures/record-loads.mjs');
    const bin = join(consumer, 'node_modules/etcd-gateway-codegen/dist/generator/bin.js');
    const noOp = await sh(process.execPath, ['--import', hooks, bin, 'generate'], { cwd: consumer, env: consumerEnv({ EGC_LOAD_LOG: log }) });
    expect(noOp.stdout).toMatch(/up to date; nothing to do/);
    expect(await readFile(log, 'utf8')).toContain('node_modules/etcd-gateway-codegen/dist/generator/generate.js');
    expect(await readFile(log, 'utf8')).not.toMatch(/node_modules\/(ts-morph|prettier|@apidevtools|commander)\//); // the fast path: specs from the shipped copies
    expect(await tree(join(consumer, 'src/etcd'))).toEqual(once);
  }, 90_000);

  it('the programmatic API: import { generate } from the installed package returns the files without writing', async () => {
    const run = await sh(process.execPath, ['dist/codegen.js'], { cwd: consumer, env: consumerEnv() });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { status: string; files: string[] };
    expect(result.status).toBe('generated');
    expect(result.files.sort()).toEqual(Object.keys(await tree(join(consumer, 'src/etcd'))).sort());
  }, 60_000);

  it.skipIf(!etcdAvailable())('the compiled client talks to a real etcd', async () => {
    etcd = await startEtcd();
    const run = await sh(process.execPath, ['dist/main.js', etcd.url], { cwd: consumer });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ value: 'hello', count: '1', leaseIdType: 'string', sameLease: true, missingLease: 'NOT_FOUND' });
  }, 60_000);
});
