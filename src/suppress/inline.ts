/**
 * Inline suppressions: `# image-signing-audit: ignore[rule-id] reason` (several ids comma-separated) on the
 * finding's line, as a trailing comment, or in the block of comment lines directly above it.
 */
export interface InlineIgnore {
  rules: string[];
  reason: string;
  line: number;
}

const MARKER = /#\s*image-signing-audit:\s*ignore\[([^\]]*)\]\s*(.*)$/;
const COMMENT_ONLY = /^\s*#/;

export function parseInlineIgnore(lineText: string, line: number): InlineIgnore | undefined {
  const m = MARKER.exec(lineText);
  if (!m) return undefined;
  const rules = m[1]!.split(',').map((r) => r.trim()).filter(Boolean);
  return { rules, reason: m[2]!.trim(), line };
}

/** The inline ignores that apply to `line` (1-based) of a file split into lines. */
export function inlineIgnoresFor(lines: string[], line: number): InlineIgnore[] {
  const out: InlineIgnore[] = [];
  const own = lines[line - 1];
  if (own !== undefined) {
    const found = parseInlineIgnore(own, line);
    if (found) out.push(found);
  }
  // Walk up through the contiguous comment block above the line (bounded: comment blocks are short).
  for (let i = line - 2, seen = 0; i >= 0 && seen < 20 && COMMENT_ONLY.test(lines[i]!); i--, seen++) {
    const found = parseInlineIgnore(lines[i]!, i + 1);
    if (found) out.push(found);
  }
  return out;
}
