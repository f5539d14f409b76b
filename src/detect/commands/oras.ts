import { parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '--artifact-type', '-a', '--annotation', '--annotation-file', '--config', '--export-manifest', '-u', '--username',
  '-p', '--password', '--registry-config', '--concurrency', '--format', '--image-spec', '--artifact-platform',
  '--platform', '--from-username', '--from-password', '--to-username', '--to-password', '--resolve', '--ca-file',
  '--cert-file', '--key-file', '--oci-layout-path', '--template',
]);

/** `oras push X files…`, `oras cp|copy SRC DST`. */
export function classifyOras(inv: CommandInvocation): CommandEffect[] {
  const sub = inv.args[0]?.text;
  const p = parseArgs(inv.args.slice(1), VALUE_FLAGS);
  if (sub === 'push') {
    const ref = p.positionals[0];
    return ref ? [{ kind: 'push', tool: 'oras push', refs: [ref.text] }] : [];
  }
  if (sub === 'cp' || sub === 'copy') {
    const dst = p.positionals[1];
    return dst ? [{ kind: 'push', tool: `oras ${sub}`, refs: [dst.text] }] : [];
  }
  return [];
}
