// Which runtime files ship with a generated client: those its files import and, transitively, every runtime file
// those import (a `--services kv` client carries no watch, lease, lock, election or snapshot code).

/** Relative module specifiers in a TypeScript source: `from './x.js'`, `import './x.js'`, `import('./x.js')`. */
export function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.\.?\/[^']+)'/g)) found.push(match[1]!);
  return found;
}

/**
 * The runtime files that ship: those the generated files import (specifiers `./runtime/…` from the output's
 * root) and, transitively, every runtime file they import. `runtime` maps a path under `runtime/` (`wire/bytes.ts`)
 * to its source; the result holds such paths, sorted.
 */
export function runtimeClosure(generated: readonly { readonly text: string }[], runtime: ReadonlyMap<string, string>): string[] {
  const shipped = new Set<string>();
  const visit = (path: string): void => {
    if (shipped.has(path) || !runtime.has(path)) return;
    shipped.add(path);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const specifier of relativeSpecifiers(runtime.get(path)!)) visit(resolveRuntimePath(dir, specifier));
  };
  for (const file of generated) {
    for (const specifier of relativeSpecifiers(file.text)) {
      if (specifier.startsWith('./runtime/')) visit(specifier.slice('./runtime/'.length).replace(/\.js$/, '.ts'));
    }
  }
  return [...shipped].sort();
}

/** `dir` + a relative specifier → a path under runtime/ with `.ts`: ('watch/', '../core/signals.js') → 'core/signals.ts'. */
function resolveRuntimePath(dir: string, specifier: string): string {
  const parts = dir.split('/').filter(Boolean);
  for (const part of specifier.replace(/\.js$/, '.ts').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}
