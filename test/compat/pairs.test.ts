/**
 * Expected findings for each pair of consecutive spec versions in ../shared/specs, both directions, written
 * from reading the specs (see the comments) and the judging rules:
 *   operation added → A INFO, B ERR (an old server lacks the route); rebound → ERR both;
 *   canonical route moved to what the other side binds only as an alias → ERR in the direction that calls
 *   a route the server lacks, INFO the other way; operationId renamed → INFO both;
 *   request field added → A INFO, B WARN (silently ignored); response field added → A INFO, B WARN (zero value);
 *   a field's wire encoding changed → WARN both; messages and enums added/removed → INFO both;
 *   enum value added in a request enum → B WARN (an old server rejects it); in a response enum → A WARN;
 *   stream description changed → INFO both (the wire framing is grpc-gateway's {"result": …} throughout);
 *   error-body fields the other side does not send → WARN for the client that expects them;
 *   prefixes (assuming the client sends its spec's prefix): ERR where the other server does not serve it.
 */
import { describe, expect, it } from 'vitest';
import { byRow, changesBetween, rowsOf, type Row } from './helpers.js';

const added = (subject: string): Row => ['operation-added', subject, 'INFO', 'ERR'];
const message = (id: 'message-added' | 'message-removed', name: string): Row => [id, name, 'INFO', 'INFO'];
const requestField = (subject: string): Row => ['field-added', subject, 'INFO', 'WARN'];
const responseField = (subject: string): Row => ['field-added', subject, 'INFO', 'WARN'];
const streamDescription = (route: string): Row => ['stream-envelope-changed', `POST ${route}`, 'INFO', 'INFO'];

const STREAMS = ['/election/observe', '/lease/keepalive', '/maintenance/snapshot', '/watch'];
const RUNTIME_ERROR = 'runtimeError {code, details, error, message}';
const RUNTIME_STREAM_ERROR = 'runtimeStreamError {details, grpc_code, http_code, http_status, message}';
const GRPC_STATUS = 'googlerpcStatus {code, details, message}';
const RPC_STATUS = 'rpcStatus {code, details, message}';

/** Every route 3.4.45 and 3.5.33 both bind to the same RPC: 3.5 prefixes each operationId with its tag. */
const RENAMED_IN_3_5 = [
  ['/auth/authenticate', 'Authenticate', 'Auth'], ['/auth/disable', 'AuthDisable', 'Auth'], ['/auth/enable', 'AuthEnable', 'Auth'],
  ['/auth/role/add', 'RoleAdd', 'Auth'], ['/auth/role/delete', 'RoleDelete', 'Auth'], ['/auth/role/get', 'RoleGet', 'Auth'],
  ['/auth/role/grant', 'RoleGrantPermission', 'Auth'], ['/auth/role/list', 'RoleList', 'Auth'], ['/auth/role/revoke', 'RoleRevokePermission', 'Auth'],
  ['/auth/user/add', 'UserAdd', 'Auth'], ['/auth/user/changepw', 'UserChangePassword', 'Auth'], ['/auth/user/delete', 'UserDelete', 'Auth'],
  ['/auth/user/get', 'UserGet', 'Auth'], ['/auth/user/grant', 'UserGrantRole', 'Auth'], ['/auth/user/list', 'UserList', 'Auth'],
  ['/auth/user/revoke', 'UserRevokeRole', 'Auth'],
  ['/cluster/member/add', 'MemberAdd', 'Cluster'], ['/cluster/member/list', 'MemberList', 'Cluster'], ['/cluster/member/promote', 'MemberPromote', 'Cluster'],
  ['/cluster/member/remove', 'MemberRemove', 'Cluster'], ['/cluster/member/update', 'MemberUpdate', 'Cluster'],
  ['/election/campaign', 'Campaign', 'Election'], ['/election/leader', 'Leader', 'Election'], ['/election/observe', 'Observe', 'Election'],
  ['/election/proclaim', 'Proclaim', 'Election'], ['/election/resign', 'Resign', 'Election'],
  ['/kv/compaction', 'Compact', 'KV'], ['/kv/deleterange', 'DeleteRange', 'KV'], ['/kv/put', 'Put', 'KV'], ['/kv/range', 'Range', 'KV'], ['/kv/txn', 'Txn', 'KV'],
  ['/lease/grant', 'LeaseGrant', 'Lease'], ['/lease/keepalive', 'LeaseKeepAlive', 'Lease'], ['/lease/leases', 'LeaseLeases', 'Lease'],
  ['/lease/revoke', 'LeaseRevoke', 'Lease'], ['/lease/timetolive', 'LeaseTimeToLive', 'Lease'],
  ['/lock/lock', 'Lock', 'Lock'], ['/lock/unlock', 'Unlock', 'Lock'],
  ['/maintenance/alarm', 'Alarm', 'Maintenance'], ['/maintenance/defragment', 'Defragment', 'Maintenance'],
  ['/maintenance/transfer-leadership', 'MoveLeader', 'Maintenance'], ['/maintenance/snapshot', 'Snapshot', 'Maintenance'],
  ['/maintenance/status', 'Status', 'Maintenance'],
  ['/watch', 'Watch', 'Watch'],
] as const;

const EXPECTED: Record<string, Row[]> = {
  '3.2.32 → 3.3.12': [
    // /v3alpha → /v3beta: a 3.3 server still serves /v3alpha; a 3.2 server knows nothing of /v3beta.
    ['prefix-not-served', '/v3alpha → /v3beta', 'INFO', 'ERR'],
    added('POST /kv/lease/leases'),
    added('POST /maintenance/transfer-leadership'),
    // Hash in 3.2, HashKV in the 3.3 spec.
    ['operation-rebound', 'POST /maintenance/hash', 'ERR', 'ERR'],
    message('message-added', 'etcdserverpbHashKVRequest'),
    message('message-added', 'etcdserverpbHashKVResponse'),
    message('message-added', 'etcdserverpbLeaseLeasesRequest'),
    message('message-added', 'etcdserverpbLeaseLeasesResponse'),
    message('message-added', 'etcdserverpbLeaseStatus'),
    message('message-added', 'etcdserverpbMoveLeaderRequest'),
    message('message-added', 'etcdserverpbMoveLeaderResponse'),
    message('message-removed', 'etcdserverpbHashRequest'),
    message('message-removed', 'etcdserverpbHashResponse'),
    requestField('etcdserverpbCompare.lease'),
    requestField('etcdserverpbCompare.range_end'),
    requestField('etcdserverpbRequestOp.request_txn'),
    responseField('etcdserverpbResponseOp.response_txn'),
    // LEASE is only ever sent (Compare.target); CORRUPT travels both ways (AlarmRequest.alarm, AlarmMember.alarm).
    ['enum-value-added', 'CompareCompareTarget.LEASE', 'INFO', 'WARN'],
    ['enum-value-added', 'etcdserverpbAlarmType.CORRUPT', 'WARN', 'WARN'],
  ],
  '3.3.12 → 3.3.27': [
    // The 3.3.27 spec writes /v3, which no 3.3 server serves.
    ['prefix-not-served', '/v3beta → /v3', 'INFO', 'ERR'],
    // Lease RPCs move to /lease/…; the old /kv/lease/… routes stay as LeaseX2 aliases.
    ['operation-alias-moved', 'POST /lease/leases', 'INFO', 'ERR'],
    ['operation-alias-moved', 'POST /lease/revoke', 'INFO', 'ERR'],
    ['operation-alias-moved', 'POST /lease/timetolive', 'INFO', 'ERR'],
    // The same, route by route: what a raw-route user calling the new route on 3.3.12 gets.
    ['route-added', 'POST /lease/leases', 'INFO', 'ERR'],
    ['route-added', 'POST /lease/revoke', 'INFO', 'ERR'],
    ['route-added', 'POST /lease/timetolive', 'INFO', 'ERR'],
    message('message-added', 'etcdserverpbWatchProgressRequest'),
    // string → bytes (base64 on the wire): a representation change breaks both ways.
    ['field-type-changed', 'etcdserverpbAuthRoleRevokePermissionRequest.key', 'ERR', 'ERR'],
    ['field-type-changed', 'etcdserverpbAuthRoleRevokePermissionRequest.range_end', 'ERR', 'ERR'],
    responseField('etcdserverpbStatusResponse.dbSizeInUse'),
    responseField('etcdserverpbStatusResponse.errors'),
    responseField('etcdserverpbStatusResponse.raftAppliedIndex'),
    requestField('etcdserverpbWatchCreateRequest.fragment'),
    requestField('etcdserverpbWatchCreateRequest.watch_id'),
    requestField('etcdserverpbWatchRequest.progress_request'),
    responseField('etcdserverpbWatchResponse.fragment'),
  ],
  '3.3.27 → 3.4.45': [
    // Both specs write /v3: a 3.4 server serves it, a 3.3 server does not.
    ['prefix-not-served', '/v3 → /v3', 'INFO', 'ERR'],
    added('POST /cluster/member/promote'),
    ...STREAMS.map(streamDescription),
    ['error-body-changed', `(not described) → ${RUNTIME_STREAM_ERROR}`, 'INFO', 'INFO'],
    message('message-added', 'authpbUserAddOptions'),
    message('message-added', 'etcdserverpbMemberPromoteRequest'),
    message('message-added', 'etcdserverpbMemberPromoteResponse'),
    requestField('etcdserverpbAuthUserAddRequest.options'),
    responseField('etcdserverpbMember.isLearner'),
    requestField('etcdserverpbMemberAddRequest.isLearner'),
    responseField('etcdserverpbStatusResponse.isLearner'),
  ],
  '3.4.45 → 3.5.33': [
    added('POST /auth/status'),
    added('POST /maintenance/downgrade'),
    added('POST /maintenance/hashkv'),
    // HashKV in the 3.4 spec, Hash again in 3.5.
    ['operation-rebound', 'POST /maintenance/hash', 'ERR', 'ERR'],
    ...RENAMED_IN_3_5.map(([route]): Row => ['operation-renamed', `POST ${route}`, 'INFO', 'INFO']),
    ...STREAMS.map(streamDescription),
    ['error-body-changed', `(not described) → ${RUNTIME_ERROR}`, 'INFO', 'INFO'],
    message('message-added', 'etcdserverpbAuthStatusRequest'),
    message('message-added', 'etcdserverpbAuthStatusResponse'),
    message('message-added', 'etcdserverpbDowngradeRequest'),
    message('message-added', 'etcdserverpbDowngradeResponse'),
    message('message-added', 'etcdserverpbHashRequest'),
    message('message-added', 'etcdserverpbHashResponse'),
    requestField('etcdserverpbAuthUserAddRequest.hashedPassword'),
    requestField('etcdserverpbAuthUserChangePasswordRequest.hashedPassword'),
    requestField('etcdserverpbMemberListRequest.linearizable'),
    ['enum-added', 'DowngradeRequestDowngradeAction', 'INFO', 'INFO'],
  ],
  '3.5.33 → 3.6.14': [
    // grpc-gateway v2: no `error` in unary bodies, `code` instead of grpc_code/http_code/http_status in streams.
    ['error-body-changed', `${RUNTIME_ERROR} → ${GRPC_STATUS}`, 'WARN', 'INFO'],
    ['error-body-changed', `${RUNTIME_ERROR} → ${RPC_STATUS}`, 'WARN', 'INFO'],
    ['error-body-changed', `${RUNTIME_STREAM_ERROR} → ${GRPC_STATUS}`, 'WARN', 'WARN'],
    ['error-body-changed', 'POST /election/observe', 'WARN', 'WARN'],
    message('message-added', 'etcdserverpbDowngradeInfo'),
    responseField('etcdserverpbHashKVResponse.hash_revision'),
    responseField('etcdserverpbSnapshotResponse.version'),
    responseField('etcdserverpbStatusResponse.dbSizeQuota'),
    responseField('etcdserverpbStatusResponse.downgradeInfo'),
    responseField('etcdserverpbStatusResponse.storageVersion'),
  ],
};

describe.each(Object.entries(EXPECTED))('%s', (pair, expected) => {
  const [old, next] = pair.split(' → ') as [string, string];

  it('finds exactly the expected changes, each judged in both directions', async () => {
    expect(rowsOf(await changesBetween(old, next))).toEqual([...expected].sort(byRow));
  });

  it('gives every change a reason for each direction and a line of text', async () => {
    for (const change of await changesBetween(old, next)) {
      expect(change.reason.A.length, `${change.id} ${change.text}`).toBeGreaterThan(10);
      expect(change.reason.B.length, `${change.id} ${change.text}`).toBeGreaterThan(10);
      expect(change.text).not.toBe('');
    }
  });
});

it('says what an operationId rename is: the wire and the generated method stay', async () => {
  const changes = await changesBetween('3.4.45', '3.5.33');
  const put = changes.find((c) => c.id === 'operation-renamed' && c.operation === 'POST /kv/put')!;
  expect(put).toMatchObject({ from: 'Put', to: 'KV_Put' });
  expect(put.reason.A).toMatch(/wire is unchanged.*stays kv\.put/);
  for (const [route, rpc, tag] of RENAMED_IN_3_5) {
    expect(changes.find((c) => c.operation === `POST ${route}` && c.id === 'operation-renamed')).toMatchObject({ from: rpc, to: `${tag}_${rpc}` });
  }
});

it('finds nothing between a version and itself', async () => {
  expect(await changesBetween('3.6.14', '3.6.14')).toEqual([]);
});
