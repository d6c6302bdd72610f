// `client.watchEvents(options)`: the events of a key or range as an async iterable that survives drops. After a
// server restart, a killed or dead socket, an endpoint going down or a stream error, the watch is re-created
// (after a jittered backoff, on the next endpoint when the current one failed) from one past the last delivered
// revision, so no event is lost or repeated; the events of one revision always come together, in order.
import { retryBackoff } from '../core/backoff.js';
import { prefixRange, stripWatchResponse } from '../core/keyspace.js';
import { createScope, sleep } from '../core/signals.js';
import type { Transport } from '../types.js';
import type { WatchChannel } from './channel.js';
import { WatchHub } from './hub.js';
import {
  FragmentAssembler,
  ResumeCursor,
  interpretResponse,
  splitByRevision,
  type WatchResponseShape,
} from './progress.js';
import { createRequest, watchTarget, type EncodeWatchRequest, type WatchEventsOptions, type WatchTarget } from './request.js';
import { WatchRetry, type WatchRetryOptions } from './retry.js';

export type { WatchEventsOptions, WatchFilter } from './request.js';

/**
 * Watches `key` (or a range, or a prefix) and yields each event. Stopping the loop or aborting `signal` cancels
 * the watch on the server. Throws WatchCompactedError when the start revision (or, after a long outage, the
 * resume revision) was compacted, and EtcdError for a final answer such as PERMISSION_DENIED.
 */
export type WatchEvents<E> = (options: WatchEventsOptions) => AsyncGenerator<E, void, undefined>;

export interface WatchEventsDeps<R extends WatchResponseShape> {
  readonly transport: Transport;
  /** The generated Watch service: the helper is attached only to clients that have it. */
  readonly watch: unknown;
  /** The generated decoder, so that events have the generated `Event` type. */
  readonly decodeWatchResponse: (wire: unknown) => R;
  /** The generated encoder, so that requests carry exactly the wire names of the spec. */
  readonly encodeWatchRequest: EncodeWatchRequest;
}

type EventOf<R extends WatchResponseShape> = R['events'][number];

const DEFAULT_RETRY_DEADLINE_MS = 10_000;

/** One hub per transport, created on first use (a client that never watches opens nothing); namespaces share it. */
const hubs = new WeakMap<Transport, WatchHub>();

function hubFor(transport: Transport, encode: EncodeWatchRequest): WatchHub {
  let hub = hubs.get(transport);
  if (hub === undefined) hubs.set(transport, (hub = new WatchHub(transport, encode)));
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
    let encode = deps.encodeWatchRequest;
    let decode = deps.decodeWatchResponse;
    if (keyspace !== undefined) {
      // A namespace's watch runs on the root transport's sockets: keys go in prefixed and come out stripped.
      const { prefix } = keyspace;
      encode = (request) => prefixCreate(prefix, deps.encodeWatchRequest(request));
      decode = (wire) => deps.decodeWatchResponse(stripWatchResponse(prefix, wire));
    }
    const transport = keyspace?.root ?? deps.transport;
    const hub = hubFor(transport, deps.encodeWatchRequest);
    return runWatch(hub, (id, start) => encode(createRequest(target, start, id)), target, decode, options.signal, retryOptions(transport));
  };
}

async function* runWatch<R extends WatchResponseShape>(
  hub: WatchHub,
  /** The wire create request from `start` (undefined: now), with a client-chosen ID on a shared socket. */
  build: (watchId: number | undefined, start: bigint | undefined) => Record<string, unknown>,
  target: WatchTarget,
  decode: (wire: unknown) => R,
  userSignal: AbortSignal | undefined,
  retryOptions: WatchRetryOptions,
): AsyncGenerator<EventOf<R>, void, undefined> {
  const scope = createScope([userSignal, hub.closed]);
  const cursor = new ResumeCursor(target.startRevision);
  const retry = new WatchRetry(retryOptions);
  try {
    for (;;) {
      let channel: WatchChannel | undefined;
      let failure: unknown;
      try {
        channel = await hub.open((id) => build(id, cursor.startRevision), scope.signal);
        const assembler = new FragmentAssembler<R>();
        for (;;) {
          const whole = assembler.push(decode(await channel.next()));
          if (whole === undefined) continue;
          const step = interpretResponse<EventOf<R>>(whole, channel);
          if (step.kind === 'canceled') throw step.error;
          if (step.kind === 'created') {
            cursor.created(step.revision);
            retry.created();
          } else if (step.kind === 'progress') {
            cursor.progressed(step.revision);
            retry.healthy();
          } else if (step.kind === 'events') {
            for (const revision of splitByRevision(cursor.fresh(step.events))) {
              for (const event of revision) {
                yield event;
                scope.signal.throwIfAborted();
              }
              cursor.delivered(revision);
            }
            retry.healthy();
          }
        }
      } catch (error) {
        failure = error;
      } finally {
        channel?.close();
      }
      scope.signal.throwIfAborted();
      const next = retry.after(failure); // throws when the watch must end
      if (next.reauthenticate && (channel === undefined || !hub.reauthenticate(channel))) throw failure;
      await sleep(next.delayMs, scope.signal);
    }
  } finally {
    scope.dispose();
  }
}

function retryOptions(transport: Transport): WatchRetryOptions {
  const retry = transport.options.retry;
  return {
    backoff: retryBackoff(retry),
    deadlineMs: retry?.deadlineMs ?? DEFAULT_RETRY_DEADLINE_MS,
  };
}
