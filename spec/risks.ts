/**
 * Silent risks: request fields a server that does not know them ignores with HTTP 200 (the gateway drops
 * unknown JSON fields, see GATEWAY.md), and what the caller gets instead. compat spells these out; a client
 * over several etcd versions refuses to send them to such a server unless told to.
 *
 * Any request field that one version lacks is ignored by that version; this table only says what it costs.
 */

export interface IgnoredFieldRisk {
  /** The message's model name: `PutRequest`. */
  readonly message: string;
  /** The field's wire name: `ignore_value`. */
  readonly field: string;
  /** What happens when a server that does not know the field ignores it. */
  readonly consequence: string;
}

const REVISION_FILTER = 'the server returns every key in the range, not only those the revision filter keeps';
const HASHED_PASSWORD = 'the server ignores the hash and sets the plain `password` field instead (empty when only the hash is sent)';

export const IGNORED_FIELD_RISKS: readonly IgnoredFieldRisk[] = [
  { message: 'AuthUserAddRequest', field: 'hashedPassword', consequence: HASHED_PASSWORD },
  { message: 'AuthUserAddRequest', field: 'options', consequence: 'the server ignores no_password and gives the user the password sent (an empty one when none is)' },
  { message: 'AuthUserChangePasswordRequest', field: 'hashedPassword', consequence: HASHED_PASSWORD },
  { message: 'Compare', field: 'lease', consequence: 'a compare on a lease also needs the LEASE target, which the server does not know: it rejects the txn with 400' },
  { message: 'Compare', field: 'range_end', consequence: 'the server evaluates the compare on the single key `key`, not on the range: the txn may take the wrong branch' },
  { message: 'DeleteRangeRequest', field: 'prev_kv', consequence: 'the response has no prev_kvs: the deleted key-values are lost to the caller' },
  { message: 'LeaseTimeToLiveRequest', field: 'keys', consequence: 'the response lists no keys attached to the lease' },
  { message: 'MemberAddRequest', field: 'isLearner', consequence: 'the server adds a voting member, not a learner: the quorum grows at once and can be lost while the new member catches up' },
  { message: 'MemberListRequest', field: 'linearizable', consequence: 'the server answers from its local member list, which may be stale' },
  { message: 'PutRequest', field: 'ignore_lease', consequence: 'the server detaches the key from its lease (the request carries none): the key no longer expires with it' },
  { message: 'PutRequest', field: 'ignore_value', consequence: 'the server stores an empty value instead of keeping the current one: data loss' },
  { message: 'PutRequest', field: 'prev_kv', consequence: 'the response has no prev_kv: the value replaced is lost to the caller' },
  { message: 'RangeRequest', field: 'count_only', consequence: 'the server returns every key-value, not just the count' },
  { message: 'RangeRequest', field: 'keys_only', consequence: 'the server returns the values too' },
  { message: 'RangeRequest', field: 'max_create_revision', consequence: REVISION_FILTER },
  { message: 'RangeRequest', field: 'max_mod_revision', consequence: REVISION_FILTER },
  { message: 'RangeRequest', field: 'min_create_revision', consequence: REVISION_FILTER },
  { message: 'RangeRequest', field: 'min_mod_revision', consequence: REVISION_FILTER },
  { message: 'RequestOp', field: 'request_txn', consequence: 'the server sees an empty operation: the nested txn is not executed' },
  { message: 'WatchCreateRequest', field: 'filters', consequence: 'the server sends the filtered-out events (PUT or DELETE) too' },
  { message: 'WatchCreateRequest', field: 'fragment', consequence: 'the server does not split large revisions: one whose events exceed the response size limit breaks the watch' },
  { message: 'WatchCreateRequest', field: 'prev_kv', consequence: 'events come without prev_kv' },
  { message: 'WatchCreateRequest', field: 'progress_notify', consequence: 'no progress notifications arrive on an idle watch' },
  { message: 'WatchCreateRequest', field: 'watch_id', consequence: 'the server picks its own watch IDs: responses carry IDs the caller did not choose, and a cancel by the chosen ID cancels another watch or none' },
  { message: 'WatchRequest', field: 'progress_request', consequence: 'no progress response arrives: a caller waiting for one waits forever' },
];

const BY_KEY = new Map(IGNORED_FIELD_RISKS.map((r) => [`${r.message}.${r.field}`, r.consequence]));

/** What ignoring `message.field` costs, when the table knows. */
export function ignoredFieldConsequence(message: string, field: string): string | undefined {
  return BY_KEY.get(`${message}.${field}`);
}

/**
 * Routes a server answers with another RPC than a spec binds there (see GATEWAY.md). A client calling the spec's
 * RPC at such a route gets the other RPC's answer, decoded as its own: the generated call fails before sending
 * instead (runtime/core/route-check.ts), and compat names the route in its report.
 */
export interface RouteAnswer {
  /** Without the version prefix: `/maintenance/hash`. */
  readonly path: string;
  /** The RPC the server runs there. */
  readonly rpc: string;
  /** The first server version that does so, when not every one does. */
  readonly since?: string;
  /** The first server version that no longer does, when one is known. */
  readonly before?: string;
  readonly why: string;
}

export const ROUTE_ANSWERS: readonly RouteAnswer[] = [
  {
    path: '/maintenance/hash',
    rpc: 'Hash',
    why: 'etcd 3.3 and 3.4 declare both Hash and HashKV at this route; their specs keep HashKV, but the server routes it to Hash (measured on etcd 3.4.23), as 3.2 and 3.5+ servers do',
  },
];

/** What the table says of a route, if anything. */
export function routeAnswer(path: string): RouteAnswer | undefined {
  return ROUTE_ANSWERS.find((r) => r.path === path);
}

/**
 * The routes an operation may be sent to (canonical, aliases, other versions' routes) at which a server runs
 * another RPC than the operation's: `[{ path: '/maintenance/hash', rpc: 'Hash', … }]` for 3.4's HashKV.
 */
export function misroutedPaths(op: { readonly rpc: string; readonly route: { readonly path: string }; readonly alternateRoutes: readonly { readonly path: string }[]; readonly versionRoutes?: readonly { readonly path: string }[] }): RouteAnswer[] {
  const paths = [op.route.path, ...op.alternateRoutes.map((r) => r.path), ...(op.versionRoutes ?? []).map((r) => r.path)];
  return [...new Set(paths)].flatMap((p) => {
    const answer = routeAnswer(p);
    return answer && answer.rpc !== op.rpc ? [answer] : [];
  });
}
