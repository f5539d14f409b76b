import { unresolvedSpans } from './text.js';

/**
 * `cut -d C -f LIST` over known text (`echo "$REF" | cut -d '@' -f2` takes the digest out of a digest reference).
 * Undefined when the options are not `-d`/`-f`/`-s`, or when the delimiter occurs inside an unknown part of the
 * text (`$(…)`, `${{ … }}`), where the real split cannot be known.
 */
export function cutFields(text: string, args: readonly string[]): string | undefined {
  let delimiter = '\t';
  let list: string | undefined;
  let onlyDelimited = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-d' || a === '-f') {
      const v = args[++i];
      if (v === undefined) return undefined;
      if (a === '-d') delimiter = v;
      else list = v;
    } else if (a.startsWith('--delimiter=')) delimiter = a.slice('--delimiter='.length);
    else if (a.startsWith('--fields=')) list = a.slice('--fields='.length);
    else if (a.startsWith('-d')) delimiter = a.slice(2);
    else if (a.startsWith('-f')) list = a.slice(2);
    else if (a === '-s' || a === '--only-delimited') onlyDelimited = true;
    else return undefined;
  }
  if (delimiter.length !== 1 || list === undefined) return undefined;
  const wanted = parseList(list);
  if (!wanted) return undefined;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const fields = splitOutsideUnknown(line, delimiter);
    if (!fields) return undefined;
    if (fields.length === 1) {
      if (!onlyDelimited) out.push(line);
      continue;
    }
    out.push(fields.filter((_, i) => wanted(i + 1)).join(delimiter));
  }
  return out.map((l) => `${l}\n`).join('');
}

/** `2`, `1,3`, `2-`, `-2`, `1-3` → a test on 1-based field numbers. */
function parseList(list: string): ((n: number) => boolean) | undefined {
  const ranges: Array<[number, number]> = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (!m[1] && !m[3])) return undefined;
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

function splitOutsideUnknown(line: string, delimiter: string): string[] | undefined {
  const spans = unresolvedSpans(line);
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== delimiter) continue;
    if (spans.some(([a, b]) => i >= a && i < b)) return undefined;
    fields.push(line.slice(start, i));
    start = i + 1;
  }
  fields.push(line.slice(start));
  return fields;
}
