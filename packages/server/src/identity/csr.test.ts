import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCsr, CSR_MAX_DER, decodeCsrBody } from './csr.js';
import { makeCsr } from './testing.js';

async function refusal(der: Uint8Array, expectedId?: string): Promise<string> {
  try {
    await checkCsr(der, expectedId);
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
}

describe('checkCsr', () => {
  describe('when the key is allowed', () => {
    it('accepts ECDSA P-256 and returns the device id', async () => {
      const { der } = await makeCsr('CN=dev-001');
      const checked = await checkCsr(der);
      assert.equal(checked.deviceId, 'dev-001');
      assert.equal(checked.keyType, 'ec-p256');
    });
    it('accepts Ed25519', async () => {
      const { der } = await makeCsr('CN=dev-ed', 'ed25519');
      assert.equal((await checkCsr(der)).keyType, 'ed25519');
    });
    it('tolerates RSA-3072', async () => {
      const { der } = await makeCsr('CN=dev-rsa', 'rsa3072');
      assert.equal((await checkCsr(der)).keyType, 'rsa');
    });
  });

  describe('when the key is not allowed', () => {
    it('refuses RSA-2048 with FW_CSR_KEY_UNSUPPORTED', async () => {
      const { der } = await makeCsr('CN=dev-rsa', 'rsa2048');
      assert.equal(await refusal(der), 'FW_CSR_KEY_UNSUPPORTED');
    });
    it('refuses ECDSA P-384 with FW_CSR_KEY_UNSUPPORTED', async () => {
      const { der } = await makeCsr('CN=dev-384', 'p384');
      assert.equal(await refusal(der), 'FW_CSR_KEY_UNSUPPORTED');
    });
  });

  describe('when proof of possession fails (RFC 7030 §3.4)', () => {
    it('refuses a tampered signature with FW_CSR_SIGNATURE_INVALID', async () => {
      const { der } = await makeCsr('CN=dev-001');
      der[der.length - 1] ^= 0x01;
      assert.equal(await refusal(der), 'FW_CSR_SIGNATURE_INVALID');
    });
    it('refuses a request whose subject was changed after signing', async () => {
      const { der } = await makeCsr('CN=dev-001');
      const at = der.indexOf(Buffer.from('dev-001'));
      der[at + 6] = '2'.charCodeAt(0);
      assert.equal(await refusal(der), 'FW_CSR_SIGNATURE_INVALID');
    });
  });

  describe('when the input is not a CSR', () => {
    it('refuses garbage, empty, huge and trailing bytes with FW_CSR_MALFORMED', async () => {
      const { der } = await makeCsr('CN=dev-001');
      assert.equal(await refusal(Buffer.from('hello world')), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(Buffer.alloc(0)), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(Buffer.alloc(CSR_MAX_DER + 1, 0x30)), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(Buffer.concat([der, Buffer.from([0])])), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(der.subarray(0, der.length - 10)), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(Buffer.from([0x30, 0x80, 0, 0])), 'FW_CSR_MALFORMED');
      assert.equal(await refusal(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])), 'FW_CSR_MALFORMED');
    });
  });

  describe('when the subject is not exactly CN=<device id>', () => {
    const hostile: Array<[string, string | Record<string, string[]>[]]> = [
      ['a slash', [{ CN: ['dev/../admin'] }]],
      ['a plus', [{ CN: ['dev+1'] }]],
      ['a newline', [{ CN: ['dev-1\nCN=admin'] }]],
      ['upper case', [{ CN: ['Dev-001'] }]],
      ['two CNs in one RDN', [{ CN: ['dev-001', 'dev-002'] }]],
      ['two CN RDNs', [{ CN: ['dev-001'] }, { CN: ['dev-002'] }]],
      ['an extra RDN', [{ CN: ['dev-001'] }, { O: ['acme'] }]],
      ['a multi-valued RDN', [{ CN: ['dev-001'], O: ['acme'] }]],
      ['no CN', [{ O: ['acme'] }]],
      ['an empty subject', []],
      ['a too short id', [{ CN: ['ab'] }]],
    ];
    for (const [what, name] of hostile) {
      it(`refuses ${what} with FW_CSR_SUBJECT_INVALID`, async () => {
        const { der } = await makeCsr(name as never);
        assert.equal(await refusal(der), 'FW_CSR_SUBJECT_INVALID');
      });
    }
    it('refuses a CN other than the expected device id', async () => {
      const { der } = await makeCsr('CN=dev-001');
      assert.equal(await refusal(der, 'dev-002'), 'FW_CSR_SUBJECT_INVALID');
    });
  });
});

describe('decodeCsrBody', () => {
  it('tolerates line breaks and a PEM armour (RFC 7030 §4.2.1)', async () => {
    const { der } = await makeCsr('CN=dev-001');
    const b64 = der.toString('base64');
    const wrapped = (b64.match(/.{1,64}/g) ?? []).join('\r\n');
    assert.deepEqual(decodeCsrBody(wrapped), der);
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${wrapped}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.deepEqual(decodeCsrBody(pem), der);
  });
  it('refuses what is not base64 with FW_CSR_MALFORMED', () => {
    for (const body of ['', 'not base64!', '{"a":1}', 'QUJD=QUJD', undefined, { csr: 'x' }]) {
      assert.throws(() => decodeCsrBody(body), { code: 'FW_CSR_MALFORMED' });
    }
  });
});
