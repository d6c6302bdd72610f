// One fresh process of bench/code-cache.mjs: load ts-morph (and make a Project) and prettier's formatter (and
// format a line), with the V8 code cache at argv[2] or without it ('off'); prints the two times in ms as JSON.
import { installCodeCache } from '../../dist/generator/code-cache.js';
import { loadFormatter } from '../../dist/generator/format.js';

const dir = process.argv[2];
const cache = dir === 'off' ? undefined : installCodeCache(dir);
let start = performance.now();
const { Project } = await import('ts-morph');
new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
const tsMorph = performance.now() - start;
start = performance.now();
await loadFormatter()([{ path: 'a.ts', text: 'export const a = { b: 1, c: [1, 2, 3] } as const;' }]);
const prettier = performance.now() - start;
cache?.flush();
process.stdout.write(JSON.stringify({ tsMorph, prettier }));
