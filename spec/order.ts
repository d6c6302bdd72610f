/** The one text ordering of the pipeline: locale-independent, so that output never depends on the machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
