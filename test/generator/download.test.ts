/**
 * Specs by etcd version: the manifest agrees with the shared SHA256SUMS and with versions.ts; downloads are
 * verified, cached and refused when tampered with, against a loopback server standing in for GitHub.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { generate } from '../../generator/generate.js';
import { readTree } from '../../generator/write.js';
import { createSpecDownloader, defaultCacheDir, specUrl } from '../../spec/download.js';
import { OptionError, SpecError } from '../../spec/errors.js';
import { knownVersion, MANIFEST, SPEC_NAMES } from '../../spec/manifest.js';
import { preferredPrefix, servedPrefixes } from '../../spec/versions.js';
import { deadUrl, startSpecServer, type SpecServer } from '../helpers/spec-server.js';
import { specDirOf, specsDir, specVersions } from '../helpers/specs.js';

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

describe('the manifest', () => {
  it('holds exactly the digests of ../shared/specs/SHA256SUMS, for every version there', async () => {
    const sums = (await readFile(join(specsDir, 'SHA256SUMS'), 'utf8')).trim().split('\n');
    const fromSums = sums.map((line) => line.split(/\s+/)).map(([digest, path]) => `${path} ${digest}`).sort();
    const fromManifest = MANIFEST.flatMap((v) => SPEC_NAMES.map((n) => `v${v.version}/${n}.swagger.json ${v.sha256[n]}`)).sort();
    expect(fromManifest).toEqual(fromSums);
    expect(MANIFEST.map((v) => v.version)).toEqual(specVersions);
  });

  it.each(MANIFEST.map((v) => [v.version, v] as const))('etcd %s: prefixes agree with versions.ts and with the spec files', async (version, entry) => {
    expect(entry.servedPrefixes).toEqual(servedPrefixes(version));
    expect(entry.servedPrefixes[0]).toBe(preferredPrefix(version));
    const doc = JSON.parse(await readFile(join(specDirOf(version), 'rpc.swagger.json'), 'utf8')) as { paths: Record<string, unknown> };
    const prefixes = new Set(Object.keys(doc.paths).map((p) => p.split('/')[1]));
    expect([...prefixes].map((p) => `/${p}`)).toEqual([entry.specPrefix]);
  });

  it('does not know a version it was not given', () => {
    expect(knownVersion('3.9.9')).toBeUndefined();
  });
});

describe('the cache directory', () => {
  it('is $ETCD_GATEWAY_CODEGEN_CACHE_DIR, else under $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ ETCD_GATEWAY_CODEGEN_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/etcd-gateway-codegen');
    expect(defaultCacheDir({})).toMatch(/\/\.cache\/etcd-gateway-codegen$/);
  });
});

describe('downloading specs by etcd version', () => {
  let server: SpecServer;
  let cacheDir: string;
  beforeAll(async () => {
    server = await startSpecServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'egc-cache-'));
    server.requests.length = 0;
  });
  afterEach(() => rm(cacheDir, { recursive: true, force: true }));

  it('downloads rpc, v3lock and v3election at the tag, verifies them and serves the next run from the cache', async () => {
    const download = createSpecDownloader({ baseUrl: server.url, cacheDir });
    const set = await download('3.6.14');
    expect(server.requests).toEqual(SPEC_NAMES.map((n) => new URL(specUrl(server.url, '3.6.14', n)).pathname));
    expect(server.requests[0]).toBe('/v3.6.14/Documentation/dev-guide/apispec/swagger/rpc.swagger.json');
    expect(set.version).toBe('3.6.14');
    for (const input of set.inputs) {
      const name = input.basename.replace('.swagger.json', '') as (typeof SPEC_NAMES)[number];
      expect(sha256(input.text!)).toBe(knownVersion('3.6.14')!.sha256[name]);
      expect(sha256(await readFile(input.file))).toBe(knownVersion('3.6.14')!.sha256[name]);
    }
    expect((await readdir(join(cacheDir, 'specs', 'v3.6.14'))).sort()).toEqual(['rpc.swagger.json', 'v3election.swagger.json', 'v3lock.swagger.json']);

    server.requests.length = 0;
    const again = await download('3.6.14');
    expect(server.requests).toEqual([]);
    expect(again.inputs.map((i) => i.text)).toEqual(set.inputs.map((i) => i.text));
  });

  it('downloads a cached file again when its digest is wrong', async () => {
    const download = createSpecDownloader({ baseUrl: server.url, cacheDir });
    await download('3.5.33');
    await writeFile(join(cacheDir, 'specs', 'v3.5.33', 'v3lock.swagger.json'), '{"swagger":"2.0"}');
    server.requests.length = 0;
    const set = await download('3.5.33');
    expect(server.requests).toEqual(['/v3.5.33/Documentation/dev-guide/apispec/swagger/v3lock.swagger.json']);
    expect(sha256(await readFile(join(cacheDir, 'specs', 'v3.5.33', 'v3lock.swagger.json')))).toBe(knownVersion('3.5.33')!.sha256.v3lock);
    expect(set.inputs).toHaveLength(3);
  });

  it('refuses a download whose digest does not match the manifest, and caches nothing of it', async () => {
    const path = '/v3.4.45/Documentation/dev-guide/apispec/swagger/v3lock.swagger.json';
    const original = await readFile(join(specDirOf('3.4.45'), 'v3lock.swagger.json'), 'utf8');
    server.override(path, original.replace('"swagger": "2.0"', '"swagger": "2.0", "x-tampered": true'));
    const download = createSpecDownloader({ baseUrl: server.url, cacheDir });
    const error = await download('3.4.45').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect(String(error)).toContain(`${server.url}${path}`);
    expect(String(error)).toMatch(/SHA-256 is [0-9a-f]{64}, but the manifest for etcd 3\.4\.45 says cc2f1481.*refusing/);
    expect(await readdir(join(cacheDir, 'specs', 'v3.4.45')).catch(() => [])).not.toContain('v3lock.swagger.json');
  });

  it('an unknown version: downloads it and tells its digests so they can be pinned', async () => {
    server.alias('3.9.9', '3.6.14');
    const notes: string[] = [];
    const set = await createSpecDownloader({ baseUrl: server.url, cacheDir, onNote: (n) => notes.push(n) })('3.9.9');
    expect(set.inputs).toHaveLength(3);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('etcd 3.9.9 is not in this generator');
    const pin = JSON.parse(notes[0]!.split('"sha256": ')[1]!) as Record<string, Record<string, string>>;
    expect(pin).toEqual({ '3.9.9': knownVersion('3.6.14')!.sha256 });
  });

  it('a pinned version: verified against the pin, silently; a wrong pin is refused', async () => {
    server.alias('3.9.8', '3.6.14');
    const notes: string[] = [];
    const pins = { '3.9.8': knownVersion('3.6.14')!.sha256 };
    await createSpecDownloader({ baseUrl: server.url, cacheDir, pins, onNote: (n) => notes.push(n) })('3.9.8');
    expect(notes).toEqual([]);

    server.alias('3.9.7', '3.6.14');
    const wrong = { '3.9.7': { ...knownVersion('3.6.14')!.sha256, rpc: '0'.repeat(64) } };
    const error = await createSpecDownloader({ baseUrl: server.url, cacheDir, pins: wrong })('3.9.7').catch((e: unknown) => e);
    expect(String(error)).toMatch(/rpc\.swagger\.json: SHA-256 is 19591c35.*but the pinned sha256 says 0{64}; refusing/);
  });

  it('a tag that does not exist: says so', async () => {
    const error = await createSpecDownloader({ baseUrl: server.url, cacheDir })('3.0.99').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(String(error)).toMatch(/answered HTTP 404\. Is v3\.0\.99 an etcd release tag\?/);
  });

  it('offline with nothing cached: says how to point ETCD_SPECS_DIR at a copy', async () => {
    const error = await createSpecDownloader({ baseUrl: await deadUrl(), cacheDir })('3.6.14').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(String(error)).toMatch(/cannot download etcd 3\.6\.14's specs from http:\/\/127\.0\.0\.1:\d+\/v3\.6\.14\/.*ECONNREFUSED/);
    expect(String(error)).toContain('point ETCD_SPECS_DIR (or --spec-dir) at a directory holding v3.6.14/rpc.swagger.json, v3lock.swagger.json, v3election.swagger.json');
  });

  it('offline with the specs cached: works without the network', async () => {
    await createSpecDownloader({ baseUrl: server.url, cacheDir })('3.3.27');
    const set = await createSpecDownloader({ baseUrl: await deadUrl(), cacheDir })('3.3.27');
    expect(set.inputs.map((i) => i.basename)).toEqual(['rpc.swagger.json', 'v3lock.swagger.json', 'v3election.swagger.json']);
  });

  it('reports progress as bytes arrive', async () => {
    const seen: number[] = [];
    await createSpecDownloader({ baseUrl: server.url, cacheDir, onProgress: (p) => p.file === 'rpc.swagger.json' && seen.push(p.receivedBytes) })('3.2.32');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe((await readFile(join(specDirOf('3.2.32'), 'rpc.swagger.json'))).byteLength);
  });
});

describe('generate --etcd without a local copy (the CLI)', () => {
  let server: SpecServer;
  let work: string;
  let stderr: string;
  const keys = ['ETCD_SPECS_DIR', 'ETCD_SPECS_BASE_URL', 'ETCD_GATEWAY_CODEGEN_CACHE_DIR'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  beforeAll(async () => {
    server = await startSpecServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'egc-dl-'));
    stderr = '';
    delete process.env['ETCD_SPECS_DIR'];
    process.env['ETCD_SPECS_BASE_URL'] = server.url;
    process.env['ETCD_GATEWAY_CODEGEN_CACHE_DIR'] = join(work, 'cache');
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await rm(work, { recursive: true, force: true });
  });

  it('a version the package does not ship: downloads into the cache and writes the same bytes as from a local copy', async () => {
    server.alias('3.4.44', '3.4.45');
    expect(await main(['generate', '--etcd', '3.4.44', '--out', join(work, 'out')])).toBe(0);
    expect(server.requests).toContain('/v3.4.44/Documentation/dev-guide/apispec/swagger/rpc.swagger.json');
    const localDir = join(work, 'specs');
    await mkdir(localDir);
    await symlink(specDirOf('3.4.45'), join(localDir, 'v3.4.44'));
    const local = await generate({ etcd: ['3.4.44'], specDir: localDir, out: join(work, 'out'), write: false, force: true });
    const downloaded = await readTree(join(work, 'out'));
    expect(Object.fromEntries(downloaded)).toEqual(Object.fromEntries(local.files.map((f) => [f.path, f.text])));
  }, 60_000);

  it('a version the package ships: read from its copy, nothing downloaded', async () => {
    server.requests.length = 0;
    expect(await main(['generate', '--etcd', '3.4.45', '--out', join(work, 'out')])).toBe(0);
    expect(server.requests).toEqual([]);
  }, 60_000);

  it('an unknown version: exit 0 and a note with the digests to pin; pinned in the config: silent; pinned wrong: exit 2', async () => {
    server.alias('3.9.9', '3.5.33');
    expect(await main(['generate', '--no-config', '--etcd', '3.9.9', '--out', join(work, 'out')])).toBe(0);
    const digests = knownVersion('3.5.33')!.sha256;
    expect(stderr).toContain(`note: etcd 3.9.9 is not in this generator's manifest`);
    expect(stderr).toContain(`"sha256": ${JSON.stringify({ '3.9.9': { rpc: digests.rpc, v3lock: digests.v3lock, v3election: digests.v3election } })}`);

    const config = join(work, 'etcd-gateway-codegen.config.json');
    await writeFile(config, JSON.stringify({ etcd: '3.9.9', out: 'out', cacheDir: 'fresh-cache', sha256: { '3.9.9': digests } }));
    stderr = '';
    expect(await main(['generate', '--config', config])).toBe(0);
    expect(stderr).toBe('');

    await writeFile(config, JSON.stringify({ etcd: '3.9.9', out: 'out', cacheDir: 'other-cache', sha256: { '3.9.9': { ...digests, v3lock: 'f'.repeat(64) } } }));
    expect(await main(['generate', '--config', config])).toBe(2);
    expect(stderr).toMatch(/error: http:\/\/127\.0\.0\.1:\d+\/v3\.9\.9\/.*v3lock\.swagger\.json: SHA-256 is 704e8f13.*but the pinned sha256 says f{64}; refusing/);
  }, 60_000);

  it('--check never accepts an unpinned version: exit 2 with its digests and how to pin them; pinned, it passes', async () => {
    server.alias('3.9.6', '3.5.33');
    const out = join(work, 'out');
    expect(await main(['generate', '--no-config', '--etcd', '3.9.6', '--out', out])).toBe(0);
    stderr = '';
    // The cached copy from the run above is no more verified than a fresh download.
    expect(await main(['generate', '--no-config', '--etcd', '3.9.6', '--out', out, '--check'])).toBe(2);
    const digests = knownVersion('3.5.33')!.sha256;
    expect(stderr).toContain("error: --etcd: etcd 3.9.6 is not in this generator's manifest and its specs are not pinned: --check accepts only verified specs.");
    expect(stderr).toContain(`"sha256": ${JSON.stringify({ '3.9.6': { rpc: digests.rpc, v3lock: digests.v3lock, v3election: digests.v3election } })}`);

    const config = join(work, 'etcd-gateway-codegen.config.json');
    await writeFile(config, JSON.stringify({ etcd: '3.9.6', out: 'out', sha256: { '3.9.6': digests } }));
    expect(await main(['generate', '--config', config, '--check'])).toBe(0);
  }, 60_000);

  it('a tag that publishes only rpc (as etcd 3.0 and 3.1 do): the client has no lock or election, and the next run needs no network', async () => {
    server.alias('3.1.99', '3.2.32');
    server.hide('3.1.99', 'v3lock.swagger.json');
    server.hide('3.1.99', 'v3election.swagger.json');
    const out = join(work, 'out');
    expect(await main(['generate', '--no-config', '--etcd', '3.1.99', '--out', out])).toBe(0);
    expect(stderr).toContain(`"sha256": ${JSON.stringify({ '3.1.99': { rpc: knownVersion('3.2.32')!.sha256.rpc } })}`);
    expect(await readFile(join(out, 'client.ts'), 'utf8')).not.toContain('withLock');
    const requests = server.requests.length;
    expect(await main(['generate', '--no-config', '--etcd', '3.1.99', '--out', out, '--force'])).toBe(0);
    expect(server.requests.length).toBe(requests);
  }, 60_000);

  it('compat downloads hold to the config\'s sha256 pins, as generate does', async () => {
    server.alias('3.9.5', '3.6.14');
    const config = join(work, 'etcd-gateway-codegen.config.json');
    const wrong = { ...knownVersion('3.6.14')!.sha256, rpc: 'e'.repeat(64) };
    await writeFile(config, JSON.stringify({ out: 'out', sha256: { '3.9.5': wrong } }));
    expect(await main(['compat', 'etcd@3.6.14', 'etcd@3.9.5', '--config', config])).toBe(2);
    expect(stderr).toMatch(/v3\.9\.5\/.*rpc\.swagger\.json: SHA-256 is 19591c35.*but the pinned sha256 says e{64}; refusing/);
    await writeFile(config, JSON.stringify({ out: 'out', sha256: { '3.9.5': knownVersion('3.6.14')!.sha256 } }));
    expect(await main(['compat', 'etcd@3.6.14', 'etcd@3.9.5', '--config', config])).toBe(0);
  }, 60_000);

  it('--no-download with no local or shipped copy: exit 2 and the ETCD_SPECS_DIR hint', async () => {
    expect(await main(['generate', '--etcd', '3.4.44', '--out', join(work, 'out'), '--no-download'])).toBe(2);
    expect(stderr).toMatch(/error: --etcd: no specs for etcd 3\.4\.44: ETCD_SPECS_DIR is not set\. Point ETCD_SPECS_DIR/);
  });

  it('offline, a version the package does not ship: exit 2 and the ETCD_SPECS_DIR hint', async () => {
    process.env['ETCD_SPECS_BASE_URL'] = await deadUrl();
    expect(await main(['generate', '--etcd', '3.4.44', '--out', join(work, 'out')])).toBe(2);
    expect(stderr).toContain('To work offline, point ETCD_SPECS_DIR (or --spec-dir) at a directory holding v3.4.44/');
  });
});
