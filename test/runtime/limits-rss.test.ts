// Issue 19: memory stays bounded while a hostile gateway sends 300 MB, on both engines, for a unary answer and for
// a stream line without end. Each case runs in its own process (limits-rss.child.ts) so that its RSS is its own;
// the peak is sampled every millisecond during the call. With `Infinity` as the limit the same child grows by
// ~940 MiB (measured once by hand: `node --expose-gc --import tsx test/runtime/limits-rss.child.ts node:http unary
// Infinity`), which is what this test would see if the limits stopped holding.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES } from '../../templates/runtime/wire/limits.js';
import { MiB } from './hostile-gateway.js';

const CHILD = fileURLToPath(new URL('./limits-rss.child.ts', import.meta.url));

interface Measured {
  readonly growth: number;
  readonly sent: number;
  readonly error: { readonly name?: string; readonly limit?: string; readonly limitBytes?: number };
}

function measure(engine: string, kind: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, engine, kind], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${CHILD} ${engine} ${kind} failed: ${error.message}\n${stderr}`, { cause: error }));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured);
    });
  });
}

describe('RSS while a gateway sends 300 MB (default limits, 64 MiB)', () => {
  it.each([
    { engine: 'node:http', kind: 'unary', limit: 'maxResponseBytes' },
    { engine: 'node:http', kind: 'stream', limit: 'maxMessageBytes' },
    { engine: 'fetch', kind: 'unary', limit: 'maxResponseBytes' },
    { engine: 'fetch', kind: 'stream', limit: 'maxMessageBytes' },
  ])('$engine $kind grows by less than the limit plus 32 MiB', async ({ engine, kind, limit }) => {
    const { growth, sent, error } = await measure(engine, kind);
    expect(error).toEqual({ name: 'EtcdLimitError', limit, limitBytes: DEFAULT_MAX_BYTES });
    expect(growth).toBeLessThan(DEFAULT_MAX_BYTES + 32 * MiB);
    // The client closed the connection near the limit: the server never got to send its 300 MB.
    expect(sent).toBeLessThan(DEFAULT_MAX_BYTES + 16 * MiB);
  });
});
