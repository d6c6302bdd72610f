/**
 * A TCP fault proxy on 127.0.0.1 in front of one etcd member's client or peer port. Each connection is a pair of
 * sockets; each direction is a queue of chunks forwarded in order. The mode says how the queue drains:
 *
 *   pass            forward at once
 *   delay           hold each chunk base ± jitter ms; a chunk never overtakes the one before it
 *   stall           forward nothing (and stop reading), sockets stay open: a blackhole that corrupts no stream
 *   stall-replies   requests reach the member, its answers wait: writes whose outcome the client cannot know
 *   reset           destroy every connection, and each new one as it comes
 *   refuse          close the listener (connections already open are kept as they are)
 *
 * Bytes are never dropped from the middle of a stream: a connection either gets everything in order, or is
 * destroyed whole. A mode can be set for every connection or only for those a member opened (peer links: etcd's
 * rafthttp sends `X-Server-From: <member id in hex>` on every request, which the proxy reads from the first
 * request of a connection), so member-to-member links can be cut both ways.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly baseMs: number; readonly jitterMs: number }
  | { readonly kind: 'stall' }
  | { readonly kind: 'stall-replies' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'refuse' };

export const PASS: ProxyMode = { kind: 'pass' };

export interface FaultProxy {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** The mode of every connection (overrides per member are kept). */
  setMode(mode: ProxyMode): Promise<void>;
  /** The mode of the connections member `fromId` (hex, as in X-Server-From) opened; `undefined` clears it. */
  setModeFrom(fromId: string, mode: ProxyMode | undefined): void;
  /** Connections accepted so far, and open now. */
  stats(): { accepted: number; open: number; resets: number };
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  readonly name: string;
  /** The member's port behind the proxy. */
  readonly targetPort: number;
  /** Listen here (0: a free port). */
  readonly port?: number | undefined;
  /** Jitter source in [0, 1): the episode's seeded generator, so delays are reproducible. */
  readonly random?: (() => number) | undefined;
}

const HEADER_SNIFF_LIMIT = 16 * 1024;
const FROM_HEADER = /\r\nX-Server-From: *([0-9a-fA-F]+)\r\n/i;

interface Direction {
  readonly from: Socket;
  readonly to: Socket;
  readonly queue: Buffer[];
  /** When the last chunk queued under `delay` may go: later chunks never go before it. */
  releaseAt: number;
  timer: NodeJS.Timeout | undefined;
  ended: boolean;
  /** True for member → client (the replies). */
  readonly replies: boolean;
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly up: Direction;
  readonly down: Direction;
  fromId: string | undefined;
  sniffed: boolean;
  head: Buffer;
  closed: boolean;
}

export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = options.random ?? Math.random;
  const links = new Set<Link>();
  const overrides = new Map<string, ProxyMode>();
  let mode: ProxyMode = PASS;
  let accepted = 0;
  let resets = 0;
  let server: Server | undefined;
  let port = options.port ?? 0;

  const modeOf = (link: Link): ProxyMode => (link.fromId !== undefined ? overrides.get(link.fromId) : undefined) ?? mode;

  const destroy = (link: Link): void => {
    if (link.closed) return;
    link.closed = true;
    for (const d of [link.up, link.down]) clearTimeout(d.timer);
    link.client.destroy();
    link.upstream.destroy();
    links.delete(link);
  };

  /** Forward what the mode lets through, in order; end the far side once everything before the end went. */
  const pump = (link: Link, d: Direction): void => {
    if (link.closed) return;
    const m = modeOf(link);
    if (m.kind === 'reset') {
      resets++;
      destroy(link);
      return;
    }
    const held = m.kind === 'stall' || (m.kind === 'stall-replies' && d.replies);
    if (held) {
      d.from.pause(); // stop reading: the sender's TCP window fills, nothing is lost
      return;
    }
    if (d.from.isPaused() && !d.ended) d.from.resume();
    if (m.kind === 'delay') {
      if (d.timer !== undefined) return;
      const chunk = d.queue[0];
      if (chunk === undefined) return finish(link, d);
      const wait = Math.max(0, d.releaseAt - Date.now());
      d.timer = setTimeout(() => {
        d.timer = undefined;
        if (modeOf(link).kind !== 'delay') return pump(link, d);
        const next = d.queue.shift();
        if (next !== undefined) d.to.write(next);
        pump(link, d);
      }, wait);
      return;
    }
    clearTimeout(d.timer);
    d.timer = undefined;
    while (d.queue.length > 0) d.to.write(d.queue.shift()!);
    finish(link, d);
  };

  const finish = (link: Link, d: Direction): void => {
    if (d.ended && d.queue.length === 0 && !link.closed) d.to.end();
  };

  const direction = (from: Socket, to: Socket, replies: boolean): Direction => ({
    from,
    to,
    queue: [],
    releaseAt: 0,
    timer: undefined,
    ended: false,
    replies,
  });

  const enqueue = (link: Link, d: Direction, chunk: Buffer): void => {
    const m = modeOf(link);
    if (m.kind === 'delay') {
      const delay = m.baseMs + (random() * 2 - 1) * m.jitterMs;
      d.releaseAt = Math.max(d.releaseAt, Date.now() + Math.max(0, delay));
    }
    d.queue.push(chunk);
    pump(link, d);
  };

  const onConnection = (client: Socket): void => {
    accepted++;
    if (mode.kind === 'reset') {
      resets++;
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort });
    const link: Link = {
      client,
      upstream,
      up: direction(client, upstream, false),
      down: direction(upstream, client, true),
      fromId: undefined,
      sniffed: false,
      head: Buffer.alloc(0),
      closed: false,
    };
    links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      if (!link.sniffed) {
        // Read the first request's head to learn which member opened the link (peer traffic), then forward it.
        link.head = Buffer.concat([link.head, chunk]);
        const text = link.head.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        const http = /^[A-Z]+ /.test(text) || (text.length < 8 && /^[A-Z]*$/.test(text));
        if (end < 0 && http && link.head.length < HEADER_SNIFF_LIMIT) return; // the head is still coming
        link.sniffed = true;
        link.fromId = FROM_HEADER.exec(text.slice(0, end < 0 ? undefined : end + 2))?.[1]?.toLowerCase();
        chunk = link.head;
        link.head = Buffer.alloc(0);
      }
      enqueue(link, link.up, chunk);
    });
    upstream.on('data', (chunk: Buffer) => enqueue(link, link.down, chunk));
    client.on('end', () => {
      link.up.ended = true;
      if (!link.sniffed && link.head.length > 0) {
        link.sniffed = true;
        link.up.queue.push(link.head);
      }
      pump(link, link.up);
    });
    upstream.on('end', () => {
      link.down.ended = true;
      pump(link, link.down);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => destroy(link));
      // A side closes once both of its halves are done (or it died): the pair goes together.
      s.on('close', () => destroy(link));
    }
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer({ allowHalfOpen: true, pauseOnConnect: false }, onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const unlisten = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server;
      server = undefined;
      if (s === undefined) return resolve();
      s.close(() => resolve());
    });

  await listen();

  const repump = (): void => {
    for (const link of [...links]) {
      pump(link, link.up);
      pump(link, link.down);
    }
  };

  return {
    name: options.name,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    async setMode(next) {
      const wasRefusing = mode.kind === 'refuse';
      mode = next;
      if (next.kind === 'refuse' && !wasRefusing) void unlisten(); // open connections are kept: do not wait for them
      if (next.kind !== 'refuse' && wasRefusing) await listenAgain();
      repump();
    },
    setModeFrom(fromId, next) {
      if (next === undefined) overrides.delete(fromId.toLowerCase());
      else overrides.set(fromId.toLowerCase(), next);
      repump();
    },
    stats: () => ({ accepted, open: links.size, resets }),
    async close() {
      const closed = unlisten(); // resolves once the connections below are gone
      for (const link of [...links]) destroy(link);
      await closed;
    },
  };

  /** Listen on the same port again; another process may hold it for a moment, so try a few times. */
  async function listenAgain(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await listen();
      } catch (err) {
        if (attempt >= 20) throw new Error(`fault proxy ${options.name}: cannot listen on ${port} again`, { cause: err });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
