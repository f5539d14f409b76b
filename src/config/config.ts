import type { Location } from '../model/location.js';
import type { SignMethod } from '../model/report.js';

/** Where the action looks for its configuration, relative to the scanned root. */
export const DEFAULT_CONFIG_PATH = '.github/image-signing-audit.yml';

/** One `ignore:` entry: findings of `rule` (on files matching `path`, about images matching `image`) are suppressed. */
export interface IgnoreEntry {
  rule: string;
  /** Glob on the finding's repository-relative file; absent = any file. */
  path?: string;
  /** Glob on the finding's normalized image name; absent = any image (or none). */
  image?: string;
  reason: string;
  /** The entry in the configuration file, shown next to suppressed findings. */
  location: Location;
}

export interface AuditConfig {
  ignore: IgnoreEntry[];
  excludeImages: Array<{ pattern: string; reason: string }>;
  requireImages: string[];
  /** Undefined = every method counts (the engine's default). */
  acceptMethods?: Array<SignMethod | 'tag'>;
  ephemeralRegistries: string[];
}

export function emptyConfig(): AuditConfig {
  return { ignore: [], excludeImages: [], requireImages: [], ephemeralRegistries: [] };
}

/**
 * Every sign method the report can name, plus `tag` (accept signing by tag). A Record so the compiler
 * complains when src/model/report.ts gains a method this list does not know.
 */
const METHOD_SET: Record<SignMethod | 'tag', true> = {
  'cosign-keyless': true,
  'cosign-key': true,
  'cosign-kms': true,
  'cosign-attest': true,
  notation: true,
  'docker-content-trust': true,
  'goreleaser-cosign': true,
  attestation: true,
  tag: true,
};

export const ACCEPTABLE_METHODS = Object.keys(METHOD_SET) as Array<SignMethod | 'tag'>;

export function isAcceptableMethod(value: string): value is SignMethod | 'tag' {
  return Object.prototype.hasOwnProperty.call(METHOD_SET, value);
}
