import { open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import { classifyTufError } from './classify.js';
import { updaterError } from './errors.js';

/** The trusted root tuf-js reads at start and overwrites in place on every root rotation. */
export const ROOT_FILE = 'root.json';
/** The last root a refresh ended with (or the provisioned one), replaced only atomically. */
export const GOOD_ROOT_FILE = 'root.json.good';

/**
 * Checks that `bytes` are root metadata (spec §4.3) of version 1 or later, signed by a
 * threshold of the root keys they themselves name (what spec §5.3.4 asks of every new root,
 * and tuf-js of the trusted root it loads, spec §5.2). Refuses with FW_UPDATE_METADATA_INVALID
 * (not JSON, not root, version below 1), FW_UPDATE_METADATA_UNSIGNED or FW_UPDATE_THRESHOLD_NOT_MET.
 * Expiry is not checked here: only the final root of an update cycle must be unexpired (spec
 * §5.3.6, §5.3.10), and the client walks forward from an expired one.
 */
export function parseTrustedRoot(bytes: Uint8Array, what = ROOT_FILE): Metadata<Root> {
  let root: Metadata<Root>;
  try {
    root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch (cause) {
    throw updaterError('FW_UPDATE_METADATA_INVALID', `${what} is not root metadata`, { cause });
  }
  const version = root.signed.version;
  if (!Number.isInteger(version) || version < 1) {
    throw updaterError('FW_UPDATE_METADATA_INVALID', `${what} has root version ${version}`);
  }
  try {
    root.verifyDelegate(MetadataKind.Root, root);
  } catch (err) {
    // "root was signed by k/n keys": classify names 0/n unsigned and k/n below the threshold.
    throw classifyTufError(err);
  }
  return root;
}

/** The root in `file`, or undefined when the file is missing or not a valid root. */
async function readTrustedRoot(file: string): Promise<{ bytes: Buffer; root: Metadata<Root> } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    return { bytes, root: parseTrustedRoot(bytes) };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure `root.json` holds a valid trusted root before tuf-js reads it: a file torn by a
 * power cut during tuf-js's in-place rewrite (or otherwise unreadable) is replaced by the last
 * good copy. The good copy may be older than the torn root: still safe, the client walks root
 * versions forward from it, each verified by the one before (spec §5.3). Returns the trusted
 * root; refuses with FW_UPDATE_NOT_PROVISIONED when neither file holds one.
 */
export async function repairTrustedRoot(dir: string): Promise<{ root: Metadata<Root>; restored: boolean }> {
  const current = await readTrustedRoot(join(dir, ROOT_FILE));
  if (current) return { root: current.root, restored: false };
  const good = await readTrustedRoot(join(dir, GOOD_ROOT_FILE));
  if (!good) {
    throw updaterError('FW_UPDATE_NOT_PROVISIONED', `no valid ${ROOT_FILE} nor ${GOOD_ROOT_FILE} in ${dir}`);
  }
  await writeFileAtomic(join(dir, ROOT_FILE), good.bytes);
  return { root: good.root, restored: true };
}

/**
 * After a successful refresh: keeps the root tuf-js ended with as the good copy, if it is a
 * valid root and not already the copy (no write when nothing rotated).
 */
export async function keepGoodRoot(dir: string): Promise<void> {
  const current = await readTrustedRoot(join(dir, ROOT_FILE));
  if (!current) return;
  const good = await readFile(join(dir, GOOD_ROOT_FILE)).catch(() => undefined);
  if (good?.equals(current.bytes)) return;
  await writeFileAtomic(join(dir, GOOD_ROOT_FILE), current.bytes);
}

/** Replaces `file` atomically: a temp file written and fsync'd, renamed over it, the folder fsync'd. */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const folder = await open(dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
