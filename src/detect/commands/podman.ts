import { THIS_PUSH_DIGEST } from '../../model/digest.js';
import { flagValues, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const PUSH_VALUE_FLAGS = new Set([
  '--authfile', '--cert-dir', '--creds', '--digestfile', '-f', '--format', '--sign-by', '--sign-by-sigstore',
  '--sign-by-sigstore-private-key', '--sign-passphrase-file', '--compression-format', '--compression-level',
  '--encryption-key', '--retry', '--retry-delay', '--signature-policy', '--sign-identity',
]);
const BUILD_VALUE_FLAGS = new Set([
  '-t', '--tag', '-f', '--file', '--build-arg', '--platform', '--target', '--label', '--layers', '--format',
  '--authfile', '--manifest', '--network', '--secret', '--cache-from', '--cache-to', '--arch', '--os', '--jobs',
  '--annotation', '--build-context', '--iidfile', '--isolation', '--volume', '-v',
]);

/** Strips a `docker://` transport; other transports (`oci:`, `docker-archive:`, `containers-storage:`) are not registries. */
export function registryDestination(text: string): string | undefined {
  if (text.startsWith('docker://')) return text.slice('docker://'.length);
  if (/^(oci|oci-archive|docker-archive|docker-daemon|dir|containers-storage|tarball|sif):/.test(text)) return undefined;
  return text;
}

/** `podman push`, `podman manifest push`, `buildah push`; `podman build` / `buildah bud` are local builds. */
export function classifyPodmanBuildah(inv: CommandInvocation): CommandEffect[] {
  const words = inv.args.map((a) => a.text);
  const tool = inv.tool;
  let pushArgs: typeof inv.args | undefined;
  let pushTool = `${tool} push`;
  if (words[0] === 'push') pushArgs = inv.args.slice(1);
  else if (words[0] === 'manifest' && words[1] === 'push') {
    pushArgs = inv.args.slice(2);
    pushTool = `${tool} manifest push`;
  } else if (words[0] === 'image' && words[1] === 'push') pushArgs = inv.args.slice(2);
  if (pushArgs) {
    const p = parseArgs(pushArgs, PUSH_VALUE_FLAGS);
    const [source, dest] = p.positionals;
    if (!source) return [];
    const target = registryDestination((dest ?? source).text);
    if (!target) return [];
    // `--digestfile F`: the digest of what was pushed.
    return [{ kind: 'push', tool: pushTool, refs: [target] }, ...flagValues(p, '--digestfile').map((path): CommandEffect => ({ kind: 'file', path, text: THIS_PUSH_DIGEST }))];
  }
  if (words[0] === 'build' || words[0] === 'bud' || (words[0] === 'image' && words[1] === 'build')) {
    const p = parseArgs(inv.args.slice(words[0] === 'image' ? 2 : 1), BUILD_VALUE_FLAGS);
    return flagValues(p, '-t', '--tag').map((name) => ({ kind: 'local', tool: `${tool} build`, name, reason: `${tool} build (not pushed)` }));
  }
  return [];
}
