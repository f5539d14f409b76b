/**
 * GitHub expressions (`${{ … }}`) left in a script are not shell: `${{` would be a bad substitution. They are
 * replaced by placeholders before parsing and put back into word text afterwards. The placeholder is delimited by
 * `@`, which ends a `$NAME` expansion, so `$REG${{ env.X }}` still reads the variable REG.
 */

export interface MaskedScript {
  text: string;
  expressions: string[];
}

const PLACEHOLDER = /@GHE(\d+)@/g;

/**
 * Each `${{ … }}` (the shortest, as `/\$\{\{[\s\S]*?\}\}/g` would find them) replaced by a placeholder. Scanned
 * with indexOf: the lazy regular expression rescans the rest of the text from every `${{` that has no `}}`.
 */
export function maskExpressions(script: string): MaskedScript {
  const expressions: string[] = [];
  if (!script.includes('${{')) return { text: script, expressions };
  const out: string[] = [];
  let pos = 0;
  for (let open = script.indexOf('${{'); open >= 0; open = script.indexOf('${{', pos)) {
    const close = script.indexOf('}}', open + 3);
    if (close < 0) break; // no `}}` after this one, so none after any later `${{` either
    const m = script.slice(open, close + 2);
    expressions.push(m);
    // Keep the line count: an expression spanning lines must not shift the lines of the commands after it.
    let newlines = 0;
    for (let i = m.indexOf('\n'); i >= 0; i = m.indexOf('\n', i + 1)) newlines++;
    out.push(script.slice(pos, open), `@GHE${expressions.length - 1}@` + (newlines ? ' \\\n'.repeat(newlines).trimStart() : ''));
    pos = close + 2;
  }
  out.push(script.slice(pos));
  return { text: out.join(''), expressions };
}

/** The text with its placeholders put back; undefined when that would be longer than `maxLength`. */
export function restoreExpressions(text: string, expressions: string[], maxLength = Infinity): string | undefined {
  if (!text.includes('@GHE')) return text;
  let length = text.length;
  const restored = text.replace(PLACEHOLDER, (m, i: string) => {
    const e = expressions[Number(i)] ?? m;
    length += e.length - m.length;
    return length > maxLength ? '' : e;
  });
  return length > maxLength ? undefined : restored;
}

export function isSecretExpression(text: string): boolean {
  return /\$\{\{\s*secrets\./.test(text);
}
