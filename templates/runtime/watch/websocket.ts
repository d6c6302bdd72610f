// The little of a WebSocket the watch runtime uses, typed so that the browser's WebSocket, Node 22's global one
// and the `ws` package's class all fit, without the DOM library or any package.
import type { WebSocketConstructor } from '../types.js';

/** The WebSocket class to use: the option (null turns websockets off), else the global one when there is one. */
export function resolveWebSocket(option: WebSocketConstructor | null | undefined): WebSocketConstructor | undefined {
  if (option === null) return undefined;
  if (option !== undefined) return option;
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof global === 'function' ? (global as WebSocketConstructor) : undefined;
}

/** `http://host:2379` + `/v3` → `ws://host:2379/v3/watch` (https → wss). */
export function watchSocketUrl(endpoint: string, prefix: string): string {
  return `${endpoint.replace(/^http/i, 'ws')}${prefix}/watch`;
}

/**
 * Whether an etcd server accepts a token through the websocket proxy. The proxy can only forward the
 * `Sec-WebSocket-Protocol: Bearer, <token>` header as `Authorization: Bearer <token>`, and etcd strips the
 * `Bearer ` prefix from 3.5.32, 3.6.13 and 3.7 on (older servers reject it as an invalid token).
 */
export function websocketCarriesAuth(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (match === null) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major !== 3) return major > 3;
  if (minor === 5) return patch >= 32;
  if (minor === 6) return patch >= 13;
  return minor >= 7;
}

/**
 * Whether a server's websocket proxy carries watch messages of any size: before 3.4.15 it drops every message over
 * 64 KiB (etcd-io/etcd#12401, fixed in 3.4.15 by the backport #12402, and in 3.5.0). 3.3 buffers its websocket
 * answers (etcd-io/etcd#11815) and serves no /v3 prefix: POST there too.
 */
export function websocketCarriesLargeMessages(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (match === null) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major !== 3) return major > 3;
  return minor > 4 || (minor === 4 && patch >= 15);
}

const textDecoder = new TextDecoder();

/** The text of a message event's data: a string, or UTF-8 bytes (an ArrayBuffer or any typed array). */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return textDecoder.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return textDecoder.decode(data);
  return undefined;
}
