// Key prefixing on the wire (base64 keys inside wire JSON), as Go's clientv3/namespace does it: a key becomes
// prefix + key; a range end '\0' ("every key from here on") becomes the prefix's end, so a namespace never reads,
// watches or deletes beyond itself; answers have the prefix cut off again.
import { isWireObject } from '../wire/codec.js';
import { decodeBytes, encodeBytes, prefixRangeEnd } from '../wire/bytes.js';

type WireObject = Record<string, unknown>;

/** a + b as one new array. */
export function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function isAllKeysEnd(end: Uint8Array): boolean {
  return end.length === 1 && end[0] === 0;
}

/**
 * A copy of `message` with its key (and range end) moved into the namespace. "All keys" (key '\0' or empty, range
 * end '\0') is the whole namespace; a message with neither field is left alone (etcd answers "key is not provided").
 */
export function prefixRange(
  prefix: Uint8Array,
  message: WireObject,
  keyField = 'key',
  endField = 'range_end',
): WireObject {
  const key = message[keyField];
  const end = message[endField];
  if (key === undefined && end === undefined) return message;
  const keyBytes = key === undefined ? new Uint8Array(0) : decodeBytes(key, keyField);
  const copy: WireObject = { ...message };
  if (end === undefined || end === '') {
    copy[keyField] = encodeBytes(joinBytes(prefix, keyBytes));
    return copy;
  }
  const endBytes = decodeBytes(end, endField);
  if (isAllKeysEnd(endBytes)) {
    const everything = keyBytes.length === 0 || (keyBytes.length === 1 && keyBytes[0] === 0);
    copy[keyField] = encodeBytes(everything ? prefix : joinBytes(prefix, keyBytes));
    copy[endField] = encodeBytes(prefix.length === 0 ? endBytes : prefixRangeEnd(prefix));
  } else {
    copy[keyField] = encodeBytes(joinBytes(prefix, keyBytes));
    copy[endField] = encodeBytes(joinBytes(prefix, endBytes));
  }
  return copy;
}

/** A copy of `message` with the bytes field `field` prefixed (when present). */
export function prefixField(prefix: Uint8Array, message: WireObject, field: string): WireObject {
  const value = message[field];
  if (value === undefined) return message;
  return { ...message, [field]: encodeBytes(joinBytes(prefix, decodeBytes(value, field))) };
}

/** The key without the prefix; undefined when it lies outside the namespace. */
export function stripKey(prefix: Uint8Array, wireKey: unknown): string | undefined {
  const key = decodeBytes(wireKey ?? '', 'key');
  if (key.length < prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return undefined;
  return encodeBytes(key.subarray(prefix.length));
}

/** A copy of `message` with the bytes field `field` stripped of the prefix (left as is outside the namespace). */
export function stripField(prefix: Uint8Array, message: unknown, field: string): unknown {
  if (!isWireObject(message) || message[field] === undefined) return message;
  const stripped = stripKey(prefix, message[field]);
  return stripped === undefined ? message : { ...message, [field]: stripped };
}

/** A wire watch response with every event's kv and prev_kv keys stripped. */
export function stripWatchResponse(prefix: Uint8Array, response: unknown): unknown {
  if (!isWireObject(response) || !Array.isArray(response['events'])) return response;
  const events = response['events'].map((event: unknown) => {
    if (!isWireObject(event)) return event;
    const copy: WireObject = { ...event };
    if (event['kv'] !== undefined) copy['kv'] = stripField(prefix, event['kv'], 'key');
    if (event['prev_kv'] !== undefined) copy['prev_kv'] = stripField(prefix, event['prev_kv'], 'key');
    return copy;
  });
  return { ...response, events };
}
