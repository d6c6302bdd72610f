/**
 * The config file: found in the current directory or given with --config, JSON or an .mjs default export;
 * unknown keys and wrong types are errors naming the key; flags override it.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { applyFlags, loadConfig, toGenerateOptions, validateConfig } from '../../generator/config.js';
import { readTree } from '../../generator/write.js';
import { OptionError } from '../../spec/errors.js';
import { specsDir } from '../helpers/specs.js';

const FILE = '/p/etcd-gateway-codegen.config.json';
const invalid = (value: unknown): string => {
  try {
    validateConfig(FILE, value);
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};

describe('validating a config', () => {
  it('reads every key, resolving paths against the config file', () => {
    const config = validateConfig(FILE, {
      $schema: './schema.json',
      etcd: 'v3.6.14',
      spec: ['specs/extra.swagger.json'],
      specDir: '../specs',
      out: 'src/etcd',
      int64: 'string',
      services: 'kv, watch,lease',
      name: 'createEtcd',
      cacheDir: '.cache',
      download: false,
      sha256: { '3.7.0': { rpc: 'A'.repeat(64) } },
    });
    expect(config).toEqual({
      etcd: ['3.6.14'],
      specs: ['/p/specs/extra.swagger.json'],
      specDir: '/specs',
      out: '/p/src/etcd',
      int64: 'string',
      services: ['kv', 'watch', 'lease'],
      name: 'createEtcd',
      cacheDir: '/p/.cache',
      download: false,
      sha256: { '3.7.0': { rpc: 'a'.repeat(64) } },
    });
  });

  it.each([
    [{ outDir: 'x' }, `${FILE}: outDir: unknown key; the known keys are $schema, spec, specs, etcd, specDir, out,`],
    [{ int64: 'number' }, `${FILE}: int64: must be "bigint" or "string", not string "number"`],
    [{ out: 3 }, `${FILE}: out: must be a non-empty string, not number 3`],
    [{ out: '' }, `${FILE}: out: must be a non-empty string, not string ""`],
    [{ etcd: [3.6] }, `${FILE}: etcd: must be a string or a non-empty array of strings, not an array [3.6]`],
    [{ etcd: 'latest' }, `${FILE}: etcd: "latest" is not an etcd version like 3.6.14`],
    [{ services: {} }, `${FILE}: services: must be a string or a non-empty array of strings, not an object`],
    [{ download: 'no' }, `${FILE}: download: must be true or false, not string "no"`],
    [{ sha256: { '3.7.0': { rpc: 'abc' } } }, `${FILE}: sha256.3.7.0.rpc: must be a SHA-256 digest (64 hex digits), not string "abc"`],
    [{ sha256: { '3.7.0': { proto: 'a'.repeat(64) } } }, `${FILE}: sha256.3.7.0.proto: unknown spec; the specs are rpc, v3lock, v3election`],
    [{ sha256: { newest: {} } }, `${FILE}: sha256.newest: "newest" is not an etcd version`],
    [{ spec: 'a', specs: ['b'] }, `${FILE}: specs: give "spec" or "specs", not both`],
    [['out'], `${FILE}: must hold an object of options, not an array ["out"]`],
  ])('%j → %s', (value, message) => {
    expect(invalid(value)).toContain(message);
  });
});

describe('flags over the config', () => {
  const config = { etcd: ['3.6.14'], out: '/p/a', int64: 'string' as const, name: 'createEtcd' };

  it('a flag wins over the same key; keys without a flag stay', () => {
    expect(applyFlags(config, { out: 'b', name: undefined })).toEqual({ etcd: ['3.6.14'], out: 'b', int64: 'string', name: 'createEtcd' });
  });

  it('inputs given as flags replace the config inputs as a whole', () => {
    expect(applyFlags({ ...config, specs: ['/p/x.json'] }, { etcd: ['3.5.33'] })).toEqual({ ...config, etcd: ['3.5.33'] });
    expect(applyFlags(config, { specs: ['y.json'] })).toEqual({ out: '/p/a', int64: 'string', name: 'createEtcd', specs: ['y.json'] });
  });

  it('out is required from one or the other, and the error says where to give it', () => {
    expect(() => toGenerateOptions({ etcd: ['3.6.14'] }, FILE)).toThrow(`--out: the output directory is required: give --out, or "out" in ${FILE}`);
  });
});

describe('the CLI with a config file', () => {
  let work: string;
  let stderr: string;
  let cwd: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'egc-config-'));
    stderr = '';
    cwd = process.cwd();
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    process.chdir(cwd);
    await rm(work, { recursive: true, force: true });
  });

  it('finds etcd-gateway-codegen.config.json in the current directory; flags override it', async () => {
    await writeFile(join(work, 'etcd-gateway-codegen.config.json'), JSON.stringify({ etcd: '3.6.14', specDir: specsDir, out: 'gen', services: ['kv'] }));
    process.chdir(work);
    expect(await main(['generate'])).toBe(0);
    const fromConfig = await readTree(join(work, 'gen'));
    expect(fromConfig.get('client.ts')).toContain('readonly kv: KvService');
    expect(fromConfig.get('client.ts')).not.toContain('LeaseService');

    expect(await main(['generate', '--services', 'lease', '--name', 'createLeases'])).toBe(0);
    const overridden = await readTree(join(work, 'gen'));
    expect(overridden.get('client.ts')).toContain('export function createLeases(');
    expect(overridden.get('client.ts')).toContain('readonly lease: LeaseService');
    expect(overridden.get('client.ts')).not.toContain('KvService');
  }, 60_000);

  it('--config names a .mjs file whose default export is the config; its paths are relative to it', async () => {
    await mkdir(join(work, 'tools'));
    await writeFile(join(work, 'tools', 'codegen.mjs'), `export default { etcd: ['3.4.45'], specDir: ${JSON.stringify(specsDir)}, out: '../client', int64: 'string' };\n`);
    expect(await main(['generate', '--config', join(work, 'tools', 'codegen.mjs')])).toBe(0);
    const tree = await readTree(join(work, 'client'));
    expect(tree.get('index.ts')).toContain('from etcd v3.4.45');
    expect(tree.get('models.ts')).toMatch(/compactRevision: string;/);
    expect(tree.get('models.ts')).not.toMatch(/: bigint;/);
  }, 60_000);

  it('a bad config: exit 2 and a message naming the file and the key', async () => {
    await writeFile(join(work, 'etcd-gateway-codegen.config.json'), JSON.stringify({ etcd: '3.6.14', out: 'gen', int64: 64 }));
    process.chdir(work);
    expect(await main(['generate'])).toBe(2);
    expect(stderr).toContain(`error: ${join(work, 'etcd-gateway-codegen.config.json')}: int64: must be "bigint" or "string", not number 64`);
  });

  it('a config that is not JSON, one without a default export, two configs, a missing --config: exit 2', async () => {
    await writeFile(join(work, 'broken.json'), '{ "out": ');
    expect(await main(['generate', '--config', join(work, 'broken.json')])).toBe(2);
    expect(stderr).toContain(`${join(work, 'broken.json')} is not valid JSON`);

    await writeFile(join(work, 'named.mjs'), 'export const out = "x";\n');
    expect(await main(['generate', '--config', join(work, 'named.mjs')])).toBe(2);
    expect(stderr).toContain('has no default export');

    await writeFile(join(work, 'etcd-gateway-codegen.config.json'), '{}');
    await writeFile(join(work, 'etcd-gateway-codegen.config.mjs'), 'export default {};\n');
    process.chdir(work);
    expect(await main(['generate'])).toBe(2);
    expect(stderr).toMatch(/both .*config\.json and .*config\.mjs exist; keep one/);

    expect(await main(['generate', '--config', 'nowhere.json'])).toBe(2);
    expect(stderr).toContain(`cannot read ${join(work, 'nowhere.json')}`);
  });

  it('loadConfig is undefined when there is no config (the API and a flags-only CLI run)', async () => {
    expect(await loadConfig({ cwd: work })).toBeUndefined();
  });
});
