// Snapshots: etcd streams its whole backend database in blobs (32 KiB each on 3.4) and appends one last blob
// holding the SHA-256 of everything before it. These helpers pass the blobs on one at a time, so memory stays
// constant whatever the database size, and check that checksum. The bytes they deliver, checksum included, are
// exactly what `etcdctl snapshot save` writes: `etcdctl snapshot restore` accepts the file and checks it again.
import { readAhead } from './read-ahead.js';
import { createSha256, toHex } from './sha256.js';
import type { CallOptions, Transport } from '../../types.js';

/** The part of a decoded SnapshotResponse these helpers read. */
export interface SnapshotChunk {
  readonly blob: Uint8Array;
}

/** The part of the generated Maintenance service these helpers call. */
export interface SnapshotMaintenanceApi {
  /** The whole decoded messages (`maintenance.snapshot()` yields their blobs only). */
  snapshotResponses(request: Record<string, never>, options?: CallOptions): AsyncIterable<SnapshotChunk>;
}

/** Where a snapshot goes: a web WritableStream (closed when done, aborted on failure) or any `write(chunk)`. */
export type SnapshotSink = WritableStream<Uint8Array> | { write(chunk: Uint8Array): unknown };

export interface SnapshotSummary {
  /** Size of the database in bytes, without the 32-byte checksum (the sink received `size + 32` bytes). */
  readonly size: number;
  /** The verified SHA-256 of the database, lowercase hex. */
  readonly sha256: string;
}

export interface SnapshotHelperApi {
  readonly transport: Transport;
  readonly maintenance: SnapshotMaintenanceApi;
}

/** `client.snapshotBlobs(options?)`: the raw snapshot bytes, blob by blob, checksum verified before the last. */
export type SnapshotBlobs = (options?: CallOptions) => AsyncGenerator<Uint8Array, void, undefined>;

/** `client.saveSnapshot(sink, options?)`: writes a verified snapshot to `sink`. */
export type SaveSnapshot = (sink: SnapshotSink, options?: CallOptions) => Promise<SnapshotSummary>;

const CHECKSUM_SIZE = 32;
/** Chunks read ahead of a slow sink: 32 blobs of 32 KiB, 1 MiB at most. */
const READ_AHEAD_CHUNKS = 32;

/** The snapshot's trailing checksum is missing or does not match the bytes received. */
export class SnapshotChecksumError extends Error {
  override readonly name: string = 'SnapshotChecksumError';
  /** What the stream's last blob says, hex ('' when there was no 32-byte last blob). */
  readonly expected: string;
  /** The SHA-256 of the bytes received before it, hex. */
  readonly actual: string;

  constructor(message: string, expected: string, actual: string) {
    super(message);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The blobs of decoded snapshot chunks (e.g. `client.maintenance.snapshotResponses()`), checksum blob included. Each
 * blob is delivered once the next one has arrived, so the checksum blob comes only after it has been verified;
 * a missing or wrong checksum throws SnapshotChecksumError instead. `onVerified` receives the summary. Up to
 * 32 chunks are read ahead of a consumer that awaits between blobs (see read-ahead.ts).
 */
export async function* verifiedSnapshotBlobs(
  chunks: AsyncIterable<SnapshotChunk>,
  onVerified?: (summary: SnapshotSummary) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  const hash = createSha256();
  let size = 0;
  let held: Uint8Array | undefined;
  for await (const { blob } of readAhead(chunks, READ_AHEAD_CHUNKS)) {
    if (blob.length === 0) continue;
    if (held !== undefined) {
      hash.update(held);
      size += held.length;
      yield held;
    }
    held = blob;
  }
  const actual = toHex(hash.digest());
  if (held === undefined || held.length !== CHECKSUM_SIZE) {
    const what = held === undefined ? 'no data at all' : `a last blob of ${held.length} bytes`;
    throw new SnapshotChecksumError(`snapshot stream ended without its 32-byte SHA-256 checksum (${what})`, '', actual);
  }
  const expected = toHex(held);
  if (expected !== actual) {
    throw new SnapshotChecksumError(
      `snapshot checksum mismatch after ${size} bytes: etcd sent sha256 ${expected}, the bytes received hash to ${actual}`,
      expected,
      actual,
    );
  }
  onVerified?.({ size, sha256: actual });
  yield held;
}

/**
 * Writes decoded snapshot chunks to `sink` one blob at a time, waiting for each write, and verifies the checksum.
 * A WritableStream is closed on success and aborted on failure (delete the partial file then); a plain
 * `{ write }` sink is only written to, and a promise it returns is awaited. In Node, write to a file with
 * backpressure and a 1 MiB buffer: with the default 16 KiB, every write waits an event-loop turn, and Node 20's
 * fetch then slows down and buffers what etcd sends meanwhile (see read-ahead.ts):
 *
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { Writable } from 'node:stream';
 * await client.saveSnapshot(Writable.toWeb(createWriteStream('backup.db', { highWaterMark: 1 << 20 })));
 * ```
 */
export async function writeSnapshot(
  chunks: AsyncIterable<SnapshotChunk>,
  sink: SnapshotSink,
): Promise<SnapshotSummary> {
  let summary: SnapshotSummary | undefined;
  const blobs = verifiedSnapshotBlobs(chunks, (s) => (summary = s));
  if (isWritableStream(sink)) await pipeToStream(blobs, sink);
  else for await (const blob of blobs) await sink.write(blob);
  if (summary === undefined) throw new Error('writeSnapshot: the snapshot ended without being verified');
  return summary;
}

async function pipeToStream(blobs: AsyncIterable<Uint8Array>, sink: WritableStream<Uint8Array>): Promise<void> {
  const writer = sink.getWriter();
  try {
    for await (const blob of blobs) await writer.write(blob);
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    throw error;
  } finally {
    writer.releaseLock();
  }
}

function isWritableStream(sink: SnapshotSink): sink is WritableStream<Uint8Array> {
  return typeof (sink as Partial<WritableStream<Uint8Array>>).getWriter === 'function';
}

/** Client helper factory behind `client.snapshotBlobs`. */
export function createSnapshotBlobs(api: SnapshotHelperApi): SnapshotBlobs {
  return (options) => verifiedSnapshotBlobs(api.maintenance.snapshotResponses({}, options));
}

/** Client helper factory behind `client.saveSnapshot`. */
export function createSaveSnapshot(api: SnapshotHelperApi): SaveSnapshot {
  return (sink, options) => writeSnapshot(api.maintenance.snapshotResponses({}, options), sink);
}
