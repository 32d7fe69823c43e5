import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

/** A TLS client certificate: the leaf and the certificates the client sent with it. */
export interface ClientCertificate {
  readonly leaf: Buffer;
  readonly chain: readonly Buffer[];
}

const MAX_CHAIN = 4;

/**
 * The claim token of an EST request (RFC 7030 §3.2.3): the password of HTTP Basic (any user
 * name), or a Bearer token. Undefined when the request carries neither.
 */
export function claimTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > 1024) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/**
 * The client certificate of the TLS connection, if the client sent one. The server asks for
 * it without requiring or checking it: the routes verify it themselves.
 */
export function clientCertificateOf(request: FastifyRequest): ClientCertificate | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const leaf = socket.getPeerCertificate(true);
  if (!leaf?.raw) return undefined;
  const chain: Buffer[] = [];
  let current: PeerCertificate = leaf;
  while (chain.length < MAX_CHAIN) {
    const next = (current as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    if (!next?.raw || next === current) break;
    chain.push(next.raw);
    current = next;
  }
  return { leaf: leaf.raw, chain };
}
