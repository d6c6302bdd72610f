import { describe, expect, it } from 'vitest';
import { bytesToText, decodeBytes, encodeBytes, prefixRangeEnd, textToBytes } from '../../templates/runtime/wire/bytes.js';
import { EtcdDecodeError } from '../../templates/runtime/errors.js';

const u8 = (...b: number[]) => new Uint8Array(b);

describe('encodeBytes / decodeBytes', () => {
  const table: [string, Uint8Array | string, string][] = [
    ['empty', u8(), ''],
    ['one byte (two pads)', u8(0x66), 'Zg=='],
    ['two bytes (one pad)', u8(0x66, 0x6f), 'Zm8='],
    ['three bytes (no pad)', u8(0x66, 0x6f, 0x6f), 'Zm9v'],
    ['RFC 4648 foobar', 'foobar', 'Zm9vYmFy'],
    ['uses + and / (not URL-safe)', u8(0xfb, 0xff, 0xbf), '+/+/'],
    ['all zero', u8(0, 0, 0, 0), 'AAAAAA=='],
    ['UTF-8 text', 'héllo €𝄞', 'aMOpbGxvIOKCrPCdhJ4='],
  ];
  it.each(table)('%s', (_, input, wire) => {
    expect(encodeBytes(input)).toBe(wire);
    const bytes = typeof input === 'string' ? textToBytes(input) : input;
    expect(decodeBytes(wire)).toEqual(bytes);
  });

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 256; n++) expect(decodeBytes(encodeBytes(all.subarray(0, n)))).toEqual(all.subarray(0, n));
  });

  it('matches btoa on random data of every padding', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(Math.random() * 256));
      const expected = btoa(String.fromCharCode(...bytes));
      expect(encodeBytes(bytes)).toBe(expected);
    }
  });

  it('encodes a string as its UTF-8 bytes, short or long, ASCII or not (short ASCII takes its own path)', () => {
    const pick = (chars: string, n: number) =>
      Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
    const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    for (let n = 0; n < 130; n++) {
      for (const chars of [ascii, `${ascii}é€`, 'é€𝄞']) {
        const text = pick(chars, n);
        expect(encodeBytes(text), JSON.stringify(text)).toBe(encodeBytes(textToBytes(text)));
      }
    }
  });

  // How fast: bench/decode.mjs times this round trip (npm run bench -- decode); a test asserts no time.
  it('round-trips 1 MB', () => {
    const mb = new Uint8Array(1 << 20);
    for (let i = 0; i < mb.length; i++) mb[i] = (i * 2654435761) >>> 24;
    const wire = encodeBytes(mb);
    const back = decodeBytes(wire);
    expect(wire.length).toBe(Math.ceil(mb.length / 3) * 4);
    expect(Buffer.from(back.buffer, back.byteOffset, back.length).equals(mb)).toBe(true);
    expect(wire).toBe(Buffer.from(mb).toString('base64'));
  });

  it.each([undefined, null, ''])('decodes %j as empty bytes', (v) => {
    expect(decodeBytes(v)).toEqual(u8());
  });

  it('returns a fresh empty array each time', () => {
    const a = decodeBytes(undefined);
    expect(a).not.toBe(decodeBytes(undefined));
  });

  it.each([
    ['URL-safe alphabet', '-_-_'],
    ['unpadded', 'Zg'],
    ['bad length', 'Zm9vY'],
    ['padding in the middle', 'Zg==Zm8='],
    ['space', 'Zm 9'],
    ['non-ASCII', 'Zm9é'],
    ['three pads', 'Z==='],
  ])('rejects %s', (_, wire) => {
    expect(() => decodeBytes(wire, 'kvs[0].value')).toThrow(EtcdDecodeError);
    expect(() => decodeBytes(wire, 'kvs[0].value')).toThrow(/kvs\[0\]\.value.*invalid base64/);
  });

  it.each([42, true, {}, []])('rejects the non-string %j, naming the path', (v) => {
    expect(() => decodeBytes(v, 'kvs[0].key')).toThrow(/at kvs\[0\]\.key: expected a base64 string/);
  });
});

describe('bytesToText / textToBytes', () => {
  it('round-trips UTF-8', () => {
    const s = 'key/ключ/键/🔑';
    expect(bytesToText(textToBytes(s))).toBe(s);
    expect(textToBytes('é')).toEqual(u8(0xc3, 0xa9));
  });
  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(bytesToText(u8(0x61, 0xff))).toBe('a\ufffd');
  });
});

describe('prefixRangeEnd', () => {
  const table: [string, string | Uint8Array, Uint8Array][] = [
    ['ASCII prefix', 'foo/', textToBytes('foo0')],
    ['single char', 'a', u8(0x62)],
    ['bytes', u8(1, 2, 3), u8(1, 2, 4)],
    ['trailing 0xff is dropped', u8(0x61, 0xff), u8(0x62)],
    ['several trailing 0xff', u8(0x61, 0xfe, 0xff, 0xff), u8(0x61, 0xff)],
    ['all 0xff means to the end', u8(0xff, 0xff), u8(0)],
    ['empty key means to the end', '', u8(0)],
    ['multi-byte UTF-8', 'é', u8(0xc3, 0xaa)],
  ];
  it.each(table)('%s', (_, key, end) => {
    expect(prefixRangeEnd(key)).toEqual(end);
  });
  it('does not modify its input', () => {
    const key = u8(1, 2, 3);
    prefixRangeEnd(key);
    expect(key).toEqual(u8(1, 2, 3));
  });
});
