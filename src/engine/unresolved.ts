import type { Finding } from '../model/finding.js';
import { parseImageRef } from '../model/image-ref.js';
import type { ImageRef, PushOp } from '../model/pipeline.js';
import { ruleFinding } from '../rules/finding.js';

/**
 * Push names that data flow did not resolve. A text listing several names (`a,b,c`) is a list, never a name: it is
 * split. A name made by a command the analysis does not run (`$(read tag)`, `$(… | envsubst)`, backticks, an env
 * value only a run-time write sets) is not an image: it becomes one `unresolved-push` finding at the push, and the push is judged for its other names only.
 * Names that come from configuration the repository cannot show (`${{ vars.REPO }}`) stay images: the name is
 * stable, only unknown here.
 */
export function separateUnresolved(pushes: readonly PushOp[]): { pushes: PushOp[]; findings: Finding[] } {
  const kept: PushOp[] = [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const push of pushes) {
    const refs = push.refs.flatMap(splitList);
    const named: ImageRef[] = [];
    for (const ref of refs) {
      // `:tag` with nothing before it, or a bare registry (`ghcr.io/$EMPTY`): an empty variable on this path; no
      // image can be pushed by that name.
      if (/^[:@]/.test(ref.raw.trim()) || ref.name === '' || /^[\w.-]+(:\d+)?$/.test(ref.name)) continue;
      const computed = computedPart(ref.name);
      if (computed === undefined) {
        named.push(ref);
        continue;
      }
      const key = `${push.location.file}:${push.location.line}:${ref.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push(
        ruleFinding(
          'unresolved-push',
          `${push.tool} pushes an image whose name is computed at run time (${computed}); it is not counted as an image and its signing is not judged. Give the name where the analysis can read it (a literal, an env value or an input).`,
          push.location,
          push.chain,
        ),
      );
    }
    if (named.length === push.refs.length && refs.length === push.refs.length) kept.push(push);
    else if (named.length > 0) kept.push({ ...push, refs: named, confidence: push.confidence === 'high' ? 'medium' : push.confidence });
  }
  return { pushes: kept, findings };
}

function splitList(ref: ImageRef): ImageRef[] {
  if (!ref.raw.includes(',')) return [ref];
  const parts = splitOutsideTemplates(ref.raw).map((p) => p.trim()).filter(Boolean);
  return parts.length > 1 ? parts.map(parseImageRef) : [ref];
}

/** Splits on commas that are not inside `${{ … }}`, `${…}` or `$(…)`. */
function splitOutsideTemplates(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) {
      depth++;
      i += text.startsWith('${{', i) ? 2 : 1;
    } else if (depth > 0 && (c === '{' || c === '(')) depth++;
    else if (depth > 0 && text.startsWith('}}', i)) {
      depth--;
      i++;
    } else if (depth > 0 && (c === '}' || c === ')')) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The run-time computation a name is made from: a command substitution, or a value the pipeline only produces
 * while it runs (an env variable or step output that no step visibly sets, e.g. `cat file >> $GITHUB_ENV`).
 */
function computedPart(name: string): string | undefined {
  const m = /\$\([^)]*\)?|`[^`]*`?|\$\{\{\s*(env|steps|needs|jobs)\.[^}]*\}\}/i.exec(name);
  if (!m) return undefined;
  return m[0].length > 60 ? `${m[0].slice(0, 57)}…` : m[0];
}
