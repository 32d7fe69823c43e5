import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalOf } from './mqtt-transport.js';

const alert = { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' };

describe('refusalOf (what counts as the gateway refusing this device)', () => {
  it('counts a certificate alert after the handshake completed as a revocation (RFC 8446 §4.4.2.4)', () => {
    assert.deepEqual(refusalOf(alert, true)?.reason, { revoked: true });
  });

  it('does not count a certificate alert before the handshake completed: it is plaintext, anyone on the path can forge it', () => {
    assert.equal(refusalOf(alert, false), undefined);
  });

  it('does not count a close without an alert or a CONNACK: a cut connection is a network failure', () => {
    assert.equal(refusalOf(undefined, true), undefined);
    assert.equal(refusalOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true), undefined);
  });

  it('reads the CONNACK reason codes (MQTT 5.0 §3.2.2.2): 0x87 refuses the identity, 0x97 does not', () => {
    assert.deepEqual(refusalOf({ code: 0x87 }, true)?.reason, { code: 0x87, revoked: true });
    assert.deepEqual(refusalOf({ code: 0x97 }, true)?.reason, { code: 0x97, revoked: false });
  });
});
