import { isSecretExpression } from './expressions.js';
import type { Frame } from './state.js';

/** Writes command output to wherever the current statement sends it. */
export function writeOut(frame: Frame, text: string): void {
  const sink = frame.sink;
  const st = frame.state;
  switch (sink.kind) {
    case 'github-env':
      st.envText.push(text);
      return;
    case 'github-output':
      st.outputText.push(text);
      return;
    case 'file':
      if (isSecretExpression(text)) st.secretFiles.add(sink.path);
      return;
    case 'pipe':
      sink.buffer.push(text);
      return;
    case 'stdout':
      for (const m of text.matchAll(/::set-output name=([^:]+)::(.*)/g)) st.outputWrites[m[1]!.trim()] = m[2]!.trim();
      return;
    default:
      return;
  }
}

/**
 * Parses what was appended to $GITHUB_ENV / $GITHUB_OUTPUT: `name=value` lines and the multi-line
 * `name<<DELIM … DELIM` form. Later writes win, as on the runner.
 */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const heredoc = /^([^=<\s][^=<]*)<<(\S+)\s*$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.replace(/\r$/, '') !== delim) body.push(lines[j++]!);
      out[name!.trim()] = body.join('\n');
      i = j;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}
