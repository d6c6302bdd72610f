// The part of @opentelemetry/api (1.x) that docs/client.md's observe example uses, with its published signatures:
// the package is the reader's dependency, not this repository's, so the example is type-checked against this.
declare module '@opentelemetry/api' {
  export type AttributeValue = string | number | boolean | Array<null | undefined | string> | Array<null | undefined | number>;
  export interface Attributes {
    [attributeKey: string]: AttributeValue | undefined;
  }
  export type TimeInput = number | Date | [number, number];
  export enum SpanStatusCode {
    UNSET = 0,
    OK = 1,
    ERROR = 2,
  }
  export interface SpanStatus {
    code: SpanStatusCode;
    message?: string;
  }
  export interface Span {
    recordException(exception: Error | string, time?: TimeInput): void;
    setStatus(status: SpanStatus): this;
    end(endTime?: TimeInput): void;
  }
  export interface SpanOptions {
    attributes?: Attributes;
    startTime?: TimeInput;
  }
  export interface Tracer {
    startSpan(name: string, options?: SpanOptions): Span;
  }
  export interface Histogram {
    record(value: number, attributes?: Attributes): void;
  }
  export interface Meter {
    createHistogram(name: string, options?: { description?: string; unit?: string }): Histogram;
  }
  export const trace: { getTracer(name: string, version?: string): Tracer };
  export const metrics: { getMeter(name: string, version?: string): Meter };
}
