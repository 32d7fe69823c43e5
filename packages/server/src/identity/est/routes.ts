import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeCsrBody } from '../csr.js';
import type { Enrollment } from '../enroll.js';
import { identityError } from '../errors.js';
import type { Identity } from '../identity.js';
import { claimTokenOf, clientCertificateOf } from './credentials.js';
import { certsOnlyBase64, PKCS7_CERTS_ONLY } from './pkcs7.js';

/** RFC 7030 §3.2.2: the body limit of the enrollment routes (a CSR is a few KiB at most). */
export const EST_BODY_LIMIT = 16 * 1024;
const PKCS10 = 'application/pkcs10';
const EST = '/.well-known/est';

function csrOf(request: FastifyRequest): Buffer {
  // RFC 7030 §4.2.1: the request is application/pkcs10, base64
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== PKCS10) throw identityError('FW_CSR_MALFORMED', `the body must be ${PKCS10}`);
  return decodeCsrBody(request.body);
}

function sendCerts(reply: FastifyReply, ders: readonly Uint8Array[]) {
  return reply
    .header('content-type', PKCS7_CERTS_ONLY)
    .header('content-transfer-encoding', 'base64')
    .send(certsOnlyBase64(ders));
}

function issued(reply: FastifyReply, e: Enrollment) {
  return sendCerts(reply, [Buffer.from(e.certificate.rawData)]);
}

/**
 * EST (RFC 7030) and the public PKI files: /.well-known/est/{cacerts,simpleenroll,
 * simplereenroll}, /pki/crl, /pki/ca.pem. All public: EST authenticates its callers itself.
 */
export function estRoutes(identity: Identity) {
  return async function est(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser(PKCS10, { parseAs: 'string', bodyLimit: EST_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    // RFC 7030 §3.2.3 and RFC 9110 §15.5.2: every 401 says how to authenticate
    app.addHook('onSend', async (_request, reply, payload) => {
      if (reply.statusCode === 401) reply.header('www-authenticate', 'Basic realm="fleetward-est", Bearer');
      return payload;
    });

    // RFC 7030 §4.1: distribution of CA certificates
    app.get(
      `${EST}/cacerts`,
      { config: { access: { public: 'RFC 7030 §4.1: CA certificates are public' } } },
      (_req, reply) => sendCerts(reply, identity.chainDer),
    );

    // RFC 7030 §4.2.1: enrollment, by claim token or IDevID client certificate
    app.post(
      `${EST}/simpleenroll`,
      {
        bodyLimit: EST_BODY_LIMIT,
        config: { access: { public: 'EST: claim token or IDevID certificate' } },
        // credentials before the body is read (RFC 7030 §3.2.3)
        onRequest: async (request) => {
          if (claimTokenOf(request) === undefined && !clientCertificateOf(request)) {
            throw identityError('FW_ENROLL_AUTH_REQUIRED', 'send a claim token or an IDevID client certificate');
          }
        },
      },
      async (request, reply) => {
        const token = claimTokenOf(request);
        const client = token === undefined ? clientCertificateOf(request) : undefined;
        const csr = csrOf(request);
        if (token !== undefined) return issued(reply, await identity.enrollWithClaim(token, csr));
        return issued(reply, await identity.enrollWithIdevid(client!.leaf, client!.chain, csr));
      },
    );

    // RFC 7030 §4.2.2: re-enrollment, authenticated by the current device certificate
    app.post(
      `${EST}/simplereenroll`,
      {
        bodyLimit: EST_BODY_LIMIT,
        config: { access: { public: 'EST: current device certificate' } },
        // authenticate before the body is read
        onRequest: async (request) => {
          const client = clientCertificateOf(request);
          if (!client) throw identityError('FW_ENROLL_AUTH_REQUIRED', 'present the current device certificate');
          await identity.verifyDeviceCertificate(client.leaf);
        },
      },
      async (request, reply) => {
        const client = clientCertificateOf(request);
        if (!client) throw identityError('FW_ENROLL_AUTH_REQUIRED', 'present the current device certificate');
        return issued(reply, await identity.reenroll(client.leaf, csrOf(request)));
      },
    );

    app.get('/pki/crl', { config: { access: { public: 'RFC 5280 §5: the CRL is public' } } }, async (_req, reply) =>
      reply.header('content-type', 'application/pkix-crl').send(await identity.crl()),
    );
    app.get('/pki/ca.pem', { config: { access: { public: 'the root certificate is public' } } }, (_req, reply) =>
      reply.header('content-type', 'application/x-pem-file').send(identity.rootPem),
    );
  };
}
