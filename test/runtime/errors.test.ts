import { describe, expect, it } from 'vitest';
import {
  etcdErrorFor,
  EtcdConnectionError,
  EtcdDecodeError,
  EtcdError,
  EtcdUnsupportedError,
  WatchCompactedError,
  isRetriable,
} from '../../templates/runtime/errors.js';
import { parseErrorBody, type ParsedErrorBody } from '../../templates/runtime/wire/error-body.js';
import { GrpcCode, grpcCodeName, grpcCodeOfGoName } from '../../templates/runtime/codes.js';

const v1 = (message: string, code: number) => JSON.stringify({ error: message, message, code });
const v2 = (message: string, code: number) => JSON.stringify({ code, message, details: [] });
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

describe('parseErrorBody', () => {
  // [case, HTTP status, content type, body, expected code, expected message]
  const table: [string, number, string | null, string, number, string][] = [
    // The GATEWAY.md error table, in the v1 shape etcd 3.4/3.5 send.
    ['malformed JSON body', 400, JSON_TYPE, v1('unexpected EOF', 3), 3, 'unexpected EOF'],
    [
      'key not provided',
      400,
      JSON_TYPE,
      v1('etcdserver: key is not provided', 3),
      3,
      'etcdserver: key is not provided',
    ],
    [
      'too many txn ops',
      400,
      JSON_TYPE,
      v1('etcdserver: too many operations in txn request', 3),
      3,
      'etcdserver: too many operations in txn request',
    ],
    [
      'request too large',
      400,
      JSON_TYPE,
      v1('etcdserver: request is too large', 3),
      3,
      'etcdserver: request is too large',
    ],
    [
      'message larger than max',
      429,
      JSON_TYPE,
      v1('grpc: received message larger than max', 8),
      8,
      'grpc: received message larger than max',
    ],
    [
      'compacted',
      400,
      JSON_TYPE,
      v1('etcdserver: mvcc: required revision has been compacted', 11),
      11,
      'etcdserver: mvcc: required revision has been compacted',
    ],
    [
      'lease not found',
      404,
      JSON_TYPE,
      v1('etcdserver: requested lease not found', 5),
      5,
      'etcdserver: requested lease not found',
    ],
    ['lease exists', 412, JSON_TYPE, v1('etcdserver: lease already exists', 9), 9, 'etcdserver: lease already exists'],
    ['user name empty', 400, JSON_TYPE, v1('etcdserver: user name is empty', 3), 3, 'etcdserver: user name is empty'],
    [
      'invalid auth token',
      401,
      JSON_TYPE,
      v1('etcdserver: invalid auth token', 16),
      16,
      'etcdserver: invalid auth token',
    ],
    [
      'wrong password',
      400,
      JSON_TYPE,
      v1('etcdserver: authentication failed, invalid user ID or password', 3),
      3,
      'etcdserver: authentication failed, invalid user ID or password',
    ],
    ['permission denied', 403, JSON_TYPE, v1('etcdserver: permission denied', 7), 7, 'etcdserver: permission denied'],
    ['no quorum read', 503, JSON_TYPE, v1('etcdserver: request timed out', 14), 14, 'etcdserver: request timed out'],
    ['no quorum write', 500, JSON_TYPE, v1('context deadline exceeded', 2), 2, 'context deadline exceeded'],
    ['no leader', 503, JSON_TYPE, v1('etcdserver: no leader', 14), 14, 'etcdserver: no leader'],
    ['Grpc-Timeout deadline', 504, JSON_TYPE, v1('context deadline exceeded', 4), 4, 'context deadline exceeded'],
    // grpc-gateway v2 (etcd 3.6+): no `error` field.
    [
      'v2 invalid argument',
      400,
      JSON_TYPE,
      v2('etcdserver: key is not provided', 3),
      3,
      'etcdserver: key is not provided',
    ],
    [
      'v2 unauthenticated',
      401,
      JSON_TYPE,
      v2('etcdserver: invalid auth token', 16),
      16,
      'etcdserver: invalid auth token',
    ],
    [
      'v2 lease not found keeps NOT_FOUND',
      404,
      JSON_TYPE,
      v2('etcdserver: requested lease not found', 5),
      5,
      'etcdserver: requested lease not found',
    ],
    // Plain text from Go's router.
    ['/v3alpha on 3.4', 404, TEXT_TYPE, '404 page not found\n', 12, '404 page not found'],
    ['GET on a gateway route', 405, TEXT_TYPE, 'Method Not Allowed\n', 12, 'Method Not Allowed'],
    ['text 503 from a proxy', 503, 'text/html', '<html>down</html>', 14, '<html>down</html>'],
    ['text 401', 401, TEXT_TYPE, 'nope', 16, 'nope'],
    ['text 403', 403, TEXT_TYPE, 'no', 7, 'no'],
    ['text 409', 409, TEXT_TYPE, 'x', 10, 'x'],
    ['text 412', 412, TEXT_TYPE, 'x', 9, 'x'],
    ['text 429', 429, TEXT_TYPE, 'slow down', 8, 'slow down'],
    ['text 499', 499, TEXT_TYPE, 'x', 1, 'x'],
    ['text 500', 500, TEXT_TYPE, 'boom', 13, 'boom'],
    ['text 501', 501, TEXT_TYPE, 'x', 12, 'x'],
    ['text 504', 504, TEXT_TYPE, 'x', 4, 'x'],
    ['text 400', 400, TEXT_TYPE, 'bad', 3, 'bad'],
    ['unmapped status', 418, TEXT_TYPE, 'teapot', 2, 'teapot'],
    ['empty body', 502, null, '', 2, 'HTTP 502'],
    ['JSON without a code takes the HTTP mapping', 404, JSON_TYPE, '{"error":"gone"}', 5, 'gone'],
    [
      'JSON without content type',
      400,
      null,
      v1('etcdserver: key is not provided', 3),
      3,
      'etcdserver: key is not provided',
    ],
    ['broken JSON', 500, JSON_TYPE, '{"code":', 13, '{"code":'],
  ];
  it.each(table)('%s', (_, status, type, body, code, message) => {
    const parsed = parseErrorBody(status, type, body);
    expect(parsed.code).toBe(code);
    expect(parsed.message).toBe(message);
    expect(parsed.details).toEqual([]);
  });

  it('flags router answers as routeNotFound, not etcd answers', () => {
    expect(parseErrorBody(404, TEXT_TYPE, '404 page not found\n').routeNotFound).toBe(true);
    expect(
      parseErrorBody(404, JSON_TYPE, v1('etcdserver: requested lease not found', 5)).routeNotFound,
    ).toBeUndefined();
  });

  it('reads the grpc-gateway v2 routing 404 as UNIMPLEMENTED', () => {
    const parsed = parseErrorBody(404, JSON_TYPE, v2('Not Found', 5));
    expect(parsed).toEqual({ code: 12, message: 'Not Found', details: [], routeNotFound: true });
  });

  it('keeps v2 details', () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'X' }];
    const body = JSON.stringify({ code: 9, message: 'm', details });
    expect(parseErrorBody(412, JSON_TYPE, body).details).toEqual(details);
  });

  it('reads an in-stream error chunk (3.4/3.5)', () => {
    const chunk =
      '{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}';
    const expected: ParsedErrorBody = { code: 14, message: 'transport is closing', details: [], httpStatus: 503 };
    expect(parseErrorBody(200, JSON_TYPE, chunk)).toEqual(expected);
  });

  it('reads an in-stream error chunk (3.6: a status object)', () => {
    const chunk =
      '{"error":{"code":11,"message":"etcdserver: mvcc: required revision has been compacted","details":[]}}';
    expect(parseErrorBody(200, JSON_TYPE, chunk)).toEqual({
      code: 11,
      message: 'etcdserver: mvcc: required revision has been compacted',
      details: [],
    });
  });

  it('falls back to http_status and http_code in a stream chunk', () => {
    const chunk = '{"error":{"http_code":503,"http_status":"Service Unavailable"}}';
    expect(parseErrorBody(200, null, chunk)).toMatchObject({ code: 14, message: 'Service Unavailable' });
  });
});

describe('error classes', () => {
  it('EtcdError carries the status and its context', () => {
    const e = new EtcdError('etcdserver: permission denied', {
      code: 7,
      httpStatus: 403,
      operation: 'kv.put',
      endpoint: 'http://127.0.0.1:2379',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('EtcdError');
    expect(e.message).toBe('etcdserver: permission denied');
    expect(e.codeName).toBe('PERMISSION_DENIED');
    expect(e.details).toEqual([]);
    expect(e.operation).toBe('kv.put');
    expect(String(e)).toBe('EtcdError: etcdserver: permission denied');
  });

  it('names every gRPC code', () => {
    expect(grpcCodeName(0)).toBe('OK');
    expect(grpcCodeName(14)).toBe('UNAVAILABLE');
    expect(grpcCodeName(16)).toBe('UNAUTHENTICATED');
    expect(grpcCodeName(99)).toBe('UNKNOWN');
  });

  it('GrpcCode names the codes 0..16 in order, and its Go names agree with the canonical names', () => {
    expect(Object.values(GrpcCode)).toEqual([...Array(17).keys()]);
    for (const [goName, code] of Object.entries(GrpcCode)) {
      const canonical = goName === 'Canceled' ? 'CANCELLED' : goName.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      expect(grpcCodeName(code), goName).toBe(canonical);
      expect(grpcCodeOfGoName(goName)).toBe(code);
    }
    expect(grpcCodeOfGoName('toString')).toBe(GrpcCode.Unknown);
    expect(grpcCodeOfGoName('Bogus')).toBe(GrpcCode.Unknown);
  });

  it('isRetriable: connection failures, UNAVAILABLE answers and a member shutting down only', () => {
    expect(isRetriable(new EtcdConnectionError('down', []))).toBe(true);
    expect(isRetriable(new EtcdError('etcdserver: no leader', { code: GrpcCode.Unavailable }))).toBe(true);
    expect(isRetriable(new EtcdError('grpc: the client connection is closing', { code: GrpcCode.Canceled }))).toBe(true);
    expect(isRetriable(new EtcdError('context canceled', { code: GrpcCode.Canceled }))).toBe(false);
    expect(isRetriable(new EtcdError('etcdserver: request timed out', { code: GrpcCode.DeadlineExceeded }))).toBe(false);
    expect(isRetriable(new EtcdError('etcdserver: permission denied', { code: GrpcCode.PermissionDenied }))).toBe(false);
    expect(isRetriable(new TypeError('fetch failed'))).toBe(false);
  });

  it('WatchCompactedError is an OUT_OF_RANGE EtcdError with the compact revision', () => {
    const e = new WatchCompactedError(20n, { operation: 'watch.watch' });
    expect(e).toBeInstanceOf(EtcdError);
    expect(e.name).toBe('WatchCompactedError');
    expect(e.codeName).toBe('OUT_OF_RANGE');
    expect(e.compactRevision).toBe(20n);
    expect(e.message).toContain('compact revision 20');
  });

  it('EtcdConnectionError lists each endpoint cause', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const e = new EtcdConnectionError(
      'kv.range failed on every endpoint',
      [
        { endpoint: 'http://a:2379', error: refused },
        { endpoint: 'http://b:2379', error: new EtcdError('etcdserver: no leader', { code: 14 }) },
      ],
      'kv.range',
    );
    expect(e.name).toBe('EtcdConnectionError');
    expect(e.message).toBe(
      'kv.range failed on every endpoint: http://a:2379: fetch failed (connect ECONNREFUSED 127.0.0.1:1); ' +
        'http://b:2379: etcdserver: no leader',
    );
    expect(e.causes).toHaveLength(2);
    expect(e.operation).toBe('kv.range');
  });

  it('EtcdDecodeError and EtcdUnsupportedError explain themselves', () => {
    const d = new EtcdDecodeError('kvs[0].key', 'expected a base64 string, got number');
    expect(d.name).toBe('EtcdDecodeError');
    expect(d.message).toBe('malformed etcd response at kvs[0].key: expected a base64 string, got number');
    const u = new EtcdUnsupportedError('maintenance.downgrade', '3.4.22', '3.5+');
    expect(u.name).toBe('EtcdUnsupportedError');
    expect(u.message).toBe('maintenance.downgrade needs etcd 3.5+, but the server runs etcd 3.4.22');
    expect(u).toMatchObject({ operation: 'maintenance.downgrade', serverVersion: '3.4.22', supportedVersions: '3.5+' });
  });
});

describe('one code on every server', () => {
  it.each([
    ['context deadline exceeded', GrpcCode.Unknown, 'DEADLINE_EXCEEDED'], // 3.4's gateway (v1): HTTP 500, code 2
    ['rpc error: code = DeadlineExceeded desc = context deadline exceeded', GrpcCode.Unknown, 'DEADLINE_EXCEEDED'],
    ['context deadline exceeded', GrpcCode.DeadlineExceeded, 'DEADLINE_EXCEEDED'], // 3.5 on: HTTP 504, code 4
    ['etcdserver: context deadline exceeded in a sentence', GrpcCode.Unknown, 'UNKNOWN'],
    ['something else', GrpcCode.Unknown, 'UNKNOWN'],
  ])('%s with code %i is %s', (message, code, codeName) => {
    expect(etcdErrorFor(message, { code })).toMatchObject({ codeName, message });
  });
});
