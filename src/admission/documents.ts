import type { Node } from 'yaml';
import type { AnalysisBudget } from '../util/budget.js';
import { parseYaml, YamlDoc } from '../parse/yaml.js';
import type { Location } from '../model/location.js';

/**
 * Multi-document YAML, split on `---` before parsing so that only documents that can hold a policy are parsed
 * (CRD schemas and unrelated manifests in the same file cost one regex test, not a YAML parse).
 */

export interface TextDocument {
  text: string;
  /** 1-based line of the document's first line in the file. */
  startLine: number;
}

export function splitDocuments(text: string): TextDocument[] {
  const docs: TextDocument[] = [];
  const lines = text.split('\n');
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    const atEnd = i === lines.length;
    if (atEnd || /^---(\s|$)/.test(lines[i] ?? '')) {
      if (i > start || atEnd) {
        const body = lines.slice(start, i).join('\n');
        if (body.trim()) docs.push({ text: body, startLine: start + 1 });
      }
      start = i + 1;
    }
  }
  return docs;
}

/** A parsed document whose line numbers are those of the file it came from. */
export class Doc {
  constructor(
    readonly y: YamlDoc,
    readonly file: string,
    private readonly offset: number,
  ) {}

  get root(): Node | null {
    return this.y.root;
  }

  line(node: unknown): number {
    return this.y.line(node) + this.offset;
  }

  loc(node: unknown): Location {
    return { file: this.file, line: this.line(node) };
  }

  /** Location of `key:` inside a map, falling back to the map itself. */
  keyLoc(map: unknown, key: string): Location {
    const k = this.y.keyNode(map, key);
    return this.loc(k ?? map);
  }

  get(node: unknown, key: string): Node | null {
    return this.y.get(node, key);
  }

  /** Follows a key path; undefined segments stop the walk. */
  path(node: unknown, ...keys: string[]): Node | null {
    let cur: unknown = node;
    for (const k of keys) {
      cur = this.y.get(cur, k);
      if (!cur) return null;
    }
    return cur as Node;
  }

  str(node: unknown): string | undefined {
    return this.y.str(node);
  }

  strAt(node: unknown, ...keys: string[]): string | undefined {
    return this.y.str(this.path(node, ...keys));
  }

  items(node: unknown): Node[] {
    return this.y.items(node);
  }

  entries(node: unknown): Array<{ key: string; keyNode: Node; value: Node | null }> {
    return this.y.entries(node);
  }

  isMap(node: unknown): boolean {
    return this.y.isMap(node);
  }

  /** A scalar or a sequence of scalars, as strings. */
  strings(node: unknown): string[] {
    const s = this.str(node);
    if (s !== undefined) return [s];
    return this.items(node)
      .map((i) => this.str(i))
      .filter((v): v is string => v !== undefined);
  }

  plain(node: unknown): unknown {
    return this.y.toPlain(node);
  }
}

export interface ParsedText {
  docs: Doc[];
  /** The first parse errors (see ParsedYaml.errors), lines in the file. */
  errors: Array<{ line: number; message: string }>;
  /** How many errors there were in all. */
  errorCount: number;
}

/** `budget`: the run's; the parse is charged to it and stops (an error) once it is spent. */
export function parseDocument(part: TextDocument, file: string, budget?: AnalysisBudget): ParsedText {
  const parsed = parseYaml(part.text, file, budget);
  const offset = part.startLine - 1;
  return {
    docs: parsed.docs.map((d) => new Doc(new YamlDoc(file, d, parsed.lineCounter), file, offset)),
    errors: parsed.errors.map((e) => ({ line: e.line + offset, message: e.message })),
    errorCount: parsed.errorCount,
  };
}
