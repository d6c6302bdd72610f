/**
 * The V8 code cache for ts-morph's TypeScript (generator/code-cache.ts): written on first use, used after, and
 * silently skipped when anything about it is off; generation gives the same bytes with and without it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheDir } from '../../generator/code-cache.js';
import { readTree } from '../../generator/write.js';
import { repoRoot, specsDir } from '../helpers/specs.js';

const run = promisify(execFile);
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-code-cache-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const load = async (dir: string): Promise<{ events: string[]; text: string }> => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/helpers/code-cache-load.ts'), dir], { cwd: repoRoot });
  return JSON.parse(stdout) as { events: string[]; text: string };
};
const FILES = ['@ts-morph/common/dist/typescript.js', '@ts-morph/common/dist/ts-morph-common.js', 'ts-morph/dist/ts-morph.js'];

describe('installCodeCache', () => {
  it('writes the cache on first use and loads from it afterwards', async () => {
    const dir = join(work, 'cache');
    const first = await load(dir);
    expect(first.events.sort()).toEqual(FILES.map((f) => `written ${f}`).sort());
    expect((await readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(3);
    const second = await load(dir);
    expect(second.events.sort()).toEqual(FILES.map((f) => `hit ${f}`).sort());
    expect(second.text).toBe(first.text);
  }, 60_000);

  it('loads normally from a damaged cache (V8 rejects it) and replaces it', async () => {
    const dir = join(work, 'damaged');
    await load(dir);
    for (const name of await readdir(dir)) await writeFile(join(dir, name), 'not a code cache');
    const damaged = await load(dir);
    expect(damaged.events.sort()).toEqual(FILES.map((f) => `rejected ${f}`).sort());
    expect(damaged.text).toBe('export const answer: number = 42;');
    expect((await load(dir)).events.every((e) => e.startsWith('hit '))).toBe(true);
  }, 60_000);

  it('falls back silently when the cache cannot be written', async () => {
    const blocked = join(work, 'a-file');
    await writeFile(blocked, 'in the way');
    const { events, text } = await load(join(blocked, 'cache'));
    expect(events.sort()).toEqual(FILES.map((f) => `fallback ${f}`).sort());
    expect(text).toBe('export const answer: number = 42;');
  }, 60_000);

  it('lives under the cache directory, and ETCD_GATEWAY_CODEGEN_CODE_CACHE=off turns it off', () => {
    expect(codeCacheDir('/c', {})).toBe('/c/v8-code-cache');
    expect(codeCacheDir(undefined, { ETCD_GATEWAY_CODEGEN_CACHE_DIR: '/x' })).toBe('/x/v8-code-cache');
    expect(codeCacheDir('/c', { ETCD_GATEWAY_CODEGEN_CODE_CACHE: 'off' })).toBeUndefined();
  });
});

describe('generate with the code cache', () => {
  it('gives the same bytes cold, warm and without it', async () => {
    const generateInto = async (out: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> => {
      const argv = ['--import', 'tsx', join(repoRoot, 'generator/bin.ts'), 'generate', '--no-config', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', out];
      await run(process.execPath, argv, { cwd: repoRoot, env: { ...process.env, ETCD_GATEWAY_CODEGEN_CACHE_DIR: join(work, 'generate-cache'), ...env } });
      return readTree(out);
    };
    const cold = await generateInto(join(work, 'cold'), {});
    expect((await readdir(join(work, 'generate-cache', 'v8-code-cache'))).length).toBeGreaterThan(0);
    expect(await generateInto(join(work, 'warm'), {})).toEqual(cold);
    expect(await generateInto(join(work, 'off'), { ETCD_GATEWAY_CODEGEN_CODE_CACHE: 'off' })).toEqual(cold);
    expect(await readFile(join(work, 'warm', 'index.ts'), 'utf8')).toContain('createClient');
  }, 120_000);
});
