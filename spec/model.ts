/**
 * The version-neutral model of etcd's gateway API.
 *
 * Built from one or more Swagger 2.0 documents by `buildModel`; every collection is sorted by its key so that
 * nothing downstream depends on the order of the spec. Templates print it; compat compares two of it.
 */

/** Where something came from: a file and a JSON pointer inside it. */
export interface SourceRef {
  readonly file: string;
  readonly pointer: string;
}

/** Protobuf scalar kinds as the gateway encodes them in JSON. */
export type ScalarKind =
  /** base64 string on the wire */
  | 'bytes'
  | 'string'
  | 'bool'
  /** decimal string on the wire, 64 bits: never through a JS number */
  | 'int64'
  | 'uint64'
  /** JSON number on the wire */
  | 'int32'
  | 'uint32'
  /** a JSON number whose width the spec does not pin (`type: integer, format: int64` is uint32 in etcd) */
  | 'integer'
  | 'double'
  | 'float';

export type FieldType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'message'; readonly name: string }
  /** free-form JSON (protobuf Any, additionalProperties) */
  | { readonly kind: 'json' };

export interface Field {
  /** The name on the wire, as written in the .proto: `range_end`, `TTL`, `dbSize`. */
  readonly wireName: string;
  /** The friendly name in generated models: protobuf's JSON name (`rangeEnd`, `TTL`, `dbSize`). */
  readonly name: string;
  readonly type: FieldType;
  readonly repeated: boolean;
  readonly description?: string;
  /**
   * The etcd versions that have this field, when the model spans several and not every version that has its
   * message has the field (a field of a message new in 3.5 is marked only if some 3.5+ version lacks it).
   */
  readonly versions?: readonly string[];
}

export interface Message {
  /** The generated type name: the definition name without its proto package (`PutRequest`). */
  readonly name: string;
  /** The spec definition names merged into this message (`etcdserverpbResponseHeader`). */
  readonly definitions: readonly string[];
  readonly fields: readonly Field[];
  readonly description?: string;
  readonly source: SourceRef;
  readonly versions?: readonly string[];
}

export interface EnumValue {
  readonly name: string;
  /** The etcd versions that have this value, when not every version that has its enum does. */
  readonly versions?: readonly string[];
}

export interface Enum {
  readonly name: string;
  readonly definitions: readonly string[];
  readonly values: readonly EnumValue[];
  /** The proto3 zero value: what an omitted field means. */
  readonly zero: string;
  readonly description?: string;
  readonly source: SourceRef;
  readonly versions?: readonly string[];
}

/** How a streaming response is described in the spec it came from. */
export type StreamStyle =
  /** 3.5+: `{result, error}` object titled "Stream result of …" */
  | 'envelope'
  /** 3.4: `$ref` into `x-stream-definitions` */
  | 'x-stream-definitions'
  /** 3.2/3.3: the bare message, "(streaming responses)" in the description */
  | 'bare';

/**
 * May the client send the call again after it may have reached a server?
 * `read` never changes state; `write` may; `txn` is a read when every op in it is a range.
 */
export type Safety = 'read' | 'write' | 'txn';

export interface Route {
  readonly httpMethod: string;
  /** Without the version prefix: `/kv/put`. */
  readonly path: string;
  /** The operationId that bound this route (`Lease_LeaseRevoke2`). */
  readonly operationId: string;
  /** The prefix the spec wrote (`/v3alpha`, `/v3beta`, `/v3`, or '' when none). */
  readonly specPrefix: string;
  readonly source: SourceRef;
}

export interface Operation {
  /** The service: the operation's tag (`KV`, `Lease`). */
  readonly service: string;
  /** The RPC name: operationId without `<Tag>_` and without the numeric alias suffix. */
  readonly rpc: string;
  /** The method on the generated service object: `put`, `revoke`, `memberList`. */
  readonly method: string;
  /** The canonical route: the one bound by the primary (unsuffixed) operationId. */
  readonly route: Route;
  /** Further routes bound to the same RPC (`/kv/lease/revoke` for LeaseRevoke). */
  readonly alternateRoutes: readonly Route[];
  readonly request: string;
  readonly requestStreaming: boolean;
  readonly response: string;
  readonly responseStreaming: boolean;
  readonly streamStyle?: StreamStyle;
  /** The spec definition describing the unary error body (`googlerpcStatus`, `runtimeError`), if any. */
  readonly errorBody?: string;
  /** The spec definition describing an in-stream error (`runtimeStreamError`, `googlerpcStatus`), if any. */
  readonly streamErrorBody?: string;
  readonly safety: Safety;
  /** The call that exchanges a name and password for a token: it never carries one itself. */
  readonly authenticates?: boolean;
  readonly summary?: string;
  readonly versions?: readonly string[];
  /**
   * In a model over several etcd versions: the versions that bind this RPC to none of this operation's routes,
   * and the canonical route they use instead (LeaseRevoke is at `/kv/lease/revoke` only in etcd 3.2). Sorted by path.
   */
  readonly versionRoutes?: readonly VersionRoute[];
}

/** Where the versions listed call an operation instead of its `route.path`. */
export interface VersionRoute {
  readonly versions: readonly string[];
  /** Without the version prefix: `/kv/lease/revoke`. */
  readonly path: string;
}

export interface Service {
  /** As tagged in the spec: `KV`, `Maintenance`. */
  readonly name: string;
  /** The property on the client: `kv`, `maintenance`. */
  readonly property: string;
  readonly operations: readonly Operation[];
}

/** An error body definition and the wire fields it has. */
export interface ErrorBody {
  /** The spec definition name: `runtimeError`, `runtimeStreamError`, `googlerpcStatus`. */
  readonly definition: string;
  /** Its properties' wire names, sorted. */
  readonly fields: readonly string[];
}

/** Which operations one etcd version has (a model over several versions). */
export interface VersionOperations {
  readonly version: string;
  /** `<service property>.<method>` of each operation that version's specs have, sorted: `kv.put`. */
  readonly operations: readonly string[];
}

/** One input document. */
export interface SourceInfo {
  readonly file: string;
  /** The `info.version` or etcd version the document belongs to, when known. */
  readonly version?: string;
  readonly title?: string;
}

export interface ApiModel {
  readonly sources: readonly SourceInfo[];
  /** The etcd versions this model spans (empty when the inputs did not say). */
  readonly versions: readonly string[];
  readonly services: readonly Service[];
  readonly messages: readonly Message[];
  readonly enums: readonly Enum[];
  /** Notes about decisions the normalizer took (name collisions resolved, definitions dropped). */
  readonly notes: readonly string[];
  /** The definitions operations name as their unary or in-stream error body, sorted by definition. */
  readonly errorBodies?: readonly ErrorBody[];
  /** Set by `mergeModels`: which operations each of `versions` has, in version order. */
  readonly operationsByVersion?: readonly VersionOperations[];
}
