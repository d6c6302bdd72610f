/** What the CLI says after `generate`, and its exit code (shared by the CLI and the no-op fast path). */
import type { GenerateResult } from './generate.js';

export function report(result: GenerateResult): number {
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  switch (result.status) {
    case 'check-failed': {
      const d = result.diff!;
      const lines = [...d.missing.map((p) => `  missing  ${p}`), ...d.changed.map((p) => `  changed  ${p}`), ...d.extra.map((p) => `  extra    ${p}`)];
      process.stderr.write(`${result.out} is not what would be generated:\n${lines.join('\n')}\nRun the same command without --check to update it.\n`);
      return 1;
    }
    case 'check-passed':
      process.stdout.write(`${result.out} is up to date (${result.files.length} files)\n`);
      return 0;
    case 'unchanged':
      process.stdout.write(`${result.out} is up to date; nothing to do\n`);
      return 0;
    default:
      process.stdout.write(`wrote ${result.files.length} files to ${result.out}\n`);
      return 0;
  }
}
