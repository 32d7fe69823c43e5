import { firmwareError } from './errors.js';

/** `struct image_version`: major u8, minor u8, revision u16, build_num u32. */
export interface ImageVersion {
  readonly major: number;
  readonly minor: number;
  readonly revision: number;
  readonly build: number;
}

const VERSION_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,5})(?:\+(\d{1,10}))?$/;

/** Parses `1.2.3+4` (imgtool's syntax; `+build` optional, default 0). */
export function parseVersion(text: string): ImageVersion {
  const m = VERSION_PATTERN.exec(text);
  if (!m) throw firmwareError('FW_IMAGE_VERSION_INVALID', `not a version: ${JSON.stringify(text)}`);
  const v = { major: Number(m[1]), minor: Number(m[2]), revision: Number(m[3]), build: Number(m[4] ?? 0) };
  if (v.major > 0xff || v.minor > 0xff || v.revision > 0xffff || v.build > 0xffffffff) {
    throw firmwareError('FW_IMAGE_VERSION_INVALID', `version field out of range: ${text}`);
  }
  return v;
}

export function formatVersion(v: ImageVersion): string {
  return `${v.major}.${v.minor}.${v.revision}+${v.build}`;
}

/** Orders versions as MCUboot does (major, minor, revision, then build). */
export function compareVersions(a: ImageVersion, b: ImageVersion): number {
  return a.major - b.major || a.minor - b.minor || a.revision - b.revision || a.build - b.build;
}
