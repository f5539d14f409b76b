import { PARTIAL_JSON, resolvedDigestText, THIS_PUSH_DIGEST } from '../../model/digest.js';
import { flagValues, parseArgs } from './argv.js';
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
  if (inv.args[i]?.text === 'inspect') return skopeoInspect(inv.args.slice(i + 1));
  if (inv.args[i]?.text !== 'copy') return [];
  const p = parseArgs(inv.args.slice(i + 1), VALUE_FLAGS);
  const dst = p.positionals[1];
  if (!dst) return [];
  if (!dst.text.startsWith('docker://') && !dst.dynamic && !dst.text.startsWith('$')) return [];
  const target = registryDestination(dst.text);
  if (!target) return [];
  const src = registryDestination(p.positionals[0]!.text);
  const copyOf = src !== undefined && p.positionals[0]!.text.startsWith('docker://') && !p.flags.has('--format') ? { copyOf: src } : {};
  return [{ kind: 'push', tool: 'skopeo copy', refs: [target], ...copyOf }, ...flagValues(p, '--digestfile').map((path): CommandEffect => ({ kind: 'file', path, text: THIS_PUSH_DIGEST }))];
}

/** `skopeo inspect --format '{{.Digest}}' docker://REF` (or its JSON, for `jq .Digest`): the digest REF points to now. */
function skopeoInspect(args: CommandInvocation['args']): CommandEffect[] {
  const p = parseArgs(args, VALUE_FLAGS);
  const ref = p.positionals[0];
  if (!ref || ref.dynamic || !ref.text.startsWith('docker://') || p.flags.has('--raw') || p.flags.has('--config')) return [];
  const digest = resolvedDigestText(ref.text.slice('docker://'.length));
  const format = flagValues(p, '-f', '--format').at(-1)?.replace(/\s+/g, '');
  if (format === '{{.Digest}}') return [{ kind: 'stdout', text: `${digest}\n` }];
  if (format === undefined) return [{ kind: 'stdout', text: `${JSON.stringify({ Name: ref.text.slice('docker://'.length), Digest: digest, [PARTIAL_JSON]: true }, null, 2)}\n` }];
  return [];
}
