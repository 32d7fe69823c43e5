// The protocol package imports nothing from Node or the DOM; these are the few
// WinterCG globals it relies on, present in Node, browsers and Deno alike.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
