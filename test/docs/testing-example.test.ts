/**
 * docs/testing.md's "A test you can paste", run as a user would: the ```ts block of that section, with its import of
 * the user's generated client pointed at this repository's generated/, saved as a test file of a project of its own
 * and run by vitest. The example must pass as written.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/specs.js';

const run = promisify(execFile);
const work = join(repoRoot, '.tmp/docs-example');

/** The first ```ts block after `heading` in `markdown`. */
export function exampleAfter(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match || !section.startsWith(heading)) throw new Error(`docs/testing.md: no \`\`\`ts block after "${heading}"`);
  return match[1]!;
}

afterAll(() => rm(work, { recursive: true, force: true }));

describe('docs/testing.md', () => {
  it('"A test you can paste" passes with vitest against the generated client', async () => {
    const example = exampleAfter(await readFile(join(repoRoot, 'docs/testing.md'), 'utf8'), '## A test you can paste');
    expect(example).toContain("from '../src/etcd/index.js'");
    await mkdir(join(work, 'test'), { recursive: true });
    const generated = relative(join(work, 'test'), join(repoRoot, 'generated/index.js'));
    await writeFile(join(work, 'test/config-store.test.ts'), example.replace("'../src/etcd/index.js'", JSON.stringify(generated)));
    await writeFile(join(work, 'vitest.config.mjs'), "export default { test: { include: ['test/**/*.test.ts'] } };\n");
    const result = await run(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--root', work, '--config', join(work, 'vitest.config.mjs'), '--reporter', 'verbose'], {
      cwd: work,
    }).catch((e: { stdout: string; stderr: string }) => ({ ...e, failed: true }));
    expect('failed' in result ? `${result.stdout}\n${result.stderr}` : '').toBe('');
    expect(result.stdout).toMatch(/Tests\s+.*4 passed/);
  }, 120_000);
});
