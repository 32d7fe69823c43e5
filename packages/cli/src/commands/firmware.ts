import { readFile, writeFile } from 'node:fs/promises';
import { firmwarePublicKey, isFleetwardError, verifyImage, type FirmwareKeyType } from '@fleetward/protocol';
import { generateFirmwareKey, loadSigningKey, signImage, writeFirmwareKey } from '@fleetward/server';
import { parse, requireOption } from '../args.js';
import { cliError } from '../errors.js';
import { out } from '../output.js';

const USAGE = `usage:
  fleetward firmware keygen --type ed25519|ecdsa-p256 --out DIR
  fleetward firmware sign --key K --version 1.2.3+4 --security-counter N --header-size 0x200
                          [--align 4] [--slot-size S] [--pad-header] [--load-addr A] [--erased-val 0|0xff] IN OUT
  fleetward firmware verify --key PUB IMG [--json]`;

/** `fleetward firmware keygen|sign|verify`: MCUboot images, as imgtool makes and checks them. */
export async function firmware(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'keygen') return keygen(rest);
  if (sub === 'sign') return sign(rest);
  if (sub === 'verify') return verify(rest);
  throw cliError('FW_CLI_USAGE', USAGE);
}

async function keygen(argv: string[]): Promise<number> {
  const { values } = parse(argv, { type: { type: 'string' }, out: { type: 'string' } });
  const type = requireOption(values.type, 'type');
  if (type !== 'ed25519' && type !== 'ecdsa-p256') throw cliError('FW_CLI_USAGE', '--type is ed25519 or ecdsa-p256');
  const files = await writeFirmwareKey(requireOption(values.out, 'out'), generateFirmwareKey(type as FirmwareKeyType));
  out.say(`wrote ${files.key} (private, 0600) and ${files.pub}`);
  return 0;
}

async function sign(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    key: { type: 'string' },
    version: { type: 'string' },
    'security-counter': { type: 'string' },
    'header-size': { type: 'string' },
    align: { type: 'string' },
    'slot-size': { type: 'string' },
    'pad-header': { type: 'boolean' },
    'load-addr': { type: 'string' },
    'erased-val': { type: 'string' },
  });
  const [input, output] = positionals;
  if (!input || !output || positionals.length !== 2) throw cliError('FW_CLI_USAGE', USAGE);
  const { key } = loadSigningKey(await readFile(requireOption(values.key, 'key')));
  const counter = values['security-counter'];
  const erased = values['erased-val'] === undefined ? 0xff : int(values['erased-val'], 'erased-val');
  if (erased !== 0 && erased !== 0xff) throw cliError('FW_CLI_USAGE', '--erased-val is 0 or 0xff');
  const image = signImage(new Uint8Array(await readFile(input)), key, {
    version: requireOption(values.version, 'version'),
    headerSize: int(requireOption(values['header-size'], 'header-size'), 'header-size'),
    ...(counter === undefined ? {} : { securityCounter: int(counter, 'security-counter') }),
    align: values.align === undefined ? 1 : int(values.align, 'align'),
    slotSize: values['slot-size'] === undefined ? 0 : int(values['slot-size'], 'slot-size'),
    padHeader: values['pad-header'] ?? false,
    loadAddr: values['load-addr'] === undefined ? 0 : int(values['load-addr'], 'load-addr'),
    erasedVal: erased,
  });
  await writeFile(output, image);
  out.say(`wrote ${output} (${image.length} bytes)`);
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw cliError('FW_CLI_USAGE', USAGE);
  const key = firmwarePublicKey(await readFile(requireOption(values.key, 'key'), 'utf8'));
  const bytes = new Uint8Array(await readFile(positionals[0]!));
  const r = await verifyImage(bytes, key).catch((err: unknown) => {
    if (values.json && isFleetwardError(err)) out.json({ ok: false, error: { code: err.code, message: err.message } });
    throw err;
  });
  const result = { version: r.versionText, securityCounter: r.securityCounter, digest: r.digest, keyType: r.keyType };
  if (values.json) out.json({ ok: true, ...result });
  else
    out.result(
      `ok version ${result.version} security-counter ${result.securityCounter ?? 'none'} sha256 ${result.digest}`,
    );
  return 0;
}

/** Decimal or 0x-hex, as imgtool takes them. */
function int(text: string, name: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw cliError('FW_CLI_USAGE', `--${name} must be a number (decimal or 0x hex)`);
  return n;
}
