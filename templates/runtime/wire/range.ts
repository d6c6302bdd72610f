// A key range as the helpers take it (watch, iterate, mirror, the txn builder): one key, every key starting with
// `key` (`prefix`), or [key, rangeEnd). One type and one check, so every helper refuses both the same way.
import { prefixRangeEnd } from './bytes.js';
import type { BytesInput } from './codec.js';

/** How far a range reaches past its key: `prefix`, or `rangeEnd`, never both (neither: the key alone). */
export interface RangeOptions {
  /** Every key starting with the key (computes rangeEnd; do not give rangeEnd as well). */
  prefix?: boolean | undefined;
  /** The end of the range [key, rangeEnd); `'\0'` means every key from the key on. */
  rangeEnd?: BytesInput | undefined;
}

/** A range with its key. */
export interface KeyRangeOptions extends RangeOptions {
  /** The key, or the first key of the range; text (UTF-8) or bytes. */
  key: BytesInput;
}

/**
 * The range end `options` mean for `key`: the prefix's end, the given `rangeEnd`, or undefined (the key alone).
 * Throws a TypeError naming `where` (`iterate`, `watchEvents`) when both are given.
 */
export function rangeEndOf(where: string, key: BytesInput, options: RangeOptions): BytesInput | undefined {
  if (options.prefix === true && options.rangeEnd !== undefined)
    throw new TypeError(`${where}: give either prefix or rangeEnd, not both`);
  return options.prefix === true ? prefixRangeEnd(key) : options.rangeEnd;
}
