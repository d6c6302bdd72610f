/** Every check of an episode's history: linearizability, serializable reads, watches, values, bank, locks, mirror. */
import type { EpisodeHistory, KvInput, KvOperation, KvOutput, WatchRecord } from '../history.js';
import { createKvModel, sameKvs } from './kv-model.js';
import { checkLinearizable, type Operation } from './linearize.js';
import { createReplay, select, type Replay } from './replay.js';
import {
  COMPACTION_WATCH_BUGS,
  FUTURE_WATCH_BUGS,
  PROGRESS_ORDER_BUGS,
  STALE_READ_BUGS,
  violation,
  type Violation,
} from './violations.js';

export interface CheckStats {
  readonly ambiguousApplied: number;
  readonly ambiguousNotApplied: number;
  readonly ambiguousUnresolved: number;
  readonly idempotentAppliedTwice: number;
  readonly eventsChecked: number;
  readonly linearizability: 'ok' | 'illegal' | 'timeout' | 'skipped';
  readonly searchMs: number;
}

export interface CheckResult {
  readonly violations: readonly Violation[];
  readonly stats: CheckStats;
}

export function checkHistory(history: EpisodeHistory, searchBudgetMs = 10_000): CheckResult {
  const replay = createReplay(history.reference, history.kvPrefix);
  const violations: Violation[] = [];
  const values = checkValues(history, replay, violations);
  const lin = checkKv(history, replay, violations, searchBudgetMs);
  let eventsChecked = 0;
  for (const w of history.watches) eventsChecked += checkWatch(w, history, replay, violations);
  checkBank(history, violations);
  checkLocks(history, violations);
  checkMirrors(history, replay, violations);
  return { violations, stats: { ...values, ...lin, eventsChecked } };
}

// ---------------------------------------------------------------------------------------------------------------
// Values and linearizability

/** The unique value an operation writes, if any (puts, and the put of a txn's success branch). */
export function writtenValue(input: KvInput): string | undefined {
  if (input.kind === 'put') return input.value;
  if (input.kind === 'txn') return input.then.find((op) => op.type === 'put')?.value;
  return undefined;
}

function checkValues(history: EpisodeHistory, replay: Replay, out: Violation[]) {
  let idempotentAppliedTwice = 0;
  for (const op of history.operations) {
    const value = writtenValue(op.input);
    if (value === undefined) continue;
    const at = replay.revisionsOf(value);
    if (at.length < 2) continue;
    if (op.input.kind === 'put' && op.input.idempotent === true) idempotentAppliedTwice++;
    else out.push(violation('duplicate-value', `op ${op.id} (${op.client}) wrote ${value}, applied at revisions ${at.join(', ')}`));
  }
  return { idempotentAppliedTwice };
}

function checkKv(history: EpisodeHistory, replay: Replay, out: Violation[], budgetMs: number) {
  let ambiguousApplied = 0;
  let ambiguousNotApplied = 0;
  let ambiguousUnresolved = 0;
  const ops: (Operation<KvInput, KvOutput> & { id: number })[] = [];
  const complete = history.referenceUpTo;
  for (const op of history.operations) {
    const { input } = op;
    if (isHistoricalRead(input)) {
      if (op.outcome === 'ok') checkHistoricalRead(op, history, replay, out);
      continue;
    }
    if (input.kind === 'grant') continue;
    if (op.outcome === 'failed') continue;
    if (op.outcome === 'ok') {
      ops.push({ id: op.id, input, output: op.output, call: op.call, ret: op.ret });
      // An idempotent put that landed more than once: each extra landing is a write of its own.
      if (input.kind === 'put' && input.idempotent === true) {
        for (const rev of replay.revisionsOf(input.value)) {
          if (rev !== op.output?.revision) ops.push({ id: op.id, input, output: { revision: rev }, call: op.call, ret: Infinity });
        }
      }
      continue;
    }
    // Ambiguous: a unique value the reference saw says where it applied; not seen, it was not applied.
    const value = writtenValue(input);
    if (value !== undefined) {
      const at = replay.revisionsOf(value);
      if (at.length === 0) {
        ambiguousNotApplied++;
        continue;
      }
      ambiguousApplied++;
      for (const rev of at) {
        ops.push({ id: op.id, input, output: { revision: rev, succeeded: true }, call: op.call, ret: Infinity });
      }
      continue;
    }
    ambiguousUnresolved++;
    ops.push({ id: op.id, input, output: undefined, call: op.call, ret: Infinity });
  }
  let linearizability: CheckStats['linearizability'] = 'skipped';
  let searchMs = 0;
  if (complete > 0) {
    const model = createKvModel(replay.revisions.filter((r) => r <= complete));
    const result = checkLinearizable(model, ops, budgetMs);
    linearizability = result.verdict;
    searchMs = result.elapsedMs;
    if (result.verdict === 'illegal') {
      const stuck = result.stuck.slice(0, 6).map((i) => describe(history.operations.find((o) => o.id === ops[i]!.id)!));
      out.push(
        violation(
          'linearizability',
          `no linearization: ${result.longest} of ${ops.length} operations placed; none of these could go next: ${stuck.join('; ')}`,
          STALE_READ_BUGS,
        ),
      );
    }
  }
  return { ambiguousApplied, ambiguousNotApplied, ambiguousUnresolved, linearizability, searchMs };
}

function isHistoricalRead(input: KvInput): boolean {
  return input.kind === 'iterate' || ((input.kind === 'get' || input.kind === 'range') && input.serializable === true);
}

/**
 * A serializable read: what the store held at its revision. A paged iterate does not say its revision: it must be
 * what the store held at some revision no older than the last one any operation returned before it started.
 */
function checkHistoricalRead(op: KvOperation, history: EpisodeHistory, replay: Replay, out: Violation[]): void {
  const input = op.input as Extract<KvInput, { kind: 'get' | 'range' | 'iterate' }>;
  const selector = input.kind === 'get' ? { key: input.key } : { prefix: input.prefix };
  const got = op.output!.kvs ?? [];
  const show = (kvs: readonly { key: string; value: string; mod: number }[]): string => kvs.map((kv) => `${kv.key}=${kv.value}@${kv.mod}`).join(',') || 'nothing';
  if (input.kind !== 'iterate') {
    const revision = op.output!.revision;
    if (revision > history.referenceUpTo) return;
    const want = select(replay.stateAt(revision), selector);
    if (!sameKvs(want, got)) out.push(violation('serializable-read', `${describe(op)}: the store held ${show(want)} at ${revision}`));
    return;
  }
  const answered = history.operations.filter((o) => o.outcome === 'ok' && !isHistoricalRead(o.input) && o.output !== undefined);
  const low = Math.max(1, ...answered.filter((o) => o.ret < op.call).map((o) => o.output!.revision));
  // An operation called after the iterate returned sees a revision at least as new as the iterate's.
  const later = answered.filter((o) => o.call > op.ret).map((o) => o.output!.revision);
  const high = Math.max(low, Math.min(history.referenceUpTo, ...later));
  const candidates = [low, ...replay.revisions.filter((r) => r > low && r <= high)];
  if (!candidates.some((r) => sameKvs(select(replay.stateAt(r), selector), got))) {
    out.push(violation('stale-read', `${describe(op)}: the store held that at no revision in [${low}, ${high}]`, STALE_READ_BUGS));
  }
}

export function describe(op: KvOperation): string {
  const { input } = op;
  const what =
    input.kind === 'txn'
      ? `txn(${input.compares.map((c) => `${c.key}.${c.target}==${c.equals}`).join('&')} ? ${input.then.map((o) => `${o.type} ${o.key}`).join(',')})`
      : `${input.kind} ${'key' in input ? input.key : 'prefix' in input ? input.prefix : 'lease' in input ? (input.lease ?? '') : ''}${'value' in input ? `=${input.value}` : ''}`;
  const result = op.output !== undefined ? ` → rev ${op.output.revision}${op.output.kvs ? ` [${op.output.kvs.map((kv) => `${kv.key}=${kv.value}@${kv.mod}`).join(',')}]` : ''}${op.output.succeeded !== undefined ? ` ${op.output.succeeded}` : ''}` : ` ✗ ${op.error ?? ''}`;
  return `#${op.id} ${op.client} ${what}${result} [${op.call.toFixed(0)}–${op.ret.toFixed(0)} ms, ${op.outcome}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Watches

function checkWatch(w: WatchRecord, history: EpisodeHistory, replay: Replay, out: Violation[]): number {
  const name = `watch ${w.id} (${w.client}, ${w.transport}, from ${w.startRevision ?? `now (created ${w.created})`})`;
  const start = w.startRevision ?? (w.created !== undefined ? w.created + 1 : undefined);
  if (start === undefined) return 0;
  const futureStart = w.startRevision !== undefined && w.created !== undefined && w.startRevision > w.created + 1;
  const lossBugs = futureStart ? FUTURE_WATCH_BUGS : history.compactedTo > 0 ? COMPACTION_WATCH_BUGS : [];
  const ev = w.events;
  for (let i = 1; i < ev.length; i++) {
    if (ev[i]!.mod < ev[i - 1]!.mod) {
      out.push(violation('watch-ordered', `${name}: revision ${ev[i]!.mod} after ${ev[i - 1]!.mod}`, lossBugs));
      break;
    }
  }
  const seen = new Set<string>();
  for (const e of ev) {
    const id = `${e.mod}/${e.key}`;
    if (seen.has(id)) {
      out.push(violation('watch-unique', `${name}: ${e.type} ${e.key}@${e.mod} delivered twice`, lossBugs));
      break;
    }
    seen.add(id);
  }
  for (const p of w.progress) {
    const early = ev.slice(p.afterEvents).find((e) => e.mod <= p.revision);
    if (early !== undefined) {
      out.push(violation('watch-bookmarkable', `${name}: event ${early.key}@${early.mod} came after progress at ${p.revision}`, PROGRESS_ORDER_BUGS));
      break;
    }
  }
  const last = Math.min(history.referenceUpTo, Math.max(0, ...ev.map((e) => e.mod), ...w.progress.map((p) => p.revision)));
  const want = history.reference.filter((e) => e.key.startsWith(w.prefix) && e.mod >= start && e.mod <= last);
  const got = ev.filter((e) => e.mod <= last);
  const text = (e: { type: string; key: string; value: string; mod: number }): string => `${e.type} ${e.key}=${e.value}@${e.mod}`;
  const mismatch = firstMismatch(want.map(text), got.map(text));
  if (mismatch !== undefined) {
    const i = mismatch;
    const wantRev = want[i]?.mod;
    const gotRev = got[i]?.mod;
    const partial = wantRev !== undefined && gotRev !== undefined && wantRev === gotRev;
    const kind = i === 0 ? 'watch-resumable' : partial ? 'watch-atomic' : 'watch-reliable';
    // Only the tail is missing, past the last event but within a progress answer: the server vouched for
    // revisions whose events it had not sent yet (requested-progress ordering), and the watch ended meanwhile.
    const lastEvent = Math.max(0, ...ev.map((e) => e.mod));
    const tailAfterProgress = i === got.length && want[i] !== undefined && want[i]!.mod > lastEvent;
    out.push(
      violation(
        kind,
        `${name}: event ${i} is ${got[i] ? text(got[i]!) : 'missing'}, the members persisted ${want[i] ? text(want[i]!) : 'nothing more'} (up to ${last})`,
        tailAfterProgress ? PROGRESS_ORDER_BUGS : lossBugs,
      ),
    );
  }
  if (w.prevKv) {
    for (const e of got) {
      const prev = replay.stateAt(e.mod - 1).get(e.key);
      // etcd reads prevKv at mod - 1 when it sends the event, and leaves it out once that revision is compacted.
      if (e.prevValue === undefined && e.mod - 1 <= history.compactedTo) continue;
      if (prev?.value !== e.prevValue || (prev !== undefined && prev.mod !== e.prevMod)) {
        out.push(violation('watch-prev-kv', `${name}: ${text(e)} has prevKv ${e.prevValue}@${e.prevMod}, the store held ${prev ? `${prev.value}@${prev.mod}` : 'nothing'}`));
        break;
      }
    }
  }
  if (w.end && 'error' in w.end && w.end.compactRevision !== undefined) {
    const needed = ev.length > 0 ? ev[ev.length - 1]!.mod + 1 : start;
    if (needed > history.compactedTo + 1 && needed > w.end.compactRevision + 1) {
      out.push(violation('watch-compacted', `${name}: ended compacted at ${w.end.compactRevision} while it needed ${needed} (compacted to ${history.compactedTo})`));
    }
  }
  return got.length;
}

function firstMismatch(a: readonly string[], b: readonly string[]): number | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Bank, locks, mirror

function checkBank(history: EpisodeHistory, out: Violation[]): void {
  const bank = history.bank;
  if (bank === undefined) return;
  const balances = new Map<string, number>();
  let rev = 0;
  let funded = false;
  const audit = (): void => {
    if (!funded) return;
    const total = [...balances.values()].reduce((a, b) => a + b, 0);
    if (total !== bank.total) out.push(violation('bank-total', `the bank held ${total} at revision ${rev}, not ${bank.total}`));
  };
  for (const e of history.reference) {
    if (!e.key.startsWith(bank.prefix)) continue;
    if (e.mod !== rev) {
      audit();
      rev = e.mod;
    }
    if (e.type === 'DELETE') balances.delete(e.key);
    else balances.set(e.key, Number(e.value));
    if ([...balances.values()].reduce((a, b) => a + b, 0) === bank.total) funded = true;
  }
  audit();
  if (bank.finalTotal !== undefined && bank.finalTotal !== bank.total) {
    out.push(violation('bank-total', `the bank's accounts summed to ${bank.finalTotal} at the end, not ${bank.total}`));
  }
}

function checkLocks(history: EpisodeHistory, out: Violation[]): void {
  const holds = [...history.locks].sort((a, b) => a.enter - b.enter);
  for (let i = 1; i < holds.length; i++) {
    const a = holds[i - 1]!;
    const b = holds[i]!;
    if (b.enter < a.exit) {
      out.push(violation('lock-overlap', `${b.client} entered at ${b.enter.toFixed(1)} ms while ${a.client} held the lock until ${a.exit.toFixed(1)} ms`));
    }
    if (b.fence <= a.fence) {
      out.push(violation('lock-fencing', `${b.client}'s fencing revision ${b.fence} does not follow ${a.client}'s ${a.fence}`));
    }
  }
}

function checkMirrors(history: EpisodeHistory, replay: Replay, out: Violation[]): void {
  for (const m of history.mirrors) {
    if (m.revision > history.referenceUpTo) continue;
    const want = replay.stateAt(m.revision);
    const wantText = [...want.values()].map((kv) => `${kv.key}=${kv.value}@${kv.mod}`).sort().join(',');
    const gotText = [...m.entries].map(([k, v]) => `${k}=${v.value}@${v.mod}`).sort().join(',');
    if (wantText !== gotText) {
      out.push(violation('mirror', `the mirror at revision ${m.revision} held {${gotText}}, the store {${wantText}}`));
    }
  }
}
