import { boolFlag, flagValues, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '-B', '--builder', '-p', '--path', '-e', '--env', '--env-file', '-t', '--tag', '-b', '--buildpack', '--run-image',
  '--cache-image', '--cache', '--descriptor', '-d', '--docker-host', '--gid', '--uid', '--lifecycle-image', '--network',
  '--previous-image', '--pull-policy', '--volume', '--workspace', '--sbom-output-dir', '--report-output-dir',
  '--creation-time', '--platform', '-D', '--default-process', '--extension', '--post-buildpack', '--pre-buildpack',
  '--project-descriptor', '--app', '--buildpack-registry', '--exec-env', '--insecure-registry',
]);

/** `pack build X [--tag Y] --publish`; without --publish the image goes to the local daemon. */
export function classifyPack(inv: CommandInvocation): CommandEffect[] {
  if (inv.args[0]?.text !== 'build') return [];
  const p = parseArgs(inv.args.slice(1), VALUE_FLAGS);
  const names = [...p.positionals.slice(0, 1).map((x) => x.text), ...flagValues(p, '-t', '--tag')];
  if (!names.length) return [];
  if (boolFlag(p, '--publish')) return [{ kind: 'push', tool: 'pack build --publish', refs: names }];
  return names.map((name) => ({ kind: 'local', tool: 'pack build', name, reason: 'pack build without --publish (not pushed)' }));
}
