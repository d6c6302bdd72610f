// The small websocket facts of a watch socket: which class to use, the URL, a frame's text, size and JSON, and the
// watch ID of an answer (core/etcd-version.ts has which servers' proxies carry what).
import { EtcdDecodeError } from '../errors.js';
import type { WebSocketConstructor } from '../types.js';

/** `ws`'s error past its maxPayload (RangeError 'Max payload size exceeded'). */
export function isPayloadLimit(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}

/** A frame's size: bytes for binary data; for text its length, which a longer UTF-8 encoding only exceeds. */
export function frameLength(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  return ArrayBuffer.isView(data) ? data.byteLength : 0;
}

export function parseFrame(data: unknown): Record<string, unknown> {
  const text = frameText(data);
  if (text === undefined) throw new EtcdDecodeError('watch', 'a websocket frame is not text');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EtcdDecodeError('watch', `a websocket frame is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EtcdDecodeError('watch', 'a websocket frame is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The watch ID of a wire response as a decimal string; absent means 0. */
export function wireWatchId(result: Record<string, unknown>): string {
  const id = result['watch_id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '0';
}

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

const textDecoder = new TextDecoder();

/** The text of a message event's data: a string, or UTF-8 bytes (an ArrayBuffer or any typed array). */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return textDecoder.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return textDecoder.decode(data);
  return undefined;
}
