/**
 * One place for neutralising repository-controlled text before any renderer or sink echoes it (text report,
 * annotations, step summary, SARIF, step outputs, JSON on stdout). The scanned repository is hostile: its names
 * end up in lines that the Actions runner reads for workflow commands and in UIs that honour bidirectional
 * controls.
 */

/**
 * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C) and every other
 * control character (C0, DEL, C1, line and paragraph separators).
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same without line breaks and tabs, for renderers that turn those into spaces themselves. */
// eslint-disable-next-line no-control-regex
export const INVISIBLE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const HAS_CONTROL = new RegExp(CONTROL_CHARS.source);

/** Control characters as visible escapes (`\u202e`): for the text report, where the reader should see them. */
export function printable(s: string): string {
  return s.replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line without control characters: line breaks and tabs become spaces, the rest is dropped. */
export function oneLine(s: string): string {
  return s.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(CONTROL_CHARS, '');
}

/** Without control characters, keeping line breaks (SARIF and annotation messages that have several lines). */
export function withoutControls(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => (c === '\t' ? ' ' : '')); // eslint-disable-line no-control-regex
}

/**
 * A log line the runner does not take for a workflow command: `::` after leading whitespace (v2 commands) and
 * `##[` anywhere (v1 commands are found anywhere in a line) are escaped with a backslash.
 */
export function neutralLine(line: string): string {
  return line.replace(/^(\s*)::/, '$1\\:\\:').replace(/##\[/g, '##\\[');
}

/** Every line of a text block made neutral (see neutralLine). */
export function neutralText(text: string): string {
  return text.split('\n').map(neutralLine).join('\n');
}

/**
 * JSON for stdout or a file a later step may print: `##[` inside string values becomes `#\u0023[` (the same string
 * to a JSON parser), so no line of it is a v1 workflow command, and bidirectional controls, C1 controls and line
 * separators are written as `\u` escapes (same value, nothing invisible on screen). JSON.stringify already escapes C0
 * controls, so no line can start with `::`.
 */
export function neutralJson(json: string): string {
  return json.replace(/##\[/g, '#\\u0023[').replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A repository-relative path for annotations and SARIF, or undefined when it is not one: absolute, a drive
 * letter, `..` that climbs out, a URL scheme, or control characters.
 */
export function repoRelativePath(path: string): string | undefined {
  if (path === '' || HAS_CONTROL.test(path)) return undefined;
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p)) return undefined;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : undefined;
}
