// How much the client reads from a server before it gives up: a unary answer (`maxResponseBytes`) and one message
// of a stream (`maxMessageBytes`), 64 MiB each unless the options say otherwise. Readers stop at the limit and
// throw ReadLimitExceeded; the transport (which knows the operation and the endpoint) turns it into EtcdLimitError.
import type { ClientOptions } from '../types.js';

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface ByteLimits {
  readonly maxResponseBytes: number;
  readonly maxMessageBytes: number;
}

/** The client's limits, defaults filled in; throws a RangeError naming the option that is not a limit. */
export function byteLimits(options: Pick<ClientOptions, 'maxResponseBytes' | 'maxMessageBytes'>): ByteLimits {
  return {
    maxResponseBytes: checkLimit(options.maxResponseBytes, 'maxResponseBytes'),
    maxMessageBytes: checkLimit(options.maxMessageBytes, 'maxMessageBytes'),
  };
}

function checkLimit(value: number | undefined, name: string): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  if (value === Infinity || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) return value;
  throw new RangeError(
    `ClientOptions.${name} must be a positive whole number of bytes or Infinity, got ${String(value)}`,
  );
}

/**
 * A body (or one message of a stream) went past `maxBytes`: the reader stopped there and closed the connection.
 * Engines given `text(maxBytes)` throw it too (a custom engine may throw any error whose `code` is this one's).
 */
export class ReadLimitExceeded extends Error {
  override readonly name = 'ReadLimitExceeded';
  readonly code = 'ETCD_READ_LIMIT';

  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

export function isReadLimitExceeded(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ETCD_READ_LIMIT';
}

/** A `Content-Length` header that announces more than `maxBytes` (nothing need be read to refuse it). */
export function announcesMore(contentLength: string | null | undefined, maxBytes: number): boolean {
  if (contentLength === null || contentLength === undefined || maxBytes === Infinity) return false;
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > maxBytes;
}

/**
 * A body's chunks, held as bytes until it ended (text decoded as it arrived would sit beside chunks the collector
 * has not freed yet: twice the memory): `push` says false once they pass `maxBytes`, and drops them.
 */
export class BoundedBody {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): boolean {
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      this.chunks = [];
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  /** The text, decoded chunk by chunk, each released once decoded. */
  text(): string {
    const decoder = new TextDecoder();
    const chunks = this.chunks;
    this.chunks = [];
    let text = '';
    for (let i = 0; i < chunks.length; i++) {
      text += decoder.decode(chunks[i], { stream: true });
      chunks[i] = EMPTY;
    }
    return text + decoder.decode();
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The text of a body read chunk by chunk, never holding more than `maxBytes` plus one chunk: past the limit the
 * iteration is ended (which closes the connection) and ReadLimitExceeded thrown.
 */
export async function readTextWithin(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const body = new BoundedBody(maxBytes);
  for await (const chunk of chunks) {
    if (!body.push(chunk)) throw new ReadLimitExceeded(maxBytes); // leaving the loop ends the iterator
  }
  return body.text();
}
