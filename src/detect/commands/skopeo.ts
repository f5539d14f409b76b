import { parseArgs } from './argv.js';
import { registryDestination } from './podman.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '--authfile', '--src-authfile', '--dest-authfile', '--src-creds', '--dest-creds', '-f', '--format', '--multi-arch',
  '--sign-by', '--sign-by-sigstore', '--sign-by-sigstore-private-key', '--sign-passphrase-file', '--sign-identity',
  '--src-cert-dir', '--dest-cert-dir', '--retry-times', '--retry-delay', '--additional-tag', '--digestfile',
  '--encryption-key', '--decryption-key', '--dest-compress-format', '--dest-compress-level', '--src-registry-token',
  '--dest-registry-token', '--src-username', '--src-password', '--dest-username', '--dest-password',
  '--image-parallel-copies', '--override-arch', '--override-os', '--override-variant', '--dest-shared-blob-dir',
  '--src-shared-blob-dir', '--src-daemon-host', '--dest-daemon-host', '--policy', '--registries.d', '--command-timeout',
  '--tmpdir', '--registries-conf', '--user-agent',
]);

/** `skopeo copy SRC docker://DST` pushes DST; other destination transports stay local. */
export function classifySkopeo(inv: CommandInvocation): CommandEffect[] {
  let i = 0;
  while (i < inv.args.length && inv.args[i]!.text.startsWith('-')) i += VALUE_FLAGS.has(inv.args[i]!.text) ? 2 : 1;
  if (inv.args[i]?.text !== 'copy') return [];
  const p = parseArgs(inv.args.slice(i + 1), VALUE_FLAGS);
  const dst = p.positionals[1];
  if (!dst) return [];
  if (!dst.text.startsWith('docker://') && !dst.dynamic && !dst.text.startsWith('$')) return [];
  const target = registryDestination(dst.text);
  return target ? [{ kind: 'push', tool: 'skopeo copy', refs: [target] }] : [];
}
