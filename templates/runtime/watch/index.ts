// `client.watchEvents(options)`: the events of a key or range as an async iterable that survives drops. After a
// server restart, a killed or dead socket, an endpoint going down or a stream error, the watch is re-created
// (after a jittered backoff, on the next endpoint when the current one failed) from one past the last delivered
// revision, so no event is lost or repeated; the events of one revision always come together, in order.
import { retryBackoff } from '../core/backoff.js';
import { prefixRange, stripWatchResponse } from '../core/keyspace.js';
import type { Transport } from '../types.js';
import { closedByClient } from './channel.js';
import { createWatchHub } from './hub.js';
import { watchTarget } from './request.js';
import type { WatchRetryOptions } from './retry.js';
import { createWatchRun, type WatchRun } from './run.js';
import type {
  EncodeWatchRequest,
  EventOf,
  WatchEventsOptions,
  WatchOpener,
  WatchResponseShape,
  WatchStatus,
} from './types.js';

export type { WatchEventsOptions, WatchFilter, WatchStatus, WatchStatusListener } from './types.js';

/**
 * A running watch: an async generator of its events, plus the signals around it. Nothing is sent until the
 * iteration starts or `created` (or `requestProgress()`) is first read; from then on the server holds the watch
 * until the loop stops, `return()` is called or `signal` aborts.
 */
export interface Watch<E> extends AsyncGenerator<E, void, undefined> {
  /**
   * Resolves with the store's revision when the server first created the watch (starting it if needed); rejects
   * with the error that ended the watch before that. A watch from "now" (no `startRevision`) delivers every
   * write that starts after `created` resolved, through whichever member, and nothing at or before that revision.
   */
  readonly created: Promise<bigint>;
  /** `connecting`, `connected` or `disconnected` (see `onStatus`). */
  readonly status: WatchStatus;
  /**
   * Sends a progress request on the watch's stream and resolves with the store's revision in the answer. The
   * answer comes in order with the watch's responses, so it resolves only once every event the server sent
   * before it was yielded: keep iterating while you wait. etcd 3.4 answers without waiting for events still on
   * their way from the store, so treat the revision as "the server was at least here", not as a resume point. On
   * a shared websocket the request travels on the socket; a POST cannot take it after the create, so the watch is
   * created again from where it stands with the request in its body (no event is lost or repeated). A drop before
   * the answer sends it again on the next stream.
   */
  requestProgress(options?: { signal?: AbortSignal | undefined }): Promise<bigint>;
}

/**
 * Watches `key` (or a range, or a prefix) and yields each event. Stopping the loop or aborting `signal` cancels
 * the watch on the server. Throws WatchCompactedError when the start revision (or, after a long outage, the
 * resume revision) was compacted, and EtcdError for a final answer such as PERMISSION_DENIED.
 */
export type WatchEvents<E> = (options: WatchEventsOptions) => Watch<E>;

export interface WatchEventsDeps<R extends WatchResponseShape> {
  readonly transport: Transport;
  /** The generated Watch service: the helper is attached only to clients that have it. */
  readonly watch: unknown;
  /** The generated decoder, so that events have the generated `Event` type. */
  readonly decodeWatchResponse: (wire: unknown) => R;
  /** The generated encoder, so that requests carry exactly the wire names of the spec. */
  readonly encodeWatchRequest: EncodeWatchRequest;
}

const DEFAULT_RETRY_DEADLINE_MS = 10_000;

/** One hub per transport, created on first use (a client that never watches opens nothing); namespaces and the
 * helpers (election observe) share it. */
const hubs = new WeakMap<Transport, WatchOpener>();

function hubFor(transport: Transport, encode: EncodeWatchRequest): WatchOpener {
  let hub = hubs.get(transport);
  if (hub === undefined) hubs.set(transport, (hub = createWatchHub(transport, encode)));
  return hub;
}

/** The wire request with its create request's key range moved into the namespace `prefix`. */
function prefixCreate(prefix: Uint8Array, wire: Record<string, unknown>): Record<string, unknown> {
  const create = wire['create_request'];
  if (typeof create !== 'object' || create === null) return wire;
  return { ...wire, create_request: prefixRange(prefix, create as Record<string, unknown>) };
}

export function createWatchEvents<R extends WatchResponseShape>(deps: WatchEventsDeps<R>): WatchEvents<EventOf<R>> {
  return (options) => {
    const keyspace = deps.transport.keyspace;
    const target = watchTarget(options);
    if (options.onStatus !== undefined && typeof options.onStatus !== 'function') {
      throw new TypeError('watchEvents: onStatus must be a function');
    }
    let encode = deps.encodeWatchRequest;
    let decode = deps.decodeWatchResponse;
    if (keyspace !== undefined) {
      // A namespace's watch runs on the root transport's sockets: keys go in prefixed and come out stripped.
      const { prefix } = keyspace;
      encode = (request) => prefixCreate(prefix, deps.encodeWatchRequest(request));
      decode = (wire) => deps.decodeWatchResponse(stripWatchResponse(prefix, wire));
    }
    const transport = keyspace?.root ?? deps.transport;
    const run = createWatchRun({
      hub: hubFor(transport, deps.encodeWatchRequest),
      target,
      encode,
      decode,
      signal: options.signal,
      retry: retryOptions(transport),
      onStatus: options.onStatus,
      clientOptions: transport.options,
    });
    return watchHandle(run);
  };
}

/**
 * The generator the caller holds. Its first step may have been pulled already (by `created` or
 * `requestProgress()`, so that the watch runs before anyone iterates); stopping it stops the run even then.
 */
function watchHandle<R extends WatchResponseShape>(run: WatchRun<R>): Watch<EventOf<R>> {
  const engine = run.events();
  let started = false;
  let stopped = false; // return() was called: nothing starts any more
  let closeReason: unknown; // one error for return() and the iteration's finally, made when first needed
  const stopRun = (): void => run.stop((closeReason ??= closedByClient()));
  let pulled: Promise<IteratorResult<EventOf<R>, void>> | undefined;
  const pull = (): Promise<IteratorResult<EventOf<R>, void>> => {
    started = true;
    return engine.next();
  };
  const start = (): void => {
    if (started || stopped) return;
    pulled = pull();
    pulled.catch(() => undefined); // handed to the first next(), which reports it
  };
  async function* iterate(): AsyncGenerator<EventOf<R>, void, undefined> {
    try {
      for (;;) {
        const step = pulled ?? pull();
        pulled = undefined;
        const { done, value } = await step;
        if (done === true) return;
        yield value;
      }
    } finally {
      stopRun();
      await engine.return(undefined).catch(() => undefined);
    }
  }
  const handle = iterate();
  const returnHandle = handle.return.bind(handle);
  return Object.defineProperties(handle, {
    created: {
      get: () => {
        start();
        return run.created;
      },
    },
    status: { get: () => run.status },
    requestProgress: {
      value: (options: { signal?: AbortSignal | undefined } = {}) => {
        start();
        return run.requestProgress(options.signal);
      },
    },
    // Stops the run first: a next() still waiting for an event then rejects (CANCELLED) instead of holding
    // return() back, and a handle never iterated (whose finally never runs) stops a run `created` started.
    return: {
      value: async (value: void) => {
        stopped = true;
        stopRun();
        if (pulled !== undefined) {
          await pulled.catch(() => undefined);
          pulled = undefined;
        }
        return returnHandle(value);
      },
    },
  }) as Watch<EventOf<R>>;
}

/**
 * The same watch with each event passed through `map` (a namespace strips its prefix this way): `created`,
 * `status` and `requestProgress()` are the watch's own, and stopping either generator stops the watch.
 */
export function mapWatch<E, F>(watch: Watch<E>, map: (event: E) => F): Watch<F> {
  async function* mapped(): AsyncGenerator<F, void, undefined> {
    for await (const event of watch) yield map(event);
  }
  const handle = mapped();
  const returnMapped = handle.return.bind(handle);
  return Object.defineProperties(handle, {
    created: { get: () => watch.created },
    status: { get: () => watch.status },
    requestProgress: { value: (options?: { signal?: AbortSignal | undefined }) => watch.requestProgress(options) },
    return: {
      value: async (value: void) => {
        await watch.return();
        return returnMapped(value);
      },
    },
  }) as Watch<F>;
}

function retryOptions(transport: Transport): WatchRetryOptions {
  const retry = transport.options.retry;
  return {
    backoff: retryBackoff(retry),
    deadlineMs: retry?.deadlineMs ?? DEFAULT_RETRY_DEADLINE_MS,
  };
}
