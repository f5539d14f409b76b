import { parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set(['--path', '--source', '--revision', '--creds', '--provider', '--ignore-paths', '--annotations', '-a', '--output', '-o', '--namespace', '-n', '--context', '--kubeconfig', '--timeout']);

/** `flux push artifact oci://REPO:TAG --path=…` stores Kubernetes manifests as an OCI artifact, not an image. */
export function classifyFlux(inv: CommandInvocation): CommandEffect[] {
  if (inv.args[0]?.text !== 'push' || inv.args[1]?.text !== 'artifact') return [];
  const p = parseArgs(inv.args.slice(2), VALUE_FLAGS);
  const url = p.positionals[0]?.text;
  if (!url || !url.startsWith('oci://')) return [];
  return [{ kind: 'push', tool: 'flux push artifact', refs: [url.slice('oci://'.length)], artifact: 'oci-artifact' }];
}
