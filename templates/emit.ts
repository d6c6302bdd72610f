/**
 * emitFiles: the model → every generated source file (unformatted), plus the runtime files to copy.
 * Pure: the generator reads the runtime sources and formats and writes what this returns.
 */
import { Project, StructureKind, type CodeBlockWriter, type SourceFileStructure, type StatementStructures } from 'ts-morph';
import type { ApiModel } from '../spec/model.js';
import { emitClient, emitIndex } from './client.js';
import { emitCodecs } from './codecs.js';
import { Imports } from './imports.js';
import { emitModels } from './models.js';
import type { EmitOptions } from './options.js';
import { emitServices } from './services.js';
import { computeUsage } from './usage.js';
import { isMultiVersion } from './runtime-manifest.js';
import { emitVersionTable, versionIndexExports } from './versions-table.js';

export interface EmittedFile {
  /** Relative to the output directory, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export function emitFiles(model: ApiModel, options: EmitOptions): EmittedFile[] {
  const usage = computeUsage(model);
  const print = createPrinter();
  const file = (path: string, build: (imports: Imports) => StatementStructures[]): EmittedFile => {
    const imports = new Imports();
    // Print the body first: its writers name the imports they use as they run.
    const body = print(path, build(imports));
    const head = print(`imports-of-${path}`, imports.structures());
    return { path, text: head ? `${head}\n${body}` : body };
  };
  return [
    file('models.ts', (imports) => emitModels(model, usage, options, imports)),
    file('codecs.ts', (imports) => emitCodecs(model, usage, options, imports)),
    file('services.ts', (imports) => emitServices(model, imports)),
    file('client.ts', (imports) => emitClient(model, options, imports)),
    file('index.ts', () => [...emitIndex(model, options), ...versionIndexExports(model)]),
    ...(isMultiVersion(model) ? [file('versions.ts', (imports) => emitVersionTable(model, imports))] : []),
  ];
}

type Print = (path: string, statements: StatementStructures[]) => string;

/** The part of ts-morph's (internal) project context that prints structures as text. */
interface StructurePrinting {
  readonly _context?: {
    createWriter?(): CodeBlockWriter;
    structurePrinterFactory?: {
      forSourceFile(options: { isAmbient: boolean }): { printText(writer: CodeBlockWriter, structure: SourceFileStructure): void };
    };
  };
}

/**
 * Structures → text. `createSourceFile` prints the structures and then parses the text into a TypeScript AST we
 * never look at (a third of emit time); ts-morph's own structure printer gives the same text without the parse.
 * It is not public API, so when a ts-morph version moves it, this falls back to `createSourceFile`.
 */
function createPrinter(): Print {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const context = (project as unknown as StructurePrinting)._context;
  const factory = context?.structurePrinterFactory;
  if (context?.createWriter && factory && typeof factory.forSourceFile === 'function') {
    const printer = factory.forSourceFile({ isAmbient: false });
    const createWriter = context.createWriter.bind(context);
    return (_path, statements) => {
      const writer = createWriter();
      printer.printText(writer, { kind: StructureKind.SourceFile, statements });
      return writer.toString();
    };
  }
  return (path, statements) => project.createSourceFile(path, { statements }, { overwrite: true }).getFullText();
}

/** Where the hand-written runtime lives, relative to this module; what ships of it: see runtime-manifest.ts. */
export const RUNTIME_DIR = new URL('./runtime/', import.meta.url);
