/** The JSON report: the stable schema documented in README.md ("Version compatibility"). */
import type { CompatReport } from './types.js';

export function formatJson(report: CompatReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
