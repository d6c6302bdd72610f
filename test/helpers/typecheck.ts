/** Type-check a generated client the way a consumer compiles it: strict, exact optionals, checked indexes, NodeNext. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const consumerCompilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  types: [],
  skipLibCheck: true,
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Diagnostics as `file(line,col): message` lines; empty when the directory compiles. */
export function typeCheck(dir: string, extraFiles: readonly string[] = []): string[] {
  const program = ts.createProgram([...tsFiles(dir), ...extraFiles], consumerCompilerOptions);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}(${line + 1},${character + 1}): ${message}`;
  });
}
