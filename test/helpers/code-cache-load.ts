// A fresh process that loads ts-morph with the V8 code cache installed at argv[2] and prints what the cache did.
import { installCodeCache, type CodeCacheEvent } from '../../generator/code-cache.js';

const events: CodeCacheEvent[] = [];
const cache = installCodeCache(process.argv[2], (event) => events.push(event));
const { Project } = await import('ts-morph');
const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('a.ts', 'export const answer: number = 42;');
cache.flush();
process.stdout.write(JSON.stringify({ events: events.map((e) => `${e.outcome} ${e.file.replace(/.*node_modules\//, '')}`), text: file.getFullText() }));
