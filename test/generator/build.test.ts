/**
 * `npm run build` as this repository runs it: on a copy of the sources (so this tree's dist/ is never touched),
 * the build leaves dist/generator/bin.js executable and `npx etcd-gateway-codegen --version` works there.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../generator/package-info.js';
import { repoRoot } from '../helpers/specs.js';

const run = promisify(execFile);
let work: string;
let copy: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-build-'));
  copy = join(work, 'repo');
  await mkdir(copy);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'spec', 'generator', 'templates']) {
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
});
