/**
 * compareModels: every change between two models, each judged in both directions, in a stable order.
 * Pure: no I/O, the same models give the same changes.
 */
import type { ApiModel } from '../../spec/model.js';
import { compareText } from '../../spec/order.js';
import { createContext, type ContextOptions } from './context.js';
import { compareEnums } from './enums.js';
import { compareMessages } from './messages.js';
import { compareOperations } from './operations.js';
import { comparePrefixes } from './prefixes.js';
import { compareRoutes } from './routes.js';
import { compareErrorBodies } from './streams.js';
import type { Change, ChangeId, Direction } from './types.js';

export interface Comparison {
  readonly changes: readonly Change[];
  readonly notes: readonly string[];
}

export function compareModels(old: ApiModel, next: ApiModel, options: ContextOptions = {}): Comparison {
  const ctx = createContext(old, next, options);
  const prefixes = comparePrefixes(ctx);
  const operations = compareOperations(ctx);
  const covered = new Set(operations.filter((c) => c.id === 'operation-added' || c.id === 'operation-removed').map((c) => c.operation ?? ''));
  const changes = [...prefixes.changes, ...operations, ...compareRoutes(ctx, covered), ...compareErrorBodies(ctx), ...compareMessages(ctx), ...compareEnums(ctx)];
  return { changes: sortChanges(changes), notes: prefixes.notes };
}

const RANK: Readonly<Record<ChangeId, number>> = {
  'prefix-not-served': 0,
  'prefix-changed': 0,
  'operation-added': 1,
  'operation-removed': 1,
  'operation-rebound': 1,
  'operation-renamed': 1,
  'operation-alias-moved': 1,
  'operation-alias-changed': 1,
  'operation-signature-changed': 1,
  'route-added': 1,
  'route-removed': 1,
  'stream-envelope-changed': 1,
  'error-body-changed': 2,
  'message-added': 3,
  'message-removed': 3,
  'message-renamed': 3,
  'field-added': 4,
  'field-removed': 4,
  'field-type-changed': 4,
  'enum-added': 5,
  'enum-removed': 5,
  'enum-renamed': 5,
  'enum-value-added': 5,
  'enum-value-removed': 5,
};

/** What a change is about: `POST /kv/put`, `etcdserverpbPutRequest.ignore_value`, `CompareCompareTarget.LEASE`. */
export function subjectOf(change: Change): string {
  if (change.operation !== undefined) return change.operation;
  if (change.message !== undefined) return change.field !== undefined ? `${change.message}.${change.field}` : change.message;
  if (change.enum !== undefined) return change.value !== undefined ? `${change.enum}.${change.value}` : change.enum;
  return `${change.from ?? ''} → ${change.to ?? ''}`;
}

/** For a route change: what it means for the generated client of direction `d`, in words; else undefined. */
export function clientNote(change: Change, d: Direction): string | undefined {
  const impact = change.client?.[d];
  if (!impact) return undefined;
  return `generated client: ${impact.affected ? 'affected' : 'not affected'} (${impact.reason})`;
}

function sortChanges(changes: readonly Change[]): Change[] {
  return [...changes].sort(
    (a, b) => RANK[a.id] - RANK[b.id] || compareText(subjectOf(a), subjectOf(b)) || compareText(a.id, b.id) || compareText(a.text, b.text),
  );
}
