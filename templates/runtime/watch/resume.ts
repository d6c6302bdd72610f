// The pure bookkeeping behind a watch that never loses or repeats an event: where to resume, putting fragmented
// responses back together, grouping events by revision, and what each response (or cancel) means.
import { GrpcCode, grpcCodeOfGoName } from '../codes.js';
import { EtcdError, WatchCompactedError, etcdErrorFor } from '../errors.js';
import { toBigInt } from '../wire/int64.js';
import type { WatchEventShape, WatchResponseShape } from './types.js';

/**
 * Where a watch resumes: one past the last delivered event's mod_revision, or one past the revision of the last
 * progress notification (or creation, for a watch from "now") when no event came after it. Never from the
 * header of an event batch: a catch-up batch's header is the store's revision, ahead of its events.
 */
export class ResumeCursor {
  /**
   * One past the last event delivered (or the start): what fresh() drops below. Not moved by progress
   * notifications: a server that vouches for a revision before sending its event (seen on 3.5.30 under a member's
   * graceful restart) would otherwise have that event dropped here when it comes after all.
   */
  private floor: bigint | undefined;
  /** One past the revision of the last progress notification: a resume point, not a filter. */
  private vouched: bigint | undefined;

  constructor(startRevision: bigint | undefined) {
    this.floor = startRevision;
  }

  /** The start revision of the next create request; undefined for "now" (only before the first creation). */
  get startRevision(): bigint | undefined {
    const { floor, vouched } = this;
    return vouched === undefined || (floor !== undefined && floor >= vouched) ? floor : vouched;
  }

  /** A watch from "now" starts after the revision in its created response. */
  created(headerRevision: bigint): void {
    this.floor ??= headerRevision + 1n;
  }

  /** A progress notification for this watch: every change up to `headerRevision` has been sent. */
  progressed(headerRevision: bigint): void {
    if (this.vouched === undefined || headerRevision + 1n > this.vouched) this.vouched = headerRevision + 1n;
  }

  /** The events not delivered yet (a resumed stream never repeats one, this is the belt to those braces). */
  fresh<E extends WatchEventShape>(events: readonly E[]): E[] {
    const floor = this.floor;
    if (floor === undefined) return [...events];
    return events.filter((e) => e.kv === undefined || toBigInt(e.kv.modRevision) >= floor);
  }

  /** Every event of `events` (whole revisions) has been handed to the consumer. */
  delivered(events: readonly WatchEventShape[]): void {
    for (let i = events.length - 1; i >= 0; i--) {
      const kv = events[i]?.kv;
      if (kv !== undefined) {
        const after = toBigInt(kv.modRevision) + 1n;
        if (this.floor === undefined || after > this.floor) this.floor = after;
        return;
      }
    }
  }
}

/**
 * Puts responses split with `fragment: true` back together: yields nothing until the last part (fragment
 * false) arrives, then one response holding every part's events. A drop in between loses only the parts, and
 * the resume starts again at their revision.
 */
export class FragmentAssembler<R extends WatchResponseShape> {
  private parts: R[] = [];

  push(response: R): R | undefined {
    if (response.fragment === true) {
      this.parts.push(response);
      return undefined;
    }
    if (this.parts.length === 0) return response;
    const events = [...this.parts.flatMap((p) => p.events), ...response.events];
    this.parts = [];
    return { ...response, events, fragment: false };
  }

  get pending(): number {
    return this.parts.length;
  }
}

/** Consecutive events of one revision, in order: [[r5], [r6, r6], [r7]]. */
export function splitByRevision<E extends WatchEventShape>(events: readonly E[]): E[][] {
  const groups: E[][] = [];
  let last: bigint | undefined;
  for (const event of events) {
    const revision = event.kv === undefined ? undefined : toBigInt(event.kv.modRevision);
    const group = groups[groups.length - 1];
    if (group !== undefined && revision !== undefined && revision === last) group.push(event);
    else groups.push([event]);
    last = revision;
  }
  return groups;
}

export type WatchStep<E> =
  | { readonly kind: 'created'; readonly revision: bigint }
  | { readonly kind: 'events'; readonly events: readonly E[] }
  | { readonly kind: 'progress'; readonly revision: bigint }
  | { readonly kind: 'canceled'; readonly error: EtcdError }
  /**
   * The answer to a progress request (watch ID -1): the store's revision when the server answered. Not a resume
   * point: etcd 3.4 sends it without waiting for events still on their way (see requestProgress()).
   */
  | { readonly kind: 'stream-progress'; readonly revision: bigint }
  /** A response without a header: nothing to act on. */
  | { readonly kind: 'ignored' };

/** The meaning of one whole (reassembled) response of one watch. */
export function interpretResponse<E extends WatchEventShape>(
  response: WatchResponseShape<E>,
  where: { readonly endpoint?: string | undefined },
): WatchStep<E> {
  if (response.canceled) return { kind: 'canceled', error: cancelError(response, where.endpoint) };
  const revision = toBigInt(response.header?.revision ?? 0n);
  if (response.created) return { kind: 'created', revision };
  if (response.events.length > 0) return { kind: 'events', events: response.events };
  if (response.header === undefined) return { kind: 'ignored' };
  if (toBigInt(response.watchId) === -1n) return { kind: 'stream-progress', revision };
  return { kind: 'progress', revision };
}

/**
 * The error of a canceled response: compaction → WatchCompactedError; otherwise an EtcdError with the code in the
 * cancel reason (`invalid auth token` Unauthenticated, `permission denied` PermissionDenied, `user name is empty`
 * InvalidArgument, `no leader` Unavailable), and Unavailable for a cancel without a reason (the watch is worth
 * re-creating). retry.ts decides what each code means.
 */
export function cancelError(response: WatchResponseShape, endpoint?: string): EtcdError {
  const init = { operation: 'watch.watch', endpoint };
  const compacted = toBigInt(response.compactRevision);
  if (compacted > 0n) return new WatchCompactedError(compacted, init);
  const reason = response.cancelReason ?? '';
  if (reason === '') {
    return new EtcdError('the server canceled the watch without a reason', { ...init, code: GrpcCode.Unavailable });
  }
  const { code, message } = parseCancelReason(reason);
  return etcdErrorFor(message, { ...init, code });
}

/** `rpc error: code = PermissionDenied desc = etcdserver: permission denied` → PermissionDenied and the description. */
export function parseCancelReason(reason: string): { code: number; message: string } {
  const match = /^rpc error: code = (\w+) desc = ([\s\S]*)$/.exec(reason.trim());
  if (match === null) return { code: GrpcCode.Unknown, message: reason };
  return { code: grpcCodeOfGoName(match[1] ?? ''), message: match[2] ?? reason };
}
