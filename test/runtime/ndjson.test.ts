import { describe, expect, it } from 'vitest';
import { EtcdDecodeError } from '../../templates/runtime/errors.js';
import { readerChunks, readJsonStream as readJsonObjects } from '../../templates/runtime/wire/ndjson.js';

const readJsonStream = (stream: ReadableStream<Uint8Array>, signal?: AbortSignal) => readJsonObjects(readerChunks(stream), signal);

const encoder = new TextEncoder();

/** A stream that hands out `chunks` one read at a time and records whether it was cancelled. */
function chunkedStream(chunks: readonly Uint8Array[], options: { endless?: boolean } = {}) {
  const state = { cancelled: false, cancelReason: undefined as unknown, reads: 0 };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.reads++;
        const chunk = chunks[i++];
        if (chunk !== undefined) controller.enqueue(chunk);
        else if (!options.endless) controller.close();
        // endless: never answers again, like an open watch with nothing to say
        else return new Promise<void>(() => {});
      },
      cancel(reason) {
        state.cancelled = true;
        state.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

async function collect(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const message of readJsonStream(stream, signal)) out.push(message);
  return out;
}

/** Splits bytes at the given offsets. */
function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    out.push(bytes.slice(start, offset));
    start = offset;
  }
  return out;
}

const SAMPLE_MESSAGES = [
  { result: { header: { revision: '7' }, created: true } },
  { result: { events: [{ kv: { key: 'Zm9v', value: 'wqnDqeKCrPCdhJ4=' } }] } },
  { result: { note: 'ключ 键 🔑 é' } },
  { error: { grpc_code: 14, http_code: 503, message: 'transport is closing', http_status: 'Service Unavailable' } },
];
const SAMPLE = encoder.encode(SAMPLE_MESSAGES.map((m) => JSON.stringify(m)).join('\n') + '\n');

describe('readJsonStream', () => {
  it('yields each line as an object', async () => {
    expect(await collect(chunkedStream([SAMPLE]).stream)).toEqual(SAMPLE_MESSAGES);
  });

  it('gives the same messages whichever byte a chunk boundary falls on', async () => {
    for (let at = 0; at <= SAMPLE.length; at++) {
      expect(await collect(chunkedStream(splitAt(SAMPLE, [at])).stream)).toEqual(SAMPLE_MESSAGES);
    }
  });

  it('gives the same messages with two boundaries anywhere in the first lines', async () => {
    const limit = 120;
    for (let a = 1; a < limit; a += 3) {
      for (let b = a; b < limit; b += 5) {
        expect(await collect(chunkedStream(splitAt(SAMPLE, [a, b])).stream)).toEqual(SAMPLE_MESSAGES);
      }
    }
  });

  it('survives one byte per chunk, splitting every multi-byte UTF-8 sequence', async () => {
    const bytes = Array.from(SAMPLE, (b) => Uint8Array.of(b));
    expect(await collect(chunkedStream(bytes).stream)).toEqual(SAMPLE_MESSAGES);
  });

  it('accepts a last message without a newline, blank lines and CRLF', async () => {
    const text = '{"result":{"a":1}}\r\n\n  \n{"result":{}}';
    expect(await collect(chunkedStream([encoder.encode(text)]).stream)).toEqual([{ result: { a: 1 } }, { result: {} }]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect(chunkedStream([]).stream)).toEqual([]);
  });

  it('handles many messages in one chunk and a large line over many chunks', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ result: { i } }));
    const big = { result: { blob: 'A'.repeat(200_000) } };
    const bytes = encoder.encode(many.map((m) => JSON.stringify(m) + '\n').join('') + JSON.stringify(big) + '\n');
    const chunks = splitAt(
      bytes,
      Array.from({ length: 40 }, (_, i) => 20_000 + i * 5_000),
    );
    expect(await collect(chunkedStream(chunks).stream)).toEqual([...many, big]);
  });

  it('throws EtcdDecodeError on a line that is not JSON', async () => {
    const { stream } = chunkedStream([encoder.encode('{"result":{}}\n{oops}\n')]);
    await expect(collect(stream)).rejects.toThrow(EtcdDecodeError);
  });

  it('throws EtcdDecodeError on a line that is not an object', async () => {
    const { stream } = chunkedStream([encoder.encode('[1,2]\n')]);
    await expect(collect(stream)).rejects.toThrow(/expected a JSON object per line/);
  });

  it('cancels the stream and releases the lock when the consumer breaks early', async () => {
    const { stream, state } = chunkedStream([encoder.encode('{"result":{"n":1}}\n{"result":{"n":2}}\n')], {
      endless: true,
    });
    for await (const message of readJsonStream(stream)) {
      expect(message).toEqual({ result: { n: 1 } });
      break;
    }
    expect(state.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it('cancels the stream when return() is called on the generator', async () => {
    const { stream, state } = chunkedStream([encoder.encode('{"result":{}}\n')], { endless: true });
    const messages = readJsonStream(stream);
    await messages.next();
    await messages.return(undefined);
    expect(state.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it('cancels the stream when a pending read is aborted, rethrowing the reason', async () => {
    const { stream, state } = chunkedStream([encoder.encode('{"result":{}}\n')], { endless: true });
    const controller = new AbortController();
    const reason = new Error('stop watching');
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const message of readJsonStream(stream, controller.signal)) {
        seen.push(message);
        setTimeout(() => controller.abort(reason), 10);
      }
    })();
    await expect(done).rejects.toBe(reason);
    expect(seen).toEqual([{ result: {} }]);
    expect(state.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it('does not read from an already aborted signal', async () => {
    const { stream, state } = chunkedStream([encoder.encode('{"result":{}}\n')]);
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(collect(stream, controller.signal)).rejects.toThrow('early');
    expect(state.reads).toBeLessThanOrEqual(1);
    expect(stream.locked).toBe(false);
  });

  it('surfaces a stream error (a dropped connection) as is', async () => {
    let sent = false;
    const dropped = new TypeError('terminated');
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(encoder.encode('{"result":{}}\n{"resu'));
        } else controller.error(dropped);
      },
    });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const m of readJsonStream(stream)) seen.push(m);
      })(),
    ).rejects.toBe(dropped);
    expect(seen).toEqual([{ result: {} }]);
  });
});
