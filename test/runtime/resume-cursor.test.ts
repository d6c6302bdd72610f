import { describe, expect, it } from 'vitest';
import { ResumeCursor } from '../../templates/runtime/watch/resume.js';

const put = (rev: number) => ({ type: 'PUT' as const, kv: { key: 'k', modRevision: String(rev) } });

describe('ResumeCursor', () => {
  it('resumes after the last delivered event and drops what was delivered already', () => {
    const cursor = new ResumeCursor(5n);
    expect(cursor.fresh([put(4), put(5), put(6)]).map((e) => e.kv.modRevision)).toEqual(['5', '6']);
    cursor.delivered([put(5), put(6)]);
    expect(cursor.startRevision).toBe(7n);
    expect(cursor.fresh([put(6), put(7)]).map((e) => e.kv.modRevision)).toEqual(['7']);
  });

  it('a progress answer moves the resume point, but an event it vouched for that comes late is still delivered', () => {
    const cursor = new ResumeCursor(undefined);
    cursor.created(10n);
    cursor.progressed(20n);
    expect(cursor.startRevision).toBe(21n);
    // The server said "up to 20" before sending revision 15's event: the event is not dropped as old.
    expect(cursor.fresh([put(15)]).map((e) => e.kv.modRevision)).toEqual(['15']);
    cursor.delivered([put(15)]);
    expect(cursor.startRevision).toBe(21n);
    expect(cursor.fresh([put(15), put(16)]).map((e) => e.kv.modRevision)).toEqual(['16']);
  });
});
