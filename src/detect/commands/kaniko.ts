import { THIS_PUSH_DIGEST } from '../../model/digest.js';
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

/**
 * kaniko's `executor --destination X` (`--no-push` builds locally). What it pushed hands its digest on through
 * `--digest-file F` (the digest) and `--image-name-with-digest-file F` (`<repository>@<digest>`, one line per
 * destination), as kaniko's executor writes them (pkg/executor/push.go, DoPush).
 */
export function classifyKaniko(inv: CommandInvocation): CommandEffect[] {
  const p = parseArgs(inv.args, VALUE_FLAGS);
  const destinations = flagValues(p, '-d', '--destination');
  if (!destinations.length) return [];
  if (boolFlag(p, '--no-push')) return destinations.map((name) => ({ kind: 'local', tool: 'kaniko', name, reason: 'kaniko --no-push (not pushed)' }));
  const effects: CommandEffect[] = [{ kind: 'push', tool: 'kaniko executor', refs: destinations }];
  for (const path of flagValues(p, '--digest-file')) effects.push({ kind: 'file', path, text: THIS_PUSH_DIGEST });
  const named = destinations.map((d) => `${withoutTag(d)}@${THIS_PUSH_DIGEST}\n`).join('');
  for (const path of flagValues(p, '--image-name-with-digest-file')) effects.push({ kind: 'file', path, text: named });
  return effects;
}

/** `host/repo:tag` → `host/repo` (a port's colon comes before the last slash). */
function withoutTag(ref: string): string {
  const r = ref.replace(/@.*$/, '');
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  return colon > slash ? r.slice(0, colon) : r;
}
