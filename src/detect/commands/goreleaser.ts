import type { CommandEffect, CommandInvocation } from './types.js';

const NON_BUILD = new Set(['check', 'init', 'healthcheck', 'jsonschema', 'changelog', 'completion', 'help', 'man', '--version', '-v', 'verify-license', 'announce']);

/** `goreleaser release|build …` is handed to the goreleaser config reader, which decides what is pushed (snapshot, skip…). */
export function classifyGoreleaser(inv: CommandInvocation): CommandEffect[] {
  const first = inv.args[0]?.text;
  if (first !== undefined && NON_BUILD.has(first)) return [];
  return [{ kind: 'goreleaser', args: inv.args.map((a) => a.text) }];
}
