// What `watchEvents` is asked for, checked once, and the create request built from it for each (re)start, in the
// generated models' names: the generated encodeWatchRequest (a dependency of the helper) writes the wire form.
import { rangeEndOf } from '../wire/range.js';
import { encodeInt64, type Int64Input } from '../wire/int64.js';
import type {
  EncodeWatchRequest,
  WatchCreateShape,
  WatchEventsOptions,
  WatchFilter,
  WatchRequestShape,
} from './types.js';

/** A checked watch: the fields of its create request, except the start revision and watch ID. */
export interface WatchTarget {
  readonly fields: WatchCreateShape;
  /** The start revision the user asked for; undefined for "now". */
  readonly startRevision: bigint | undefined;
  /** `key` .. `rangeEnd` as text for messages. */
  readonly description: string;
}

const FILTERS: readonly WatchFilter[] = ['NOPUT', 'NODELETE'];

/** Checks the options (TypeError/RangeError naming the option) and builds the target. */
export function watchTarget(options: WatchEventsOptions): WatchTarget {
  if (typeof options !== 'object' || options === null) throw new TypeError('watchEvents: options must be an object');
  const { key, rangeEnd, prefix } = options;
  checkBytes(key, 'key');
  if (rangeEnd !== undefined) checkBytes(rangeEnd, 'rangeEnd');
  const end = rangeEndOf('watchEvents', key, { prefix, rangeEnd });
  if (byteLength(key) === 0 && (end === undefined || byteLength(end) === 0)) {
    throw new TypeError("watchEvents: key is empty: give a key, or rangeEnd '\\0' to watch every key");
  }
  const filters = checkFilters(options.filters);
  const fields: WatchCreateShape = {
    key,
    ...(end !== undefined && byteLength(end) > 0 ? { rangeEnd: end } : {}),
    ...(options.prevKv === true ? { prevKv: true } : {}),
    ...(options.progressNotify === true ? { progressNotify: true } : {}),
    ...(filters.length > 0 ? { filters } : {}),
    // Large revisions come split; the runtime puts them together (servers before 3.4 ignore the field).
    ...(options.fragment !== false ? { fragment: true } : {}),
  };
  return {
    fields,
    startRevision: checkStartRevision(options.startRevision),
    description: end === undefined ? show(key) : `${show(key)}..${show(end)}`,
  };
}

/** The create request starting at `startRevision` (undefined: now), with an optional client-chosen ID. */
export function createRequest(
  target: WatchTarget,
  startRevision: bigint | undefined,
  watchId?: number,
): WatchRequestShape {
  return {
    createRequest: {
      ...target.fields,
      ...(startRevision !== undefined ? { startRevision } : {}),
      ...(watchId !== undefined ? { watchId } : {}),
    },
  };
}

/** Whether `encode` (generated from a spec that may predate them) puts client-chosen watch IDs on the wire. */
export function carriesWatchIds(encode: EncodeWatchRequest): boolean {
  const wire = encode({ createRequest: { watchId: 1 } })['create_request'];
  return typeof wire === 'object' && wire !== null && 'watch_id' in wire;
}

function checkBytes(value: unknown, name: string): void {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`watchEvents: ${name} must be a string or a Uint8Array, got ${typeof value}`);
  }
}

function checkFilters(filters: readonly WatchFilter[] | undefined): WatchFilter[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw new TypeError('watchEvents: filters must be an array');
  for (const f of filters) {
    if (!FILTERS.includes(f)) {
      throw new TypeError(`watchEvents: filter ${JSON.stringify(f)} is not one of ${FILTERS.join(', ')}`);
    }
  }
  return [...new Set(filters)];
}

function checkStartRevision(value: Int64Input | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const revision = BigInt(encodeInt64(value));
  if (revision < 0n) throw new RangeError(`watchEvents: startRevision must not be negative, got ${revision}`);
  return revision === 0n ? undefined : revision;
}

function byteLength(value: string | Uint8Array): number {
  return typeof value === 'string' ? value.length : value.length;
}

function show(value: string | Uint8Array): string {
  return typeof value === 'string' ? JSON.stringify(value) : `<${value.length} bytes>`;
}
