/**
 * What compat reports: every change between two models, each judged for both directions.
 *
 * A: a client built from the old spec talking to a new server.
 * B: a client built from the new spec talking to an old server.
 */

/** ERR: every caller of the operation breaks. WARN: callers using that field or value break, or are silently not honoured. INFO: wire-compatible. */
export type Level = 'ERR' | 'WARN' | 'INFO';
export type Direction = 'A' | 'B';

export const LEVELS: readonly Level[] = ['INFO', 'WARN', 'ERR'];

/** Stable check names: the `id` of each change. */
export type ChangeId =
  | 'prefix-not-served'
  | 'prefix-changed'
  | 'operation-added'
  | 'operation-removed'
  | 'operation-rebound'
  | 'operation-renamed'
  | 'operation-alias-moved'
  | 'operation-alias-changed'
  | 'operation-signature-changed'
  | 'route-added'
  | 'route-removed'
  | 'enum-renamed'
  | 'message-added'
  | 'message-removed'
  | 'message-renamed'
  | 'field-added'
  | 'field-removed'
  | 'field-type-changed'
  | 'enum-added'
  | 'enum-removed'
  | 'enum-value-added'
  | 'enum-value-removed'
  | 'stream-envelope-changed'
  | 'error-body-changed';

export interface Change {
  readonly id: ChangeId;
  readonly level: { readonly A: Level; readonly B: Level };
  readonly reason: { readonly A: string; readonly B: string };
  /**
   * Only for route changes, whose `level` is what a raw-route user gets: whether the client generated from
   * each direction's spec is affected, and which route it calls.
   */
  readonly client?: { readonly A: ClientImpact; readonly B: ClientImpact };
  /** The canonical route: `POST /kv/put` (for a route change: that route). */
  readonly operation?: string;
  /** The spec's definition name: `etcdserverpbPutRequest`. */
  readonly message?: string;
  /** The wire name: `ignore_value`. */
  readonly field?: string;
  /** The spec's definition name: `CompareCompareTarget`. */
  readonly enum?: string;
  readonly value?: string;
  readonly from?: string;
  readonly to?: string;
  /** One line saying what changed. */
  readonly text: string;
}

/** What a route change means for the generated client of one direction. */
export interface ClientImpact {
  readonly affected: boolean;
  /** The route it calls: `POST /kv/lease/revoke`; null when that side has no such RPC. */
  readonly route: string | null;
  readonly reason: string;
}

/** One side of the comparison. */
export interface CompatSide {
  /** As given: a path or `etcd@3.4.45`. */
  readonly label: string;
  /** The etcd version of the spec, when known. */
  readonly version: string | null;
  /** The spec files' names. */
  readonly files: readonly string[];
  /** The path prefix the spec's routes use (`/v3`), or null when it has none. */
  readonly prefix: string | null;
  /** Only for the server side of `compat --server`: the server and the version it reported. */
  readonly server?: { readonly url: string; readonly version: string };
}

export interface CompatReport {
  readonly old: CompatSide;
  readonly new: CompatSide;
  /** How prefix findings were judged: `spec` (the client sends its spec's prefix) or `auto` (chosen at run time). */
  readonly prefixMode: PrefixMode;
  /** Decisions compat took that a reader should know (a nearest spec version used for a server). */
  readonly notes: readonly string[];
  readonly summary: { readonly A: Record<Level, number>; readonly B: Record<Level, number> };
  readonly changes: readonly Change[];
}

export type PrefixMode = 'spec' | 'auto';

/** The levels of a change, highest first, and helpers to combine judgements. */
export function maxLevel(...levels: readonly Level[]): Level {
  return levels.reduce<Level>((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a), 'INFO');
}

export function atLeast(level: Level, threshold: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
}
