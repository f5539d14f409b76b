/**
 * GitHub expressions (`${{ … }}`) left in a script are not shell: `${{` would be a bad substitution. They are
 * replaced by placeholders before parsing and put back into word text afterwards. The placeholder is delimited by
 * `@`, which ends a `$NAME` expansion, so `$REG${{ env.X }}` still reads the variable REG.
 */

export interface MaskedScript {
  text: string;
  expressions: string[];
}

const EXPRESSION = /\$\{\{[\s\S]*?\}\}/g;
const PLACEHOLDER = /@GHE(\d+)@/g;

export function maskExpressions(script: string): MaskedScript {
  const expressions: string[] = [];
  const text = script.replace(EXPRESSION, (m) => {
    expressions.push(m);
    // Keep the line count: an expression spanning lines must not shift the lines of the commands after it.
    const newlines = (m.match(/\n/g) ?? []).length;
    return `@GHE${expressions.length - 1}@` + (newlines ? ' \\\n'.repeat(newlines).trimStart() : '');
  });
  return { text, expressions };
}

export function restoreExpressions(text: string, expressions: string[]): string {
  if (!text.includes('@GHE')) return text;
  return text.replace(PLACEHOLDER, (m, i: string) => expressions[Number(i)] ?? m);
}

export function isSecretExpression(text: string): boolean {
  return /\$\{\{\s*secrets\./.test(text);
}
