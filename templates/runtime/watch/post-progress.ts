// Progress for a POST watch on a server that does not answer it. From etcd 3.5 on, a progress request in a POST
// body is answered only when every watch on the stream is synced and started at or before the store's revision;
// a watch created again at its resume revision never is when the request arrives, and a POST cannot ask again
// later (its body is sent). So the run proves the answer itself, from what the re-created stream says:
// - created at revision R with the resume revision S > R: every event up to S - 1 ≥ R was delivered already;
// - else the events S..R of the range, if any, are replayed on the new stream: a read-only Txn at fixed revisions
//   tells whether there are any (a key changed at S or later, or fewer/more keys at R than at S - 1). None: R is
//   proved. Some: the run waits for the replay and asks again on a stream created past it.
// The one change a Txn cannot see is a key created and deleted again between S and R: its events still come, in
// order, but possibly after the answer. docs/watching.md says so.
import type { WatchOpener } from './types.js';

export interface ProgressProof {
  /** The wire create request the stream was created with (its key range, already in any namespace). */
  readonly create: Record<string, unknown>;
  /** The revision the create started at (the resume revision). */
  readonly start: bigint;
  /** The store's revision when the server created it (the created response's header). */
  readonly created: bigint;
}

/** The create request a channel was opened with, and the revision it started at (undefined: "now"). */
export interface ProofCreate {
  readonly wire: Record<string, unknown>;
  readonly start: bigint | undefined;
}

/** What proveProgress needs of a created channel; undefined for a watch created from "now" (the server answers). */
export function proofFor(create: ProofCreate | undefined, created: bigint): ProgressProof | undefined {
  if (create?.start === undefined) return undefined;
  const request = create.wire['create_request'];
  return { create: (request ?? {}) as Record<string, unknown>, start: create.start, created };
}

/** True when every event of the range up to `created` has been delivered; false while a replay is due. */
export async function proveProgress(
  hub: Pick<WatchOpener, 'readTxn'>,
  proof: ProgressProof,
  signal: AbortSignal,
): Promise<boolean> {
  const { start, created } = proof;
  if (start > created) return true;
  const range = { key: proof.create['key'], range_end: proof.create['range_end'] };
  const atCreated = String(created);
  const success: Record<string, unknown>[] = [
    // Keys put at S or later (mod revision filter; one is enough).
    { request_range: { ...range, revision: atCreated, keys_only: true, min_mod_revision: String(start), limit: '1' } },
    { request_range: { ...range, revision: atCreated, count_only: true } },
  ];
  // Revision 0 means "now": before revision 2 the store was empty.
  if (start > 1n) success.push({ request_range: { ...range, revision: String(start - 1n), count_only: true } });
  const answer = await hub.readTxn({ success }, signal);
  const responses = Array.isArray(answer['responses']) ? (answer['responses'] as Record<string, unknown>[]) : [];
  const ranges = responses.map((r) => (r['response_range'] ?? {}) as Record<string, unknown>);
  const changed = Array.isArray(ranges[0]?.['kvs']) && (ranges[0]['kvs'] as unknown[]).length > 0;
  const countAt = (i: number): bigint => BigInt(String(ranges[i]?.['count'] ?? '0'));
  return !changed && countAt(1) === (start > 1n ? countAt(2) : 0n);
}
