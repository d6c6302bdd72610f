/** The text report: one block per change, levels coloured when writing to a terminal. */
import { clientNote, subjectOf } from './compare.js';
import type { Change, CompatReport, CompatSide, Direction, Level } from './types.js';

export interface TextOptions {
  /** ANSI colours for the levels (the CLI turns them on for a TTY unless NO_COLOR is set). */
  readonly color?: boolean;
}

const COLORS: Readonly<Record<Level, string>> = { ERR: '\u001b[31;1m', WARN: '\u001b[33m', INFO: '\u001b[2m' };
const RESET = '\u001b[0m';

export function formatText(report: CompatReport, options: TextOptions = {}): string {
  const paint = (level: Level, width = 5) => (options.color ? `${COLORS[level]}${level}${RESET}${' '.repeat(width - level.length)}` : level.padEnd(width));
  const serverMode = report.new.server !== undefined;
  const directions: Direction[] = serverMode ? ['A'] : ['A', 'B'];
  const lines = [...heading(report), ''];
  if (serverMode) lines.push(...serverSummary(report), '');
  lines.push(`${directions.join('     ')}     change`);
  for (const change of report.changes) {
    lines.push(`${directions.map((d) => paint(change.level[d])).join(' ')} ${change.id}  ${subjectOf(change)}`);
    const indent = ' '.repeat(directions.length * 6);
    lines.push(`${indent}${change.text}`);
    for (const d of directions) {
      lines.push(`${indent}${serverMode ? '' : `${d}: `}${change.reason[d]}`);
      const client = clientNote(change, d);
      if (client) lines.push(`${indent}${serverMode ? '' : '   '}${client}`);
    }
  }
  if (report.changes.length === 0) lines.push('(no changes)');
  lines.push('', ...report.notes.map((n) => `note: ${n}`), summaryLine(report, directions));
  return `${lines.join('\n')}\n`;
}

function side(s: CompatSide): string {
  const facts = [s.version ? `etcd ${s.version}` : 'etcd version unknown', s.prefix ? `prefix ${s.prefix}` : 'no prefix'];
  return `${s.label} (${facts.join(', ')})`;
}

function heading(report: CompatReport): string[] {
  const prefixes =
    report.prefixMode === 'auto'
      ? "Prefixes judged for a client that picks its prefix at run time (prefix 'auto')."
      : "Prefixes judged for a client that sends its spec's prefix (--prefix spec); a generated client with prefix 'auto' picks the server's.";
  if (report.new.server) {
    const specs = report.new.version ? `specs of etcd ${report.new.version}` : 'no specs';
    return [
      `compat: a client built from ${side(report.old)}`,
      `   against ${report.new.server.url} (etcd ${report.new.server.version}; ${specs})`,
      prefixes,
    ];
  }
  return [
    `compat: ${side(report.old)} → ${side(report.new)}`,
    'A: a client built from the old spec talking to a new server',
    'B: a client built from the new spec talking to an old server',
    prefixes,
  ];
}

/** `compat --server`: the three questions first: prefix, missing operations, ignored fields. */
function serverSummary(report: CompatReport): string[] {
  const by = (pred: (c: Change) => boolean) => report.changes.filter(pred);
  const prefix = by((c) => c.id === 'prefix-not-served');
  const missing = by((c) => c.level.A === 'ERR' && c.id.startsWith('operation-'));
  const ignored = by((c) => c.id === 'field-removed' && c.level.A !== 'INFO' && c.reason.A.includes('ignores'));
  return [
    `prefix: ${prefix.length ? prefix.map((c) => c.reason.A).join('; ') : `${report.old.prefix ?? '(none)'} or 'auto': served`}`,
    `operations the server cannot serve as this client calls them: ${missing.length ? missing.map((c) => c.operation).join(', ') : 'none'}`,
    `request fields the server ignores: ${ignored.length ? ignored.map((c) => subjectOf(c)).join(', ') : 'none'}`,
  ];
}

function summaryLine(report: CompatReport, directions: readonly Direction[]): string {
  const one = (d: Direction) => `${d}: ${report.summary[d].ERR} ERR, ${report.summary[d].WARN} WARN, ${report.summary[d].INFO} INFO`;
  return `summary: ${directions.map(one).join(' · ')}`;
}
