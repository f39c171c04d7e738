// The few web-platform globals core relies on. They exist in every browser and
// in Node >= 18; declaring them here keeps "types": [] (no Node typings) so that
// any accidental Buffer or node: import fails to type-check.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };
