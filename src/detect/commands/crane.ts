import { flagValues, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set(['--platform', '-j', '--jobs', '-t', '--tag', '--new_tag', '-f', '--new_layer', '-b', '--base', '--annotations', '-a', '--label', '-l', '--cmd', '--entrypoint', '--env', '-e', '-o', '--output', '--user', '--workdir', '--exposed-ports', '--append', '--set-platform', '--repo', '--index']);

/** `crane push TAR X`, `crane copy|cp SRC DST`, `crane append|mutate … -t X` (gcrane alike). `crane tag` retags within the same repository. */
export function classifyCrane(inv: CommandInvocation): CommandEffect[] {
  const sub = inv.args[0]?.text;
  const p = parseArgs(inv.args.slice(1), VALUE_FLAGS);
  const tool = `${inv.tool} ${sub}`;
  switch (sub) {
    case 'push': {
      const dst = p.positionals[1];
      return dst ? [{ kind: 'push', tool, refs: [dst.text] }] : [];
    }
    case 'copy':
    case 'cp': {
      const dst = p.positionals[1];
      return dst ? [{ kind: 'push', tool, refs: [dst.text] }] : [];
    }
    case 'append':
    case 'mutate': {
      const tags = flagValues(p, '-t', '--tag', '--new_tag');
      return tags.length ? [{ kind: 'push', tool, refs: tags }] : [];
    }
    default:
      return [];
  }
}
