// Progress for a POST watch on a server that does not answer it. From etcd 3.5 on, a progress request in a POST
// body is answered only when every watch on the stream is synced and started at or before the store's revision;
// a watch created again at its resume revision never is when the request arrives, and a POST cannot ask again
// later (its body is sent). So the run proves the answer itself, from what the re-created stream says:
// - created at revision R with the resume revision S > R: every event up to S - 1 ≥ R was delivered already;
// - else the events S..R of the range, if any, are replayed on the new stream, in order. Read-only Txns at each
//   revision r of S..R find the last one with an event in the range: a key put at r (its mod revision is r), or a
//   different number of keys at r than at r - 1 (a delete). R is the answer once the watch delivered past it (at
//   once when there is none). A gap longer than MAX_SCAN revisions is not scanned: the run waits for the replay
//   and asks again past it.
import type { WatchChannel, WatchOpener } from './types.js';

/** Revisions scanned at the most for one answer (two reads each). */
const MAX_SCAN = 256n;
/** Reads per Txn: well under etcd's default --max-txn-ops (128). */
const OPS_PER_TXN = 64;

/** The create request a channel was opened with, and the revision it started at (undefined: "now"). */
export interface ProofCreate {
  readonly wire: Record<string, unknown>;
  readonly start: bigint | undefined;
}

export interface ProgressProof {
  /** The wire create request the stream was created with (its key range, already in any namespace). */
  readonly create: Record<string, unknown>;
  /** The revision the create started at (the resume revision). */
  readonly start: bigint;
  /** The store's revision when the server created it (the created response's header). */
  readonly created: bigint;
}

/**
 * The last revision in start..created with an event in the watch's range: 0n when there is none (or when the watch
 * resumed past `created`), undefined when the gap is too long to scan.
 */
export async function lastChange(
  hub: Pick<WatchOpener, 'readTxn'>,
  proof: ProgressProof,
  signal: AbortSignal,
): Promise<bigint | undefined> {
  const { start, created } = proof;
  if (start > created) return 0n;
  if (created - start + 1n > MAX_SCAN) return undefined;
  const range = { key: proof.create['key'], range_end: proof.create['range_end'] };
  const ops: Record<string, unknown>[] = [];
  // Revision 0 means "now": before revision 2 the store was empty, so a count at revision 1 or below is 0.
  const countAt = (r: bigint): Record<string, unknown> => ({
    request_range: { ...range, revision: String(r), count_only: true },
  });
  if (start > 1n) ops.push(countAt(start - 1n));
  for (let r = start; r <= created; r++) {
    const at = String(r);
    ops.push(countAt(r), {
      request_range: {
        ...range,
        revision: at,
        keys_only: true,
        min_mod_revision: at,
        max_mod_revision: at,
        limit: '1',
      },
    });
  }
  const answers: Record<string, unknown>[] = [];
  for (let i = 0; i < ops.length; i += OPS_PER_TXN) {
    const answer = await hub.readTxn({ success: ops.slice(i, i + OPS_PER_TXN) }, signal);
    const responses = Array.isArray(answer['responses']) ? (answer['responses'] as Record<string, unknown>[]) : [];
    answers.push(...responses.map((r) => (r['response_range'] ?? {}) as Record<string, unknown>));
  }
  const count = (i: number): bigint => BigInt(String(answers[i]?.['count'] ?? '0'));
  const offset = start > 1n ? 1 : 0;
  let previous = start > 1n ? count(0) : 0n;
  let last = 0n;
  for (let k = 0, r = start; r <= created; k++, r++) {
    const now = count(offset + 2 * k);
    const put = answers[offset + 2 * k + 1]?.['kvs'];
    if (now !== previous || (Array.isArray(put) && put.length > 0)) last = r;
    previous = now;
  }
  return last;
}

/** What a run does with a proof: answer its progress requests, or ask again on a new stream. */
export interface ProverHost {
  /** The channel the watch runs on now (a proof of another one is dropped). */
  channel(): WatchChannel | undefined;
  /** The next revision the watch delivers from: everything below it was delivered. */
  resumeRevision(): bigint | undefined;
  answered(revision: bigint): void;
  askAgain(channel: WatchChannel): void;
}

/** One POST watch's proofs: started when a re-created channel is created, settled as the watch delivers. */
export class ProgressProver {
  /** Answer `revision` once the watch delivered past `last` on `channel`. */
  private waiting: { channel: WatchChannel; last: bigint; revision: bigint } | undefined;
  /** Ask again after the next events on `channel` (a gap too long to scan). */
  private replaying: WatchChannel | undefined;

  constructor(
    private readonly hub: Pick<WatchOpener, 'readTxn'>,
    private readonly host: ProverHost,
  ) {}

  /** Whether progress on `channel` (opened with `create`) is proved here: a POST to a server that does not answer it. */
  proving(channel: WatchChannel, create: ProofCreate | undefined): create is ProofCreate & { readonly start: bigint } {
    return channel.answersProgressAfterResume === false && create?.start !== undefined;
  }

  /** `channel` was created at `revision` from `create`: prove its progress request, if it carries one. */
  created(channel: WatchChannel, create: ProofCreate | undefined, revision: bigint, signal: AbortSignal): void {
    this.waiting = undefined;
    this.replaying = undefined;
    if (!this.proving(channel, create)) return;
    const request = (create.wire['create_request'] ?? {}) as Record<string, unknown>;
    const settle = (last: bigint | undefined): void => {
      if (this.host.channel() !== channel) return; // the channel broke meanwhile: its requests are asked again
      if (last === undefined) this.replaying = channel;
      else {
        this.waiting = { channel, last, revision };
        this.delivered(channel);
      }
    };
    lastChange(this.hub, { create: request, start: create.start, created: revision }, signal).then(settle, () =>
      settle(undefined),
    );
  }

  /** The watch delivered events on `channel` (or may have: the proof just settled). */
  delivered(channel: WatchChannel): void {
    const waiting = this.waiting;
    if (waiting?.channel === channel && (this.host.resumeRevision() ?? 0n) > waiting.last) {
      this.waiting = undefined;
      this.host.answered(waiting.revision);
    } else if (this.replaying === channel && (this.host.resumeRevision() ?? 0n) > 0n) {
      this.replaying = undefined;
      this.host.askAgain(channel);
    }
  }
}
