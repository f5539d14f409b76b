import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type Document, type Node } from 'yaml';
import type { AnalysisBudget } from '../util/budget.js';

/** Bound on alias dereferences per document while converting to plain values (billion-laughs guard). */
export const MAX_ALIAS_RESOLUTIONS = 1000;
/** Bound on nodes visited by toPlain() for one call. */
export const MAX_PLAIN_NODES = 100_000;
/** Syntax errors kept one by one (the first is what findings show; the rest are counted). */
export const MAX_YAML_ERRORS_KEPT = 5;
/** After this many syntax errors the file is not parsed further: it is not YAML, and each error costs memory. */
export const MAX_YAML_ERRORS = 1000;
/**
 * Flow collections (`[`, `{`) open at once, and block indicators (`- - -`) on one line: deeper nesting is never
 * real configuration, and the parser builds (and the composer recurses over) one node per level.
 */
export const MAX_YAML_NESTING = 256;
/**
 * Parsing is charged to the run's budget one unit per character, in slices of this many characters: often enough
 * that the deadline is seen within a slice's parse (well under a millisecond), rarely enough to cost nothing.
 */
const BUDGET_SLICE = 16 * 1024;

export interface ParsedYaml {
  file: string;
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  /**
   * The first parse errors (at most MAX_YAML_ERRORS_KEPT) as `line: message`. A file with errors may still yield
   * partial documents.
   */
  errors: Array<{ line: number; message: string }>;
  /** How many errors were found in all (until parsing stopped, when `bound` is set). */
  errorCount: number;
  /**
   * Set when a bound stopped the parse (too many errors, nesting too deep) at `line`: the documents after that
   * point were not read. A pipeline file cut short this way fails the check (it is an input bound).
   */
  bound?: { reason: string; line: number };
  /**
   * Set when the run's analysis budget (work or deadline) stopped the parse at `line`. The file counts as not
   * parsed (an error is recorded, so every reader treats it so), and the budget's own hit, at that line, is what
   * fails the check: readers need not report it again.
   */
  stoppedByBudget?: { line: number };
}

/** Thrown from inside the parser to stop it; never escapes parseYaml. */
const STOP = Symbol('stop parsing');

type ErrorSource = number | readonly number[] | { offset: number };

function offsetOf(source: ErrorSource): number {
  if (typeof source === 'number') return source;
  if (Array.isArray(source)) return (source as readonly number[])[0] ?? 0;
  return (source as { offset: number }).offset;
}

/**
 * Parses every document of `text` with the `yaml` library's own lexer, parser and composer, bounded: the lexemes
 * are watched for nesting past MAX_YAML_NESTING before the parser builds it, and composing stops after
 * MAX_YAML_ERRORS errors. Errors are counted without building an error object each (a file of a million syntax
 * errors cost 1.4 GB that way); only the first few are kept. Time is linear in the text.
 */
export function parseYaml(text: string, file: string, budget?: AnalysisBudget): ParsedYaml {
  const lineCounter = new LineCounter();
  const kept: Array<{ offset: number; message: string }> = [];
  let errorCount = 0;
  let bound: { reason: string; offset: number } | undefined;
  const docs: Document.Parsed[] = [];
  // The furthest error so far: where a stop is reported.
  let furthest = 0;
  const record = (offset: number, message: string): void => {
    errorCount++;
    furthest = Math.max(furthest, offset);
    // Messages can quote the source: one line, and not much of it.
    if (kept.length < MAX_YAML_ERRORS_KEPT) kept.push({ offset, message: (message.split('\n')[0] ?? message).slice(0, 200) });
  };
  let stopped = false;
  const tooMany = (): void => {
    if (stopped || errorCount < MAX_YAML_ERRORS) return;
    bound = { reason: `more than ${MAX_YAML_ERRORS} YAML errors; the rest of the file was not parsed`, offset: furthest };
    throw STOP;
  };
  // merge: true honours `<<:` merge keys (goreleaser configs use them); uniqueKeys off because
  // real workflows sometimes repeat keys and GitHub takes the last one.
  const composer = new Composer({ merge: true, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  // The composer reports each problem through this handler (an instance property it passes to every resolver);
  // replacing it counts errors instead of collecting YAMLParseError objects, and can stop the composition.
  (composer as unknown as { onError: (source: ErrorSource, code: string, message: string, warning?: boolean) => void }).onError = (source, _code, message, warning) => {
    if (warning) return;
    record(offsetOf(source), message);
    tooMany();
  };
  const parser = new Parser(lineCounter.addNewLine);
  const tooDeep = (): never => {
    bound = { reason: `YAML nesting deeper than ${MAX_YAML_NESTING} levels; the rest of the file was not parsed`, offset: parser.offset };
    record(parser.offset, `nesting deeper than ${MAX_YAML_NESTING} levels`);
    throw STOP;
  };
  // The run's budget (work and deadline) stops a parse like any other bound: the documents before the stop are
  // kept, the rest of the file is an error (so a pipeline file fails closed), and the budget records where.
  let budgetStop: number | undefined;
  const spent = budget
    ? (offset: number): never => {
        budget.stopped(`the YAML parse of ${file}`, { file, line: lineCounter.linePos(Math.min(offset, text.length)).line });
        budgetStop = offset;
        record(offset, `not parsed whole: the analysis ${budget.reason === 'deadline' ? 'deadline passed' : 'work bound was spent'} here`);
        throw STOP;
      }
    : undefined;
  let sawDocument = false;
  try {
    for (const token of boundedTokens(text, parser, lineCounter, tooDeep, spent && budget ? { budget, spent } : undefined)) {
      // The composer files these two without its error handler: count them here, as it words them.
      if (token.type === 'error') {
        record(token.offset, token.source ? `${token.message}: ${JSON.stringify(token.source.slice(0, 80))}` : token.message);
        tooMany();
        continue;
      }
      if (token.type === 'doc-end' && !sawDocument) {
        record(token.offset, 'Unexpected doc-end without preceding document');
        tooMany();
        continue;
      }
      if (token.type === 'document') sawDocument = true;
      for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
    }
    for (const doc of composer.end()) docs.push(doc as Document.Parsed);
  } catch (e) {
    // A stack overflow in the parser or composer on nesting the watch let through (indentation) is the nesting
    // bound by another name: the rest of the file was not parsed, so it is a bound (fail closed), and the engine's
    // own message ("Maximum call stack size exceeded") is not passed off as a YAML error.
    if (e instanceof RangeError && !bound) {
      bound = { reason: 'YAML nested too deeply to parse; the rest of the file was not parsed', offset: parser.offset };
      record(parser.offset, 'nested too deeply to parse');
    } else if (e !== STOP) record(parser.offset, e instanceof Error ? e.message : String(e));
    // The documents completed before the stop are still with the composer: hand them out.
    stopped = true;
    try {
      for (const doc of composer.end()) docs.push(doc as Document.Parsed);
    } catch {
      // Nothing more can be had from a composer that failed inside a document.
    }
  }
  // Anything else the composer filed on its own (unsupported tokens) is on the documents.
  for (const doc of docs) for (const err of doc.errors) record(err.pos?.[0] ?? 0, err.message);
  kept.sort((a, b) => a.offset - b.offset);
  const lineOf = (offset: number): number => lineCounter.linePos(Math.min(offset, text.length)).line;
  const errors = kept.map((e) => ({ line: lineOf(e.offset), message: e.message }));
  return {
    file,
    docs,
    lineCounter,
    errors,
    errorCount,
    ...(bound ? { bound: { reason: bound.reason, line: lineOf(bound.offset) } } : {}),
    ...(budgetStop !== undefined ? { stoppedByBudget: { line: lineOf(budgetStop) } } : {}),
  };
}

/**
 * The parser's tokens, lexed here (as Parser.parse does) so the nesting can be watched on the way: flow
 * collections open at once, and block sequence or explicit-key indicators on one line outside them.
 */
function* boundedTokens(
  text: string,
  parser: Parser,
  lineCounter: LineCounter,
  tooDeep: () => never,
  charged?: { budget: AnalysisBudget; spent: (offset: number) => never },
): Generator<CST.Token> {
  lineCounter.addNewLine(0);
  // Charged as the parser advances (a budget spent earlier stops the parse before its first lexeme).
  let chargedTo = 0;
  const charge = (to: number): void => {
    if (!charged) return;
    const cost = to - chargedTo + 1;
    chargedTo = to;
    if (!charged.budget.charge(cost) || charged.budget.exhausted) charged.spent(to);
  };
  charge(0);
  let flow = 0;
  let onLine = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (scalarNext) {
      // A scalar's own text follows its marker: whatever it contains is not an indicator.
      scalarNext = false;
    } else {
      switch (CST.tokenType(lexeme)) {
        case 'scalar':
          scalarNext = true;
          break;
        case 'flow-map-start':
        case 'flow-seq-start':
          if (++flow > MAX_YAML_NESTING) tooDeep();
          break;
        case 'flow-map-end':
        case 'flow-seq-end':
          if (flow > 0) flow--;
          break;
        case 'seq-item-ind':
        case 'explicit-key-ind':
          if (flow === 0 && ++onLine > MAX_YAML_NESTING) tooDeep();
          break;
        case 'newline':
          onLine = 0;
          break;
        case 'flow-error-end':
        case 'doc-start':
        case 'doc-end':
          // The lexer closes what is left open at a document boundary.
          flow = 0;
          break;
        default:
          break;
      }
    }
    if (parser.offset - chargedTo >= BUDGET_SLICE) charge(parser.offset);
    yield* parser.next(lexeme);
    // Block collections nest by indentation, which no lexeme shows: the parser's own stack of open collections
    // does. Watching it keeps the parser (recursive generators, one level of call stack per open collection)
    // from overflowing, so the bound is the same on every runtime and stack size.
    // The stack also holds the document and the node being read: two entries that are not nesting.
    if (parser.stack.length > MAX_YAML_NESTING + 2) tooDeep();
  }
  charge(text.length);
  yield* parser.end();
}

/** The first error's message, and how many more there were ("at least" when a bound stopped the parse). */
export function firstYamlError(parsed: ParsedYaml): { line: number; message: string } | undefined {
  const first = parsed.errors[0];
  if (!first) return undefined;
  const more = parsed.errorCount - 1;
  if (more <= 0) return first;
  return { line: first.line, message: `${first.message} (and ${parsed.bound ? 'at least ' : ''}${more} more error${more === 1 ? '' : 's'})` };
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
