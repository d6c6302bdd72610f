// The pure parts of a watch that never loses or repeats an event, with tables and no server: where it resumes,
// how fragments come back together, how events group by revision, what a response or a failure means.
import { describe, expect, it } from 'vitest';
import { EtcdError, WatchCompactedError } from '../../templates/runtime/errors.js';
import {
  FragmentAssembler,
  ResumeCursor,
  cancelError,
  interpretResponse,
  parseCancelReason,
  splitByRevision,
} from '../../templates/runtime/watch/resume.js';
import type { WatchResponseShape } from '../../templates/runtime/watch/types.js';

interface TestEvent {
  readonly kv: { readonly key: string; readonly modRevision: bigint };
}

const ev = (key: string, revision: number): TestEvent => ({ kv: { key, modRevision: BigInt(revision) } });

function response(fields: Partial<WatchResponseShape<TestEvent>> = {}): WatchResponseShape<TestEvent> {
  return {
    header: { revision: 10n },
    watchId: 0n,
    created: false,
    canceled: false,
    compactRevision: 0n,
    cancelReason: '',
    fragment: false,
    events: [],
    ...fields,
  };
}

describe('ResumeCursor', () => {
  type Step = ['created' | 'progress', number] | ['delivered', number[]];
  const table: { name: string; start: number | undefined; steps: Step[]; resumeAt: number | undefined }[] = [
    {
      name: 'from now, nothing happened yet: after the created revision',
      start: undefined,
      steps: [['created', 7]],
      resumeAt: 8,
    },
    { name: 'from now, before any creation: still now', start: undefined, steps: [], resumeAt: undefined },
    { name: 'a start revision is kept through its creation', start: 3, steps: [['created', 9]], resumeAt: 3 },
    {
      name: 'one past the last delivered event',
      start: 3,
      steps: [
        ['created', 9],
        ['delivered', [3, 5, 5]],
      ],
      resumeAt: 6,
    },
    {
      name: 'a later progress moves it on',
      start: 3,
      steps: [
        ['delivered', [4]],
        ['progress', 20],
      ],
      resumeAt: 21,
    },
    {
      name: 'an older progress never moves it back',
      start: 3,
      steps: [
        ['delivered', [30]],
        ['progress', 20],
      ],
      resumeAt: 31,
    },
    {
      name: 'events after a progress win again',
      start: 1,
      steps: [
        ['progress', 20],
        ['delivered', [21, 22]],
      ],
      resumeAt: 23,
    },
    {
      name: 're-creation keeps the position',
      start: 1,
      steps: [
        ['delivered', [4]],
        ['created', 40],
      ],
      resumeAt: 5,
    },
  ];
  it.each(table)('$name', ({ start, steps, resumeAt }) => {
    const cursor = new ResumeCursor(start === undefined ? undefined : BigInt(start));
    for (const [kind, arg] of steps) {
      if (kind === 'delivered') cursor.delivered(arg.map((r) => ev('k', r)));
      else if (kind === 'created') cursor.created(BigInt(arg));
      else cursor.progressed(BigInt(arg));
    }
    expect(cursor.startRevision).toBe(resumeAt === undefined ? undefined : BigInt(resumeAt));
  });

  it('drops events that were already delivered (a repeat is never yielded twice)', () => {
    const cursor = new ResumeCursor(1n);
    cursor.delivered([ev('a', 5), ev('b', 5)]);
    expect(cursor.fresh([ev('a', 5), ev('b', 5), ev('c', 6)])).toEqual([ev('c', 6)]);
    expect(new ResumeCursor(undefined).fresh([ev('a', 1)])).toEqual([ev('a', 1)]);
  });

  it('accepts int64 strings (clients generated with --int64 string)', () => {
    const cursor = new ResumeCursor(undefined);
    cursor.delivered([{ kv: { modRevision: '9007199254740993' } }]);
    expect(cursor.startRevision).toBe(9007199254740994n);
  });
});

describe('FragmentAssembler', () => {
  const table: { name: string; parts: [boolean, number[]][]; out: (number[] | undefined)[] }[] = [
    { name: 'an unfragmented response passes through', parts: [[false, [5]]], out: [[5]] },
    {
      name: 'three parts become one response',
      parts: [
        [true, [5, 5]],
        [true, [5]],
        [false, [5, 6]],
      ],
      out: [undefined, undefined, [5, 5, 5, 5, 6]],
    },
    {
      name: 'the next response starts afresh',
      parts: [
        [true, [5]],
        [false, [5]],
        [false, [7]],
      ],
      out: [undefined, [5, 5], [7]],
    },
  ];
  it.each(table)('$name', ({ parts, out }) => {
    const assembler = new FragmentAssembler<WatchResponseShape<TestEvent>>();
    const got = parts.map(([fragment, revisions]) =>
      assembler.push(response({ fragment, events: revisions.map((r, i) => ev(`k${i}`, r)) })),
    );
    expect(got.map((r) => r?.events.map((e) => Number(e.kv.modRevision)))).toEqual(out);
    for (const r of got) if (r !== undefined) expect(r.fragment).toBe(false);
    expect(assembler.pending).toBe(0);
  });

  it('holds back a revision whose last part has not come (a drop then loses only the parts)', () => {
    const assembler = new FragmentAssembler<WatchResponseShape<TestEvent>>();
    expect(assembler.push(response({ fragment: true, events: [ev('a', 9)] }))).toBeUndefined();
    expect(assembler.pending).toBe(1);
  });

  it('keeps the order of the parts and of the events in them', () => {
    const assembler = new FragmentAssembler<WatchResponseShape<TestEvent>>();
    assembler.push(response({ fragment: true, events: [ev('a', 9), ev('b', 9)] }));
    const whole = assembler.push(response({ events: [ev('c', 9)] }));
    expect(whole?.events.map((e) => e.kv.key)).toEqual(['a', 'b', 'c']);
  });
});

describe('splitByRevision', () => {
  const table: { revisions: number[]; groups: number[][] }[] = [
    { revisions: [], groups: [] },
    { revisions: [5], groups: [[5]] },
    { revisions: [5, 5, 6], groups: [[5, 5], [6]] },
    { revisions: [2, 3, 3, 3, 4, 4], groups: [[2], [3, 3, 3], [4, 4]] },
  ];
  it.each(table)('$revisions → $groups', ({ revisions, groups }) => {
    const got = splitByRevision(revisions.map((r) => ev('k', r)));
    expect(got.map((g) => g.map((e) => Number(e.kv.modRevision)))).toEqual(groups);
  });
});

describe('interpretResponse', () => {
  const where = { endpoint: 'http://127.0.0.1:1' };
  it.each([
    { name: 'created', r: response({ created: true, header: { revision: 4n } }), kind: 'created', revision: 4n },
    { name: 'events', r: response({ events: [ev('a', 3)] }), kind: 'events' },
    {
      name: 'progress notification for this watch',
      r: response({ watchId: 3n, header: { revision: 12n } }),
      kind: 'progress',
      revision: 12n,
    },
    {
      name: 'stream-wide progress answer (-1)',
      r: response({ watchId: -1n, header: { revision: 9n } }),
      kind: 'stream-progress',
      revision: 9n,
    },
    { name: 'a response without a header', r: response({ watchId: 5n, header: undefined }), kind: 'ignored' },
    {
      name: 'created and canceled at once',
      r: response({ created: true, canceled: true, cancelReason: 'x' }),
      kind: 'canceled',
    },
  ])('$name', ({ r, kind, revision }) => {
    const step = interpretResponse(r, where);
    expect(step.kind).toBe(kind);
    if (revision !== undefined) expect(step).toMatchObject({ revision });
  });
});

describe('cancelError', () => {
  const reason = (code: string, desc: string) => `rpc error: code = ${code} desc = ${desc}`;
  it.each([
    {
      reason: reason('PermissionDenied', 'etcdserver: permission denied'),
      code: 7,
      codeName: 'PERMISSION_DENIED',
      message: 'etcdserver: permission denied',
    },
    {
      reason: reason('Unauthenticated', 'etcdserver: invalid auth token'),
      code: 16,
      codeName: 'UNAUTHENTICATED',
      message: 'etcdserver: invalid auth token',
    },
    {
      reason: reason('InvalidArgument', 'etcdserver: user name is empty'),
      code: 3,
      codeName: 'INVALID_ARGUMENT',
      message: 'etcdserver: user name is empty',
    },
    {
      reason: reason('Unavailable', 'etcdserver: no leader'),
      code: 14,
      codeName: 'UNAVAILABLE',
      message: 'etcdserver: no leader',
    },
    { reason: reason('Canceled', 'context canceled'), code: 1, codeName: 'CANCELLED', message: 'context canceled' },
    {
      reason: 'mvcc: duplicate watch ID provided on the WatchStream',
      code: 2,
      codeName: 'UNKNOWN',
      message: 'mvcc: duplicate watch ID provided on the WatchStream',
    },
    { reason: '', code: 14, codeName: 'UNAVAILABLE', message: 'the server canceled the watch without a reason' },
  ])('$reason → $codeName', ({ reason: cancelReason, code, codeName, message }) => {
    const error = cancelError(response({ canceled: true, cancelReason }), 'http://e');
    expect(error).toBeInstanceOf(EtcdError);
    expect(error).not.toBeInstanceOf(WatchCompactedError);
    expect({ code: error.code, codeName: error.codeName, message: error.message, endpoint: error.endpoint }).toEqual({
      code,
      codeName,
      message,
      endpoint: 'http://e',
    });
  });

  it('a compacted start revision is a WatchCompactedError carrying the compact revision', () => {
    const error = cancelError(response({ canceled: true, compactRevision: '20' }));
    expect(error).toBeInstanceOf(WatchCompactedError);
    expect((error as WatchCompactedError).compactRevision).toBe(20n);
    expect(error.codeName).toBe('OUT_OF_RANGE');
  });

  it('parseCancelReason keeps a multi-line description', () => {
    expect(parseCancelReason('rpc error: code = Internal desc = a\nb')).toEqual({ code: 13, message: 'a\nb' });
  });
});
