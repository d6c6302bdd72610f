/** Imports as symbols: collected while a file is emitted, de-duplicated and sorted in one place. */
import { StructureKind, type ImportDeclarationStructure } from 'ts-morph';

export class Imports {
  private readonly modules = new Map<string, Map<string, boolean>>();

  /** Use `name` from `module` (a path relative to the generated file, with `.js`). */
  value(module: string, name: string): string {
    this.add(module, name, false);
    return name;
  }

  type(module: string, name: string): string {
    this.add(module, name, true);
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
