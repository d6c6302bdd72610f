/**
 * The etcd servers of the test matrix, and every fact about them that a test may depend on: one row a server, the
 * facts measured on that server (../shared/GATEWAY.md, "etcd 3.5 servers", and test/e2e/server-facts.test.ts, which
 * re-measures each row on its server). No test names a server version outside this file: a test asks
 * `currentServer()` for the row it runs on, and a new server version is one more row.
 *
 *   ETCD_VERSIONS=3.5.30 npm test     # one server of the matrix (comma-separated for several)
 *   npm test                          # every row
 *
 * vitest.config.ts makes one project per server (`etcd-<version>`), which sets ETCD_SERVER for its workers.
 * 3.4.23 is Debian 12's system package (/usr/bin/etcd, or $ETCD_BIN); the 3.5 builds come from
 * scripts/fetch-etcd-servers.sh into $ETCD_SERVERS_DIR (default .cache/etcd/<version>/usr/bin/).
 */
import { join } from 'node:path';
import { repoRoot } from './specs.js';

/** A gRPC code's name, as the client's `codeName` gives it. */
export type CodeName =
  | 'CANCELLED'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED';

export interface ServerFacts {
  /** `etcd --version`, and the `etcdserver` field of `GET /version`. */
  readonly version: string;
  /** The `etcdcluster` field of `GET /version`. */
  readonly clusterVersion: string;
  /** Where the binaries come from: Debian 12's package, or a newer suite's fetched by scripts/fetch-etcd-servers.sh. */
  readonly source: 'system' | 'fetched';
  /** grpc-gateway generation: v1 (`{error, message, code}` bodies) or v2 (`{code, message, details}`). */
  readonly gateway: 'v1' | 'v2';
  /** The HTTP status the gateway gives each gRPC code it was seen to answer with. */
  readonly httpStatus: Readonly<Record<CodeName, number>>;
  /** The keys of a unary error body, sorted. */
  readonly errorBodyKeys: readonly string[];
  /** Content type of a JSON error body, and of the answer to an unknown route. */
  readonly contentType: { readonly error: string; readonly unknownRoute: string };
  /** A GET on a POST-only gateway route: HTTP status and whether the body is a JSON error. */
  readonly getOnPostRoute: { readonly status: number; readonly json: boolean };
  /** With auth enabled, whether `maintenance/status` answers without a token. */
  readonly statusWithoutToken: boolean;
  /** Whether closing a websocket (after cancelling its watches) ends the server's watch stream. */
  readonly websocketCloseEndsStream: boolean;
  /**
   * Whether a member stopped with SIGTERM ends a watch stream with an error chunk, as a client sees it (else it
   * just closes it). 'racy': the server writes the chunk as it closes the connection, and a loaded machine sees
   * it arrive or not.
   */
  readonly gracefulStopErrorChunk: boolean | 'racy';
  /** Whether the gateway serves `/v3/maintenance/hashkv` (HashKV at its own route; 3.4 answers 404). */
  readonly hashKvRoute: boolean;
  /**
   * What `compat --server` finds for a client of etcd 3.6.14 on this server (measured): the shipped specs it
   * compares with, the operations it cannot serve as that client calls them, and the request fields it ignores.
   */
  readonly compat36: { readonly specs: string; readonly cannotServe: readonly string[]; readonly ignoredFields: readonly string[] };
  /** The same for a client of etcd 3.4.45: the operations the server cannot serve as it calls them. */
  readonly compat34: { readonly cannotServe: readonly string[] };
  /** The HTTP status of a deadline inside the gateway (a write without quorum): v1 sends it as UNKNOWN, 500. */
  readonly contextDeadlineStatus: number;
  /** What Node's TLS error says when the server refuses a client without a certificate (TLS 1.3 alert text). */
  readonly missingClientCertAlert: RegExp;
  /** Known server bugs the robustness checker may meet on this version (etcd-io/etcd issue numbers). */
  readonly knownBugs: readonly number[];
}

const V1_STATUS: Record<CodeName, number> = {
  CANCELLED: 408,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 412,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
};

/** grpc-gateway v2's table (runtime.HTTPStatusFromCode): FAILED_PRECONDITION and OUT_OF_RANGE are 400. */
const V2_STATUS: Record<CodeName, number> = { ...V1_STATUS, FAILED_PRECONDITION: 400 };

const ETCD_35: Omit<ServerFacts, 'version' | 'knownBugs'> = {
  clusterVersion: '3.5.0',
  source: 'fetched',
  gateway: 'v2',
  httpStatus: V2_STATUS,
  errorBodyKeys: ['code', 'message'],
  contentType: { error: 'application/json', unknownRoute: 'application/json' },
  getOnPostRoute: { status: 501, json: true },
  statusWithoutToken: false,
  websocketCloseEndsStream: false,
  gracefulStopErrorChunk: false,
  hashKvRoute: true,
  contextDeadlineStatus: 504,
  compat36: { specs: '3.5.33', cannotServe: [], ignoredFields: [] },
  // The 3.4 spec binds HashKV at /maintenance/hash, which 3.5 answers with Hash (an ERR finding).
  compat34: { cannotServe: ['POST /maintenance/hash'] },
  missingClientCertAlert: /certificate required/,
};

/** The matrix, oldest first. */
export const SERVERS: readonly ServerFacts[] = [
  {
    version: '3.4.23',
    clusterVersion: '3.4.0',
    source: 'system',
    gateway: 'v1',
    httpStatus: V1_STATUS,
    errorBodyKeys: ['code', 'error', 'message'],
    contentType: { error: 'application/json', unknownRoute: 'text/plain' },
    getOnPostRoute: { status: 405, json: false },
    statusWithoutToken: true,
    websocketCloseEndsStream: true,
    gracefulStopErrorChunk: true,
    hashKvRoute: false,
    contextDeadlineStatus: 500,
    compat34: { cannotServe: [] },
    compat36: {
      specs: '3.4.45',
      cannotServe: ['POST /auth/status', 'POST /maintenance/downgrade', 'POST /maintenance/hash', 'POST /maintenance/hashkv'],
      ignoredFields: [
        'etcdserverpbAuthUserAddRequest.hashedPassword',
        'etcdserverpbAuthUserChangePasswordRequest.hashedPassword',
        'etcdserverpbMemberListRequest.linearizable',
      ],
    },
    missingClientCertAlert: /bad certificate/,
    // stale reads after a pause, requested-progress ordering, future-revision watches across members, watch losses
    // around compaction: all fixed after 3.4.23.
    knownBugs: [20418, 15220, 20221, 17529, 18089, 19179],
  },
  // Measured: 3.5.16 still answers Status without a token. On SIGTERM it ends streams with an error chunk that the
  // client saw in 12 of 12 runs on an idle machine and missed once under CI's load (the connection closes as the
  // chunk goes out); 3.5.30 ends them without one (12 of 12, and every CI run).
  { version: '3.5.16', ...ETCD_35, statusWithoutToken: true, gracefulStopErrorChunk: 'racy', knownBugs: [20418, 20221] },
  { version: '3.5.30', ...ETCD_35, knownBugs: [] },
];

/** The servers this run covers: $ETCD_VERSIONS (comma-separated), else every row. */
export function matrixVersions(env: NodeJS.ProcessEnv = process.env): string[] {
  const wanted = env['ETCD_VERSIONS']?.split(',').map((v) => v.trim()).filter(Boolean);
  if (!wanted?.length) return SERVERS.map((s) => s.version);
  for (const v of wanted) serverFacts(v);
  return wanted;
}

/** The row of `version`; a version with no row is an error that lists the rows. */
export function serverFacts(version: string): ServerFacts {
  const row = SERVERS.find((s) => s.version === version);
  if (!row) throw new Error(`no etcd server ${version} in test/helpers/servers.ts (rows: ${SERVERS.map((s) => s.version).join(', ')})`);
  return row;
}

/** The server this worker tests: $ETCD_SERVER (set by the vitest project), else the first of the matrix. */
export function currentServer(): ServerFacts {
  return serverFacts(process.env['ETCD_SERVER'] || matrixVersions()[0]!);
}

/** `etcd` and `etcdctl` of a server: $ETCD_BIN/$ETCDCTL_BIN or /usr/bin for the system one, else the fetch cache. */
export function serverBinaries(server: ServerFacts = currentServer()): { etcd: string; etcdctl: string } {
  if (server.source === 'system') {
    return { etcd: process.env['ETCD_BIN'] || '/usr/bin/etcd', etcdctl: process.env['ETCDCTL_BIN'] || '/usr/bin/etcdctl' };
  }
  const dir = join(process.env['ETCD_SERVERS_DIR'] || join(repoRoot, '.cache/etcd'), server.version, 'usr/bin');
  return { etcd: join(dir, 'etcd'), etcdctl: join(dir, 'etcdctl') };
}

/** How to get a server's binaries, for error messages. */
export function installHint(server: ServerFacts): string {
  return server.source === 'system'
    ? 'apt-get install -y etcd-server etcd-client, or set ETCD_BIN'
    : `bash scripts/fetch-etcd-servers.sh ${server.version}`;
}

/** ` [etcd <version>]`, appended to the name of every describe block that talks to a server. */
export function serverTag(server: ServerFacts = currentServer()): string {
  return process.env['ETCD_FAKE'] === '1' ? ` [fake ${server.version}]` : ` [etcd ${server.version}]`;
}
