/** JSDoc from spec prose: nothing in a description can end the comment or inject code. */
import type { JSDocStructure, OptionalKind } from 'ts-morph';

export function jsDoc(...paragraphs: (string | undefined)[]): OptionalKind<JSDocStructure>[] {
  const text = paragraphs
    .filter((p): p is string => !!p && p.trim() !== '')
    .map(sanitize)
    .join('\n\n');
  return text ? [{ description: text }] : [];
}

function sanitize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\*\//g, '*\\/')
    .replace(/[\u2028\u2029]/g, ' ')
    .trim();
}
