/** An error about an input: it names the file and the JSON pointer (or the option) it is about. */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${reason}`);
  }
}

/** A bad option or argument given on the command line, in a config file or to the API. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${option}: ${reason}`);
  }
}

/** Escape one reference token of a JSON pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Join reference tokens into a JSON pointer: `['paths', '/v3/kv/put']` → `/paths/~1v3~1kv~1put`. */
export function jsonPointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${pointerToken(t)}`).join('');
}
