/**
 * The differential check of src/shell/fast-parser.ts against mvdan-sh: shared by __tests__/shell/fast-parser.test.ts
 * (fixtures and generated scripts) and scripts/fast-parser-coverage.mjs (the corpus, through build/).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { maskExpressions } from '../../src/shell/expressions.js';
import { fastParseShell } from '../../src/shell/fast-parser.js';
import { parseWithMvdan } from '../../src/shell/parser.js';
import { mulberry32 } from './random.js';

/** A tree with every Span closure replaced by its value, so offsets are compared too. */
export function evaluateSpans(x: unknown): unknown {
  if (typeof x === 'function') return (x as () => unknown)();
  if (Array.isArray(x)) return x.map(evaluateSpans);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = evaluateSpans(v);
    return o;
  }
  return x;
}

export type Comparison = { kind: 'bail' } | { kind: 'same' } | { kind: 'mismatch'; why: string; fast: unknown; mvdan: unknown };

/** Where the fast parser gives a tree, is it mvdan's (and does mvdan accept the text at all)? */
export function compareParsers(text: string): Comparison {
  const fast = fastParseShell(text);
  if (!fast) return { kind: 'bail' };
  const m = parseWithMvdan(text, 'diff');
  const f = evaluateSpans(fast);
  if (!m.ok) return { kind: 'mismatch', why: `mvdan rejects it: ${m.message} (line ${m.line})`, fast: f, mvdan: null };
  const mv = evaluateSpans(m.stmts);
  return isDeepStrictEqual(f, mv) ? { kind: 'same' } : { kind: 'mismatch', why: 'different trees', fast: f, mvdan: mv };
}

export interface Tally {
  seen: number;
  accepted: number;
  mismatches: Array<{ text: string; why: string; fast: unknown; mvdan: unknown }>;
}

export function tally(texts: Iterable<string>): Tally {
  const t: Tally = { seen: 0, accepted: 0, mismatches: [] };
  for (const text of texts) {
    t.seen++;
    const c = compareParsers(text);
    if (c.kind === 'bail') continue;
    t.accepted++;
    if (c.kind === 'mismatch') t.mismatches.push({ text, why: c.why, fast: c.fast, mvdan: c.mvdan });
  }
  return t;
}

const SCRIPT_KEYS = new Set(['run', 'script', 'before_script', 'after_script']);

/** Strings under `run:` (GitHub) and `script:`-like keys (GitLab), anywhere in a YAML document. */
function collectYamlScripts(node: unknown, out: string[], key?: string): void {
  if (typeof node === 'string') {
    if (key !== undefined && SCRIPT_KEYS.has(key)) out.push(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const x of node) collectYamlScripts(x, out, key);
    return;
  }
  if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) collectYamlScripts(v, out, k);
}

/**
 * Recipe lines of a Makefile (tab-indented), without make's `@`/`-`/`+` prefixes; a line ending in a backslash goes
 * on with the next (make hands the shell the backslash-newline, and drops the next line's leading tab).
 */
function recipeLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (!line.startsWith('\t')) continue;
    let body = line.slice(1).replace(/^[@+-]+/, '');
    while (body.endsWith('\\') && k + 1 < lines.length) body += '\n' + lines[++k]!.replace(/^\t/, '');
    if (body.trim()) out.push(body);
  }
  return out;
}

/**
 * The shell texts of a tree: `run:`/`script:` blocks of YAML files, whole `.sh` files, Makefile recipe lines. YAML
 * texts are given as the interpreter sees them, with `${{ }}` expressions masked.
 */
export function shellTexts(root: string, skipDirs: ReadonlySet<string> = new Set(['.git', 'node_modules'])): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!skipDirs.has(e.name)) walk(p);
        continue;
      }
      if (!e.isFile()) continue;
      const name = e.name;
      const isYaml = name.endsWith('.yml') || name.endsWith('.yaml');
      const isSh = name.endsWith('.sh') || name.endsWith('.bash');
      const isMake = name === 'Makefile' || name === 'makefile' || name === 'GNUmakefile' || name.endsWith('.mk');
      if (!isYaml && !isSh && !isMake) continue;
      let text: string;
      try {
        text = readFileSync(p, 'utf8');
      } catch {
        continue;
      }
      if (text.length > 2_000_000) continue;
      if (isSh) out.push(text);
      else if (isMake) out.push(...recipeLines(text));
      else if (/\b(run|script|before_script|after_script)\s*:/.test(text)) {
        const scripts: string[] = [];
        try {
          for (const doc of parseAllDocuments(text, { logLevel: 'error' })) if (!('empty' in doc)) collectYamlScripts(doc.toJS({ maxAliasCount: 100 }), scripts);
        } catch {
          continue;
        }
        // As the interpreter gives them to the parser: `${{ }}` masked (src/shell/env.ts makeSource).
        for (const s of scripts) out.push(maskExpressions(s).text);
      }
    }
  };
  walk(root);
  return out;
}

/** A small deterministic PRNG: the tests' one seeded generator. */
export const prng = mulberry32;

/** Scripts built from the subset's constructs (and a few just outside it), nested at random. */
export function generateScripts(seed: number, count: number): string[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  /** How often a script strays outside the subset: rarely in most scripts, often in a fifth of them. */
  let wildRate = 0.02;
  const wild = (): boolean => r() < wildRate;
  /** The first `safe` entries of a list are in the subset; the rest only when `wild()`. */
  const pickSafe = <T>(xs: readonly T[], safe: number): T => (wild() ? pick(xs) : xs[Math.floor(r() * safe)]!);
  const names = ['A', 'IMAGE', 'tag', '_x', 'REG1', 'i'];
  const lits = ['echo', 'docker', 'push', 'cosign', 'sign', '-t', '--yes', 'a.b', 'x=y', 'ghcr.io/o/r:1', '{}', '~/x', '*.txt', 'a,b', '@GHE0@', 'fi', 'done', 'then', '%', 'é', '\\"', '\\$x', '\\ ', 'a\\b', '-', '+', '@', '10', '2', 'a#b', '[', ']', '}', '{', '#', '!', 'x[1]', '\\\n'];
  const SAFE_LITS = lits.indexOf('a#b');
  const sq = ["'a b'", "''", "'$x \"y\"'", "'it''s'", "'\n'"];
  const param = (): string => {
    const n = pick(names);
    switch (wild() ? Math.floor(r() * 9) : [0, 1, 2, 3, 4, 5, 7][Math.floor(r() * 7)]) {
      case 0:
        return `$${n}`;
      case 1:
        return `\${${n}}`;
      case 2:
        return `\${${n}${pickSafe([':-', ':=', ':?', ':+', '-', '=', '?', '+', '%', '%%', '#', '##', ':', '/', '^', ',', '@'], 12)}${pickSafe(['', 'x', 'a b', '*.tar', '$B', '${B}', '"q"', '$(d)', "'q'", '\\}', '{x}'], 8)}}`;
      case 3:
        return `\${#${n}}`;
      case 4:
        return `$${pick(['1', '@', '*', '?', '#', '$', '!', '-', '0', '10'])}`;
      case 5:
        return `\${${pick(['1', '10', '@', '#', '!x', 'x[0]', 'x[@]', 'x[*]', 'x[i]', 'x[$i]', 'x[1+1]', '#x[@]'])}}`;
      case 6:
        return pick(['$', '$"x"', "$'x'", '$((1+2))', '$[1]', '`date`']);
      default:
        return `$${n}${pick(['', '_', '/x', '.y', '-z'])}`;
    }
  };
  let depth = 0;
  const dq = (): string => {
    const n = 1 + Math.floor(r() * 3);
    let s = '"';
    for (let k = 0; k < n; k++) s += pick([() => pickSafe(['a', ' b ', 'x=y', "'", '\\"', '\\\\', '\n', '#', '*', '@GHE1@', '\\\n', '`x`'], 10), param, () => (depth < 3 ? `$(${cmd()})` : 'c')])();
    return s + '"';
  };
  const word = (): string => {
    const n = 1 + Math.floor(r() * 2.2);
    let s = '';
    for (let k = 0; k < n; k++) {
      const f = r();
      if (f < 0.45) s += pickSafe(lits, SAFE_LITS);
      else if (f < 0.55) s += pick(sq);
      else if (f < 0.7) s += dq();
      else if (f < 0.88) s += param();
      else if (depth < 3) s += r() < 0.7 ? `$(${list()})` : `\`${simple()}\``;
      else s += 'w';
    }
    return s;
  };
  const redir = (): string => pickSafe(['>', '>>', '<', '2>&1', '>&2', '2>', '&>', '&>>', '>|', '<<<', '<&0', '10>', '<<', '<>', '>(', '2&>'], 12) + pick(['', ' ']) + (wild() ? '' : word());
  const simple = (): string => {
    const parts: string[] = [];
    const nAssign = r() < 0.25 ? 1 + Math.floor(r() * 2) : 0;
    for (let k = 0; k < nAssign; k++) parts.push(`${pick(names)}${pickSafe(['=', '+=', '[1]='], 2)}${r() < 0.8 ? word() : pickSafe(['', '(a b)'], 1)}`);
    if (wild()) parts.push(pick(['export', 'local', 'declare', 'readonly', 'typeset', 'if', 'fi', '{']));
    const nArgs = nAssign && r() < 0.4 ? 0 : 1 + Math.floor(r() * 4);
    for (let k = 0; k < nArgs; k++) parts.push(r() < 0.1 ? redir() : word());
    if (r() < 0.15) parts.push(redir());
    if (parts.length === 0) parts.push('true');
    return parts.join(pick([' ', ' ', ' ', '  ', '\t', ' \\\n ']));
  };
  const decl = (): string =>
    `${pick(['export', 'local', 'declare', 'readonly', 'typeset', 'nameref'])} ${Array.from({ length: 1 + Math.floor(r() * 3) }, () => pickSafe([`${pick(names)}=${word()}`, pick(names), '-r', '-x', '+x', `${pick(names)}+=x`, '--', '"$X"', '$X', '1A', 'a=(1)'], 6))
      .join(' ')}`;
  const cmd = (): string => {
    depth++;
    let out: string;
    const f = wild() ? r() : r() < 0.05 ? 0.98 : r() * 0.95;
    if (depth > 3 || f < 0.5) out = simple();
    else if (f < 0.58) out = decl();
    else if (f < 0.66) out = `if ${list()}; then${pick([' ', '\n'])}${list()}${r() < 0.3 ? `; elif ${list()}; then ${list()}` : ''}${r() < 0.4 ? `; else ${list()}` : ''}; fi`;
    else if (f < 0.74) out = `for ${pick(names)}${pick([` in ${word()} ${word()}`, '', ' in', ` in ${word()}`])}${pick(['; ', '\n'])}do ${list()}; done`;
    else if (f < 0.8) out = `${pick(['while', 'until'])} ${list()}; do ${list()}; done`;
    else if (f < 0.86) out = `{ ${list()}; }`;
    else if (f < 0.9) out = `(${list()})`;
    else if (f < 0.93) out = `! ${simple()}`;
    else if (f < 0.95) out = `[[ ${test()} ]]`;
    else if (f < 0.97) out = `case ${word()} in a) ${simple()};; esac`;
    else out = `${pick(['f() ', 'f-g () ', 'function f ', 'function f() ', 'if() ', 'f()\n', 'function ', 'f ( ) '])}${pickSafe([`{ ${list()}; }`, `(${list()})`, `{ ${list()}; } > f`, `if a; then b; fi`, '{ a }'], 3)}`;
    if (depth <= 3 && r() < 0.1) out += ` ${redir()}`;
    depth--;
    return out;
  };
  const test = (): string => {
    const f = r();
    let s: string;
    if (f < 0.3) s = `${pickSafe(['-z', '-n', '-f', '-d', '-e', '-x', '-s', '-v', '-a', '-o', '-foo', '!'], 8)} ${word()}`;
    else if (f < 0.7) s = `${word()} ${pickSafe(['==', '=', '!=', '<', '>', '-eq', '-ne', '-lt', '-ge', '-nt', '=~', '-foo', '==='], 11)} ${word()}`;
    else if (f < 0.85) s = `${word()} =~ ${pickSafe(['^v[0-9]+\\.[0-9]+$', '^refs/tags/.*', 'x$', '"q"', '$re', '^(a|b)$', 'a b', '$', "'q'", '${re}x'], 5)}`;
    else s = pickSafe(['! ', '( '], 1) + word();
    if (r() < 0.3) s += pickSafe([' && ', ' || ', ' -a ', ' -o ', ' & '], 2) + test();
    return s;
  };
  const andOr = (): string => {
    let s = cmd();
    const n = r() < 0.4 ? 1 + Math.floor(r() * 3) : 0;
    for (let k = 0; k < n; k++) s += pickSafe([' && ', ' || ', ' | ', '|', ' &&\n  ', ' | # c\n ', ' |& ', '&&', ' &&#c\n'], 7) + cmd();
    return s;
  };
  const list = (): string => {
    const n = 1 + Math.floor(r() * 2.5);
    const stmts: string[] = [];
    for (let k = 0; k < n; k++) stmts.push(andOr());
    return stmts.join(pickSafe(['; ', '\n', ';', '\n\n  ', ' # note\n', ' ;\n', ' &\n', ';;', '; ;'], 6));
  };
  const scripts: string[] = [];
  for (let k = 0; k < count; k++) {
    depth = 0;
    wildRate = r() < 0.2 ? 0.3 : 0.02;
    const lines: string[] = [];
    const n = 1 + Math.floor(r() * 2);
    if (r() < 0.2) lines.push('#!/bin/bash');
    for (let j = 0; j < n; j++) lines.push(list());
    scripts.push(lines.join('\n') + pick(['', '\n', '\n\n']));
  }
  return scripts;
}

const MUTATION_CHARS = ['"', "'", '(', ')', '{', '}', '$', '`', '\\', ';', '&', '|', '<', '>', '\n', ' ', '#', '!', 'fi', 'done', 'then', '$(', '${', '[[', ';;'];

/** Small edits that mostly break a script: a character dropped, one inserted, the text cut short. */
export function mutate(text: string, r: () => number): string {
  if (text.length === 0) return ')';
  const at = Math.floor(r() * text.length);
  const f = r();
  if (f < 0.35) return text.slice(0, at) + text.slice(at + 1);
  if (f < 0.75) return text.slice(0, at) + MUTATION_CHARS[Math.floor(r() * MUTATION_CHARS.length)]! + text.slice(at);
  if (f < 0.9) return text.slice(0, at);
  const ch = text[at]!;
  return text.slice(0, at) + ch + ch + text.slice(at + 1);
}

const SOUP = [
  'echo', 'a', 'b=c', 'A=1', 'x', '"q"', "'s'", '$v', '${v}', '${v:-d}', '${#v}', '$(', ')', '(', '{', '}', ';', '\n',
  '&&', '||', '|', '!', '>', '>>', '<', '2>&1', '<<<', '&>', '[[', ']]', '==', '!=', '=~', '-z', '-n', '-eq', 'if',
  'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', 'export', 'local', '-r', '#', '# c\n',
  '\\\n', '"', "'", '$', '\\', '&', ';;', 'case', 'esac', '`', '$((', '[', ']', '*', '^v.*$', '=', '"$v"', '"a b"',
  '"${v}x"', '$1', '$@', 'é', '@GHE0@', '\t', 'f()', 'function', 'f', '()', '|&', '${a[@]}', '${a[0]}', '${#a[*]}',
  '${a[$i]}', '`a`', '"`a b`"', '`', '[@]', '${a',
  '<<EOF', "<<'EOF'", '<<-EOF', '\nEOF\n', 'EOF', '\nEOF', '<<"EOF"', '<<E',
];

/** Short scripts of random tokens: mostly malformed, enough of them well-formed to probe every corner. */
export function tokenSoup(seed: number, count: number): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const n = 1 + Math.floor(r() * 10);
    let s = '';
    for (let j = 0; j < n; j++) s += (j && r() < 0.75 ? ' ' : '') + SOUP[Math.floor(r() * SOUP.length)]!;
    out.push(s);
  }
  return out;
}

/** Here-documents: a command with one or two, bodies of random lines (expansions, quotes, backslashes), then more. */
export function heredocScripts(seed: number, count: number): string[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const bodyBits = ['text', ' ', '$X', '${Y}', '${Y:-d}', '$(date)', '"q"', "'s'", '\\$x', '\\\\', '\\x', '$', '`a`', '\t', '#', 'EOF ', ' EOF', '$(a\nb)', '\\'];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const delim = pick(['EOF', 'EOF', 'END', "'EOF'", '"EOF"', '-EOF', 'E_1']);
    const name = delim.replace(/['"-]/g, '');
    const second = r() < 0.15;
    let s = `${pick(['cat', 'x=$(cat', 'kubectl apply -f -', 'cat > f'])} <<${delim}${second ? ' <<B' : ''}${pick(['', ' > out', ' | grep x', ' && echo ok', ' >> "$GITHUB_OUTPUT"'])}`;
    if (s.startsWith('x=$(')) s += '';
    const body = (): string => {
      const lines: string[] = [];
      for (let j = Math.floor(r() * 4); j > 0; j--) lines.push(Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(bodyBits)).join(''));
      return lines.map((l) => l + '\n').join('');
    };
    s += '\n' + body() + name + '\n';
    if (second) s += body() + 'B\n';
    if (s.startsWith('x=$(')) s += ')\n';
    if (r() < 0.5) s += pick(['echo done', 'docker push "$IMAGE"', '', 'EOF']);
    out.push(s);
  }
  return out;
}
