/**
 * Format generated sources once, with fixed options: the user's prettier config never changes our bytes.
 * Parsed with `babel-ts`, not `typescript`: the same printer and, on everything we emit, the same bytes (every spec
 * version and option set was compared), but its parser loads and runs in about half the time (bench/RESULTS.md).
 */
import { createRequire } from 'node:module';
import type { Options, Plugin } from 'prettier';

const OPTIONS: Options = { parser: 'babel-ts', printWidth: 120, singleQuote: true, trailingComma: 'all', endOfLine: 'lf' };

type Format = (source: string, options: Options) => Promise<string>;

/**
 * prettier's standalone build and the two plugins `babel-ts` needs, required as CommonJS: the same formatter as
 * `import('prettier')` minus its plugin discovery, and files the V8 code cache (code-cache.ts) can hold.
 */
export function loadFormatter(): (sources: readonly { path: string; text: string }[]) => Promise<{ path: string; text: string }[]> {
  const require = createRequire(import.meta.url);
  const { format } = require('prettier/standalone') as { format: Format };
  const plugins = [require('prettier/plugins/babel') as Plugin, require('prettier/plugins/estree') as Plugin];
  return (sources) => Promise.all(sources.map(async (s) => ({ path: s.path, text: await format(s.text, { ...OPTIONS, plugins }) })));
}
