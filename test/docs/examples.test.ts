/**
 * Docs that compile: every ```ts block of README.md and docs/*.md type-checks as a reader's file would (strict,
 * exact optionals, checked indexes, NodeNext), importing the committed generated client and the generator's API.
 * run.test.ts runs the runnable ones against a real etcd.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { consumerCompilerOptions } from '../helpers/typecheck.js';
import { allExamples, docFiles, examplesIn, writeExamples } from './examples.js';

const examples = allExamples();
const { dir, files } = writeExamples(examples);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Diagnostics per example, each at its markdown line (the written file has one header line). */
function diagnostics(): string[][] {
  const shim = join(import.meta.dirname, 'shims/opentelemetry-api.d.ts');
  const options: ts.CompilerOptions = { ...consumerCompilerOptions, types: ['node'] };
  const program = ts.createProgram([...files, shim], options);
  return files.map((file, i) => {
    const [path, fence] = examples[i]!.place.split(':') as [string, string];
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path}:${Number(fence) + line}: ${message}`;
    });
  });
}

describe('docs code examples', () => {
  it('finds the ```ts blocks of the README and of every guide', () => {
    expect(docFiles().length).toBeGreaterThan(5);
    expect(examplesIn(docFiles()[0]!).length).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThan(15);
  });

  it('type-checks every block', () => {
    expect(diagnostics().flat()).toEqual([]);
  }, 120_000);

  it('says why a block does not run', () => {
    for (const example of examples.filter((e) => e.noRun !== undefined)) expect(example.noRun, example.place).not.toBe('marked no-run');
  });
});
