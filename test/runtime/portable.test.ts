// The runtime is copied as source into every generated client, which must run in Node 20 and in browsers:
// no dependencies, no Node built-ins, type-checked without Node's types.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const runtimeDir = join(import.meta.dirname, '../../templates/runtime');
const files = readdirSync(runtimeDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => join(runtimeDir, f));

describe('runtime portability', () => {
  it.each(files.map((f) => [f.slice(runtimeDir.length + 1), f]))('%s imports only sibling runtime files', (_, file) => {
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z0-9-]+\.js$/);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  });

  it('type-checks under the strict flags without Node types (browser build)', () => {
    const config = ts.readConfigFile(join(import.meta.dirname, 'tsconfig.browser.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, import.meta.dirname);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(parsed.options.types).toEqual([]);
    expect(parsed.options.exactOptionalPropertyTypes).toBe(true);
    expect(diagnostics).toEqual([]);
  });
});
