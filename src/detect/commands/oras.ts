import { PARTIAL_JSON, resolvedDigestText } from '../../model/digest.js';
import { parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '--artifact-type', '-a', '--annotation', '--annotation-file', '--config', '--export-manifest', '-u', '--username',
  '-p', '--password', '--registry-config', '--concurrency', '--format', '--image-spec', '--artifact-platform',
  '--platform', '--from-username', '--from-password', '--to-username', '--to-password', '--resolve', '--ca-file',
  '--cert-file', '--key-file', '--oci-layout-path', '--template', '--distribution-spec', '--subject',
]);

/**
 * `oras push X files…` stores files (SBOMs, signatures, configs, binaries) as an OCI artifact and `oras attach X
 * files…` adds one as a referrer of X: artifacts, not container images. `oras cp|copy SRC DST` copies whatever SRC
 * is — in CI, an image — so DST counts as a pushed image.
 */
export function classifyOras(inv: CommandInvocation): CommandEffect[] {
  const sub = inv.args[0]?.text;
  const p = parseArgs(inv.args.slice(1), VALUE_FLAGS);
  if (sub === 'push' || sub === 'attach') {
    const ref = p.positionals[0];
    return ref ? [{ kind: 'push', tool: `oras ${sub}`, refs: [ref.text], artifact: 'oci-artifact' }] : [];
  }
  if (sub === 'manifest' && p.positionals[0]?.text === 'fetch' && p.flags.has('--descriptor')) {
    // `oras manifest fetch --descriptor REF`: the descriptor of what REF points to now (`| jq -r .digest`).
    const ref = p.positionals[1];
    return ref && !ref.dynamic ? [{ kind: 'stdout', text: `${JSON.stringify({ digest: resolvedDigestText(ref.text), [PARTIAL_JSON]: true })}\n` }] : [];
  }
  if (sub === 'cp' || sub === 'copy') {
    const dst = p.positionals[1];
    return dst ? [{ kind: 'push', tool: `oras ${sub}`, refs: [dst.text] }] : [];
  }
  return [];
}
