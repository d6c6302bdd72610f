// A watch run against a fake opener (no server): the run depends on the WatchOpener interface only, so the
// resume loop can be driven channel by channel. It resumes one past the last delivered revision after a drop,
// reports its status, and stops cleanly.
import { describe, expect, it } from 'vitest';
import { createScope } from '../../templates/runtime/core/signals.js';
import { EtcdConnectionError } from '../../templates/runtime/errors.js';
import { watchTarget } from '../../templates/runtime/watch/request.js';
import { createWatchRun } from '../../templates/runtime/watch/run.js';
import type { WatchChannel, WatchOpener, WatchRequestShape, WatchResponseShape, WatchStatus } from '../../templates/runtime/watch/types.js';

type Response = WatchResponseShape<{ readonly kv: { readonly modRevision: bigint; readonly value: string } }>;

const response = (fields: Partial<Response>): Response => ({
  watchId: 0n,
  created: false,
  canceled: false,
  compactRevision: 0n,
  events: [],
  ...fields,
});
const created = (revision: bigint): Response => response({ created: true, header: { revision } });
const event = (revision: bigint, value: string) => ({ kv: { modRevision: revision, value } });

/** A channel that hands out `script` (then fails with `end`), and records whether it was closed. */
function scriptedChannel(script: readonly Response[], end: unknown): WatchChannel & { closed: boolean } {
  const queue = [...script];
  return {
    endpoint: 'fake',
    token: undefined,
    kind: 'post',
    closed: false,
    next() {
      const next = queue.shift();
      return next === undefined ? Promise.reject(end) : Promise.resolve(next as unknown as Record<string, unknown>);
    },
    requestProgress: () => false,
    close() {
      this.closed = true;
    },
  };
}

/** An opener that gives out `channels` in order and records the create request of each open. */
function fakeOpener(channels: WatchChannel[]): WatchOpener & { requests: WatchRequestShape[] } {
  const requests: WatchRequestShape[] = [];
  return {
    requests,
    endpointCount: 1,
    currentEndpoint: 'fake',
    lifetime: createScope([]), // a client that is never closed
    async open(build) {
      requests.push(build(undefined) as WatchRequestShape);
      const channel = channels.shift();
      if (channel === undefined) throw new Error('the fake opener has no more channels');
      return channel;
    },
    reauthenticate: () => false,
    failed: () => undefined,
    readTxn: async () => {
      throw new Error('the fake opener reads nothing');
    },
  };
}

describe('a watch run on a fake opener', () => {
  it('resumes one past the last delivered revision after a drop, and reports its status', async () => {
    const drop = new EtcdConnectionError('the fake stream broke', [], 'watch.watch');
    const first = scriptedChannel([created(10n), response({ header: { revision: 11n }, events: [event(11n, 'a')] })], drop);
    const second = scriptedChannel([created(11n), response({ header: { revision: 12n }, events: [event(12n, 'b')] })], drop);
    const opener = fakeOpener([first, second]);
    const statuses: WatchStatus[] = [];
    const run = createWatchRun<Response>({
      hub: opener,
      target: watchTarget({ key: 'k' }),
      encode: (request) => request as Record<string, unknown>,
      decode: (wire) => wire as Response,
      signal: undefined,
      retry: { backoff: { initialMs: 1, maxMs: 1 }, deadlineMs: 1_000 },
      onStatus: (status) => statuses.push(status),
      clientOptions: { endpoints: ['http://127.0.0.1:1'] },
    });
    const values: string[] = [];
    for await (const e of run.events()) {
      values.push(e.kv.value);
      if (values.length === 2) break;
    }
    expect(values).toEqual(['a', 'b']);
    expect(await run.created).toBe(10n);
    // From now on the first create; after the drop, one past revision 11 (the last delivered event).
    expect(opener.requests.map((r) => r.createRequest?.startRevision)).toEqual([undefined, 12n]);
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(true);
    expect(statuses).toEqual(['connected']);
    expect(run.status).toBe('connected');
  });
});
