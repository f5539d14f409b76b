import { resolvedDigestText, THIS_PUSH_DIGEST } from '../../model/digest.js';
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
      // crane push prints the digest reference of what it pushed.
      const dst = p.positionals[1];
      return dst ? [{ kind: 'push', tool, refs: [dst.text] }, { kind: 'stdout', text: `${repositoryOf(dst.text)}@${THIS_PUSH_DIGEST}\n` }] : [];
    }
    case 'copy':
    case 'cp': {
      const dst = p.positionals[1];
      const src = p.positionals[0]!;
      return dst ? [{ kind: 'push', tool, refs: [dst.text], ...(src.dynamic ? {} : { copyOf: src.text }) }, { kind: 'stdout', text: '' }] : [];
    }
    case 'digest': {
      // The digest REF points to now: what the push that last wrote REF produced. A single platform's digest
      // (`--platform linux/amd64`) is not what was pushed as a whole.
      const ref = p.positionals[0];
      const platform = flagValues(p, '--platform').at(-1);
      if (!ref || ref.dynamic || (platform !== undefined && platform !== 'all')) return [];
      return [{ kind: 'stdout', text: `${resolvedDigestText(ref.text)}\n` }];
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

/** `ghcr.io/a/b:1` → `ghcr.io/a/b` (tag and digest dropped, the name as written). */
function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}
