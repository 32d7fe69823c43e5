// @tufjs/canonical-json ships no types; its one function, as its README documents it.
declare module '@tufjs/canonical-json' {
  export function canonicalize(value: unknown): string;
}
