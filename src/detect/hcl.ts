/**
 * A small, tolerant reader for the HCL subset bake files use: blocks with labels, attributes whose values are
 * strings (with `${…}` interpolation kept as written), lists, objects, heredocs, and any other expression kept
 * as raw text. It never throws: a syntax problem is recorded and the reader resumes on the next line.
 */
export type HclValue =
  | { kind: 'string'; text: string; line: number }
  | { kind: 'list'; items: HclValue[]; line: number }
  | { kind: 'object'; entries: Array<{ key: string; value: HclValue }>; line: number }
  /** Identifiers, calls, numbers, booleans, conditionals, comprehensions — as written. */
  | { kind: 'expr'; text: string; line: number };

export interface HclAttribute {
  name: string;
  value: HclValue;
  line: number;
}

export interface HclBlock {
  type: string;
  labels: string[];
  attributes: HclAttribute[];
  blocks: HclBlock[];
  line: number;
}

export interface HclFile {
  blocks: HclBlock[];
  attributes: HclAttribute[];
  /** The first syntax problems, in order (at most MAX_ERRORS_KEPT). */
  errors: Array<{ line: number; message: string }>;
  /** How many problems there were in all (errors holds the first ones). */
  errorCount: number;
}

/** Nesting bound (blocks, lists, objects, strings inside interpolations): untrusted input must not overflow the stack. */
export const MAX_DEPTH = 64;
/** Problems kept one by one; a file of garbage has one per line. */
const MAX_ERRORS_KEPT = 20;

/**
 * Parses in one forward pass: every loop consumes at least one character per iteration, and recursion is bounded
 * by MAX_DEPTH, so any input ends in time linear in its length (times the nesting bound for rewound expressions).
 */
export function parseHcl(text: string): HclFile {
  const p = new Parser(text);
  const body = p.body(0, false);
  return { blocks: body.blocks, attributes: body.attributes, errors: p.errors, errorCount: p.errorCount };
}

class Parser {
  pos = 0;
  line = 1;
  readonly errors: Array<{ line: number; message: string }> = [];
  errorCount = 0;
  constructor(private readonly s: string) {}

  private error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push({ line, message });
  }

  private peek(o = 0): string {
    return this.s[this.pos + o] ?? '';
  }

  private advance(n = 1): void {
    for (let i = 0; i < n && this.pos < this.s.length; i++) {
      if (this.s[this.pos] === '\n') this.line++;
      this.pos++;
    }
  }

  /** Skips spaces and comments; newlines too when `newlines` is set. */
  private skip(newlines: boolean): void {
    while (this.pos < this.s.length) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.advance();
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (this.pos < this.s.length && this.peek() !== '\n') this.advance();
      } else if (c === '/' && this.peek(1) === '*') {
        const end = this.s.indexOf('*/', this.pos + 2);
        this.advance(end < 0 ? this.s.length - this.pos : end + 2 - this.pos);
      } else break;
    }
  }

  private skipLine(): void {
    while (this.pos < this.s.length && this.peek() !== '\n') this.advance();
  }

  private ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) return '';
    this.advance(m[0].length);
    return m[0];
  }

  body(depth: number, nested: boolean): { attributes: HclAttribute[]; blocks: HclBlock[] } {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (;;) {
      this.skip(true);
      if (this.pos >= this.s.length) {
        if (nested) this.error(this.line, 'unexpected end of file: missing }');
        break;
      }
      if (this.peek() === '}') {
        if (nested) {
          this.advance();
          break;
        }
        this.error(this.line, 'unexpected }');
        this.advance();
        continue;
      }
      const line = this.line;
      const name = this.peek() === '"' ? this.stringLiteral().text : this.ident();
      if (!name) {
        this.error(line, `unexpected character ${JSON.stringify(this.peek())}`);
        this.skipLine();
        continue;
      }
      this.skip(false);
      if ((this.peek() === '=' && this.peek(1) !== '=') || this.peek() === ':') {
        this.advance();
        this.skip(false);
        attributes.push({ name, value: this.expr(['\n', '}'], depth), line });
        continue;
      }
      const labels: string[] = [];
      while (this.pos < this.s.length && this.peek() !== '{' && this.peek() !== '\n') {
        if (this.peek() === '"') labels.push(this.stringLiteral().text);
        else {
          const id = this.ident();
          if (!id) break;
          labels.push(id);
        }
        this.skip(false);
      }
      if (this.peek() !== '{' || depth >= MAX_DEPTH) {
        this.error(line, depth >= MAX_DEPTH ? 'nesting too deep' : `expected = or { after ${name}`);
        this.skipLine();
        continue;
      }
      this.advance();
      const inner = this.body(depth + 1, true);
      blocks.push({ type: name, labels, attributes: inner.attributes, blocks: inner.blocks, line });
    }
    return { attributes, blocks };
  }

  /** One expression, ending before any of `stops` at nesting depth 0. */
  private expr(stops: string[], depth: number): HclValue {
    const line = this.line;
    const start = this.pos;
    if (depth < MAX_DEPTH) {
      let primary: HclValue | undefined;
      const c = this.peek();
      if (c === '"') primary = this.stringLiteral();
      else if (c === '<' && this.peek(1) === '<') primary = this.heredoc();
      else if (c === '[' && !/^\[\s*for\s/.test(this.s.slice(this.pos, this.pos + 16))) primary = this.list(depth);
      else if (c === '{' && !/^\{\s*for\s/.test(this.s.slice(this.pos, this.pos + 16))) primary = this.object(depth);
      if (primary) {
        this.skip(false);
        if (this.pos >= this.s.length || stops.includes(this.peek())) return primary;
        // Followed by an operator (`"a" == b ? …`): keep the whole expression as written.
      }
    }
    this.pos = start;
    this.line = line;
    this.rawUntil(stops);
    return { kind: 'expr', text: this.s.slice(start, this.pos).trim(), line };
  }

  private rawUntil(stops: string[]): void {
    let depth = 0;
    while (this.pos < this.s.length) {
      const c = this.peek();
      if (depth === 0 && stops.includes(c)) return;
      if (c === '"') {
        this.stringLiteral(0);
        continue;
      }
      if (c === '#' || (c === '/' && (this.peek(1) === '/' || this.peek(1) === '*'))) {
        this.skip(false);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return;
        depth--;
      }
      this.advance();
    }
  }

  /** A quoted string; `nesting` counts strings nested inside `${…}` interpolations. */
  private stringLiteral(nesting = 0): { kind: 'string'; text: string; line: number } {
    const line = this.line;
    this.advance(); // opening quote
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.peek();
      if (c === '\\') {
        const n = this.peek(1);
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        this.advance(2);
      } else if (c === '"') {
        this.advance();
        return { kind: 'string', text: out, line };
      } else if (c === '\n') {
        this.error(line, 'unterminated string');
        return { kind: 'string', text: out, line };
      } else if ((c === '$' || c === '%') && this.peek(1) === '{') {
        const start = this.pos;
        this.advance(2);
        let depth = 1;
        while (this.pos < this.s.length && depth > 0 && this.peek() !== '\n') {
          const d = this.peek();
          if (d === '"' && nesting < MAX_DEPTH) {
            this.stringLiteral(nesting + 1);
            continue;
          }
          if (d === '{') depth++;
          else if (d === '}') depth--;
          this.advance();
        }
        out += this.s.slice(start, this.pos);
      } else {
        out += c;
        this.advance();
      }
    }
    this.error(line, 'unterminated string');
    return { kind: 'string', text: out, line };
  }

  private heredoc(): HclValue {
    const line = this.line;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(this.s.slice(this.pos, this.pos + 128));
    if (!m) {
      this.rawUntil(['\n']);
      return { kind: 'expr', text: '<<', line };
    }
    this.advance(m[0].length);
    const marker = m[2] ?? '';
    const lines: string[] = [];
    while (this.pos < this.s.length) {
      const eol = this.s.indexOf('\n', this.pos);
      const text = this.s.slice(this.pos, eol < 0 ? this.s.length : eol);
      this.advance(text.length);
      if (text.trim() === marker) return { kind: 'string', text: lines.join('\n'), line };
      lines.push(m[1] ? text.trimStart() : text);
      if (eol >= 0) this.advance();
    }
    this.error(line, `heredoc ${marker} not terminated`);
    return { kind: 'string', text: lines.join('\n'), line };
  }

  private list(depth: number): HclValue {
    const line = this.line;
    this.advance(); // [
    const items: HclValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.pos >= this.s.length) {
        this.error(line, 'unterminated list');
        break;
      }
      if (this.peek() === ']') {
        this.advance();
        break;
      }
      if (this.peek() === ',') {
        this.advance();
        continue;
      }
      const before = this.pos;
      items.push(this.expr([',', ']', '\n'], depth + 1));
      if (this.pos === before) this.advance();
    }
    return { kind: 'list', items, line };
  }

  private object(depth: number): HclValue {
    const line = this.line;
    this.advance(); // {
    const entries: Array<{ key: string; value: HclValue }> = [];
    for (;;) {
      this.skip(true);
      if (this.pos >= this.s.length) {
        this.error(line, 'unterminated object');
        break;
      }
      if (this.peek() === '}') {
        this.advance();
        break;
      }
      if (this.peek() === ',') {
        this.advance();
        continue;
      }
      const key = this.peek() === '"' ? this.stringLiteral().text : this.ident();
      this.skip(false);
      if (!key || (this.peek() !== '=' && this.peek() !== ':')) {
        this.error(this.line, 'expected key = value in object');
        const before = this.pos;
        this.rawUntil([',', '}', '\n']);
        // A stray closer (`{ ] }`) stops the raw scan where it is: step over it, or this loop never ends.
        if (this.pos === before) this.advance();
        continue;
      }
      this.advance();
      this.skip(false);
      entries.push({ key, value: this.expr([',', '}', '\n'], depth + 1) });
    }
    return { kind: 'object', entries, line };
  }
}
