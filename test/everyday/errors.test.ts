// Which typed error each etcd answer becomes (pure: the messages are etcd's own, from rpctypes/error.go and
// v3election). The answers a test server can give are also checked live in verbs.test.ts.
import { describe, expect, it } from 'vitest';
import {
  EtcdAlreadyExistsError,
  EtcdAuthFailedError,
  EtcdCompactedError,
  EtcdError,
  EtcdFutureRevisionError,
  EtcdLeaseNotFoundError,
  EtcdNoLeaderError,
  EtcdNoSpaceError,
  EtcdNotFoundError,
  EtcdPermissionDeniedError,
  etcdErrorFor,
  WatchCompactedError,
} from '../../templates/runtime/errors.js';

const TABLE = [
  { given: ['etcdserver: requested lease not found', 5], want: EtcdLeaseNotFoundError, subject: 'lease' },
  { given: ['etcdserver: lease already exists', 9], want: EtcdAlreadyExistsError, subject: 'lease' },
  { given: ['etcdserver: user name already exists', 9], want: EtcdAlreadyExistsError, subject: 'user' },
  { given: ['etcdserver: role name already exists', 9], want: EtcdAlreadyExistsError, subject: 'role' },
  { given: ['etcdserver: member ID already exist', 9], want: EtcdAlreadyExistsError, subject: 'member' },
  { given: ['etcdserver: Peer URLs already exists', 9], want: EtcdAlreadyExistsError, subject: 'peer-url' },
  { given: ['etcdserver: user name not found', 9], want: EtcdNotFoundError, subject: 'user' },
  { given: ['etcdserver: role name not found', 9], want: EtcdNotFoundError, subject: 'role' },
  { given: ['etcdserver: member not found', 5], want: EtcdNotFoundError, subject: 'member' },
  { given: ['etcdserver: key not found', 3], want: EtcdNotFoundError, subject: 'key' },
  { given: ['election: no leader', 2], want: EtcdNotFoundError, subject: 'election-leader' },
  { given: ['etcdserver: mvcc: required revision has been compacted', 11], want: EtcdCompactedError },
  { given: ['etcdserver: mvcc: required revision is a future revision', 11], want: EtcdFutureRevisionError },
  { given: ['etcdserver: no leader', 14], want: EtcdNoLeaderError },
  { given: ['etcdserver: permission denied', 7], want: EtcdPermissionDeniedError },
  { given: ['etcdserver: authentication failed, invalid user ID or password', 3], want: EtcdAuthFailedError },
  { given: ['etcdserver: mvcc: database space exceeded', 8], want: EtcdNoSpaceError },
  { given: ['etcdserver: request timed out', 14], want: EtcdError },
] as const;

describe('etcdErrorFor', () => {
  it.each(TABLE)('$given.0 → $want.name', ({ given: [message, code], want, ...rest }) => {
    const error = etcdErrorFor(message, { code, httpStatus: 400, operation: 'kv.range' });
    expect(error).toBeInstanceOf(want);
    expect(error).toBeInstanceOf(EtcdError);
    if (want === EtcdError) expect(error.constructor).toBe(EtcdError);
    expect([error.code, error.message, error.operation, error.name]).toEqual([code, message, 'kv.range', want.name]);
    if ('subject' in rest) expect((error as EtcdNotFoundError).subject).toBe(rest.subject);
  });

  it('keeps WatchCompactedError a compaction error', () => {
    const error = new WatchCompactedError(20n);
    expect(error).toBeInstanceOf(EtcdCompactedError);
    expect([error.codeName, error.name, error.compactRevision]).toEqual(['OUT_OF_RANGE', 'WatchCompactedError', 20n]);
  });
});
