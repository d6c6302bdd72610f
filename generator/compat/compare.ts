/**
 * compareModels: every change between two models, each judged in both directions, in a stable order.
 * Pure: no I/O, the same models give the same changes.
 */
import type { ApiModel } from '../../spec/model.js';
import { createContext, type ContextOptions } from './context.js';
import { compareEnums } from './enums.js';
import { compareMessages } from './messages.js';
import { compareOperations } from './operations.js';
import { comparePrefixes } from './prefixes.js';
import { compareErrorBodies } from './streams.js';
import type { Change, ChangeId } from './types.js';

export interface Comparison {
  readonly changes: readonly Change[];
  readonly notes: readonly string[];
}

export function compareModels(old: ApiModel, next: ApiModel, options: ContextOptions = {}): Comparison {
  const ctx = createContext(old, next, options);
  const prefixes = comparePrefixes(ctx);
  const changes = [...prefixes.changes, ...compareOperations(ctx), ...compareErrorBodies(ctx), ...compareMessages(ctx), ...compareEnums(ctx)];
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

function sortChanges(changes: readonly Change[]): Change[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...changes].sort((a, b) => RANK[a.id] - RANK[b.id] || text(subjectOf(a), subjectOf(b)) || text(a.id, b.id) || text(a.text, b.text));
}
