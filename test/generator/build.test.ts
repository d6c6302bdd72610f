/**
 * `npm run build` as this repository runs it: on a copy of the sources (so this tree's dist/ is never touched),
 * the build leaves dist/generator/bin.js executable and `npx etcd-gateway-codegen --version` works there.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../generator/package-info.js';
import { MANIFEST } from '../../spec/manifest.js';
import { repoRoot } from '../helpers/specs.js';

const run = promisify(execFile);
let work: string;
let copy: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-build-'));
  copy = join(work, 'repo');
  await mkdir(copy);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'spec', 'generator', 'templates', 'etcd-specs']) {
    await cp(join(repoRoot, entry), join(copy, entry), { recursive: true });
  }
  await symlink(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  await run('npm', ['run', 'build'], { cwd: copy });
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('leaves dist/generator/bin.js executable (mode 755)', async () => {
    const { mode } = await stat(join(copy, 'dist/generator/bin.js'));
    expect((mode & 0o777).toString(8)).toBe('755');
  });

  it('makes `npx etcd-gateway-codegen --version` work in the repository', async () => {
    const { stdout } = await run('npx', ['--no', '--', 'etcd-gateway-codegen', '--version'], { cwd: copy });
    expect(stdout.trim()).toBe(packageVersion());
  }, 60_000);

  it("ships etcd's spec files in dist/etcd-specs, and refuses to build with one whose SHA-256 is not the manifest's", async () => {
    expect((await readdir(join(copy, 'dist/etcd-specs'))).sort()).toEqual(['LICENSE', 'NOTICE', 'SHA256SUMS', ...MANIFEST.map((v) => `v${v.version}`)]);
    const file = join(copy, 'etcd-specs/v3.5.33/v3lock.swagger.json');
    await appendFile(file, '\n');
    const failed = await run('npm', ['run', 'build'], { cwd: copy }).then(() => undefined, (e: { stderr: string }) => e);
    expect(failed?.stderr).toMatch(/v3\.5\.33\/v3lock\.swagger\.json: SHA-256 is [0-9a-f]{64}, but spec\/manifest\.ts says 704e8f13.*refusing to ship it/);
  }, 180_000);
});
