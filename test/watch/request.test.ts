// watchEvents options → the create request (on the wire through the generated encoder), and the small websocket facts (URL, which servers take a token).
import { describe, expect, it } from 'vitest';
import { encodeWatchRequest } from '../../generated/codecs.js';
import { carriesWatchIds, createRequest, watchTarget } from '../../templates/runtime/watch/request.js';
import WsWebSocket from 'ws';
import {
  frameText,
  resolveWebSocket,
  watchSocketUrl,
} from '../../templates/runtime/watch/frames.js';
import {
  answersProgressAfterResume,
  websocketCarriesAuth,
  websocketCarriesLargeMessages,
  websocketEndsStreams,
} from '../../templates/runtime/core/etcd-version.js';
import type { WebSocketConstructor } from '../../templates/runtime/types.js';

const b64 = (s: string): string => btoa(s);

describe('watchTarget and createRequest', () => {
  it.each([
    {
      name: 'one key, from now',
      options: { key: 'a' },
      start: undefined,
      wire: { key: b64('a'), fragment: true },
    },
    {
      name: 'a prefix computes the range end',
      options: { key: 'app/', prefix: true },
      start: undefined,
      wire: { key: b64('app/'), range_end: b64('app0'), fragment: true },
    },
    {
      name: 'every option',
      options: {
        key: new Uint8Array([1, 2]),
        rangeEnd: '\0',
        startRevision: '42',
        prevKv: true,
        progressNotify: true,
        filters: ['NODELETE' as const],
      },
      start: 42n,
      wire: {
        key: 'AQI=',
        range_end: 'AA==',
        prev_kv: true,
        progress_notify: true,
        filters: ['NODELETE'],
        fragment: true,
        start_revision: '42',
      },
    },
    {
      name: 'fragment: false leaves large revisions whole',
      options: { key: 'a', fragment: false },
      start: undefined,
      wire: { key: b64('a') },
    },
    {
      name: 'start revision 0 means now',
      options: { key: 'a', startRevision: 0 },
      start: undefined,
      wire: { key: b64('a'), fragment: true },
    },
    {
      name: 'every key',
      options: { key: '', rangeEnd: '\0' },
      start: undefined,
      wire: { key: '', range_end: 'AA==', fragment: true },
    },
  ])('$name', ({ options, start, wire }) => {
    const target = watchTarget(options);
    expect(target.startRevision).toBe(start);
    expect(encodeWatchRequest(createRequest(target, target.startRevision))).toEqual({ create_request: wire });
  });

  it('resumes at the revision it is given, with the watch ID of a shared socket', () => {
    const target = watchTarget({ key: 'a', startRevision: 5n });
    expect(encodeWatchRequest(createRequest(target, 17n, 3))).toEqual({
      create_request: { key: b64('a'), fragment: true, start_revision: '17', watch_id: '3' },
    });
  });

  it('knows whether the encoder of the spec the client was generated from carries client-chosen watch IDs', () => {
    expect(carriesWatchIds(encodeWatchRequest)).toBe(true);
    // An encoder generated from an etcd 3.3.12 spec knows no watch_id: its watches are POSTs.
    const older = (request: { createRequest?: { key?: unknown } | undefined }) => ({ create_request: { key: request.createRequest?.key } });
    expect(carriesWatchIds(older)).toBe(false);
  });

  it.each([
    { options: { key: 'a', prefix: true, rangeEnd: 'b' }, error: /either prefix or rangeEnd/ },
    { options: { key: '' }, error: /key is empty/ },
    { options: { key: 5 }, error: /key must be a string or a Uint8Array/ },
    { options: { key: 'a', startRevision: -1 }, error: /must not be negative/ },
    { options: { key: 'a', startRevision: 1.5 }, error: /not a safe integer/ },
    { options: { key: 'a', filters: ['NOPUTS'] }, error: /filter "NOPUTS"/ },
  ])('rejects $options.key with $error', ({ options, error }) => {
    expect(() => watchTarget(options as never)).toThrow(error);
  });
});

describe('websocket facts', () => {
  it('maps an endpoint and prefix to the watch socket URL', () => {
    expect(watchSocketUrl('http://127.0.0.1:2379', '/v3')).toBe('ws://127.0.0.1:2379/v3/watch');
    expect(watchSocketUrl('https://etcd.example/base', '/v3')).toBe('wss://etcd.example/base/v3/watch');
  });

  it.each([
    ['3.4.22', false],
    ['3.5.31', false],
    ['3.5.32', true],
    ['3.6.12', false],
    ['3.6.13', true],
    ['3.7.0', true],
    ['4.0.0', true],
    ['3.3.27', false],
    ['garbage', false],
  ])('a token travels over a websocket to etcd %s: %s', (version, expected) => {
    expect(websocketCarriesAuth(version)).toBe(expected);
  });

  it.each([
    ['3.4.14', false],
    ['3.4.15', true],
    ['3.4.22', true],
    ['v3.4.9', false],
    ['3.5.0', true],
    ['3.6.14', true],
    ['4.0.0', true],
    ['3.3.27', false],
    ['garbage', false],
  ])('the websocket proxy of etcd %s carries messages over 64 KiB: %s', (version, expected) => {
    expect(websocketCarriesLargeMessages(version)).toBe(expected);
  });

  // Measured: a closed socket leaves its stream on 3.5.16 and 3.5.30 and a resumed POST's progress request goes
  // unanswered there (test/watch/cancel.test.ts and test/signals/watch-signals.test.ts run both on every server).
  it.each([
    ['3.3.27', true],
    ['3.4.22', true],
    ['v3.4.45', true],
    ['3.5.0', false],
    ['3.5.30', false],
    ['3.6.14', false],
    ['3.7.0-alpha.0', false],
    ['not a version', false],
  ])('%s: a closed websocket ends its stream and a resumed POST answers progress: %s', (version, expected) => {
    expect(websocketEndsStreams(version)).toBe(expected);
    expect(answersProgressAfterResume(version)).toBe(expected);
  });

  it('uses the option, null to turn websockets off, else the global class', () => {
    class Fake {
      readyState = 0;
      protocol = '';
      send(): void {}
      close(): void {}
      addEventListener(): void {}
    }
    expect(resolveWebSocket(Fake)).toBe(Fake);
    expect(resolveWebSocket(null)).toBeUndefined();
    expect(resolveWebSocket(undefined)).toBe((globalThis as { WebSocket?: unknown }).WebSocket);
  });

  it('the browser’s WebSocket class and the ws package’s fit the option (checked by the type-checker)', () => {
    const fits: [typeof WebSocket, typeof WsWebSocket] extends [WebSocketConstructor, WebSocketConstructor]
      ? true
      : false = true;
    expect(fits).toBe(true);
  });

  it('reads text frames as strings or UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode('{"result":{"ü":1}}');
    expect(frameText('x')).toBe('x');
    expect(frameText(bytes)).toBe('{"result":{"ü":1}}');
    expect(frameText(bytes.buffer)).toBe('{"result":{"ü":1}}');
    expect(frameText({})).toBeUndefined();
  });
});
