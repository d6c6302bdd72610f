// The runtime's rooms: no file over 300 lines, and no import circle anywhere in templates/runtime (a walk over
// the relative imports of every file, the same specifiers the generator follows to decide what ships).
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeSpecifiers } from '../../templates/runtime-manifest.js';

const ROOT = join(import.meta.dirname, '../../templates/runtime');
const MAX_LINES = 300;

function runtimeFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return runtimeFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

/** Each runtime file (path under runtime/) → the runtime files it imports. */
function importGraph(files: readonly string[], read: (path: string) => string): Map<string, string[]> {
  return new Map(
    files.map((file) => [
      file,
      relativeSpecifiers(read(file)).map((specifier) => posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts')),
    ]),
  );
}

/** Every import circle of `graph`, each as the files around it (first file repeated at the end). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      found.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return found;
}

describe('the runtime rooms', () => {
  const files = runtimeFiles();
  const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

  it('finds a circle when there is one (the walk itself)', () => {
    const graph = importGraph(['a.ts', 'b/c.ts', 'd.ts'], (path) =>
      ({ 'a.ts': "import { c } from './b/c.js';", 'b/c.ts': "import type { a } from '../a.js';", 'd.ts': "import './a.js';" })[path]!,
    );
    expect(circles(graph)).toEqual([['a.ts', 'b/c.ts', 'a.ts']]);
    expect(circles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('has no import circle', () => {
    const graph = importGraph(files, read);
    for (const [file, targets] of graph) for (const target of targets) expect(files, `${file} imports ${target}`).toContain(target);
    expect(circles(graph)).toEqual([]);
  });

  it(`keeps every file at ${MAX_LINES} lines or fewer`, () => {
    const long = files.map((file) => ({ file, lines: read(file).split('\n').length - 1 })).filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('builds watch parts with createX factories, not `new` at call sites', () => {
    const constructed = files.flatMap((file) => [...read(file).matchAll(/\bnew (Watch(?:Hub|Run|Socket))\b/g)].map((m) => `${file}: new ${m[1]}`));
    expect(constructed).toEqual([]);
  });
});

