/** Naming rules shared by the model builder: proto package stripping, JSON names, method names. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Words a generated type or member must not take: JS globals and TS keywords. The names the generated index
 * exports from the runtime are reserved too; they come from templates/ (its runtime manifest), which spec/ may not
 * import, so the generator passes them in (`BuildOptions.reservedNames`).
 */
const RESERVED = new Set([
  'Array', 'Boolean', 'Date', 'Error', 'Function', 'Map', 'Number', 'Object', 'Promise', 'Record', 'RegExp', 'Set',
  'String', 'Symbol', 'Uint8Array', 'BigInt', 'JSON', 'Math', 'Partial', 'Readonly', 'Required', 'Pick', 'Omit',
  'AbortSignal', 'ReadableStream', 'Response', 'Request', 'Headers', 'WebSocket', 'TextEncoder', 'TextDecoder',
  'any', 'boolean', 'never', 'number', 'object', 'string', 'symbol', 'undefined', 'unknown', 'bigint', 'void',
]);

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function isReservedTypeName(name: string, also: ReadonlySet<string> = new Set()): boolean {
  const base = name.replace(/Input$/, '');
  return RESERVED.has(name) || RESERVED.has(base) || also.has(name) || also.has(base);
}

/** Names that a plain property read on a JSON object would find on Object.prototype (`constructor`, `__proto__`). */
export function isPrototypeName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Split a definition name into its proto package and message name: the package is the leading run of
 * lower-case letters and digits (`etcdserverpb|PutRequest`, `v3lockpb|LockRequest`, `googlerpc|Status`).
 * Nested types already start upper-case (`CompareCompareTarget`) and have no package.
 */
export function splitPackage(definition: string): { pkg: string; name: string } {
  const match = /^([a-z][a-z0-9]*)([A-Z].*)$/.exec(definition);
  return match ? { pkg: match[1]!, name: match[2]! } : { pkg: '', name: definition };
}

/** `foo_bar-baz 2` → `FooBarBaz2`: a safe PascalCase identifier from any string. */
export function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return safeIdentifier(joined || 'Unnamed');
}

/** Prefix a leading digit and drop what an identifier cannot hold. */
export function safeIdentifier(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned || '_';
}

/** protobuf's JSON name: underscores dropped and the following letter upper-cased (`range_end` → `rangeEnd`, `TTL` stays). */
export function jsonName(protoName: string): string {
  return protoName.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/_+$/, '');
}

/** lowerCamelCase that keeps acronyms readable: `HashKV` → `hashKV`, `KVPut` → `kvPut`, `MemberList` → `memberList`. */
export function lowerCamel(name: string): string {
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/.exec(name)?.[0] ?? '';
  return lead.toLowerCase() + name.slice(lead.length);
}

/**
 * The method name of an RPC on its service: lowerCamelCase, with the service name dropped when it is a leading
 * whole word (`Lease`/`LeaseRevoke` → `revoke`, `Auth`/`Authenticate` → `authenticate`, `Watch`/`Watch` → `watch`).
 */
export function methodName(service: string, rpc: string): string {
  const rest = rpc.slice(service.length);
  const dropsWholeWord = rpc.startsWith(service) && /^[A-Z0-9]/.test(rest);
  return safeIdentifier(lowerCamel(dropsWholeWord ? rest : rpc));
}

/** The client property of a service: `KV` → `kv`, `Maintenance` → `maintenance`, `my-svc` → `mySvc`. */
export function serviceProperty(service: string): string {
  return lowerCamel(pascalCase(service));
}
