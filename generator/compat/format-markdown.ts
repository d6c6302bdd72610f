/** The markdown report: the sides, a summary table and one table row per change (for PR comments and CI summaries). */
import { clientNote, subjectOf } from './compare.js';
import type { CompatReport, CompatSide, Direction } from './types.js';

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

export function formatMarkdown(report: CompatReport): string {
  const serverMode = report.new.server !== undefined;
  const directions: Direction[] = serverMode ? ['A'] : ['A', 'B'];
  const lines = [
    `## etcd-gateway-codegen compat: ${code(report.old.label)} → ${code(report.new.label)}`,
    '',
    '| side | spec | etcd version | prefix | files |',
    '|---|---|---|---|---|',
    sideRow(serverMode ? 'client' : 'old', report.old),
    sideRow(serverMode ? 'server' : 'new', report.new),
    '',
    serverMode
      ? `**A**: a client built from ${code(report.old.label)} talking to ${report.new.server!.url} (etcd ${report.new.server!.version}).`
      : '**A**: a client built from the old spec talking to a new server · **B**: a client built from the new spec talking to an old server.',
    report.prefixMode === 'auto'
      ? "Prefixes are judged for a client that picks its prefix at run time (prefix `'auto'`)."
      : "Prefixes are judged for a client that sends its spec's prefix; a generated client with prefix `'auto'` picks the server's.",
    '',
    '| direction | ERR | WARN | INFO |',
    '|---|---|---|---|',
    ...directions.map((d) => `| ${d} | ${report.summary[d].ERR} | ${report.summary[d].WARN} | ${report.summary[d].INFO} |`),
    '',
    ...report.notes.map((n) => `> ${cell(n)}`),
    ...(report.notes.length ? [''] : []),
    `| ${directions.join(' | ')} | check | subject | change | ${directions.map((d) => `why (${d})`).join(' | ')} |`,
    `|${'---|'.repeat(directions.length * 2 + 3)}`,
    ...report.changes.map(
      (c) => `| ${directions.map((d) => `**${c.level[d]}**`).join(' | ')} | ${code(c.id)} | ${code(subjectOf(c))} | ${cell(c.text)} | ${directions.map((d) => cell([c.reason[d], clientNote(c, d)].filter(Boolean).join('; '))).join(' | ')} |`,
    ),
  ];
  if (report.changes.length === 0) lines.push('', '_No changes._');
  return `${lines.join('\n')}\n`;
}

function sideRow(name: string, s: CompatSide): string {
  return `| ${name} | ${code(s.label)} | ${s.version ?? '—'} | ${s.prefix ? code(s.prefix) : '—'} | ${s.files.join(', ') || '—'} |`;
}
