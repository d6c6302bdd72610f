// Watch streams as etcd's server runs them: creates (client-chosen ids honoured), catch-up from a past revision,
// the compacted cancel, filters, prev_kv, cancels, requested progress and progress notifications, every event of a
// revision in one message.
import { MAX_REQUEST_BYTES } from './failure.js';
import type { KvContext } from './kv.js';
import { kvJson } from './kv.js';
import type { Revision, StoreEvent } from './store.js';
import type { FakeStream } from './stream.js';
import { bytes, compact, field, flag, int, object, type Json } from './wire.js';

export interface WatchContext extends KvContext {
  /** The failure a watch create meets under auth (a missing or bad token, no read permission), if any. */
  refusal(key: string, end: string): string | undefined;
  /** Progress notifications: called with a function to run on each notify tick; returns the unsubscribe. */
  onProgressTick(tick: () => void): () => void;
  readonly gauges: { watchers: number; watchStreams: number };
}

interface Watcher {
  readonly id: number;
  readonly key: string;
  readonly end: string;
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly fragment: boolean;
  readonly stop: () => void;
}

function matches(w: Watcher, e: StoreEvent): boolean {
  if ((e.type === 'PUT' && w.noPut) || (e.type === 'DELETE' && w.noDelete)) return false;
  const k = e.kv.key;
  if (w.end === '') return k === w.key;
  return k >= w.key && (w.end === '\0' || k < w.end);
}

function eventJson(w: Watcher, e: StoreEvent): Json {
  return compact({
    type: e.type === 'DELETE' ? 'DELETE' : undefined,
    kv: kvJson(e.kv),
    prev_kv: w.prevKv && e.prev ? kvJson(e.prev) : undefined,
  });
}

/** Serves one watch stream: the request objects of its body (more may come from a websocket). */
export function createWatchSession(ctx: WatchContext, stream: FakeStream): (request: Json) => void {
  const watchers = new Map<number, Watcher>();
  let nextId = 0;
  ctx.gauges.watchStreams++;
  stream.onClose(() => {
    for (const w of watchers.values()) w.stop();
    ctx.gauges.watchers -= watchers.size;
    ctx.gauges.watchStreams--;
    watchers.clear();
  });
  // One message per revision live; one for the whole catch-up, as etcd's unsynced watchers send it. With `fragment`
  // a message over etcd's max request size (1.5 MiB) is split, every part but the last marked `fragment`.
  const send = (w: Watcher, revisions: readonly Revision[]): void => {
    const events = revisions.flatMap((r) => r.events.filter((e) => matches(w, e)).map((e) => eventJson(w, e)));
    if (events.length === 0) return;
    const parts: Json[][] = [[]];
    let size = 0;
    for (const event of events) {
      const bytes = JSON.stringify(event).length;
      if (w.fragment && size + bytes > MAX_REQUEST_BYTES && parts[parts.length - 1]!.length > 0) {
        parts.push([]);
        size = 0;
      }
      parts[parts.length - 1]!.push(event);
      size += bytes;
    }
    parts.forEach((part, i) =>
      stream.push(
        compact({ header: ctx.header(), watch_id: String(w.id), events: part, fragment: i < parts.length - 1 }),
      ),
    );
  };

  const create = (request: Json): void => {
    const key = bytes(request, 'key');
    const end = bytes(request, 'range_end');
    const given = field(request, 'watch_id');
    let watchId = given !== undefined && Number(given) !== 0 ? Number(given) : -1;
    if (watchId < 0) while (watchers.has(nextId)) nextId++;
    if (watchId < 0) watchId = nextId++;
    const idJson = String(watchId);
    const refused = ctx.refusal(key, end);
    if (refused !== undefined) {
      stream.push(compact({ header: ctx.header(), watch_id: idJson, created: true }));
      stream.push(compact({ header: ctx.header(), watch_id: idJson, canceled: true, cancel_reason: refused }));
      return;
    }
    const filters = ((field(request, 'filters') as unknown[] | undefined) ?? []).map(String);
    const start = int(request, 'start_revision');
    stream.push(compact({ header: ctx.header(), watch_id: idJson, created: true }));
    if (start > 0 && start < ctx.store.compacted) {
      stream.push(
        compact({
          header: ctx.header(),
          watch_id: idJson,
          canceled: true,
          compact_revision: String(ctx.store.compacted),
        }),
      );
      return;
    }
    let last = start > 0 ? start - 1 : ctx.store.revision;
    const unsubscribe = ctx.store.subscribe((revision) => {
      if (revision.rev <= last) return;
      last = revision.rev;
      send(w, [revision]);
    });
    const untick = flag(request, 'progress_notify')
      ? ctx.onProgressTick(() => stream.push({ header: ctx.header(), watch_id: idJson }))
      : () => {};
    const w: Watcher = {
      id: watchId,
      key,
      end,
      prevKv: flag(request, 'prev_kv'),
      noPut: filters.includes('NOPUT') || filters.includes('0'),
      noDelete: filters.includes('NODELETE') || filters.includes('1'),
      fragment: flag(request, 'fragment'),
      stop: () => {
        unsubscribe();
        untick();
      },
    };
    watchers.set(watchId, w);
    ctx.gauges.watchers++;
    const catchUp = ctx.store.since(last + 1);
    if (catchUp.length > 0) last = catchUp[catchUp.length - 1]!.rev;
    send(w, catchUp);
  };

  return (request) => {
    const createRequest = object(request, 'create_request');
    if (createRequest) return create(createRequest);
    const cancel = object(request, 'cancel_request');
    if (cancel) {
      const watchId = int(cancel, 'watch_id');
      const w = watchers.get(watchId);
      if (!w) return;
      w.stop();
      watchers.delete(watchId);
      ctx.gauges.watchers--;
      stream.push(compact({ header: ctx.header(), watch_id: String(watchId), canceled: true }));
      return;
    }
    if (object(request, 'progress_request')) stream.push({ header: ctx.header(), watch_id: '-1' });
  };
}
