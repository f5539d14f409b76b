import { parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

/** `kind load docker-image X…` puts images into a local kind cluster: local builds. */
export function classifyKind(inv: CommandInvocation): CommandEffect[] {
  if (inv.args[0]?.text !== 'load' || inv.args[1]?.text !== 'docker-image') return [];
  const p = parseArgs(inv.args.slice(2), new Set(['--name', '-n', '--nodes']));
  return p.positionals.map((x) => ({ kind: 'local', tool: 'kind load', name: x.text, reason: 'kind load docker-image (local cluster)' }));
}
