/**
 * The ```ts code blocks of README.md and docs/*.md, as files a compiler and tsx can take. Every block is
 * type-checked (examples.test.ts); a block runs against a real etcd (run.test.ts) unless the line right before its
 * fence is `<!-- example: no-run (why) -->`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/specs.js';

export interface Example {
  /** `docs/everyday.md:28`: the file and the line of the opening fence. */
  readonly place: string;
  readonly code: string;
  /** Why it does not run, or undefined when it runs. */
  readonly noRun: string | undefined;
}

const FENCE = /^```ts\s*$/;
const NO_RUN = /^<!--\s*example:\s*no-run\b\s*(.*?)\s*-->\s*$/;

/** The markdown files whose examples the suite checks: the README and every guide. */
export function docFiles(): string[] {
  const docs = join(repoRoot, 'docs');
  const guides = readdirSync(docs)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(docs, name));
  return [join(repoRoot, 'README.md'), ...guides];
}

export function examplesIn(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end < 0) throw new Error(`${relative(repoRoot, file)}:${i + 1}: a \`\`\`ts block is never closed`);
    const marker = NO_RUN.exec(lines[i - 1] ?? '');
    found.push({
      place: `${relative(repoRoot, file)}:${i + 1}`,
      code: lines.slice(i + 1, end).join('\n') + '\n',
      noRun: marker ? marker[1] || 'marked no-run' : undefined,
    });
    i = end;
  }
  return found;
}

export const allExamples = (): Example[] => docFiles().flatMap(examplesIn);

/**
 * The examples import what a reader has: `./generated/index.js` from the repository root, `./etcd/index.js` (or
 * `../src/etcd/index.js` from a test directory) in a
 * project that generated its client into src/etcd (the default options, so the committed generated/), and the
 * package by name (its sources here).
 */
function rewriteImports(code: string, root: string): string {
  const to = (path: string): string => relative(root, join(repoRoot, path));
  return code
    .replace(/(['"])\.\/generated\//g, `$1${to('generated')}/`)
    .replace(/(['"])\.\/etcd\//g, `$1${to('generated')}/`)
    .replace(/(['"])\.\.\/src\/etcd\//g, `$1${to('generated')}/`)
    .replace(/(['"])etcd-gateway-codegen\1/g, `$1${to('generator/index.js')}$1`);
}

/** Writes each example as an ES module under .tmp/ (so node_modules resolves); returns the files in order. */
export function writeExamples(examples: readonly Example[]): { dir: string; files: string[] } {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.tmp', 'doc-examples-'));
  const files = examples.map((example, i) => {
    const name = `${String(i).padStart(2, '0')}-${example.place.replace(/[^a-z0-9]+/gi, '-')}.mts`;
    const file = join(dir, name);
    writeFileSync(file, `// ${example.place}\n${rewriteImports(example.code, dir)}export {};\n`);
    return file;
  });
  return { dir, files };
}
