/**
 * Wing & Gong's linearizability search with Lowe's cache, as porcupine (github.com/anishathalye/porcupine) does
 * it: walk the history's call and return entries in time order; at a call, try to linearize that operation now
 * (the model accepts its output from the current state), lift it out and start again from the head; at a return
 * whose operation is not linearized yet, undo the last choice. A (set of linearized operations, state) pair seen
 * before is not explored again. The model is nondeterministic: a step gives every possible next state (a write
 * whose outcome is unknown forks: applied or not), and the search carries the set of them, as etcd's robustness
 * model does. The search is bounded in time: past the budget the verdict is 'timeout', never 'ok'.
 */

export interface Model<S, I, O> {
  readonly init: readonly S[];
  /** Every state `input` can lead to from `state` when it answered `output` (undefined: the answer is unknown). */
  step(state: S, input: I, output: O | undefined): S[];
  hash(state: S): string;
}

export interface Operation<I, O> {
  readonly input: I;
  readonly output: O | undefined;
  readonly call: number;
  /** Infinity for an operation that may take effect any time after its call (a failed write). */
  readonly ret: number;
}

export interface SearchResult {
  readonly verdict: 'ok' | 'illegal' | 'timeout';
  /** Most operations linearized on one path. */
  readonly longest: number;
  /** Where the longest path got stuck: indexes of the operations none of which could go next. */
  readonly stuck: readonly number[];
  readonly elapsedMs: number;
  readonly steps: number;
}

interface Entry {
  readonly call: boolean;
  readonly id: number;
  readonly time: number;
  match: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

export function checkLinearizable<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  budgetMs: number,
): SearchResult {
  const started = performance.now();
  const head = buildList(ops);
  const words = Math.ceil(ops.length / 32) || 1;
  const linearized = new Uint32Array(words);
  // Zobrist keys: the set's hash moves by one xor per operation linearized or undone.
  const zobrist = ops.map((_, i) => (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(i + 7, 0x85ebca6b)) >>> 0);
  let setHash = 0;
  const cache = new Map<string, Uint32Array[]>();
  const calls: { entry: Entry; states: S[] }[] = [];
  let states: S[] = dedupe(model, [...model.init]);
  let entry = head.next;
  let longest = 0;
  let stuck: number[] = [];
  let steps = 0;

  const result = (verdict: SearchResult['verdict']): SearchResult => ({
    verdict,
    longest,
    stuck,
    elapsedMs: performance.now() - started,
    steps,
  });

  while (head.next !== undefined) {
    if (++steps % 1024 === 0 && performance.now() - started > budgetMs) return result('timeout');
    if (entry === undefined) throw new Error('linearize: walked past the end of the history');
    if (entry.call) {
      const op = ops[entry.id]!;
      const next = dedupe(
        model,
        states.flatMap((s) => model.step(s, op.input, op.output)),
      );
      let advanced = false;
      if (next.length > 0) {
        const bit = 1 << (entry.id % 32);
        const word = entry.id >> 5;
        linearized[word]! |= bit;
        const key = `${(setHash ^ zobrist[entry.id]!) >>> 0}|${next.map((s) => model.hash(s)).join('#')}`;
        const seen = cache.get(key);
        if (seen === undefined || !seen.some((set) => equalSets(set, linearized))) {
          if (seen === undefined) cache.set(key, [linearized.slice()]);
          else seen.push(linearized.slice());
          calls.push({ entry, states });
          states = next;
          setHash = (setHash ^ zobrist[entry.id]!) >>> 0;
          lift(entry);
          advanced = true;
          if (calls.length > longest) {
            longest = calls.length;
            stuck = [];
          }
          entry = head.next;
        } else {
          linearized[word]! &= ~bit;
        }
      }
      if (!advanced) entry = entry.next;
    } else {
      if (calls.length === longest && stuck.length === 0) stuck = pendingCalls(head, entry);
      const top = calls.pop();
      if (top === undefined) return result('illegal');
      entry = top.entry;
      states = top.states;
      linearized[entry.id >> 5]! &= ~(1 << (entry.id % 32));
      setHash = (setHash ^ zobrist[entry.id]!) >>> 0;
      unlift(entry);
      entry = entry.next;
    }
  }
  return result('ok');
}

function dedupe<S>(model: Model<S, unknown, unknown>, states: S[]): S[] {
  if (states.length < 2) return states;
  const byHash = new Map<string, S>();
  for (const s of states) byHash.set(model.hash(s), s);
  return [...byHash.keys()].sort().map((h) => byHash.get(h)!);
}

function equalSets(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The calls still in the list before `until`: what could have gone next. */
function pendingCalls(head: Entry, until: Entry): number[] {
  const ids: number[] = [];
  for (let e = head.next; e !== undefined && e !== until; e = e.next) if (e.call) ids.push(e.id);
  return ids;
}

function buildList<I, O>(ops: readonly Operation<I, O>[]): Entry {
  const entries: Entry[] = [];
  ops.forEach((op, id) => {
    if (!(op.ret >= op.call)) throw new Error(`linearize: operation ${id} returns (${op.ret}) before its call (${op.call})`);
    const call: Entry = { call: true, id, time: op.call, match: undefined, prev: undefined, next: undefined };
    const ret: Entry = { call: false, id, time: op.ret, match: undefined, prev: undefined, next: undefined };
    call.match = ret;
    entries.push(call, ret);
  });
  // Time order; at a tie the call goes first, so the two operations count as concurrent (the lenient reading).
  entries.sort((a, b) => a.time - b.time || (a.call === b.call ? 0 : a.call ? -1 : 1));
  const head: Entry = { call: false, id: -1, time: -Infinity, match: undefined, prev: undefined, next: undefined };
  let last = head;
  for (const e of entries) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

function lift(entry: Entry): void {
  entry.prev!.next = entry.next;
  entry.next!.prev = entry.prev;
  const match = entry.match!;
  match.prev!.next = match.next;
  if (match.next !== undefined) match.next.prev = match.prev;
}

function unlift(entry: Entry): void {
  const match = entry.match!;
  match.prev!.next = match;
  if (match.next !== undefined) match.next.prev = match;
  entry.prev!.next = entry;
  entry.next!.prev = entry;
}
