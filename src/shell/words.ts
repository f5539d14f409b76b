import { restoreExpressions } from './expressions.js';
import type { ParamPart, Part, Span, Word } from './ast.js';
import { locationOf, type Frame } from './state.js';
import { hasUnresolved, mapLiteralParts, removePattern, replacePattern, splitFields } from './text.js';

/**
 * Word expansion: quoting, parameters (`$X`, `${X:-d}`, `${X,,}`, `${X#p}`, `${X/a/b}`, arrays, positionals),
 * command substitution (the commands inside are analysed; the output is unknown unless it is a plain `echo`) and
 * field splitting of unquoted expansions. Unknown parts stay as written so names show what is unresolved.
 */

/** Set by the interpreter: runs the commands of a `$(…)` and returns its output when known. */
export const substitutionHook: { run: (frame: Frame, node: Part & { t: 'CmdSubst' | 'ProcSubst' }) => string | undefined } = { run: () => undefined };

/** The source text of a node, with GitHub expressions put back. */
export function nodeText(frame: Frame, node: { span: Span }): string {
  const { start, end } = node.span();
  return restoreExpressions(frame.source.bytes.subarray(start, end).toString('utf8'), frame.source.expressions);
}

interface Acc {
  fields: string[];
  cur: string;
  open: boolean;
}

/** Expands a word into fields (argv entries). */
export function expandFields(frame: Frame, word: Word): string[] {
  const acc: Acc = { fields: [], cur: '', open: false };
  for (const part of word.parts) expandPart(frame, part, acc, false);
  if (acc.open) acc.fields.push(acc.cur);
  return acc.fields;
}

/** Expands a word without field splitting (assignments, redirect targets, here-docs, `case` words). */
export function expandString(frame: Frame, word: Word | null | undefined): string {
  if (!word) return '';
  const acc: Acc = { fields: [], cur: '', open: false };
  for (const part of word.parts) expandPart(frame, part, acc, true);
  if (acc.open) acc.fields.push(acc.cur);
  return acc.fields.join(' ');
}

function appendQuoted(acc: Acc, text: string): void {
  acc.cur += text;
  acc.open = true;
}

function appendSplit(acc: Acc, text: string): void {
  if (text === '') return;
  const pieces = splitFields(text);
  const leading = /^\s/.test(text);
  const trailing = /\s$/.test(text);
  if (!pieces.length) {
    if (acc.open) acc.fields.push(acc.cur);
    acc.cur = '';
    acc.open = false;
    return;
  }
  pieces.forEach((p, i) => {
    if (i === 0 && !leading) {
      acc.cur += p;
    } else {
      if (acc.open) acc.fields.push(acc.cur);
      acc.cur = p;
    }
    acc.open = true;
  });
  if (trailing) {
    acc.fields.push(acc.cur);
    acc.cur = '';
    acc.open = false;
  }
}

/** Several separate items (`"$@"`, `"${a[@]}"`): the first joins the current field, the rest start new ones. */
function appendItems(acc: Acc, items: string[], quoted: boolean): void {
  if (!quoted) {
    for (const item of items) appendSplit(acc, ` ${item} `);
    return;
  }
  items.forEach((item, i) => {
    if (i > 0) {
      acc.fields.push(acc.cur);
      acc.cur = '';
    }
    acc.cur += item;
    acc.open = true;
  });
}

function expandPart(frame: Frame, part: Part, acc: Acc, quoted: boolean): void {
  switch (part.t) {
    case 'Lit':
      appendQuoted(acc, restore(frame, quoted ? unescapeDouble(part.value) : unescapeBare(part.value)));
      return;
    case 'SglQuoted':
      appendQuoted(acc, restore(frame, part.dollar ? unescapeAnsi(part.value) : part.value));
      return;
    case 'DblQuoted': {
      acc.open = true;
      for (const inner of part.parts) expandPart(frame, inner, acc, true);
      return;
    }
    case 'ParamExp': {
      const v = expandParam(frame, part);
      if (Array.isArray(v)) appendItems(acc, v, quoted);
      else if (quoted) appendQuoted(acc, v);
      else appendSplit(acc, v);
      return;
    }
    case 'CmdSubst': {
      const out = substitutionHook.run(frame, part);
      const text = out ?? nodeText(frame, part);
      if (quoted || out === undefined) appendQuoted(acc, text);
      else appendSplit(acc, text);
      return;
    }
    case 'ProcSubst':
      substitutionHook.run(frame, part);
      appendQuoted(acc, nodeText(frame, part));
      return;
    default:
      appendQuoted(acc, nodeText(frame, part));
  }
}

function restore(frame: Frame, text: string): string {
  return restoreExpressions(text, frame.source.expressions);
}

/** Outside quotes a backslash quotes the next character. */
export function unescapeBare(s: string): string {
  return s.includes('\\') ? s.replace(/\\\n/g, '').replace(/\\([\s\S])/g, '$1') : s;
}

/** Inside double quotes only `\$`, `` \` ``, `\"`, `\\` and line continuations are escapes. */
export function unescapeDouble(s: string): string {
  return s.includes('\\') ? s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1') : s;
}

function unescapeAnsi(s: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', e: '\x1b', a: '\x07' };
  return s.replace(/\\([ntr\\'"ea])/g, (_, c: string) => map[c] ?? c);
}

function positionalItems(frame: Frame): string[] | undefined {
  return frame.positional;
}

/** A parameter expansion: a string, or several items for `$@` / `${a[@]}`. */
export function expandParam(frame: Frame, pe: ParamPart): string | string[] {
  // As written, for parts that stay unresolved; computed only when needed.
  let writtenText: string | undefined;
  const writtenOf = (): string => (writtenText ??= nodeText(frame, pe));
  const name = pe.name;
  if (pe.excl) return writtenOf();
  // Special and positional parameters.
  if (name === '@' || name === '*') {
    const items = positionalItems(frame);
    if (!items) return writtenOf();
    return name === '@' ? items : items.join(' ');
  }
  if (name === '#' && !pe.index) {
    const items = positionalItems(frame);
    return items ? String(items.length) : writtenOf();
  }
  let value: string | undefined;
  let items: string[] | undefined;
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    if (n === 0) value = frame.vars.get('0')?.text;
    else if (frame.positional) value = frame.positional[n - 1] ?? '';
  } else {
    const prefix = frame.prefixEnv?.get(name);
    const v = prefix !== undefined ? { text: prefix } : frame.vars.get(name);
    value = v?.text;
    items = v?.items;
  }
  if (pe.index) {
    const idx = expandString(frame, pe.index);
    const list = items ?? (value !== undefined ? [value] : undefined);
    if (idx === '@' || idx === '*') {
      if (!list) return writtenOf();
      return idx === '@' ? list : list.join(' ');
    }
    if (/^\d+$/.test(idx)) value = list?.[Number(idx)];
    else return writtenOf();
  }
  if (pe.length) return value !== undefined && !hasUnresolved(value) ? String(value.length) : writtenOf();
  if (pe.slice) return value !== undefined && !hasUnresolved(value) ? (slice(frame, value, pe.slice) ?? writtenOf()) : writtenOf();
  if (pe.repl) return value === undefined ? writtenOf() : replaceIn(frame, pe, pe.repl, value, writtenOf);
  if (pe.exp) return applyOperator(frame, pe, pe.exp, value, writtenOf);
  return value ?? writtenOf();
}

function slice(frame: Frame, value: string, sl: NonNullable<ParamPart['slice']>): string | undefined {
  const num = (w: Word | null): number => (w ? Number(expandString(frame, w)) : NaN);
  const off = num(sl.offset);
  if (!Number.isInteger(off)) return undefined;
  const start = off < 0 ? Math.max(0, value.length + off) : off;
  if (!sl.length) return value.slice(start);
  const len = num(sl.length);
  if (!Number.isInteger(len)) return undefined;
  return len < 0 ? value.slice(start, value.length + len) : value.slice(start, start + len);
}

function replaceIn(frame: Frame, pe: ParamPart, repl: NonNullable<ParamPart['repl']>, value: string, writtenOf: () => string): string {
  const pattern = expandString(frame, repl.orig);
  const replacement = expandString(frame, repl.with);
  if (!hasUnresolved(value) && !hasUnresolved(pattern)) return replacePattern(value, pattern, replacement, repl.all, frame.state.ctx.budget) ?? patternUnknown(frame, pe, writtenOf);
  if (pattern && value.includes(pattern)) return repl.all ? value.split(pattern).join(replacement) : value.replace(pattern, () => replacement);
  // `${tag/${SRC_REPO}/docker.io/o/r}` over tags not known here: the usual intent is to swap the repository and keep
  // the tag, so the result is the new repository with the original tag part.
  if (pattern.includes('/') && replacement.includes('/') && !/[*?[]/.test(pattern)) {
    return `${replacement}:\${${pe.name}##*:}`;
  }
  return writtenOf();
}

/**
 * A pattern expansion with no answer (the pattern is too long to evaluate, or the budget ran out): the expansion is
 * unknown, and a spent budget is recorded at the line of the expansion.
 */
function patternUnknown(frame: Frame, pe: ParamPart, writtenOf: () => string): string {
  const budget = frame.state.ctx.budget;
  if (budget?.exhausted) {
    const bytes = frame.source.bytes.subarray(0, pe.span().start);
    let line = 1;
    for (const b of bytes) if (b === 0x0a) line++;
    budget.stopped('shell pattern matching', locationOf(frame, line));
  }
  return writtenOf();
}

const OPTIONAL_OVERRIDE = /^\$\{\{\s*(vars|secrets)\.[\w-]+\s*\}\}$/;

function applyOperator(frame: Frame, pe: ParamPart, exp: NonNullable<ParamPart['exp']>, value: string | undefined, writtenOf: () => string): string {
  const op = exp.op;
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== '';
  switch (op) {
    case '-':
    case ':-':
    case '=':
    case ':=': {
      // `${X:-default}` where X is a repository variable or secret (`${{ vars.X }}`): the idiom of an optional
      // override, usually unset, so the default is the value to show.
      const optional = value !== undefined && OPTIONAL_OVERRIDE.test(value.trim());
      const use = !optional && (op.startsWith(':') ? nonEmpty : isSet);
      if (use) return value!;
      const d = expandString(frame, exp.word);
      if (op.endsWith('=')) frame.vars.set(pe.name, { text: d });
      return d;
    }
    case '+':
    case ':+': {
      const use = op.startsWith(':') ? nonEmpty : isSet;
      return use ? expandString(frame, exp.word) : '';
    }
    case '?':
    case ':?':
      return value ?? writtenOf();
    case '#':
    case '##':
    case '%':
    case '%%': {
      if (value === undefined) return writtenOf();
      const pattern = expandString(frame, exp.word);
      if (!hasUnresolved(value)) return removePattern(value, pattern, op, frame.state.ctx.budget) ?? patternUnknown(frame, pe, writtenOf);
      if (!/[*?[]/.test(pattern)) {
        if (op.startsWith('#') && value.startsWith(pattern)) return value.slice(pattern.length);
        if (op.startsWith('%') && value.endsWith(pattern)) return value.slice(0, value.length - pattern.length);
      }
      return writtenOf();
    }
    case '^^':
      return value === undefined ? writtenOf() : mapLiteralParts(value, (s) => s.toUpperCase());
    case ',,':
      return value === undefined ? writtenOf() : mapLiteralParts(value, (s) => s.toLowerCase());
    case '^':
      return value === undefined ? writtenOf() : value.charAt(0).toUpperCase() + value.slice(1);
    case ',':
      return value === undefined ? writtenOf() : value.charAt(0).toLowerCase() + value.slice(1);
    default:
      return value ?? writtenOf();
  }
}
