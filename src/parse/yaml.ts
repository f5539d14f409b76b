import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

/** Bound on alias dereferences per document while converting to plain values (billion-laughs guard). */
export const MAX_ALIAS_RESOLUTIONS = 1000;
/** Bound on nodes visited by toPlain() for one call. */
export const MAX_PLAIN_NODES = 100_000;

export interface ParsedYaml {
  file: string;
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  /** Parse errors as `line: message`. A file with errors may still yield partial documents. */
  errors: Array<{ line: number; message: string }>;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const errors: ParsedYaml['errors'] = [];
  let docs: Document.Parsed[] = [];
  try {
    // merge: true honours `<<:` merge keys (goreleaser configs use them); uniqueKeys off because
    // real workflows sometimes repeat keys and GitHub takes the last one.
    const parsed = parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
    docs = (Array.isArray(parsed) ? parsed : [parsed]) as Document.Parsed[];
  } catch (e) {
    errors.push({ line: 1, message: e instanceof Error ? e.message : String(e) });
  }
  for (const doc of docs) {
    for (const err of doc.errors) {
      const pos = err.pos?.[0] ?? 0;
      errors.push({ line: lineCounter.linePos(pos).line, message: err.message.split('\n')[0] ?? err.message });
    }
  }
  return { file, docs, lineCounter, errors };
}

/** A position-aware view of one YAML document. */
export class YamlDoc {
  private aliasBudget = MAX_ALIAS_RESOLUTIONS;
  aliasLimitHit = false;
  /** Set when toPlain() stopped at MAX_PLAIN_NODES. */
  sizeLimitHit = false;
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  get root(): Node | null {
    return this.deref(this.doc.contents as Node | null);
  }

  /** Follows aliases, within the per-document budget. */
  deref(node: unknown): Node | null {
    let n = node as Node | null;
    let hops = 0;
    while (n && isAlias(n)) {
      if (this.aliasBudget-- <= 0 || hops++ > 50) {
        this.aliasLimitHit = true;
        return null;
      }
      n = (n.resolve(this.doc) as Node | undefined) ?? null;
    }
    return n;
  }

  line(node: unknown): number {
    const n = node as Node | null;
    const off = n?.range?.[0];
    return off === undefined ? 1 : this.lineCounter.linePos(off).line;
  }

  endLine(node: unknown): number {
    const n = node as Node | null;
    const off = n?.range?.[1];
    return off === undefined ? this.line(node) : this.lineCounter.linePos(Math.max(0, off - 1)).line;
  }

  /** Entries per map node: readers look keys up many times per step, and documents are never mutated. */
  private readonly entryCache = new WeakMap<object, Array<{ key: string; keyNode: Node; value: Node | null }>>();

  /** Map entries with string keys, merge keys already applied by the parser. */
  entries(node: unknown): Array<{ key: string; keyNode: Node; value: Node | null }> {
    const n = this.deref(node);
    if (!n || !isMap(n)) return [];
    const cached = this.entryCache.get(n);
    if (cached) return cached;
    const out = this.computeEntries(n);
    this.entryCache.set(n, out);
    return out;
  }

  private computeEntries(n: Node): Array<{ key: string; keyNode: Node; value: Node | null }> {
    if (!isMap(n)) return [];
    const out: Array<{ key: string; keyNode: Node; value: Node | null }> = [];
    // Position of each key in `out`: a scan per key was quadratic in the keys of one map (8,000 jobs).
    const at = new Map<string, number>();
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const keyNode = this.deref(item.key);
      if (!keyNode || !isScalar(keyNode)) continue;
      // With `merge: true` the parser marks merge keys with a symbol value rather than the string '<<'.
      const key = typeof keyNode.value === 'symbol' ? '<<' : String(keyNode.value);
      if (key === '<<') {
        // Merge key (when the parser did not apply it): splice in the referenced map(s), earlier keys win.
        const src = this.deref(item.value);
        const maps = src && isSeq(src) ? src.items : [src];
        for (const m of maps)
          for (const e of this.entries(m))
            if (!at.has(e.key)) {
              at.set(e.key, out.length);
              out.push(e);
            }
        continue;
      }
      const existing = at.get(key);
      const entry = { key, keyNode, value: (item.value as Node | null) ?? null };
      if (existing !== undefined) out[existing] = entry;
      else {
        at.set(key, out.length);
        out.push(entry);
      }
    }
    this.entryIndex.set(n, at);
    return out;
  }

  /** Key → position in `entries(node)`, built with the entries. */
  private readonly entryIndex = new WeakMap<object, Map<string, number>>();

  private entry(node: unknown, key: string): { key: string; keyNode: Node; value: Node | null } | undefined {
    const n = this.deref(node);
    if (!n || !isMap(n)) return undefined;
    const list = this.entries(n);
    const i = this.entryIndex.get(n)?.get(key);
    return i === undefined ? undefined : list[i];
  }

  get(node: unknown, key: string): Node | null {
    const e = this.entry(node, key);
    return e ? this.deref(e.value) : null;
  }

  /** The key node of `key` in a map (for line numbers of `key:`). */
  keyNode(node: unknown, key: string): Node | null {
    return this.entry(node, key)?.keyNode ?? null;
  }

  has(node: unknown, key: string): boolean {
    return this.entries(node).some((x) => x.key === key);
  }

  items(node: unknown): Node[] {
    const n = this.deref(node);
    if (!n || !isSeq(n)) return [];
    return n.items.map((i) => this.deref(i)).filter((i): i is Node => i !== null);
  }

  isMap(node: unknown): boolean {
    const n = this.deref(node);
    return !!n && isMap(n);
  }

  isSeq(node: unknown): boolean {
    const n = this.deref(node);
    return !!n && isSeq(n);
  }

  /** Scalar as a string (numbers and booleans stringified as GitHub does); undefined for maps/sequences/null. */
  str(node: unknown): string | undefined {
    const n = this.deref(node);
    if (!n || !isScalar(n)) return undefined;
    if (n.value === null || n.value === undefined) return undefined;
    return String(n.value);
  }

  /** Plain JS value with alias and size bounds. */
  toPlain(node: unknown, budget = { left: MAX_PLAIN_NODES }): unknown {
    if (budget.left-- <= 0) {
      this.sizeLimitHit = true;
      return undefined;
    }
    const n = this.deref(node);
    if (!n) return null;
    if (isScalar(n)) return n.value;
    if (isSeq(n)) return n.items.map((i) => this.toPlain(i, budget));
    if (isMap(n)) {
      const o: Record<string, unknown> = {};
      for (const e of this.entries(n)) o[e.key] = this.toPlain(e.value, budget);
      return o;
    }
    return null;
  }
}

/** The bounds a document hit while it was read, as limit notes (empty when none). */
export function yamlLimitNotes(doc: YamlDoc): string[] {
  const notes: string[] = [];
  if (doc.aliasLimitHit) notes.push(`${doc.file}: YAML alias bound (${MAX_ALIAS_RESOLUTIONS} dereferences) hit; further aliases were not expanded`);
  if (doc.sizeLimitHit) notes.push(`${doc.file}: YAML value size bound (${MAX_PLAIN_NODES} nodes) hit; the value was truncated`);
  return notes;
}

export function yamlDocs(parsed: ParsedYaml): YamlDoc[] {
  return parsed.docs.map((d) => new YamlDoc(parsed.file, d, parsed.lineCounter));
}
