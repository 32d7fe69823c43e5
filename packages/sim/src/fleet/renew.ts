import { X509Certificate } from 'node:crypto';
import { reenrollDevice, type DeviceCredentials } from '@fleetward/agent';
import { loadCached } from '../enroll/index.js';

/** The validity of the leaf certificate (the first in the PEM), ms since the epoch. */
export function certificateValidity(c: DeviceCredentials): { notBefore: number; notAfter: number } {
  const cert = new X509Certificate(c.certPem);
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/** Renews through EST simplereenroll (RFC 7030 §4.2.2) in the device's cache directory. */
export function renewer(server: string, dir: string) {
  return async (c: DeviceCredentials): Promise<DeviceCredentials> => {
    await reenrollDevice({ server, dir });
    const next = await loadCached(dir, c.deviceId, c.caPem);
    if (next === undefined) throw new Error(`renewed ${c.deviceId} but its files are missing`);
    return next;
  };
}
