/**
 * Format generated sources once, with fixed options: the user's prettier config never changes our bytes.
 * Parsed with `babel-ts`, not `typescript`: the same printer and, on everything we emit, the same bytes (every spec
 * version and option set was compared), but its parser loads and runs in about half the time (bench/RESULTS.md).
 */
import type { Options } from 'prettier';

const OPTIONS: Options = { parser: 'babel-ts', printWidth: 120, singleQuote: true, trailingComma: 'all', endOfLine: 'lf' };

export async function formatTypeScript(sources: readonly { path: string; text: string }[]): Promise<{ path: string; text: string }[]> {
  const prettier = await import('prettier');
  return Promise.all(sources.map(async (s) => ({ path: s.path, text: await prettier.format(s.text, OPTIONS) })));
}
