/**
 * Offline generation: the package ships etcd's spec files for every version of its manifest (etcd-specs/, copied
 * into dist/ and the npm tarball by the build), byte for byte the ones in ../shared/specs, with etcd's NOTICE and
 * LICENSE. `generate --etcd <shipped version>` and `compat etcd@A etcd@B` then need no network and no spec dir.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../generator/cli.js';
import { compat } from '../../generator/compat/run.js';
import { SpecError } from '../../spec/errors.js';
import { MANIFEST, SPEC_NAMES, specFileName } from '../../spec/manifest.js';
import { SHIPPED_SPECS_DIR, shippedSpecs } from '../../spec/shipped.js';
import { deadUrl } from '../helpers/spec-server.js';
import { repoRoot, specsDir } from '../helpers/specs.js';

const run = promisify(execFile);

describe('the shipped copies', () => {
  it('are byte-identical to ../shared/specs, every file of every manifest version, and its SHA256SUMS', async () => {
    expect(SHIPPED_SPECS_DIR).toBe(join(repoRoot, 'etcd-specs/'));
    const files = ['SHA256SUMS', ...MANIFEST.flatMap((v) => SPEC_NAMES.map((n) => `v${v.version}/${specFileName(n)}`))];
    for (const file of files) {
      const [shipped, shared] = await Promise.all([readFile(join(SHIPPED_SPECS_DIR, file)), readFile(join(specsDir, file))]);
      expect(shipped.equals(shared), file).toBe(true);
    }
    const dirs = (await readdir(SHIPPED_SPECS_DIR)).filter((d) => d.startsWith('v')).sort();
    expect(dirs).toEqual(MANIFEST.map((v) => `v${v.version}`).sort());
  });

  it("carry etcd's license: the Apache-2.0 text and a NOTICE naming the source and every version", async () => {
    expect(await readFile(join(SHIPPED_SPECS_DIR, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    const notice = await readFile(join(SHIPPED_SPECS_DIR, 'NOTICE'), 'utf8');
    expect(notice).toContain('https://github.com/etcd-io/etcd');
    expect(notice).toContain('Documentation/dev-guide/apispec/swagger/');
    for (const { version } of MANIFEST) expect(notice).toContain(version);
  });

  it('are held to the manifest: an altered copy is an error naming the file, an absent one falls back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egc-shipped-'));
    try {
      await cp(join(SHIPPED_SPECS_DIR, 'v3.4.45'), join(dir, 'v3.4.45'), { recursive: true });
      expect((await shippedSpecs('3.4.45', dir))?.inputs.map((i) => i.basename)).toEqual(SPEC_NAMES.map(specFileName));
      await writeFile(join(dir, 'v3.4.45', 'v3lock.swagger.json'), '{"swagger":"2.0"}');
      const error = await shippedSpecs('3.4.45', dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpecError);
      expect(String(error)).toMatch(/v3\.4\.45\/v3lock\.swagger\.json.*SHA-256 is [0-9a-f]{64}, but the manifest for etcd 3\.4\.45 says cc2f1481/);
      expect(await shippedSpecs('3.5.33', dir)).toBeUndefined();
      expect(await shippedSpecs('3.9.9')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('with no network and no spec dir', () => {
  let work: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'egc-offline-'));
    delete process.env['ETCD_SPECS_DIR'];
    process.env['ETCD_SPECS_BASE_URL'] = await deadUrl();
    process.env['ETCD_GATEWAY_CODEGEN_CACHE_DIR'] = join(work, 'cache');
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(work, { recursive: true, force: true });
  });

  it('generate --etcd <shipped version> writes the same client as from ../shared/specs', async () => {
    expect(await main(['generate', '--no-config', '--etcd', '3.5.33', '--out', join(work, 'offline')])).toBe(0);
    expect(await main(['generate', '--no-config', '--etcd', '3.5.33', '--spec-dir', specsDir, '--out', join(work, 'shared')])).toBe(0);
    for (const file of ['client.ts', 'models.ts', 'services.ts', 'codecs.ts', 'index.ts']) {
      expect(await readFile(join(work, 'offline', file), 'utf8'), file).toBe(await readFile(join(work, 'shared', file), 'utf8'));
    }
  }, 60_000);

  it('compat etcd@A etcd@B compares two shipped versions', async () => {
    const report = await compat({ old: 'etcd@3.5.33', new: 'etcd@3.6.14' });
    expect([report.old.version, report.new.version]).toEqual(['3.5.33', '3.6.14']);
    expect(report.changes).toHaveLength(10);
  }, 60_000);

  it('a version the package does not ship still needs a download (and says how to work offline)', async () => {
    expect(await main(['generate', '--no-config', '--etcd', '3.4.44', '--out', join(work, 'out')])).toBe(2);
  });
});

describe('the npm tarball', () => {
  it('holds the shipped specs, NOTICE and LICENSE, and stays under 1.5 MB (needs `npm run build`)', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, maxBuffer: 16 << 20 });
    const [pack] = JSON.parse(stdout) as { size: number; files: { path: string }[] }[];
    const paths = new Set(pack!.files.map((f) => f.path));
    for (const { version } of MANIFEST) for (const n of SPEC_NAMES) expect(paths, `${version} ${n}`).toContain(`dist/etcd-specs/v${version}/${specFileName(n)}`);
    for (const file of ['NOTICE', 'LICENSE', 'SHA256SUMS']) expect(paths).toContain(`dist/etcd-specs/${file}`);
    expect(pack!.size).toBeLessThan(1.5 * 1024 * 1024);
  }, 60_000);
});
