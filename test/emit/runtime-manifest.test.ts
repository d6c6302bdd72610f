/**
 * The runtime manifest (templates/runtime-manifest.ts) is right about the runtime: every module it names exists
 * and exports what it says, and the import specifiers it follows to decide what ships are exactly those the
 * TypeScript compiler sees, so no shipped module can import a file left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { relativeSpecifiers, reservedTypeNames, runtimeClosure, RUNTIME, type RuntimeModule } from '../../templates/runtime-manifest.js';
import { repoRoot } from '../helpers/specs.js';

const runtimeDir = join(repoRoot, 'templates/runtime');
const sources = new Map(
  readdirSync(runtimeDir, { recursive: true, encoding: 'utf8' })
    .filter((n) => n.endsWith('.ts'))
    .map((n) => [n.split('\\').join('/'), readFileSync(join(runtimeDir, n), 'utf8')] as const),
);

/** One program over the whole runtime (no lib: only its export lists are read). */
const program = ts.createProgram([...sources.keys()].map((p) => join(runtimeDir, p)), { noLib: true, types: [], noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });

/** The names a runtime source exports, as the compiler sees them. */
function exportsOf(path: string): Set<string> {
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(join(runtimeDir, path))!);
  return new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : []);
}

describe('the runtime manifest', () => {
  // The compiler checks these names too (the manifest's types come from the modules); this is the same at run time.
  it.each(Object.entries(RUNTIME as unknown as Record<string, RuntimeModule>))('%s: the file exists and exports what the index and the client use', (_name, module) => {
    expect(sources.has(module.file), module.file).toBe(true);
    expect(module.specifier).toBe(`./runtime/${module.file.replace(/\.ts$/, '.js')}`);
    const exported = exportsOf(module.file);
    const named = [
      ...module.index.flatMap((g) => [...(g.values ?? []), ...(g.types ?? [])]),
      ...module.helpers.flatMap((h) => [h.factory, h.type.name]),
    ];
    expect(named.filter((n) => !exported.has(n))).toEqual([]);
  });

  it('reserves every name the index can export from the runtime, so no model takes one', () => {
    const reserved = reservedTypeNames();
    for (const name of ['Mirror', 'Op', 'Cmp', 'LeaseKeeper', 'EtcdError', 'Transport', 'BytesInput', 'EtcdClient']) expect(reserved.has(name), name).toBe(true);
  });

  it('reads the same relative imports from every runtime file as the TypeScript compiler', () => {
    for (const [path, text] of sources) {
      const compiler = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).filter((f) => f.startsWith('.'));
      expect(relativeSpecifiers(text).sort(), path).toEqual(compiler.sort());
    }
  });

  it('ships the closure: what the generated code imports and what that imports, nothing else', () => {
    const generated = [{ text: "import { createTransport } from './runtime/core/transport.js';\nimport type { Int64Input } from './runtime/wire/int64.js';" }];
    const shipped = runtimeClosure(generated, sources);
    expect(shipped).toEqual(expect.arrayContaining(['core/transport.ts', 'core/signals.ts', 'errors.ts', 'codes.ts', 'types.ts', 'wire/int64.ts', 'wire/ndjson.ts']));
    expect(shipped.filter((p) => p.startsWith('watch/') || p.startsWith('helpers/'))).toEqual([]);
    for (const path of shipped) {
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      for (const specifier of relativeSpecifiers(sources.get(path)!)) {
        const target = join(dir, specifier).replace(/\.js$/, '.ts');
        expect(shipped, `${path} imports ${specifier}`).toContain(target);
      }
    }
    expect(runtimeClosure([{ text: "import { createWatchEvents } from './runtime/watch/index.js';" }], sources)).toEqual(
      expect.arrayContaining(['watch/index.ts', 'watch/hub.ts', 'watch/websocket.ts', 'watch/request.ts', 'core/backoff.ts']),
    );
  });
});
