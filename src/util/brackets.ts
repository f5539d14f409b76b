/**
 * Index of the bracket that closes the `(` or `{` at `open` (nesting of the same kind counted), or -1.
 * Shared by the shell's `$(…)`/`${…}` scanning and make's `$(…)`/`${…}` references.
 */
export function findClosingBracket(text: string, open: number): number {
  const opener = text[open];
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === opener) depth++;
    else if (ch === closer) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
