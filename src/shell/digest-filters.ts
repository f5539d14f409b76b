import { OUTPUT_PREFIX, parsePushOutput, pushOutputText, type PushOutputKind } from '../model/digest.js';
import type { AnalysisBudget } from '../util/budget.js';
import { compileRegex, isUsableRegex, type SafeRegex } from '../util/safe-regex.js';

/**
 * Text filters over what a push printed (src/model/digest.ts, `$(output-of-push:…)`): the ways scripts take the
 * pushed digest out of `docker push` or `docker buildx imagetools create` output —
 * `docker push x:1 | grep -o 'sha256:[0-9a-f]*'`, `… 2>&1 | grep -oE 'sha256:[a-f0-9]{64}' | tail -1`.
 *
 * The pushed digest is the only `sha256:` text in docker push's output (layers print short ids; names and tags
 * cannot hold `sha256:`), so `grep -o` with a pattern that requires the literal `sha256:` finds exactly it. The
 * filter is run on two stand-in outputs with different fake digests, and counts only when it returns exactly the
 * fake digest on both (a pattern tied to particular hex digits does not). imagetools create also prints the
 * digests of sources it copies from another repository, before each tag's `pushing <new digest>` line, so there
 * grep yields a list whose *last* line is the push's digest, and only `tail -1` takes it.
 *
 * Any other filter over such output (awk, sed, cut, head, grep without -o) is unknown: the stand-in lines are not
 * the real output, and a filter that selects by other text could select other lines.
 */

const FAKE = ['0123456789abcdef'.repeat(4), 'fedcba9876543210'.repeat(4)] as const;
const SOURCE_FAKE = 'aaaabbbbccccdddd'.repeat(4);

function standIn(kind: PushOutputKind, fake: string, copies: boolean): string {
  if (kind === 'docker-push') {
    return ['The push refers to repository [registry.example/acme/app]', '5f70bf18a086: Pushed', 'd1a8e4b2c3f4: Layer already exists', `v1.0.0: digest: sha256:${fake} size: 1570`, ''].join('\n');
  }
  return [
    '#1 [internal] pushing registry.example/acme/app:v1.0.0',
    ...(copies ? [`#1 0.101 copying sha256:${SOURCE_FAKE} from registry.example/acme/src@sha256:${SOURCE_FAKE} to registry.example/acme/app:v1.0.0`] : []),
    `#1 0.202 pushing sha256:${fake} to registry.example/acme/app:v1.0.0`,
    '#1 DONE 0.3s',
    '',
  ].join('\n');
}

/**
 * What `cmd args` prints reading `stdin`, when stdin holds a push's output token: the digest text (or, for grep
 * over imagetools output, the digest list token), or 'unknown'. undefined: stdin holds no such token, the filter
 * is not this module's business.
 */
export function pushOutputFilter(cmd: string, args: readonly string[], stdin: string, budget?: AnalysisBudget): string | 'unknown' | undefined {
  if (!stdin.includes(OUTPUT_PREFIX)) return undefined;
  const lines = stdin.replace(/\n$/, '').split('\n');
  // Only a stdin that is exactly one output (echo "$OUT", a pipe from the push) is understood.
  const out = lines.length === 1 ? parsePushOutput(lines[0]!) : undefined;
  if (!out) return 'unknown';
  if (cmd === 'tail' && out.kind === 'imagetools-digests' && isLastLine(args)) return `${out.digest}\n`;
  if (cmd !== 'grep' || out.kind === 'imagetools-digests') return 'unknown';
  const re = onlyMatchingDigestPattern(args);
  if (!re) return 'unknown';
  for (const copies of out.kind === 'imagetools-create' ? [false, true] : [false]) {
    for (const fake of FAKE) {
      const found = allMatches(re, standIn(out.kind, fake, copies), budget);
      if (found === undefined || found.length === 0 || found.at(-1) !== `sha256:${fake}`) return 'unknown';
      // docker push: exactly the digest. imagetools: every match a whole digest (the sources' and the push's).
      if (out.kind === 'docker-push' && found.length !== 1) return 'unknown';
      if (!found.every((m) => /^sha256:[0-9a-f]{64}$/.test(m))) return 'unknown';
    }
  }
  return out.kind === 'docker-push' ? `${out.digest}\n` : `${pushOutputText('imagetools-digests', out.digest)}\n`;
}

/** `tail -1`, `tail -n 1`, `tail -n1`, `tail --lines=1`. */
function isLastLine(args: readonly string[]): boolean {
  const a = args.join(' ').trim();
  return a === '-1' || a === '-n 1' || a === '-n1' || a === '--lines=1' || a === '--lines 1';
}

/**
 * The pattern of `grep -o[E|P] PATTERN` (or `-e PATTERN`) when it requires the literal `sha256:` outside any
 * group or alternation, compiled; undefined otherwise (other flags, file operands, several patterns).
 */
function onlyMatchingDigestPattern(args: readonly string[]): SafeRegex | undefined {
  let only = false;
  let extended = false;
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e') patterns.push(args[++i] ?? '');
    else if (a === '--only-matching') only = true;
    else if (a === '--extended-regexp') extended = true;
    else if (/^-[oEP]+$/.test(a)) {
      if (a.includes('o')) only = true;
      if (a.includes('E') || a.includes('P')) extended = true;
    } else if (a.startsWith('-')) return undefined;
    else patterns.push(a);
  }
  if (!only || patterns.length !== 1) return undefined;
  const p = patterns[0]!;
  const at = p.indexOf('sha256:');
  if (at < 0 || /[|]/.test(p) || /[()[\]]/.test(p.slice(0, at)) || /[?*+{]/.test(p.slice(at + 7, at + 8))) return undefined;
  // Basic regular expressions: only the forms that read the same as extended ones.
  if (!extended && /\\|[+?{}()|]/.test(p)) return undefined;
  const re = compileRegex(p, { longest: true });
  return isUsableRegex(re) ? re : undefined;
}

const OPEN = '\uE020';
const CLOSE = '\uE021';

/** Every match of `re` in `text`, in order (grep -o), through RE2; undefined when too costly. */
function allMatches(re: SafeRegex, text: string, budget?: AnalysisBudget): string[] | undefined {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const marked = re.replace(line, `${OPEN}$&${CLOSE}`, true, budget);
    if (marked === undefined) return undefined;
    for (const m of marked.matchAll(/\uE020([^\uE021]*)\uE021/g)) if (m[1]) out.push(m[1]);
  }
  return out;
}
