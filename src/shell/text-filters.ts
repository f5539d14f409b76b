import type { AnalysisBudget } from '../util/budget.js';
import { compileRegex, isUsableRegex, type SafeRegex } from '../util/safe-regex.js';

/**
 * The two text filters CI scripts use most to shape image names — `sed 's/…/…/'` and `awk -F x '{print $N}'` —
 * evaluated on known input. Anything beyond these simple forms returns undefined (output unknown). Their regular
 * expressions run on RE2 with POSIX leftmost-longest matching (src/util/safe-regex.ts): what RE2 cannot evaluate
 * (a backreference in the pattern), a pattern over the size bound and a spent budget leave the output unknown.
 */

/** `sed [-e] 's/RE/REPL/[g]'` (any delimiter), BRE or -E, applied line by line. */
export function sedFilter(text: string, args: string[], budget?: AnalysisBudget): string | undefined {
  let extended = false;
  const scripts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
    else if (a === '-e') scripts.push(args[++i] ?? '');
    else if (a.startsWith('-')) return undefined;
    else if (scripts.length === 0) scripts.push(a);
    else return undefined; // a file operand: input is not stdin
  }
  if (scripts.length === 0) return undefined;
  const subs: Array<{ re: SafeRegex; replacement: string; all: boolean }> = [];
  for (const s of scripts.flatMap((x) => x.split(/;\s*/).filter(Boolean))) {
    const sub = parseSubstitution(s, extended);
    if (!sub) return undefined;
    subs.push(sub);
  }
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  const out: string[] = [];
  for (const line of lines) {
    let acc: string | undefined = line;
    for (const s of subs) {
      acc = s.re.replace(acc, s.replacement, s.all, budget);
      if (acc === undefined) return undefined;
    }
    out.push(acc);
  }
  return out.join('\n') + (trailing ? '\n' : '');
}

function parseSubstitution(script: string, extended: boolean): { re: SafeRegex; replacement: string; all: boolean } | undefined {
  if (script[0] !== 's' || script.length < 4) return undefined;
  const d = script[1]!;
  const parts: string[] = [];
  let cur = '';
  for (let i = 2; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === d) {
      // An escaped delimiter is a literal character; in the pattern it must stay literal for RE2 too.
      cur += parts.length > 0 || /[A-Za-z0-9]/.test(d) || (!extended && '(){}+?|'.includes(d)) ? d : `\\${d}`;
      i++;
    } else if (c === d) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 3) return undefined;
  const [pattern, repl, flags] = parts as [string, string, string];
  if (!/^g?$/.test(flags)) return undefined;
  const source = extended ? pattern : breToEre(pattern);
  if (source === undefined) return undefined;
  const re = compileRegex(source, { longest: true });
  if (!isUsableRegex(re)) return undefined;
  const replacement = repl.replace(/\$/g, '$$$$').replace(/\\([1-9])/g, '$$$1').replace(/(^|[^\\])&/g, '$1$$&').replace(/\\&/g, '&').replace(/\\n/g, '\n');
  return { re, replacement, all: flags === 'g' };
}

/** Basic regular expressions: `\(`, `\)`, `\{`, `\}`, `\+`, `\?`, `\|` are operators; bare ones are literals. */
function breToEre(bre: string): string | undefined {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\') {
      const n = bre[++i];
      if (n === undefined) return undefined;
      out += '(){}+?|'.includes(n) ? n : `\\${n}`;
    } else if ('(){}+?|'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** `awk [-F SEP] '{print $N[, $M…]}'`, field splitting like awk (default: runs of blanks). */
export function awkFilter(text: string, args: string[], budget?: AnalysisBudget): string | undefined {
  let sep: string | undefined;
  let program: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-F') sep = args[++i];
    else if (a.startsWith('-F')) sep = a.slice(2);
    else if (a === '-') continue;
    else if (program === undefined) program = a;
    else return undefined;
  }
  const m = program && /^\s*\{\s*print\s+((?:\$\d+\s*,?\s*)+)\s*;?\s*\}\s*$/.exec(program);
  if (!m) return undefined;
  const fields = [...m[1]!.matchAll(/\$(\d+)/g)].map((x) => Number(x[1]));
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  // A one-character separator is literal; a longer one is an extended regular expression.
  const compiled = sep !== undefined && sep.length > 1 ? compileRegex(sep, { longest: true }) : undefined;
  if (compiled && !isUsableRegex(compiled)) return undefined;
  const re = compiled && isUsableRegex(compiled) ? compiled : undefined;
  const out: string[] = [];
  for (const line of lines) {
    const cols = sep === undefined || sep === ' ' ? line.trim().split(/[ \t]+/) : re ? re.split(line, budget) : line.split(sep);
    if (cols === undefined) return undefined;
    out.push(fields.map((f) => (f === 0 ? line : (cols[f - 1] ?? ''))).join(' '));
  }
  return out.join('\n') + (trailing || text.length > 0 ? '\n' : '');
}
