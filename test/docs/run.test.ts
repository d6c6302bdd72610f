/**
 * Docs that run: every ```ts block of README.md and docs/*.md not marked `<!-- example: no-run (why) -->` runs with
 * tsx, as a reader runs it from the repository root, against a real etcd in place of 127.0.0.1:2379; the keyspace is
 * emptied between blocks, as each example assumes a fresh etcd. examples.test.ts type-checks every block.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/specs.js';
import { allExamples, writeExamples, type Example } from './examples.js';

const DOC_ENDPOINT = 'http://127.0.0.1:2379';

function runTsx(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(repoRoot, 'node_modules/.bin/tsx'), [file], { cwd: repoRoot, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describeEtcd('docs code examples run', () => {
  const fixture = useEtcd();
  const runnable = allExamples().filter((e) => e.noRun === undefined);
  let written: { dir: string; files: string[] } | undefined;
  afterAll(() => {
    if (written) rmSync(written.dir, { recursive: true, force: true });
  });

  it('has examples to run', () => {
    expect(runnable.length).toBeGreaterThan(8);
  });

  it.each(runnable.map((example, index) => ({ example, index })))('$example.place', async ({ example, index }: { example: Example; index: number }) => {
    written ??= writeExamples(runnable.map((e) => ({ ...e, code: e.code.replaceAll(DOC_ENDPOINT, fixture.etcd.url) })));
    await fixture.client.kv.deleteRange({ key: '\0', rangeEnd: '\0' });
    const run = await runTsx(written.files[index]!);
    expect(run.stderr, example.place).toBe('');
    expect(run.code, `${example.place}\n${run.stdout}`).toBe(0);
  }, 40_000);
});
