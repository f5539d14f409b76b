import { isSecretExpression } from './expressions.js';
import { formulaKey } from '../logic/formula.js';
import type { ConditionalText, Written } from '../logic/value.js';
import { charge } from './bounds.js';
import { locationOf, type Frame } from './state.js';

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
      sink.buffer.push(text);
      return;
    case 'stdout':
      for (const m of text.matchAll(/::set-output name=([^:]+)::(.*)/g)) st.outputWrites.push({ key: m[1]!.trim(), value: m[2]!.trim(), when: frame.cond });
      return;
    default:
      return;
  }
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
