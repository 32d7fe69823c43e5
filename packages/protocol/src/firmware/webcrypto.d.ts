// The few WebCrypto (W3C Web Cryptography API) members the verifier uses, present in Node,
// browsers and Deno alike as `globalThis.crypto.subtle`. Declared here because the protocol
// package compiles without the DOM or Node type libraries.
interface FirmwareCryptoKey {
  readonly algorithm: { readonly name: string };
}
interface FirmwareSubtleCrypto {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
  importKey(
    format: 'spki',
    keyData: Uint8Array,
    algorithm: { name: 'Ed25519' } | { name: 'ECDSA'; namedCurve: 'P-256' },
    extractable: false,
    usages: ['verify'],
  ): Promise<FirmwareCryptoKey>;
  verify(
    algorithm: { name: 'Ed25519' } | { name: 'ECDSA'; hash: 'SHA-256' },
    key: FirmwareCryptoKey,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean>;
}
declare const crypto: { readonly subtle: FirmwareSubtleCrypto };
declare function atob(data: string): string;
