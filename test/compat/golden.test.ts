/**
 * Golden text and markdown reports. They change only deliberately: after a change to compat's wording or
 * rules, look at the diff of `UPDATE_GOLDEN=1 npx vitest run test/compat/golden.test.ts` and commit it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compat, formatReport, type CompatFormat } from '../../generator/index.js';
import { specsDir } from '../helpers/specs.js';

const GOLDEN_DIR = join(import.meta.dirname, 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

const CASES: [old: string, next: string, format: CompatFormat, file: string][] = [
  ['3.2.32', '3.3.12', 'text', '3.2.32-to-3.3.12.txt'],
  ['3.2.32', '3.3.12', 'markdown', '3.2.32-to-3.3.12.md'],
  ['3.5.33', '3.6.14', 'text', '3.5.33-to-3.6.14.txt'],
  ['3.5.33', '3.6.14', 'markdown', '3.5.33-to-3.6.14.md'],
];

describe.each(CASES)('compat etcd@%s etcd@%s --format %s', (old, next, format, file) => {
  it(`matches golden/${file}`, async () => {
    const report = await compat({ old: `etcd@${old}`, new: `etcd@${next}`, specDir: specsDir });
    const text = formatReport(report, format);
    const path = join(GOLDEN_DIR, file);
    if (update) writeFileSync(path, text);
    expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 once`).toBe(true);
    expect(text).toBe(readFileSync(path, 'utf8'));
  });
});
