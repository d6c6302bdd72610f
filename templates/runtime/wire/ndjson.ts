// The gateway frames a stream as one JSON object per line (`{"result":{…}}\n`) over chunked HTTP. Lines are cut
// on the 0x0a byte and decoded one by one, so a UTF-8 sequence split across chunks stays intact and each byte is
// scanned once, however the chunks fall. Chunks come from an engine (`HttpResponse.chunks()`).
import { EtcdDecodeError } from '../errors.js';
import type { Ending } from '../types.js';
import { ReadLimitExceeded } from './limits.js';

const NEWLINE = 0x0a;
const decoder = new TextDecoder();

/**
 * Yields each top-level JSON object of a newline-delimited stream of chunks (the last line may lack its newline).
 * Stopping early (break/return) or aborting `stop` (a signal, or a scope: listened to without an AbortSignal) ends
 * the chunk iterator (which cancels the body); an abort rethrows its reason, as `signal.throwIfAborted()` does. A line longer than `maxLineBytes` throws ReadLimitExceeded as soon as the bytes
 * held for it pass the limit (never more than the limit plus one chunk is held).
 */
export async function* readJsonStream(
  body: AsyncIterable<Uint8Array>,
  stop?: AbortSignal | Ending,
  maxLineBytes = Infinity,
): AsyncGenerator<unknown> {
  const chunks = body[Symbol.asyncIterator]();
  const unlisten = stop === undefined ? undefined : listen(stop, () => void chunks.return?.()?.catch(() => undefined));
  let finished = false;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  try {
    throwIfStopped(stop);
    for (;;) {
      const { done, value } = await chunks.next();
      throwIfStopped(stop);
      if (done === true) break;
      let start = 0;
      for (let nl = value.indexOf(NEWLINE); nl !== -1; nl = value.indexOf(NEWLINE, start)) {
        if (pendingBytes + (nl - start) > maxLineBytes) throw new ReadLimitExceeded(maxLineBytes);
        const line = pending.length === 0 ? value.subarray(start, nl) : joinChunks(pending, value.subarray(start, nl));
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
        const message = parseLine(line);
        if (message !== undefined) yield message;
      }
      if (start < value.length) {
        pendingBytes += value.length - start;
        if (pendingBytes > maxLineBytes) throw new ReadLimitExceeded(maxLineBytes);
        pending.push(start === 0 ? value : value.subarray(start));
      }
    }
    finished = true;
    if (pending.length > 0) {
      const message = parseLine(joinChunks(pending, undefined));
      if (message !== undefined) yield message;
    }
  } finally {
    unlisten?.();
    if (!finished) await chunks.return?.()?.catch(() => undefined);
  }
}

/** Calls `onStop` when `stop` aborts; returns the function that stops listening. */
function listen(stop: AbortSignal | Ending, onStop: () => void): () => void {
  if ('onAbort' in stop) return stop.onAbort(onStop);
  stop.addEventListener('abort', onStop, { once: true });
  return () => stop.removeEventListener('abort', onStop);
}

function throwIfStopped(stop: AbortSignal | Ending | undefined): void {
  if (stop?.aborted === true) ('onAbort' in stop ? stop.signal : stop).throwIfAborted();
}

/**
 * A ReadableStream's chunks through its reader (Safari's streams are not async iterable). Ending the iteration
 * early cancels the stream at once, even while a read is pending, and releases the reader.
 */
export function readerChunks(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = body.getReader();
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        reader.releaseLock();
      };
      return {
        next: async () => {
          const next = await reader.read();
          if (next.done) release();
          return next.done ? { done: true, value: undefined } : next;
        },
        return: async () => {
          if (!released) {
            await reader.cancel().catch(() => undefined);
            release();
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function joinChunks(chunks: readonly Uint8Array[], last: Uint8Array | undefined): Uint8Array {
  let size = last?.length ?? 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  if (last !== undefined) out.set(last, offset);
  return out;
}

/** The object on one line; undefined for a blank line. */
function parseLine(line: Uint8Array): Record<string, unknown> | undefined {
  const text = decoder.decode(line);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EtcdDecodeError('stream', `a line is not valid JSON (${(error as Error).message}): ${excerpt(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EtcdDecodeError('stream', `expected a JSON object per line, got ${excerpt(text)}`);
  }
  return value as Record<string, unknown>;
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
