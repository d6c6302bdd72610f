import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { childScope, createScope } from '../../templates/runtime/core/signals.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('createScope', () => {
  it('aborts with the reason of the first parent to abort', () => {
    const a = new AbortController();
    const b = new AbortController();
    const scope = createScope([a.signal, undefined, b.signal]);
    b.abort('b went first');
    a.abort('a went second');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe('b went first');
  });

  it('starts aborted when a parent already is', () => {
    const a = new AbortController();
    a.abort('early');
    const scope = createScope([a.signal]);
    expect(scope.signal.reason).toBe('early');
  });

  it('aborts every scope following a parent, and no disposed one', () => {
    const root = new AbortController();
    const scopes = Array.from({ length: 5 }, () => createScope([root.signal]));
    scopes[1]!.dispose();
    scopes[3]!.abort('on its own');
    root.abort('closed');
    expect(scopes.map((s) => (s.signal.aborted ? s.signal.reason : 'running'))).toEqual([
      'closed',
      'running',
      'closed',
      'on its own',
      'closed',
    ]);
  });

  it('keeps one listener on a long-lived parent however many calls are in flight (no MaxListeners warning)', () => {
    const warning = vi.spyOn(process, 'emitWarning');
    const root = new AbortController();
    const scopes = Array.from({ length: 200 }, () => createScope([root.signal]));
    expect(getEventListeners(root.signal, 'abort')).toHaveLength(1);
    for (const s of scopes) s.dispose();
    const later = createScope([root.signal]);
    expect(getEventListeners(root.signal, 'abort')).toHaveLength(1);
    root.abort('closed');
    expect(later.signal.reason).toBe('closed');
    expect(scopes.every((s) => !s.signal.aborted)).toBe(true);
    expect(warning).not.toHaveBeenCalled();
  });

  it('times out with the reason onTimeout builds, and dispose() cancels the timer', () => {
    vi.useFakeTimers();
    const timed = createScope([], 50, () => 'deadline');
    const disposed = createScope([], 50, () => 'deadline');
    expect(timed.deadline).toBe(Date.now() + 50);
    disposed.dispose();
    vi.advanceTimersByTime(60);
    expect(timed.signal.reason).toBe('deadline');
    expect(disposed.signal.aborted).toBe(false);
  });
});

describe('a scope without its AbortSignal', () => {
  it('aborts, and a signal read afterwards is already aborted with the same reason', () => {
    const root = new AbortController();
    const scope = createScope([root.signal]);
    root.abort('closed');
    expect([scope.aborted, scope.reason]).toEqual([true, 'closed']);
    expect([scope.signal.aborted, scope.signal.reason]).toEqual([true, 'closed']);
  });

  it('a signal read before the abort fires its abort event', () => {
    const scope = createScope([]);
    const heard: unknown[] = [];
    scope.signal.addEventListener('abort', () => heard.push(scope.signal.reason));
    scope.abort('stop');
    scope.abort('again');
    expect(heard).toEqual(['stop']);
  });

  it('childScope follows its parent (and its deadline unless told not to), and can end alone', () => {
    vi.useFakeTimers();
    const parent = createScope([], 1_000);
    const child = childScope(parent);
    const hidden = childScope(parent, { deadline: false });
    const alone = childScope(parent);
    expect(child.deadline).toBe(parent.deadline);
    expect(hidden.deadline).toBeUndefined();
    alone.abort('its own');
    expect(parent.aborted).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect([child.aborted, hidden.aborted, alone.reason]).toEqual([true, true, 'its own']);
    expect(child.reason).toBe(parent.reason);
    expect(childScope(parent).reason).toBe(parent.reason); // made after: aborted at once
  });
});
