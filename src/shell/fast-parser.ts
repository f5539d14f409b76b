import type { Assign, Cmd, ParamPart, Part, Redir, Span, Stmt, TestExpr, Word } from './ast.js';

/**
 * A hand-written parser for the common subset of bash, tried before mvdan-sh (src/shell/parser.ts). Loading the
 * GopherJS parser costs ~70 ms of CPU per process, and a small repository's scripts are nearly all simple, so most
 * runs can skip it entirely.
 *
 * The contract is strict: where it returns a tree, that tree is exactly what mvdan-sh + convertRawFile (ast.ts)
 * give for the same text — node shapes, values, lines and span offsets (UTF-8 byte offsets). Anything outside the
 * subset, anything malformed and anything in doubt makes it return `undefined`, and mvdan-sh parses the text as
 * before (so syntax errors always come from mvdan-sh). __tests__/shell/fast-parser.test.ts compares the two on every
 * fixture script and a few thousand generated ones; scripts/fast-parser-coverage.mjs on the corpus.
 *
 * The subset: statements separated by newlines and `;`, comments, line continuations between words, `&&`, `||`,
 * `|` lists (nested down their left side, as mvdan does), `!` before a single command, simple commands with
 * assignments, words of literals, single quotes, double quotes, `$NAME`, `$1`, `$@`…, `${NAME}`, `${#NAME}`,
 * `${NAME<op>word}` for the default/assign/error/alternative and prefix/suffix-removal operators, `${A[@]}`-style
 * one-literal indexes, `$(…)` and plain `` `…` ``; `|&`; the
 * redirections `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<<<`, `>&`, `<&` with an optional fd; declarations
 * (`export`, `local`, `declare`, `readonly`, `typeset`, `nameref`) of names, flags and `NAME=value`;
 * `if/elif/else`, `for NAME [in …]`, `while`/`until`, `{ … }`, `( … )`, and `[[ … ]]` with `!`, `&&`, `||`, the
 * common unary and binary operators and a plain `=~` pattern.
 * Functions: `name() { … }`, `function name [()] { … }` (or a `( … )` body).
 * Here-documents `<<NAME` and `<<'NAME'` (not `<<-`, not other delimiters).
 * Left to mvdan: other here-documents, backquotes holding a backslash, newline, comment or (in double quotes) a quote,
 * `$'…'`, `$"…"`, arithmetic, array assignments, `case`, other function bodies, process substitution, `&`,
 * extended globs, other parameter operators and indexes, and a continuation after a quote or an expansion.
 */

class Bail {}
const BAIL = new Bail();

/** Nesting bound: far below ast.ts's MAX_SYNTAX_DEPTH (100), so the fast path never has to produce `TooDeep`. */
const MAX_DEPTH = 40;

/** Words that mvdan reads specially at a command's start: the subset handles some, the rest bail. */
const RESERVED = new Set([
  'if', 'then', 'elif', 'else', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', '{', '}', '!',
  '[[', ']]', 'function', 'select', 'time', 'coproc', 'let', 'export', 'local', 'declare', 'readonly', 'typeset',
  'nameref', '((',
]);
const DECL = new Set(['export', 'local', 'declare', 'readonly', 'typeset', 'nameref']);
/** Keywords that end a statement list (checked by the construct that opened it). */
const LIST_END = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}', 'esac']);

/** `[[ … ]]` operators as ast.ts spells them (its probe learns only these; every other operator reads as `?`). */
const TEST_UNARY = new Map([
  ['-z', '-z'], ['-n', '-n'], ['-f', '-f'], ['-d', '-d'], ['-e', '-e'],
  ['-x', '?'], ['-s', '?'], ['-r', '?'], ['-w', '?'], ['-L', '?'], ['-h', '?'], ['-v', '?'],
]);
const TEST_BINARY = new Map([
  ['==', '=='], ['=', '='], ['!=', '!='], ['=~', '=~'], ['<', '<'], ['>', '>'],
  ['-eq', '?'], ['-ne', '?'], ['-lt', '?'], ['-le', '?'], ['-gt', '?'], ['-ge', '?'], ['-nt', '?'], ['-ot', '?'], ['-ef', '?'],
]);

const PARAM_OPS = [':-', ':=', ':?', ':+', '%%', '##', '-', '=', '?', '+', '%', '#'];

const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
/** Characters that end an unquoted word (EOF is ''). */
const isWordEnd = (c: string): boolean =>
  c === '' || c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')';

/** Go strings are byte strings: the parser works on the UTF-8 bytes (as latin1) so offsets are byte offsets. */
function decode(v: string, binary: boolean): string {
  return binary ? Buffer.from(v, 'latin1').toString('utf8') : v;
}

class FastParser {
  private i = 0;
  /** Inside a backquoted command substitution: a backquote ends words, statements and the list. */
  private inBackquote = false;
  /** Here-documents whose bodies start after the current line: the redirection to complete, its delimiter, quoting. */
  private pending: Array<{ redir: Redir; delim: string; quoted: boolean }> = [];
  private depth = 0;
  private readonly newlines: number[] = [];

  constructor(
    private readonly s: string,
    private readonly binary: boolean,
  ) {
    for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) this.newlines.push(k);
  }

  private ch(k = 0): string {
    return this.s[this.i + k] ?? '';
  }

  private lineOf(pos: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw BAIL;
  }

  file(): Stmt[] {
    const stmts = this.list();
    if (this.i !== this.s.length || this.pending.length) throw BAIL;
    return stmts;
  }

  /** Blanks and continuations; with `newlines`, also newlines and comments. */
  private skip(newlines: boolean): void {
    for (;;) {
      const c = this.ch();
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\\' && this.ch(1) === '\n') {
        if (this.pending.length) throw BAIL;
        this.i += 2;
      } else if (newlines && c === '\n') {
        this.i++;
        if (this.pending.length) this.heredocBodies();
      }
      else if (c === '#' && this.commentAllowed()) {
        const nl = this.s.indexOf('\n', this.i);
        // A comment ending in a backslash: mvdan reads the next line as more of it.
        if (nl > 0 && this.s[nl - 1] === '\\') throw BAIL;
        this.i = nl < 0 ? this.s.length : nl;
      } else return;
    }
  }

  /** A `#` starts a comment after a blank, a newline, `;` or at the start. */
  private commentAllowed(): boolean {
    if (this.i === 0) return true;
    const p = this.s[this.i - 1];
    // mvdan does not start a comment right after a line continuation.
    if (p === '\n' && this.s[this.i - 2] === '\\') throw BAIL;
    return p === ' ' || p === '\t' || p === '\n' || p === ';';
  }

  /** The reserved word at the cursor when it stands alone (followed by a delimiter), else undefined. */
  private keyword(): string | undefined {
    const s = this.s;
    let j = this.i;
    while (j < s.length && !isWordEnd(s[j]!) && s[j] !== '"' && s[j] !== "'" && s[j] !== '\\' && s[j] !== '$' && s[j] !== '`') j++;
    if (j === this.i) return s.startsWith('((', this.i) ? '((' : undefined;
    const w = s.slice(this.i, j);
    if (!RESERVED.has(w)) return undefined;
    // `fi"x"`, `do$x` and the like are one word, not the keyword: bail rather than guess.
    const next = s[j] ?? '';
    if (!isWordEnd(next) || next === '(') throw BAIL;
    return w;
  }

  private list(): Stmt[] {
    this.enter();
    const out: Stmt[] = [];
    for (;;) {
      this.skip(true);
      const c = this.ch();
      if (c === '' || c === ')' || (c === '`' && this.inBackquote)) break;
      const kw = this.keyword();
      if (kw !== undefined && LIST_END.has(kw)) break;
      out.push(this.andOr());
      this.skip(false);
      const e = this.ch();
      if (e === ';') {
        this.i++;
        const n = this.ch();
        if (n === ';' || n === '&' || n === '|') throw BAIL;
      } else if (e === '#' && this.commentAllowed()) {
        // the comment is skipped at the top of the loop
      } else if (e !== '\n' && e !== '' && e !== ')' && !(e === '`' && this.inBackquote)) throw BAIL;
    }
    this.depth--;
    return out;
  }

  private andOr(): Stmt {
    const start = this.i;
    let acc = this.pipeline();
    for (;;) {
      this.skip(false);
      const c = this.ch();
      if (!((c === '&' && this.ch(1) === '&') || (c === '|' && this.ch(1) === '|'))) return acc;
      const opPos = this.i;
      this.i += 2;
      this.skip(true);
      const y = this.pipeline();
      acc = this.link(c === '&' ? 'and' : 'or', acc, y, start, opPos);
    }
  }

  private link(op: 'and' | 'or' | 'pipe', x: Stmt, y: Stmt, start: number, end: number): Stmt {
    return { line: this.lineOf(start), cmd: { t: 'Binary', op, x, y, xSpan: (() => ({ start, end })) as Span }, redirs: [] };
  }

  private pipeline(): Stmt {
    const start = this.i;
    if (this.ch() === '!' && (this.ch(1) === ' ' || this.ch(1) === '\t')) {
      this.i++;
      this.skip(false);
      if (this.ch() === '!') throw BAIL;
      const stmt = this.command(start);
      this.skip(false);
      // `! a | b`: mvdan places the pipeline's first statement at the `!`; not worth reproducing.
      if (this.ch() === '|' && this.ch(1) !== '|') throw BAIL;
      return { ...stmt, negated: true };
    }
    let acc = this.command(start);
    for (;;) {
      this.skip(false);
      if (this.ch() !== '|' || this.ch(1) === '|') return acc;
      // `|&` is a pipe for the tree too (ast.ts reads every pipe operator as 'pipe').
      const opPos = this.i;
      this.i += this.ch(1) === '&' ? 2 : 1;
      this.skip(true);
      const y = this.command(this.i);
      acc = this.link('pipe', acc, y, start, opPos);
    }
  }

  /** One command with its redirections; `start` is the statement's position (a `!` before it included). */
  private command(start: number): Stmt {
    const c = this.ch();
    if (c === '' || c === '#' || c === ';' || c === '&' || c === '|' || c === ')' || c === '\n') throw BAIL;
    let cmd: Cmd | null;
    const redirs: Redir[] = [];
    if (c === '(') {
      if (this.ch(1) === '(') throw BAIL;
      this.i++;
      const stmts = this.list();
      if (this.ch() !== ')' || stmts.length === 0) throw BAIL;
      this.i++;
      cmd = { t: 'Block', stmts };
    } else {
      const fn = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\(\)/.exec(this.s.slice(this.i, this.i + 256));
      if (fn) {
        if (RESERVED.has(fn[1]!)) throw BAIL;
        this.i += fn[0].length;
        return { line: this.lineOf(start), cmd: { t: 'Func', name: fn[1]!, body: this.funcBody() }, redirs: [] };
      }
      const kw = this.keyword();
      if (kw === undefined) return this.simple(start);
      if (kw === 'function') {
        this.i += 8;
        this.skip(false);
        const m = /^([A-Za-z_][A-Za-z0-9_-]*)(?:[ \t]*\(\))?/.exec(this.s.slice(this.i, this.i + 256));
        if (!m || RESERVED.has(m[1]!)) throw BAIL;
        this.i += m[0].length;
        const next = this.ch();
        if (next !== ' ' && next !== '\t' && next !== '\n' && !m[0].endsWith(')')) throw BAIL;
        // `function f (…)` is an error for mvdan (it wants `()`): a `( … )` body only after `()`.
        return { line: this.lineOf(start), cmd: { t: 'Func', name: m[1]!, body: this.funcBody(m[0].endsWith(')')) }, redirs: [] };
      }
      if (kw === '{') {
        if (this.ch(1) !== ' ' && this.ch(1) !== '\t' && this.ch(1) !== '\n') throw BAIL;
        this.i++;
        cmd = { t: 'Block', stmts: this.body('}') };
      } else if (kw === 'if') cmd = this.ifClause();
      else if (kw === 'for') cmd = this.forClause();
      else if (kw === 'while' || kw === 'until') {
        this.i += kw.length;
        const cond = this.body('do');
        cmd = { t: 'While', cond, body: this.body('done'), until: kw === 'until' };
      } else if (kw === '[[') {
        this.i += 2;
        cmd = { t: 'Test', expr: this.testExpr() };
        this.skip(false);
        if (this.keyword() !== ']]') throw BAIL;
        this.i += 2;
      } else if (DECL.has(kw)) return this.decl(start, kw);
      else throw BAIL;
    }
    // Redirections after a compound command.
    for (;;) {
      this.skip(false);
      if (!this.atRedir()) break;
      redirs.push(this.redir());
    }
    return { line: this.lineOf(start), cmd, redirs };
  }

  /**
   * A `[[ … ]]` expression as mvdan builds it: `!` negates everything after it, and `&&`/`||` take the rest of the
   * expression as their right side (no precedence between them: `a && b || c` is `a && (b || c)`).
   */
  private testExpr(): TestExpr {
    this.enter();
    this.skip(false);
    let e: TestExpr;
    if (this.ch() === '!' && (this.ch(1) === ' ' || this.ch(1) === '\t')) {
      this.i++;
      e = { k: 'unary', op: '!', x: this.testExpr() };
    } else {
      const left = this.testPrimary();
      this.skip(false);
      const c = this.ch();
      if ((c === '&' && this.ch(1) === '&') || (c === '|' && this.ch(1) === '|')) {
        this.i += 2;
        e = { k: 'binary', op: c === '&' ? '&&' : '||', x: left, y: this.testExpr() };
      } else e = left;
    }
    this.depth--;
    return e;
  }

  /** The operator token at the cursor inside `[[ … ]]` (up to a blank), without consuming it. */
  private testToken(): string {
    let j = this.i;
    while (j < this.s.length && this.s[j] !== ' ' && this.s[j] !== '\t' && this.s[j] !== '\n') j++;
    return this.s.slice(this.i, j);
  }

  private testPrimary(): TestExpr {
    const tok = this.testToken();
    const unary = TEST_UNARY.get(tok);
    if (unary !== undefined) {
      this.i += tok.length;
      return { k: 'unary', op: unary, x: { k: 'word', word: this.testWord() } };
    }
    const left = this.testWord();
    this.skip(false);
    const op = this.testToken();
    const binary = TEST_BINARY.get(op);
    if (binary === undefined) {
      if (op === ']]' || op.startsWith('&&') || op.startsWith('||')) return { k: 'word', word: left };
      throw BAIL;
    }
    this.i += op.length;
    const right = op === '=~' ? this.testRegex() : this.testWord();
    return { k: 'binary', op: binary, x: { k: 'word', word: left }, y: { k: 'word', word: right } };
  }

  /** An operand: a plain word, never an operator, `]]`, a parenthesis or a newline. */
  private testWord(): Word {
    this.skip(false);
    const tok = this.testToken();
    const c = this.ch();
    if (c === '' || c === '\n' || c === '(' || c === ')' || c === '#' || c === '!' || tok === ']]' || TEST_UNARY.has(tok) || TEST_BINARY.has(tok)) throw BAIL;
    const w = this.word();
    for (const p of w.parts) if (p.t === 'Lit' && p.value.includes(']]')) throw BAIL;
    const n = this.ch();
    if (n !== ' ' && n !== '\t') throw BAIL;
    return w;
  }

  /** The right side of `=~`: a plain regular expression (literal, `$` only at its end), one quoted string or `$NAME`. */
  private testRegex(): Word {
    this.skip(false);
    const c = this.ch();
    if (c === '"' || c === '$') {
      const w = this.testWord();
      if (w.parts.length !== 1) throw BAIL;
      return w;
    }
    const start = this.i;
    for (;;) {
      const d = this.ch();
      if (d === ' ' || d === '\t') break;
      if (d === '\\') {
        const n = this.ch(1);
        if (n === '' || n === ' ' || n === '\t' || n === '\n') throw BAIL;
        this.i += 2;
      } else if (/[A-Za-z0-9^.*+?[\]/_:@,=%-]/.test(d)) this.i++;
      else if (d === '$' && (this.ch(1) === ' ' || this.ch(1) === '\t') && this.i > start) {
        const lit = decode(this.s.slice(start, this.i), this.binary);
        this.i++;
        return { parts: [{ t: 'Lit', value: lit }, { t: 'Lit', value: '$' }] };
      } else throw BAIL;
    }
    if (this.i === start) throw BAIL;
    return { parts: [{ t: 'Lit', value: decode(this.s.slice(start, this.i), this.binary) }] };
  }

  /** A function's body: `{ … }` or `( … )` (with its redirections), after blanks and newlines. */
  private funcBody(subshellAllowed = true): Stmt {
    for (let c = this.ch(); c === ' ' || c === '\t' || c === '\n'; c = this.ch()) {
      if (c === '\n' && this.pending.length) throw BAIL;
      this.i++;
    }
    const c = this.ch();
    if (!(c === '(' && subshellAllowed) && !(c === '{' && this.keyword() === '{')) throw BAIL;
    const body = this.command(this.i);
    // mvdan makes the body a whole statement: `f() { a; } && b` puts the list inside the function.
    this.skip(false);
    const n = this.ch();
    if (n === '&' || n === '|') throw BAIL;
    return body;
  }

  /** A non-empty statement list ended by the keyword `end`, which is consumed. */
  private body(end: string): Stmt[] {
    const stmts = this.list();
    if (stmts.length === 0 || this.keyword() !== end) throw BAIL;
    this.i += end.length;
    return stmts;
  }

  private ifClause(): Cmd {
    this.i += 2;
    const clauses: Array<{ cond: Stmt[]; then: Stmt[] }> = [];
    for (;;) {
      const cond = this.body('then');
      const stmts = this.list();
      if (stmts.length === 0) throw BAIL;
      clauses.push({ cond, then: stmts });
      const kw = this.keyword();
      if (kw === 'elif') {
        this.i += 4;
        continue;
      }
      if (kw === 'else') {
        this.i += 4;
        clauses.push({ cond: [], then: this.body('fi') });
        break;
      }
      if (kw !== 'fi') throw BAIL;
      this.i += 2;
      break;
    }
    return { t: 'If', clauses };
  }

  private forClause(): Cmd {
    this.i += 3;
    this.skip(false);
    const nameStart = this.i;
    if (!isNameStart(this.ch())) throw BAIL;
    while (isNameChar(this.ch())) this.i++;
    const name = this.s.slice(nameStart, this.i);
    if (!isWordEnd(this.ch()) || this.ch() === '(') throw BAIL;
    this.skip(false);
    let items: Word[] | null = null;
    if (this.keyword() === 'in') {
      this.i += 2;
      items = [];
      for (;;) {
        this.skip(false);
        const c = this.ch();
        if (c === ';' || c === '\n') break;
        if (isWordEnd(c) || c === '#') throw BAIL;
        items.push(this.word());
      }
    }
    const c = this.ch();
    if ((c !== ';' && c !== '\n') || this.pending.length) throw BAIL;
    this.i++;
    this.skip(true);
    if (this.keyword() !== 'do') throw BAIL;
    this.i += 2;
    const body = this.body('done');
    return { t: 'For', name, items, body };
  }

  private atRedir(): boolean {
    const c = this.ch();
    if (c === '>' || c === '<') return true;
    if (c === '&' && this.ch(1) === '>') return true;
    if (isDigit(c)) {
      let j = this.i;
      while (isDigit(this.s[j] ?? '')) j++;
      const n = this.s[j];
      return n === '>' || n === '<';
    }
    return false;
  }

  private redir(): Redir {
    let fd: string | undefined;
    if (isDigit(this.ch())) {
      const st = this.i;
      while (isDigit(this.ch())) this.i++;
      fd = this.s.slice(st, this.i);
    }
    const s = this.s;
    let op: Redir['op'];
    let append = false;
    if (s.startsWith('&>>', this.i)) {
      if (fd !== undefined) throw BAIL;
      op = 'out';
      append = true;
      this.i += 3;
    } else if (s.startsWith('&>', this.i)) {
      if (fd !== undefined) throw BAIL;
      op = 'out';
      this.i += 2;
    } else if (s.startsWith('>>', this.i)) {
      op = 'out';
      append = true;
      this.i += 2;
    } else if (s.startsWith('>&', this.i) || s.startsWith('<&', this.i)) {
      op = 'other';
      this.i += 2;
    } else if (s.startsWith('>|', this.i)) {
      op = 'out';
      this.i += 2;
    } else if (s.startsWith('<<<', this.i)) {
      op = 'herestring';
      this.i += 3;
    } else if (s.startsWith('<<', this.i) && !s.startsWith('<<-', this.i)) {
      return this.heredoc(fd);
    } else if (s.startsWith('<<', this.i) || s.startsWith('<>', this.i) || s.startsWith('<(', this.i) || s.startsWith('>(', this.i)) {
      throw BAIL;
    } else if (s[this.i] === '>') {
      op = 'out';
      this.i++;
    } else if (s[this.i] === '<') {
      op = 'in';
      this.i++;
    } else throw BAIL;
    this.skip(false);
    const c = this.ch();
    if (isWordEnd(c) || c === '#' || this.atRedir()) throw BAIL;
    const word = this.word();
    return { op, fd, word, hdoc: null, ...(append ? { append: true } : {}) };
  }

  /** `<<WORD` or `<<'WORD'` (a plain name): the body is read at the end of the line (heredocBodies). */
  private heredoc(fd: string | undefined): Redir {
    if (this.inBackquote) throw BAIL;
    this.i += 2;
    this.skip(false);
    const m = /^(?:([A-Za-z_][A-Za-z0-9_]*)|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(this.s.slice(this.i, this.i + 256));
    if (!m) throw BAIL;
    this.i += m[0].length;
    const n = this.ch();
    if (!isWordEnd(n) || n === '(') throw BAIL;
    const quoted = m[2] !== undefined;
    const delim = (m[1] ?? m[2])!;
    const word: Word = { parts: [quoted ? { t: 'SglQuoted', value: delim, dollar: false } : { t: 'Lit', value: delim }] };
    const redir: Redir = { op: 'hdoc', fd, word, hdoc: null };
    this.pending.push({ redir, delim, quoted });
    return redir;
  }

  /** The bodies of the pending here-documents, from the cursor (just after a newline) to each delimiter line. */
  private heredocBodies(): void {
    const todo = this.pending;
    this.pending = [];
    for (const h of todo) {
      const bodyStart = this.i;
      let lineStart = bodyStart;
      let bodyEnd = -1;
      while (lineStart < this.s.length) {
        const nl = this.s.indexOf('\n', lineStart);
        const lineEnd = nl < 0 ? this.s.length : nl;
        if (this.s.slice(lineStart, lineEnd) === h.delim) {
          bodyEnd = lineStart;
          this.i = nl < 0 ? this.s.length : nl + 1;
          break;
        }
        lineStart = lineEnd + 1;
      }
      if (bodyEnd < 0) throw BAIL;
      h.redir.hdoc = bodyEnd === bodyStart ? null : h.quoted ? { parts: [{ t: 'Lit', value: decode(this.s.slice(bodyStart, bodyEnd), this.binary) }] } : this.heredocWord(bodyStart, bodyEnd, h.delim);
    }
  }

  /** An unquoted body: literal text (backslashes kept) and `$` expansions; a backquote or continuation bails. */
  private heredocWord(start: number, end: number, delim: string): Word {
    const resume = this.i;
    const parts: Part[] = [];
    let litStart = -1;
    const flush = (): void => {
      if (litStart >= 0) {
        parts.push({ t: 'Lit', value: decode(this.s.slice(litStart, this.i), this.binary) });
        litStart = -1;
      }
    };
    this.i = start;
    while (this.i < end) {
      const c = this.ch();
      if (c === '$') {
        flush();
        const at = this.i;
        parts.push(this.dollar(true));
        // An expansion running over a line end: mvdan then looks for the delimiter right after it.
        if (this.i > end || this.pending.length || this.s.slice(at, this.i).includes('\n')) throw BAIL;
        // `${Y}EOF`: mvdan ends the body at a delimiter right after an expansion.
        if (this.s.startsWith(delim, this.i)) throw BAIL;
      } else if (c === '`') {
        throw BAIL;
      } else if (c === '\\') {
        if (this.ch(1) === '\n' || this.i + 1 >= end) throw BAIL;
        if (litStart < 0) litStart = this.i;
        this.i += 2;
      } else {
        if (litStart < 0) litStart = this.i;
        this.i++;
      }
    }
    flush();
    this.i = resume;
    return { parts };
  }

  /** `NAME=` or `NAME+=` at the cursor: the name, whether it appends, and where the value starts. */
  private assignAt(): { name: string; append: boolean; valueAt: number } | undefined {
    const s = this.s;
    if (!isNameStart(s[this.i] ?? '')) return undefined;
    let j = this.i + 1;
    while (isNameChar(s[j] ?? '')) j++;
    const name = s.slice(this.i, j);
    // `A[1]=`; and `A\<newline>B=c`, which mvdan joins before it looks for the `=`.
    if (s[j] === '[' || (s[j] === '\\' && s[j + 1] === '\n')) throw BAIL;
    if (s[j] === '=') return { name, append: false, valueAt: j + 1 };
    if (s[j] === '+' && s[j + 1] === '=') return { name, append: true, valueAt: j + 2 };
    return undefined;
  }

  private assign(a: { name: string; append: boolean; valueAt: number }): Assign {
    this.i = a.valueAt;
    const c = this.ch();
    if (c === '(') throw BAIL;
    const value = isWordEnd(c) ? null : this.word();
    return { name: a.name, naked: false, append: a.append, value, index: null, array: null };
  }

  private simple(start: number): Stmt {
    const assigns: Assign[] = [];
    const args: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      this.skip(false);
      const c = this.ch();
      if (this.atRedir()) {
        redirs.push(this.redir());
        continue;
      }
      if (c === '#') {
        if (this.commentAllowed() && this.i !== start) break;
        throw BAIL;
      }
      if (isWordEnd(c) || (c === '`' && this.inBackquote)) {
        if (c === '(') throw BAIL;
        break;
      }
      if (args.length === 0) {
        const a = this.assignAt();
        if (a) {
          assigns.push(this.assign(a));
          continue;
        }
        // After assignments or redirections, a reserved word is still read specially by mvdan: leave it.
        if ((assigns.length || redirs.length) && this.keyword() !== undefined) throw BAIL;
      }
      const w = this.word();
      if (args.length === 0) this.checkCommandName(w);
      args.push(w);
    }
    if (assigns.length === 0 && args.length === 0 && redirs.length === 0) throw BAIL;
    const cmd: Cmd | null = assigns.length === 0 && args.length === 0 ? null : { t: 'Call', assigns, args };
    return { line: this.lineOf(start), cmd, redirs };
  }

  /** A command name that only quoting or escaping keeps from being a reserved word: leave it to mvdan. */
  private checkCommandName(w: Word): void {
    let text = '';
    for (const p of w.parts) {
      if (p.t === 'Lit') text += p.value.replace(/\\/g, '');
      else if (p.t === 'SglQuoted') text += p.value;
      else if (p.t === 'DblQuoted' && p.parts.every((q) => q.t === 'Lit')) text += p.parts.map((q) => (q.t === 'Lit' ? q.value : '')).join('');
      else return;
    }
    if (RESERVED.has(text) || text.startsWith('((')) throw BAIL;
  }

  private decl(start: number, variant: string): Stmt {
    this.i += variant.length;
    const args: Assign[] = [];
    for (;;) {
      this.skip(false);
      const c = this.ch();
      // mvdan ends a declaration's arguments at a redirection (`export A 2>&1 B` is an error there).
      if (this.atRedir()) throw BAIL;
      if (c === '#') {
        if (this.commentAllowed()) break;
        throw BAIL;
      }
      if (isWordEnd(c) || (c === '`' && this.inBackquote)) {
        if (c === '(') throw BAIL;
        break;
      }
      const a = this.assignAt();
      if (a) {
        args.push(this.assign(a));
        continue;
      }
      const w = this.word();
      const p = w.parts[0];
      if (w.parts.length !== 1 || p?.t !== 'Lit') throw BAIL;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.value)) args.push({ name: p.value, naked: true, append: false, value: null, index: null, array: null });
      else if (/^[-+][A-Za-z0-9]*$/.test(p.value)) args.push({ name: undefined, naked: true, append: false, value: w, index: null, array: null });
      else throw BAIL;
    }
    return { line: this.lineOf(start), cmd: { t: 'Decl', variant, args }, redirs: [] };
  }

  /** An unquoted word; the cursor is on its first character. */
  private word(): Word {
    this.enter();
    const s = this.s;
    const wordStart = this.i;
    const parts: Part[] = [];
    let litStart = -1;
    /** A literal's text before a line continuation inside it (mvdan drops the continuation and joins the halves). */
    let litHead = '';
    const flush = (): void => {
      if (litStart >= 0) {
        parts.push({ t: 'Lit', value: decode(litHead + s.slice(litStart, this.i), this.binary) });
        litStart = -1;
        litHead = '';
      }
    };
    for (;;) {
      const c = this.ch();
      if (isWordEnd(c)) break;
      if (c === "'") {
        flush();
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw BAIL;
        parts.push({ t: 'SglQuoted', value: decode(s.slice(this.i + 1, end), this.binary), dollar: false });
        this.i = end + 1;
      } else if (c === '"') {
        flush();
        parts.push(this.dblQuoted());
      } else if (c === '$') {
        flush();
        parts.push(this.dollar(false));
      } else if (c === '`') {
        if (this.inBackquote) break;
        flush();
        parts.push(this.backquoted(false));
      } else if (c === '\\') {
        const n = this.ch(1);
        if (n === '') throw BAIL;
        if (n === '\n') {
          // `a\<newline>b` is the literal `ab`; after a quote or an expansion mvdan may join differently (`$x\<nl>b` is `$xb`).
          // After an escaped character mvdan may keep the continuation in the literal (`\\\\\\<nl>x` stays as written).
          if (litStart < 0 || litHead.includes('\\') || s.slice(litStart, this.i).includes('\\')) throw BAIL;
          litHead += s.slice(litStart, this.i);
          this.i += 2;
          litStart = this.i;
          continue;
        }
        if (litStart < 0) litStart = this.i;
        this.i += 2;
      } else {
        // mvdan starts a comment at a `#` after a quote or expansion, and splits a literal at `[` (an index?).
        if (c === '#' && litStart < 0 && parts.length > 0) throw BAIL;
        if (c === '[' && this.i !== wordStart) throw BAIL;
        if (litStart < 0) litStart = this.i;
        this.i++;
      }
    }
    flush();
    if (parts.length === 0) throw BAIL;
    // `x2>f`, `${A}10>f`, `$${v}<f`: whether the digits or `{v}` name the redirection's fd is mvdan's call.
    if ((this.ch() === '>' || this.ch() === '<') && (isDigit(s[this.i - 1]!) || s[this.i - 1] === '\n' || s[this.i - 1] === '}')) throw BAIL;
    this.depth--;
    return { parts };
  }

  private dblQuoted(): Part {
    this.enter();
    const s = this.s;
    this.i++;
    const parts: Part[] = [];
    let litStart = -1;
    const flush = (): void => {
      if (litStart >= 0) {
        parts.push({ t: 'Lit', value: decode(s.slice(litStart, this.i), this.binary) });
        litStart = -1;
      }
    };
    for (;;) {
      const c = this.ch();
      if (c === '') throw BAIL;
      if (c === '"') break;
      if (c === '$') {
        flush();
        parts.push(this.dollar(true));
      } else if (c === '`') {
        flush();
        parts.push(this.backquoted(true));
      } else if (c === '\\') {
        const n = this.ch(1);
        if (n === '' || n === '\n') throw BAIL;
        if (litStart < 0) litStart = this.i;
        this.i += 2;
      } else {
        if (litStart < 0) litStart = this.i;
        this.i++;
      }
    }
    flush();
    this.i++;
    this.depth--;
    return { t: 'DblQuoted', parts };
  }

  /**
   * `` `…` ``: a command substitution, when its text has no backslash, newline, comment or nested quoting whose
   * meaning changes inside backquotes (no `"` when the backquotes are in double quotes). The span is the backquotes'.
   */
  private backquoted(quoted: boolean): Part {
    if (this.inBackquote) throw BAIL;
    const start = this.i;
    const close = this.s.indexOf('`', start + 1);
    if (close < 0) throw BAIL;
    const inner = this.s.slice(start + 1, close);
    if (/[\\\n#]/.test(inner) || (quoted && inner.includes('"'))) throw BAIL;
    this.i = start + 1;
    this.inBackquote = true;
    const stmts = this.list();
    this.inBackquote = false;
    if (this.i !== close) throw BAIL;
    this.i = close + 1;
    const end = close + 1;
    return { t: 'CmdSubst', stmts, span: () => ({ start, end }) };
  }

  private param(name: string, start: number, end: number, length: boolean, exp: ParamPart['exp'], index: Word | null = null): ParamPart {
    return { t: 'ParamExp', name, excl: false, length, index, slice: null, repl: null, exp, span: () => ({ start, end }) };
  }

  /** `$…` at the cursor. */
  private dollar(quoted: boolean): Part {
    const s = this.s;
    const start = this.i;
    const n = this.ch(1);
    if (n === '(') {
      if (this.ch(2) === '(') throw BAIL;
      this.i += 2;
      const stmts = this.list();
      if (this.ch() !== ')') throw BAIL;
      const end = this.i + 1;
      this.i = end;
      return { t: 'CmdSubst', stmts, span: () => ({ start, end }) };
    }
    if (n === '{') return this.braceParam(quoted);
    if (isNameStart(n)) {
      let j = this.i + 2;
      while (isNameChar(s[j] ?? '')) j++;
      this.i = j;
      return this.param(s.slice(start + 1, j), start, j, false, null);
    }
    if (isDigit(n) || n === '@' || n === '*' || n === '#' || n === '?' || n === '$' || n === '!' || n === '-') {
      this.i += 2;
      return this.param(n, start, start + 2, false, null);
    }
    throw BAIL;
  }

  private braceParam(quoted: boolean): Part {
    this.enter();
    const s = this.s;
    const start = this.i;
    this.i += 2;
    let length = false;
    if (this.ch() === '#') {
      if (!isNameStart(this.ch(1))) throw BAIL;
      length = true;
      this.i++;
    }
    const nameStart = this.i;
    if (isNameStart(this.ch())) while (isNameChar(this.ch())) this.i++;
    else if (isDigit(this.ch())) while (isDigit(this.ch())) this.i++;
    else throw BAIL;
    const name = s.slice(nameStart, this.i);
    let exp: ParamPart['exp'] = null;
    // `${A[@]}`, `${A[*]}`, `${A[0]}`, `${A[i]}`: a one-literal index (any other index is arithmetic, left to mvdan).
    let index: Word | null = null;
    const ix = this.ch() === '[' ? /^\[(@|\*|[0-9]+|[A-Za-z_][A-Za-z0-9_]*)\]\}/.exec(s.slice(this.i, this.i + 80)) : null;
    if (ix) {
      index = { parts: [{ t: 'Lit', value: ix[1]! }] };
      this.i += ix[0].length - 1;
    }
    if (this.ch() !== '}') {
      if (length) throw BAIL;
      const op = PARAM_OPS.find((o) => s.startsWith(o, this.i));
      if (op === undefined) throw BAIL;
      this.i += op.length;
      exp = { op, word: this.paramWord(quoted) };
    }
    if (this.ch() !== '}') throw BAIL;
    this.i++;
    const end = this.i;
    this.depth--;
    return this.param(name, start, end, length, exp, index);
  }

  /** The word of `${NAME<op>word}`, up to the `}`: literals (blanks included), `$…` and, unquoted, `"…"`. */
  private paramWord(quoted: boolean): Word | null {
    const s = this.s;
    const parts: Part[] = [];
    let litStart = -1;
    const flush = (): void => {
      if (litStart >= 0) {
        parts.push({ t: 'Lit', value: decode(s.slice(litStart, this.i), this.binary) });
        litStart = -1;
      }
    };
    for (;;) {
      const c = this.ch();
      if (c === '}') break;
      if (c === '$') {
        flush();
        parts.push(this.dollar(quoted));
      } else if (c === '"' && !quoted) {
        flush();
        parts.push(this.dblQuoted());
      } else if (c === '' || c === '\n' || c === '\\' || c === "'" || c === '"' || c === '`' || c === '{' || '()<>;&|'.includes(c)) {
        throw BAIL;
      } else {
        if (litStart < 0) litStart = this.i;
        this.i++;
      }
    }
    flush();
    return parts.length ? { parts } : null;
  }
}

/**
 * The tree mvdan-sh + convertRawFile would give for `src`, or `undefined` where the text is outside the subset (or
 * malformed): then the caller parses it with mvdan-sh.
 */
export function fastParseShell(src: string): Stmt[] | undefined {
  // Control characters (CR included) and lone surrogates: how mvdan reads them is not worth reproducing.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(src)) return undefined;
  let text = src;
  let binary = false;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(src)) {
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(src)) return undefined;
    text = Buffer.from(src, 'utf8').toString('latin1');
    binary = true;
  }
  try {
    return new FastParser(text, binary).file();
  } catch (e) {
    if (e === BAIL) return undefined;
    // A stack overflow on hostile nesting cannot happen below MAX_DEPTH, but any surprise goes to mvdan.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
