// What a broken or hostile gateway sends that no real etcd here can: answers of hundreds of megabytes, a stream
// line without end, a websocket frame past any limit. Each writer respects backpressure (one reused buffer, so
// the server itself stays small) and stops when the client closes the connection; it resolves to the bytes it
// managed to write, which tells how far the client read.
import type { ServerResponse } from 'node:http';

export const MiB = 1024 * 1024;

const FILL = Buffer.alloc(MiB, 'a'.charCodeAt(0));

export interface Flood {
  /** Written before the flood (a JSON head such as `{"kvs":[{"value":"`, a created line). */
  readonly head?: string;
  /** Bytes of filler after the head; the answer never ends properly. */
  readonly bytes: number;
  readonly status?: number;
  /** Announce the full size (head + bytes) as Content-Length instead of sending chunked. */
  readonly contentLength?: boolean;
}

/** Writes `flood` to `res` and resolves to the bytes written when done or when the client closed the connection. */
export function flood(res: ServerResponse, { head = '', bytes, status = 200, contentLength = false }: Flood): Promise<number> {
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
  if (contentLength) headers['Content-Length'] = Buffer.byteLength(head) + bytes;
  res.writeHead(status, headers);
  let written = 0;
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(written);
    };
    res.on('close', finish);
    res.on('error', finish);
    if (head !== '') {
      res.write(head);
      written += Buffer.byteLength(head);
    }
    let filled = 0;
    const pump = (): void => {
      while (!done && !res.destroyed && filled < bytes) {
        const chunk = bytes - filled >= FILL.length ? FILL : FILL.subarray(0, bytes - filled);
        filled += chunk.length;
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (filled >= bytes) res.end(finish);
    };
    pump();
  });
}
