import { isSecretExpression } from './expressions.js';
import { formulaKey, not } from '../logic/formula.js';
import type { ConditionalText, Written } from '../logic/value.js';
import { alternativesText } from '../workflow/expr.js';
import type { Frame, Sink } from './state.js';

/** Writes command output to wherever the current statement sends it. */
export function writeOut(frame: Frame, text: string): void {
  const sink = frame.sink;
  const st = frame.state;
  switch (sink.kind) {
    case 'github-env':
      st.envText.push({ text, when: frame.cond });
      return;
    case 'github-output':
      st.outputText.push({ text, when: frame.cond });
      return;
    case 'file':
      if (isSecretExpression(text)) st.secretFiles.add(sink.path);
      sink.buffer.push(text);
      return;
    case 'pipe':
      sink.buffer.push(text);
      return;
    case 'stdout':
      for (const m of text.matchAll(/::set-output name=([^:]+)::(.*)/g)) st.outputWrites.push({ key: m[1]!.trim(), value: m[2]!.trim(), when: frame.cond });
      return;
    default:
      return;
  }
}

/** The sink for output redirected to `path` (already resolved against the working directory). */
export function fileSink(path: string, append: boolean): Sink {
  return { kind: 'file', path, append, buffer: [], unknown: false };
}

/** Ends a statement's redirection: what it wrote to a file is stored (or the file becomes unknown). */
export function closeSink(frame: Frame, sink: Sink): void {
  if (sink.kind !== 'file') return;
  storeFile(frame, sink.path, sink.unknown ? undefined : sink.buffer.join(''), sink.append);
}

/** Bound on what one stored file may hold; a longer text is unknown. */
const MAX_FILE_TEXT = 64 * 1024;

/**
 * Records what a file holds after a write: `text`, or unknown (`undefined`). A write under an undecided branch
 * joins what the file held before as alternatives (the same join as variables), so `cat` yields both, each under
 * its condition; appending to a file whose text is unknown leaves it unknown.
 */
export function storeFile(frame: Frame, path: string, text: string | undefined, append = false): void {
  const st = frame.state;
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
