import { restoreExpressions } from './expressions.js';
import type { ParamPart, Part, Span, Word } from './ast.js';
import { charge, enterNesting, fitsValue, isOversized, leaveNesting, meterOf, oversized } from './bounds.js';
import type { Frame, Value } from './state.js';
import { joinTexts } from './join.js';
import { interpolateAlternatives, mayHoldAlternatives, UNKNOWN_LOOKUP } from '../expr/expr.js';
import { hasUnresolved, isSpace, mapLiteralParts, removePattern, replacePattern, splitFields } from './text.js';

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
  return restoreExpressions(frame.source.bytes.subarray(start, end).toString('utf8'), frame.source.expressions, frame.state.budget.limits.valueLength) ?? oversized(frame, 'source text');
}

/**
 * Fields being built. `size` counts their characters (and one per field), checked against the budget's value
 * cap before anything is appended: past it the word is unknown (`over`), never a truncated text.
 */
interface Acc {
  fields: string[];
  cur: string;
  open: boolean;
  size: number;
  max: number;
  over: boolean;
  /** An oversized unknown the word used: the word is that unknown (see isOversized). */
  unknown?: string;
}

const newAcc = (frame: Frame): Acc => ({ fields: [], cur: '', open: false, size: 0, max: frame.state.budget.limits.valueLength, over: false });

/** Room for `n` more characters; marks the word over the cap otherwise. */
function room(acc: Acc, n: number): boolean {
  if (acc.over) return false;
  if (acc.size + n > acc.max) {
    acc.over = true;
    return false;
  }
  acc.size += n;
  return true;
}

/**
 * Expands a word into fields (argv entries). A word whose expansion passes the value cap is one unknown field,
 * and NOT_ANALYSED once the analysis has stopped (budget, nesting) while it was being expanded.
 */
export function expandFields(frame: Frame, word: Word): string[] {
  if (!enterNesting(frame)) return [NOT_ANALYSED];
  const acc = newAcc(frame);
  try {
    for (const part of word.parts) expandPart(frame, part, acc, false);
  } finally {
    leaveNesting(frame);
  }
  if (acc.open) acc.fields.push(acc.cur);
  if (frame.state.stopped) return [NOT_ANALYSED];
  if (acc.unknown !== undefined) return [acc.unknown];
  if (acc.over) return [oversized(frame, 'expansion')];
  if (!charge(frame, acc.size + 1)) return [NOT_ANALYSED];
  return acc.fields;
}

/**
 * Expands a word without field splitting (assignments, redirect targets, here-docs, `case` words); `subject`
 * names the value in the unknown it becomes past the value cap (`value of TAG`).
 */
export function expandString(frame: Frame, word: Word | null | undefined, subject = 'expansion'): string {
  if (!word) return '';
  if (!enterNesting(frame)) return NOT_ANALYSED;
  const acc = newAcc(frame);
  try {
    for (const part of word.parts) expandPart(frame, part, acc, true);
  } finally {
    leaveNesting(frame);
  }
  if (acc.open) acc.fields.push(acc.cur);
  if (frame.state.stopped) return NOT_ANALYSED;
  if (acc.unknown !== undefined) return acc.unknown;
  if (acc.over) return oversized(frame, subject);
  if (!charge(frame, acc.size + 1)) return NOT_ANALYSED;
  return acc.fields.join(' ');
}

/**
 * What a word reads as once the analysis stopped (budget, nesting) while it was being expanded: unknown, never
 * the part built so far. Nothing is interpreted after a stop, so this text only ends up in what was found before.
 */
export const NOT_ANALYSED = '$(not analysed)';

function appendQuoted(acc: Acc, text: string): void {
  if (!room(acc, text.length)) return;
  acc.cur += text;
  acc.open = true;
}

function appendSplit(acc: Acc, text: string): void {
  if (text === '' || !room(acc, text.length)) return;
  const pieces = splitFields(text);
  const leading = isSpace(text.charCodeAt(0));
  const trailing = isSpace(text.charCodeAt(text.length - 1));
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
  for (let i = 0; i < items.length; i++) {
    if (!room(acc, items[i]!.length + 1)) return;
    if (i > 0) {
      acc.fields.push(acc.cur);
      acc.cur = '';
    }
    acc.cur += items[i]!;
    acc.open = true;
  }
}

function expandPart(frame: Frame, part: Part, acc: Acc, quoted: boolean): void {
  if (acc.over || frame.state.stopped) return;
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
      const unknown = Array.isArray(v) ? v.find((x) => isOversized(frame, x)) : isOversized(frame, v) ? v : undefined;
      if (unknown !== undefined) acc.unknown = unknown;
      else if (Array.isArray(v)) appendItems(acc, v, quoted);
      else if (quoted) appendQuoted(acc, v);
      else appendSplit(acc, v);
      return;
    }
    case 'CmdSubst': {
      const out = substitutionHook.run(frame, part);
      if (out !== undefined && isOversized(frame, out)) {
        acc.unknown = out;
        return;
      }
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
  // Placeholders are the script's own text: a literal can repeat one many times, so the result is bounded too.
  return restoreExpressions(text, frame.source.expressions, frame.state.budget.limits.valueLength) ?? oversized(frame, 'expansion');
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
  let v: Value | undefined;
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    if (n === 0) value = frame.vars.get('0')?.text;
    else if (frame.positional) value = frame.positional[n - 1] ?? '';
  } else {
    const prefix = frame.prefixEnv?.get(name);
    v = prefix !== undefined ? { text: prefix } : frame.vars.get(name);
    value = v?.text;
    items = v?.items;
  }
  if (pe.index) {
    const idx = expandString(frame, pe.index);
    const list = items ?? (value !== undefined ? [value] : undefined);
    if (idx === '@' || idx === '*') {
      if (!list) return writtenOf();
      if (pe.length) return v?.raggedItems ? writtenOf() : String(list.length);
      return idx === '@' ? list : list.join(' ');
    }
    if (/^\d+$/.test(idx)) value = list?.[Number(idx)];
    else return writtenOf();
  }
  // An oversized unknown is read by no operator (only `${A:+alt}`, which asks whether A is set, still applies).
  if (value !== undefined && isOversized(frame, value) && !(pe.exp && (pe.exp.op === '+' || pe.exp.op === ':+'))) return value;
  const operate = (v: string | undefined): string => {
    if (pe.length) return v !== undefined && !hasUnresolved(v) ? String(v.length) : writtenOf();
    if (pe.slice) return v !== undefined && !hasUnresolved(v) ? (slice(frame, v, pe.slice) ?? writtenOf()) : writtenOf();
    if (pe.repl) return v === undefined ? writtenOf() : replaceIn(frame, pe, pe.repl, v, writtenOf);
    if (pe.exp) return applyOperator(frame, pe, pe.exp, v, writtenOf);
    return v ?? writtenOf();
  };
  // An operator on a value that holds alternatives (a variable written in branches) applies to each of them:
  // `${IMG:-default}` is the default on the path where IMG was left empty. (`${X:=d}` assigns: applied as a whole.)
  const operates = pe.length || pe.slice || pe.repl || (pe.exp && !pe.exp.op.endsWith('='));
  if (operates && value !== undefined && mayHoldAlternatives(value)) {
    const alts = interpolateAlternatives(value, UNKNOWN_LOOKUP);
    if (alts.length > 1) return joinTexts(frame, alts.map((a) => ({ text: operate(a.text), when: a.when })), `value of ${name || 'a parameter'}`);
  }
  return operate(value);
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
  const cap = frame.state.budget.limits.valueLength;
  if (!hasUnresolved(value) && !hasUnresolved(pattern)) {
    const r = replacePattern(value, pattern, replacement, repl.all, meterOf(frame), cap);
    if (r !== undefined) return r;
    return frame.state.stopped ? writtenOf() : oversized(frame, `value of ${pe.name || 'a parameter'}`);
  }
  if (pattern && value.includes(pattern)) {
    if (!repl.all) return value.replace(pattern, () => replacement);
    if (!fitsValue(frame, value.length + occurrences(value, pattern) * Math.max(0, replacement.length - pattern.length))) return oversized(frame, `value of ${pe.name || 'a parameter'}`);
    return value.split(pattern).join(replacement);
  }
  // `${tag/${SRC_REPO}/docker.io/o/r}` over tags not known here: the usual intent is to swap the repository and keep
  // the tag, so the result is the new repository with the original tag part.
  if (pattern.includes('/') && replacement.includes('/') && !/[*?[]/.test(pattern)) {
    return `${replacement}:\${${pe.name}##*:}`;
  }
  return writtenOf();
}

function occurrences(text: string, sub: string): number {
  let n = 0;
  for (let i = text.indexOf(sub); i >= 0; i = text.indexOf(sub, i + sub.length)) n++;
  return n;
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
      // A pattern with unknown parts (`${X#$PREFIX}`) is never matched as the text it is written as.
      if (!hasUnresolved(value) && !hasUnresolved(pattern)) return removePattern(value, pattern, op, meterOf(frame)) ?? writtenOf();
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
