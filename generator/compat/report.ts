/** The report compat returns (and prints as JSON), its summary, and the exit code a threshold gives. */
import { OptionError } from '../../spec/errors.js';
import type { Comparison } from './compare.js';
import { atLeast, LEVELS, type Change, type CompatReport, type CompatSide, type Direction, type Level, type PrefixMode } from './types.js';

export type FailOn = Level | 'none';
export type DirectionOption = Direction | 'both';

export function buildReport(old: CompatSide, next: CompatSide, comparison: Comparison, prefixMode: PrefixMode, notes: readonly string[] = []): CompatReport {
  const count = (d: Direction) => Object.fromEntries(LEVELS.map((l) => [l, comparison.changes.filter((c) => c.level[d] === l).length])) as Record<Level, number>;
  return {
    old,
    new: next,
    prefixMode,
    notes: [...notes, ...comparison.notes],
    summary: { A: count('A'), B: count('B') },
    changes: comparison.changes.map(inSchemaOrder),
  };
}

const OPTIONAL_KEYS = ['operation', 'message', 'field', 'enum', 'value', 'from', 'to'] as const;

/** The keys of a change in the documented order, so that the JSON output reads the same every time. */
function inSchemaOrder(change: Change): Change {
  const optional = Object.fromEntries(OPTIONAL_KEYS.filter((k) => change[k] !== undefined).map((k) => [k, change[k]]));
  const client = change.client ? { client: { A: { ...change.client.A }, B: { ...change.client.B } } } : {};
  return { id: change.id, level: { A: change.level.A, B: change.level.B }, reason: { A: change.reason.A, B: change.reason.B }, ...client, ...optional, text: change.text };
}

/** 1 when a change at or above `failOn` exists in the chosen direction(s), else 0. */
export function exitCodeFor(report: CompatReport, failOn: FailOn = 'ERR', direction: DirectionOption = 'both'): 0 | 1 {
  if (failOn === 'none') return 0;
  const directions: Direction[] = direction === 'both' ? ['A', 'B'] : [direction];
  return report.changes.some((c) => directions.some((d) => atLeast(c.level[d], failOn))) ? 1 : 0;
}

export function parseFailOn(value: string): FailOn {
  const upper = value.toUpperCase();
  if (upper === 'NONE') return 'none';
  if ((LEVELS as readonly string[]).includes(upper)) return upper as Level;
  throw new OptionError('--fail-on', `must be ERR, WARN, INFO or none, not ${JSON.stringify(value)}`);
}

export function parseDirection(value: string): DirectionOption {
  const v = value === 'both' ? 'both' : value.toUpperCase();
  if (v === 'A' || v === 'B' || v === 'both') return v;
  throw new OptionError('--direction', `must be A, B or both, not ${JSON.stringify(value)}`);
}
