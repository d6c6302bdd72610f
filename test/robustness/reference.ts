/**
 * Reference watchers: one per member, straight to it (no proxy), over every key from revision 1. Together they
 * give the order in which the members persisted every write. A killed member's watcher resumes when it is back;
 * the compactor never compacts past the slowest of them, so no resume meets a compaction.
 */
import { createClient } from '../../generated/index.js';
import type { ReferenceEvent } from './history.js';
import { errorText, toKv } from './traffic.js';

export interface ReferenceWatcher {
  readonly member: string;
  readonly events: ReferenceEvent[];
  /** The last revision delivered. */
  last: number;
  error: string | undefined;
  stop(): Promise<void>;
}

export function startReference(member: string, url: string): ReferenceWatcher {
  const client = createClient({ endpoints: url, WebSocket: null, retry: { deadlineMs: 60_000, initialBackoffMs: 50, maxBackoffMs: 250 } });
  const abort = new AbortController();
  const ref: ReferenceWatcher = {
    member,
    events: [],
    last: 1,
    error: undefined,
    async stop() {
      abort.abort();
      await done;
      client.close();
    },
  };
  const done = (async () => {
    try {
      for await (const e of client.watchEvents({ key: '\0', rangeEnd: '\0', startRevision: 1, signal: abort.signal })) {
        const kv = e.kv!;
        ref.events.push({ type: e.type === 'DELETE' ? 'DELETE' : 'PUT', ...toKv(kv) });
        ref.last = Number(kv.modRevision);
      }
    } catch (error) {
      if (!abort.signal.aborted) ref.error = errorText(error);
    }
  })();
  return ref;
}

/**
 * The watchers merged: each revision's events from the first watcher that has it, and the highest revision up to
 * which every revision is covered. Watchers that disagree on a revision are a finding of their own.
 */
export function mergeReference(watchers: readonly ReferenceWatcher[]): { events: ReferenceEvent[]; upTo: number; disagreements: string[] } {
  const byRevision = new Map<number, ReferenceEvent[]>();
  const disagreements: string[] = [];
  for (const w of watchers) {
    const mine = new Map<number, ReferenceEvent[]>();
    for (const e of w.events) {
      const list = mine.get(e.mod) ?? [];
      list.push(e);
      mine.set(e.mod, list);
    }
    for (const [rev, events] of mine) {
      const have = byRevision.get(rev);
      if (have === undefined) byRevision.set(rev, events);
      else if (JSON.stringify(have) !== JSON.stringify(events)) disagreements.push(`revision ${rev}: ${w.member} differs`);
    }
  }
  let upTo = 1;
  while (byRevision.has(upTo + 1)) upTo++;
  const events = [...byRevision.keys()].sort((a, b) => a - b).flatMap((rev) => byRevision.get(rev)!);
  return { events, upTo, disagreements };
}
