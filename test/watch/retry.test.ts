// What a broken watch does next, with tables and no server: give up, authenticate again, or back off and resume.
import { describe, expect, it } from 'vitest';
import {
  EtcdConnectionError,
  EtcdDecodeError,
  EtcdError,
  WatchCompactedError,
} from '../../templates/runtime/errors.js';
import { GrpcCode } from '../../templates/runtime/codes.js';
import { classifyFailure, WatchRetry } from '../../templates/runtime/watch/retry.js';

describe('classifyFailure', () => {
  it.each([
    { error: new WatchCompactedError(5n), action: 'fatal' },
    { error: new EtcdError('etcdserver: permission denied', { code: GrpcCode.PermissionDenied }), action: 'fatal' },
    { error: new EtcdError('etcdserver: user name is empty', { code: GrpcCode.InvalidArgument }), action: 'fatal' },
    { error: new EtcdError('etcdserver: invalid auth token', { code: GrpcCode.Unauthenticated }), action: 'reauthenticate' },
    { error: new EtcdError('transport is closing', { code: GrpcCode.Unavailable }), action: 'retry' },
    { error: new EtcdError('context canceled', { code: GrpcCode.Canceled }), action: 'retry' },
    { error: new EtcdConnectionError('stream broke', []), action: 'retry' },
    { error: new TypeError('fetch failed'), action: 'retry' },
    { error: new EtcdDecodeError('WatchResponse.events', 'expected an array'), action: 'fatal' },
  ])('$error.message → $action', ({ error, action }) => {
    expect(classifyFailure(error)).toBe(action);
  });
});

describe('WatchRetry', () => {
  const options = { backoff: { initialMs: 100, maxMs: 1_000 }, deadlineMs: 5_000 };
  const drop = new EtcdConnectionError('drop', []);

  it('backs off exponentially up to the cap, jittered into [base/2, base], and starts over once healthy', () => {
    const high = new WatchRetry(options, () => 0.999_999);
    high.created();
    expect(Array.from({ length: 6 }, () => high.after(drop).delayMs)).toEqual([100, 200, 400, 800, 1000, 1000]);
    high.healthy();
    expect(high.after(drop).delayMs).toBe(100);
    const low = new WatchRetry(options, () => 0);
    low.created();
    expect(Array.from({ length: 3 }, () => low.after(drop).delayMs)).toEqual([50, 100, 200]);
  });

  it('gives up on a watch that was never created once the deadline passed', () => {
    let now = 0;
    const fresh = new WatchRetry(
      options,
      () => 0.5,
      () => now,
    );
    expect(fresh.after(drop).reauthenticate).toBe(false);
    now = 5_000;
    expect(() => fresh.after(drop)).toThrow(drop);
  });

  it('never gives up on a watch that was created, however long it has been down', () => {
    let now = 0;
    const established = new WatchRetry(
      options,
      () => 0.5,
      () => now,
    );
    established.created();
    now = options.deadlineMs; // past the deadline that ends a watch never created (above)
    expect(() => established.after(drop)).not.toThrow();
    now = 1e9;
    expect(established.after(drop).reauthenticate).toBe(false);
  });

  it('re-authenticates at once, then with a backoff, and gives up on a third expiry in a row', () => {
    const retry = new WatchRetry(options, () => 0.999_999);
    const expired = new EtcdError('etcdserver: invalid auth token', { code: GrpcCode.Unauthenticated });
    expect(retry.after(expired)).toEqual({ delayMs: 0, reauthenticate: true });
    expect(retry.after(expired)).toEqual({ delayMs: 100, reauthenticate: true });
    expect(() => retry.after(expired)).toThrow(expired);
    retry.created();
    expect(retry.after(expired).reauthenticate).toBe(true);
  });

  it('throws final errors as they are', () => {
    const denied = new EtcdError('etcdserver: permission denied', { code: GrpcCode.PermissionDenied });
    expect(() => new WatchRetry(options).after(denied)).toThrow(denied);
  });
});
