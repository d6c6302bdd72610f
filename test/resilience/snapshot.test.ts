// Snapshots: a database of about 100 MB saved to a file by a child process whose memory stays far below the
// snapshot's size, the file checked byte for byte (etcd's trailing sha256, and `etcdctl snapshot status`), and
// the checksum check itself on fake chunk streams.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/specs.js';
import {
  SnapshotChecksumError,
  verifiedSnapshotBlobs,
  writeSnapshot,
  type SnapshotChunk,
} from '../../templates/runtime/helpers/snapshot/snapshot.js';

const MiB = 1 << 20;
/** 1 MiB values: etcd's bbolt file, and so its snapshot, comes to ~1.3 MB per value. */
const VALUES = 76;
const dir = mkdtempSync(join(tmpdir(), 'snapshot-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* chunksOf(...blobs: Uint8Array[]): AsyncGenerator<SnapshotChunk> {
  for (const blob of blobs) yield { blob };
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

async function fileSha256(path: string, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { end: end - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('snapshot checksum (fake chunk streams)', () => {
  const a = randomBytes(70_000);
  const b = randomBytes(1_234);

  it('passes every blob through, checksum last, and reports size and digest', async () => {
    const blobs: Uint8Array[] = [];
    let summary;
    for await (const blob of verifiedSnapshotBlobs(chunksOf(a, b, sha256(a, b)), (s) => (summary = s))) blobs.push(blob);
    expect(blobs.map((x) => x.length)).toEqual([a.length, b.length, 32]);
    expect(summary).toEqual({ size: a.length + b.length, sha256: createHash('sha256').update(a).update(b).digest('hex') });
  });

  it('detects a corrupted checksum, a corrupted blob and a missing checksum', async () => {
    const corrupt = sha256(a, b);
    corrupt[7]! ^= 1;
    await expect(writeSnapshot(chunksOf(a, b, corrupt), { write: () => undefined })).rejects.toThrow(SnapshotChecksumError);
    const flipped = Uint8Array.from(b);
    flipped[0]! ^= 0x80;
    await expect(writeSnapshot(chunksOf(a, flipped, sha256(a, b)), { write: () => undefined })).rejects.toThrow(
      /snapshot checksum mismatch after 71234 bytes/,
    );
    await expect(writeSnapshot(chunksOf(a, b), { write: () => undefined })).rejects.toThrow(/without its 32-byte/);
    await expect(writeSnapshot(chunksOf(), { write: () => undefined })).rejects.toThrow(/no data at all/);
  });

  it('never delivers the checksum of a bad snapshot, and aborts a WritableStream sink', async () => {
    const written: number[] = [];
    let aborted: unknown;
    const sink = new WritableStream<Uint8Array>({
      write: (chunk) => void written.push(chunk.length),
      abort: (reason) => void (aborted = reason),
    });
    const corrupt = sha256(b);
    corrupt[0]! ^= 1;
    const failure = await writeSnapshot(chunksOf(a, b, corrupt), sink).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SnapshotChecksumError);
    expect(written).toEqual([a.length, b.length]);
    expect(aborted).toBe(failure);
  });
});

describeEtcd('saveSnapshot of a ~100 MB database', () => {
  const fx = useEtcd();

  it('writes it with memory far below its size, and etcd’s checksum verified', async () => {
    const value = randomBytes(MiB);
    let next = 0;
    const writer = async (): Promise<void> => {
      for (let i = next++; i < VALUES; i = next++) {
        value.writeUInt32BE(i, 0); // distinct values, so nothing can be shared
        await fx.client.kv.put({ key: `big/${i}`, value: Uint8Array.from(value) });
      }
    };
    await Promise.all([writer(), writer(), writer()]);

    const file = join(dir, 'backup.db');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'fixtures/snapshot-save.ts'), fx.etcd.url, file],
      { cwd: repoRoot, timeout: 90_000 },
    );
    const result = JSON.parse(stdout) as { size: number; sha256: string; rssGrowth: number; liveGrowth: number };
    const fileSize = statSync(file).size;
    expect(result.size).toBeGreaterThan(80_000_000);
    expect(fileSize).toBe(result.size + 32); // the database, then etcd's sha256 of it, as `etcdctl snapshot save`
    expect(await fileSha256(file, result.size)).toBe(result.sha256);

    // Buffering the snapshot would keep at least its size alive; streaming keeps ~10 MB live. RSS grows by a
    // roughly constant 10-35 MB (the young generation, allocator slack, fetch's own buffers under CPU load).
    expect(result.liveGrowth).toBeLessThan(result.size / 4);
    expect(result.rssGrowth).toBeLessThan(result.size / 2);

    const status = JSON.parse(await etcdctl(['snapshot', 'status', file, '-w', 'json'], fx.etcd.url)) as {
      totalKey: number;
      totalSize: number;
    };
    expect(status.totalSize).toBe(result.size);
    expect(status.totalKey).toBeGreaterThanOrEqual(VALUES);
  }, 120_000);
});
