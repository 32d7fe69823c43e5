import type { Context, DeviceState } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { openCertificateAuthority, type CertificateAuthority } from './ca.js';
import { insertClaim, type ClaimInput, type CreatedClaim } from './claims.js';
import { CrlPublisher } from './crl.js';
import { identityError } from './errors.js';
import * as enroll from './enroll.js';
import { DEFAULT_DEVICE_CERT_DAYS } from './issue.js';
import { matchIdevid, registerManufacturer, type ManufacturerInput } from './manufacturers.js';
import { changeDeviceState, type RevocationReason } from './revocation.js';
import { DEFAULT_TLS_HOSTNAMES, ensureServerTls, type ServerTls } from './server-tls.js';
import { deviceCertificateVerifier, type DeviceCertificateVerifier } from './verify.js';

export interface IdentityOptions {
  /** Seals the CA and TLS private keys at rest. */
  readonly sealer: Sealer;
  /** Names in the server TLS certificate (default localhost, 127.0.0.1, ::1). */
  readonly tlsHostnames?: readonly string[];
  /** Validity of device certificates in days (default 90). */
  readonly deviceCertDays?: number;
}

/** The device identity service: CA, enrollment, certificate checks, revocation and CRL. */
export class Identity {
  /** Checks a device's TLS client certificate (for EST reenroll and the MQTT gateway). */
  readonly verifyDeviceCertificate: DeviceCertificateVerifier;
  readonly #crl: CrlPublisher;
  readonly #rootCrl: CrlPublisher;
  readonly #deps: enroll.EnrollDeps;

  private constructor(
    private readonly ctx: Context,
    private readonly ca: CertificateAuthority,
    /** Key and certificate chain for the HTTPS and MQTTS listeners. */
    readonly serverTls: ServerTls,
    validityDays: number,
  ) {
    this.verifyDeviceCertificate = deviceCertificateVerifier(ctx.store, ctx.clock);
    this.#crl = new CrlPublisher(ctx.store, ctx.clock, ca.issuing);
    this.#rootCrl = new CrlPublisher(ctx.store, ctx.clock, ca.root, false);
    this.#deps = { ctx, ca, validityDays };
    ctx.events.on('crl.updated', () => this.#crl.invalidate());
  }

  /** Loads the CA (creating it on first start) and the server TLS certificate. */
  static async open(ctx: Context, options: IdentityOptions): Promise<Identity> {
    const days = options.deviceCertDays ?? DEFAULT_DEVICE_CERT_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new RangeError('deviceCertDays: 1 to 3650');
    const ca = await openCertificateAuthority(ctx.store, options.sealer, ctx.clock);
    const hostnames = options.tlsHostnames ?? DEFAULT_TLS_HOSTNAMES;
    const tls = await ensureServerTls(ctx.store, options.sealer, ctx.clock, ca, hostnames);
    return new Identity(ctx, ca, tls, days);
  }

  /** The root certificate, PEM: what users and devices trust (`D/ca.pem`). */
  get rootPem(): string {
    return this.ca.root.cert.toString('pem') + '\n';
  }

  /** DER of the issuing CA and of the root, in that order (EST /cacerts). */
  get chainDer(): readonly Buffer[] {
    return [Buffer.from(this.ca.issuing.cert.rawData), Buffer.from(this.ca.root.cert.rawData)];
  }

  /** Creates a claim token (audited). The token is in the result only: print it once. */
  async createClaim(input: ClaimInput): Promise<CreatedClaim> {
    return this.ctx.store.transaction(async (tx) => {
      const claim = await insertClaim(tx, this.ctx.clock, input);
      const details = { model: claim.model, uses: claim.uses, expiresAt: claim.expiresAt.toISOString() };
      await this.ctx.audit.append(
        { actor: input.createdBy, action: 'claim.create', target: `claim:${claim.id}`, details },
        tx,
      );
      return claim;
    });
  }

  registerManufacturer(input: ManufacturerInput): Promise<{ id: string }> {
    return registerManufacturer(this.ctx.store, this.ctx.clock, this.ctx.audit, input);
  }

  enrollWithClaim(token: string, csrDer: Uint8Array): Promise<enroll.Enrollment> {
    return enroll.enrollWithClaim(this.#deps, token, csrDer);
  }

  /** Enrolls with an IDevID TLS client certificate (leaf DER, then the certificates the client sent). */
  async enrollWithIdevid(leafDer: Uint8Array, chainDer: readonly Uint8Array[], csrDer: Uint8Array) {
    const match = await matchIdevid(this.ctx.store, this.ctx.clock.now(), leafDer, chainDer);
    if (!match) throw identityError('FW_CERT_UNTRUSTED', 'the client certificate is not a registered IDevID');
    return enroll.enrollWithIdevid(this.#deps, match, csrDer);
  }

  /** RFC 7030 §4.2.2: renews the certificate `certDer` proves. */
  async reenroll(certDer: Uint8Array, csrDer: Uint8Array): Promise<enroll.Enrollment> {
    const device = await this.verifyDeviceCertificate(certDer);
    return enroll.reenroll(this.#deps, device, csrDer);
  }

  /** Revokes every certificate of the device and marks it revoked. Returns the serials. */
  revokeDevice(deviceId: string, reason: RevocationReason, actor: string): Promise<readonly string[]> {
    return changeDeviceState(this.ctx, deviceId, 'revoked', actor, reason);
  }

  /** Quarantine, release (active) or retire (also revokes its certificates). */
  setDeviceState(deviceId: string, state: DeviceState, actor: string): Promise<readonly string[]> {
    return changeDeviceState(this.ctx, deviceId, state, actor);
  }

  /** The current CRL of the issuing CA, DER. */
  crl(): Promise<Buffer> {
    return this.#crl.current();
  }

  /**
   * The CRLs a TLS verifier needs for the whole chain, DER: the issuing CA's (device
   * certificates) and the root's (the issuing CA). Node checks every level of the chain
   * once a CRL is set (X509_V_FLAG_CRL_CHECK_ALL), so both must be there and current.
   */
  async chainCrls(): Promise<Buffer[]> {
    return [await this.#crl.current(), await this.#rootCrl.current()];
  }
}
