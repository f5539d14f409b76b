import { boolFlag, flagValues, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '-d', '--destination', '-c', '--context', '-f', '--dockerfile', '--build-arg', '--cache-repo', '--target',
  '--label', '--digest-file', '--image-name-with-digest-file', '--image-name-tag-with-digest-file', '--tar-path',
  '--customPlatform', '--custom-platform', '--registry-mirror', '--insecure-registry', '--skip-tls-verify-registry',
  '--registry-certificate', '--verbosity', '--snapshot-mode', '--cache-dir', '--oci-layout-path', '--log-format',
  '--cache-ttl', '--ignore-path', '--kaniko-dir', '--push-retry', '--image-fs-extract-retry', '--compression',
  '--compression-level', '--git',
]);

/** kaniko's `executor --destination X` (`--no-push` builds locally). */
export function classifyKaniko(inv: CommandInvocation): CommandEffect[] {
  const p = parseArgs(inv.args, VALUE_FLAGS);
  const destinations = flagValues(p, '-d', '--destination');
  if (!destinations.length) return [];
  if (boolFlag(p, '--no-push')) return destinations.map((name) => ({ kind: 'local', tool: 'kaniko', name, reason: 'kaniko --no-push (not pushed)' }));
  return [{ kind: 'push', tool: 'kaniko executor', refs: destinations }];
}
