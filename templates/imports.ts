/** Imports as symbols: collected while a file is emitted, de-duplicated and sorted in one place. */
import { StructureKind, type ImportDeclarationStructure } from 'ts-morph';
import type { RuntimeRef } from './runtime-manifest.js';

export class Imports {
  private readonly modules = new Map<string, Map<string, boolean>>();

  /**
   * Use `name` from `module`: a runtime module of the manifest (`RUNTIME.codec`; the name must be one it exports,
   * or this does not compile) or a generated file (`./models.js`).
   */
  value<Values>(module: RuntimeRef<Values, string>, name: keyof Values & string): string;
  value(module: GeneratedFile, name: string): string;
  value(module: RuntimeRef | GeneratedFile, name: string): string {
    this.add(specifierOf(module), name, false);
    return name;
  }

  /** Use type `name` from `module`: a runtime module's type must be one its manifest entry lists. */
  type<TypeName extends string>(module: RuntimeRef<unknown, TypeName>, name: NoInfer<TypeName>): string;
  type(module: GeneratedFile, name: string): string;
  type(module: RuntimeRef | GeneratedFile, name: string): string {
    this.add(specifierOf(module), name, true);
    return name;
  }

  private add(module: string, name: string, typeOnly: boolean): void {
    const names = this.modules.get(module) ?? new Map<string, boolean>();
    names.set(name, (names.get(name) ?? true) && typeOnly);
    this.modules.set(module, names);
  }

  structures(): ImportDeclarationStructure[] {
    return [...this.modules.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([module, names]) => {
        const sorted = [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const allTypes = sorted.every(([, typeOnly]) => typeOnly);
        return {
          kind: StructureKind.ImportDeclaration,
          moduleSpecifier: module,
          isTypeOnly: allTypes,
          namedImports: sorted.map(([name, typeOnly]) => ({ name, isTypeOnly: typeOnly && !allTypes })),
        };
      });
  }
}

/** A file generated beside the client, imported by its specifier. */
export type GeneratedFile = './models.js' | './codecs.js' | './services.js' | './client.js' | './versions.js';

function specifierOf(module: RuntimeRef | GeneratedFile): string {
  return typeof module === 'string' ? module : module.specifier;
}
