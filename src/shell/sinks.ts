import { isSecretExpression } from './expressions.js';
import { and, formulaKey, not, TRUE, type Formula } from '../logic/formula.js';
import { joinTexts } from './join.js';
import type { Alternative, ConditionalText, Written } from '../logic/value.js';
import { alternativesText } from '../expr/expr.js';
import { charge } from './bounds.js';
import { locationOf, type Frame, type Sink } from './state.js';

/**
 * Writes command output to wherever the current statement sends it. What is kept is bounded by the budget's value
 * cap: a pipe that received more becomes unknown output; writes to $GITHUB_ENV / $GITHUB_OUTPUT past it are not
 * kept (with a hit: what a later step reads from them is not known).
 */
export function writeOut(frame: Frame, text: string): void {
  const sink = frame.sink;
  const st = frame.state;
  // Every write reads its text (secrets, `::set-output`): charged, so `tee` to thousands of files stays bounded.
  if (!charge(frame, text.length + 1)) return;
  const cap = st.budget.limits.valueLength;
  switch (sink.kind) {
    case 'github-env':
    case 'github-output':
      if (st.writtenChars + text.length > cap) {
        st.budget.hit('value-length', `text written to $${sink.kind === 'github-env' ? 'GITHUB_ENV' : 'GITHUB_OUTPUT'} by the shell; later writes are not known`, locationOf(frame, frame.line));
        return;
      }
      st.writtenChars += text.length;
      (sink.kind === 'github-env' ? st.envText : st.outputText).push({ text, when: frame.cond });
      return;
    case 'file':
      if (isSecretExpression(text)) st.secretFiles.add(sink.path);
      if (sink.unknown) return;
      // A file is kept for `cat` only up to a bound; a longer one reads back as unknown.
      if (sink.size + text.length > Math.min(cap, MAX_FILE_TEXT)) {
        sink.unknown = true;
        sink.buffer.length = 0;
        return;
      }
      sink.size += text.length;
      noteWhen(frame, sink, text);
      return;
    case 'pipe':
      if (sink.unknown) return;
      if (sink.size + text.length > cap) {
        // Past the cap the output is unknown (as output from a command the analysis does not run).
        st.budget.hit('value-length', 'shell output captured by a pipe or substitution is unknown from there', locationOf(frame, frame.line));
        sink.unknown = true;
        sink.buffer.length = 0;
        return;
      }
      sink.size += text.length;
      noteWhen(frame, sink, text);
      return;
    case 'stdout':
      for (const m of text.matchAll(/::set-output name=([^:]+)::(.*)/g)) st.outputWrites.push({ key: m[1]!.trim(), value: m[2]!.trim(), when: frame.cond });
      return;
    default:
      return;
  }
}

/** Appends a write, with its path condition once one differs from the capture's (a command forked on alternatives). */
function noteWhen(frame: Frame, sink: { buffer: string[]; cond: Formula; whens?: Formula[] }, text: string): void {
  if (!sink.whens && formulaKey(frame.cond) !== formulaKey(sink.cond)) sink.whens = sink.buffer.map(() => sink.cond);
  sink.buffer.push(text);
  sink.whens?.push(frame.cond);
}

/** How many writes under their own conditions one capture may combine (2^n texts) before it is unknown. */
const MAX_CONDITIONAL_WRITES = 3;

/**
 * What a capture holds: its text; or, when writes were made on paths of their own (`echo "$IMG"` run once per
 * alternative of IMG), the texts of the paths as alternatives (not the writes of every path run together);
 * undefined when unknown.
 */
export function sinkText(frame: Frame, sink: { buffer: string[]; unknown: boolean; cond: Formula; whens?: Formula[] }): string | undefined {
  if (sink.unknown) return undefined;
  if (!sink.whens) return sink.buffer.join('');
  const base = formulaKey(sink.cond);
  const conditional = sink.whens.map((w, i) => (formulaKey(w) === base ? -1 : i)).filter((i) => i >= 0);
  if (conditional.length > MAX_CONDITIONAL_WRITES) return undefined;
  const alts: Alternative[] = [];
  for (let mask = 0; mask < 1 << conditional.length; mask++) {
    let when: Formula = TRUE;
    const included = new Set<number>();
    conditional.forEach((idx, bit) => {
      const on = (mask & (1 << bit)) !== 0;
      when = and(when, on ? sink.whens![idx]! : not(sink.whens![idx]!));
      if (on) included.add(idx);
    });
    if (when.k === 'const' && !when.v) continue;
    alts.push({ text: sink.buffer.filter((_, i) => formulaKey(sink.whens![i]!) === base || included.has(i)).join(''), when });
  }
  const text = joinTexts(frame, alts, 'captured output');
  return text.startsWith('$(captured output') ? undefined : text;
}

/** The sink for output redirected to `path` (already resolved against the working directory). */
export function fileSink(path: string, append: boolean, cond: Formula): Sink {
  return { kind: 'file', path, append, buffer: [], unknown: false, size: 0, cond };
}

/** Ends a statement's redirection: what it wrote to a file is stored (or the file becomes unknown). */
export function closeSink(frame: Frame, sink: Sink): void {
  if (sink.kind !== 'file') return;
  storeFile(frame, sink.path, sinkText(frame, sink), sink.append);
}

/** Bound on what one stored file may hold; a longer text is unknown. */
const MAX_FILE_TEXT = 64 * 1024;
/** Bound on how many files a run remembers; past it a newly written file reads back as unknown. */
const MAX_FILES = 1000;

/**
 * Records what a file holds after a write: `text`, or unknown (`undefined`). A write under an undecided branch
 * joins what the file held before as alternatives (the same join as variables), so `cat` yields both, each under
 * its condition; appending to a file whose text is unknown leaves it unknown.
 */
export function storeFile(frame: Frame, path: string, text: string | undefined, append = false): void {
  const st = frame.state;
  if (!st.files.has(path) && st.files.size >= MAX_FILES) return;
  st.filesWritten.add(path);
  const before = st.files.get(path);
  let next = text === undefined ? undefined : append ? (before === undefined && st.files.has(path) ? undefined : (before ?? '') + text) : text;
  if (next !== undefined && next.length > MAX_FILE_TEXT) next = undefined;
  if (next !== undefined && !(frame.cond.k === 'const' && frame.cond.v) && before !== undefined && before !== next) {
    next = alternativesText([
      { text: next, when: frame.cond },
      { text: before, when: not(frame.cond) },
    ]);
  }
  st.files.set(path, next);
}

/** The text of the files `paths` (in order), when every one is known. */
export function readFiles(frame: Frame, paths: readonly string[]): string | undefined {
  let out = '';
  for (const p of paths) {
    const text = frame.state.files.get(p);
    if (text === undefined) return undefined;
    out += text;
  }
  return out;
}

/**
 * The writes appended to $GITHUB_ENV / $GITHUB_OUTPUT, in order, each under its condition. Consecutive appends
 * under one condition are parsed together, as a `name<<EOF` block is usually written by several commands.
 */
export function parseWrites(chunks: readonly ConditionalText[]): Written[] {
  const out: Written[] = [];
  for (let i = 0; i < chunks.length; ) {
    const when = chunks[i]!.when;
    const key = formulaKey(when);
    let text = '';
    for (; i < chunks.length && formulaKey(chunks[i]!.when) === key; i++) text += chunks[i]!.text;
    for (const [name, value] of parseKeyValueEntries(text)) out.push({ key: name, value, when });
  }
  return out;
}

/** What was appended to $GITHUB_ENV / $GITHUB_OUTPUT: `name=value` lines and the multi-line `name<<DELIM … DELIM`
 * form, in order of writing (later writes win, as on the runner, once joined). */
function parseKeyValueEntries(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const heredoc = /^([^=<\s][^=<]*)<<(\S+)\s*$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.replace(/\r$/, '') !== delim) body.push(lines[j++]!);
      out.push([name!.trim(), body.join('\n')]);
      i = j;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out.push([line.slice(0, eq).trim(), line.slice(eq + 1)]);
  }
  return out;
}
