/** Printing model names as TypeScript: property names, member reads and writes, string literals. */
import { isIdentifier, isPrototypeName } from '../spec/names.js';

/** A property name in a type or object literal: bare when it is an identifier, quoted otherwise. */
export function propertyName(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/** A key in an object literal: computed for `__proto__`, which would otherwise set the prototype. */
export function literalKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : propertyName(name);
}

/** Read a property of a JSON object or user input; names on Object.prototype are read as own properties only. */
export function readProperty(object: string, name: string): string {
  if (isPrototypeName(name)) return `own(${object}, ${JSON.stringify(name)})`;
  return isIdentifier(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

/** Whether reading or writing this name needs the runtime's `own`/`setOwn`. */
export function needsOwn(name: string): boolean {
  return isPrototypeName(name);
}

/** Assign a property of a wire object; `__proto__` and friends become plain own properties. */
export function writeProperty(object: string, name: string, value: string): string {
  if (isPrototypeName(name)) return `setOwn(${object}, ${JSON.stringify(name)}, ${value});`;
  return isIdentifier(name) ? `${object}.${name} = ${value};` : `${object}[${JSON.stringify(name)}] = ${value};`;
}

export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}
