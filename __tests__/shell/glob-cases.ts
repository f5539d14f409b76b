/**
 * Generated shell patterns and texts (seeded, so every run and every engine sees the same cases), and the
 * operations the shell asks of its glob matcher, written as one line per case for a golden file.
 */
import { compileShellPattern, type GlobMeter } from '../../src/util/glob.js';
import { mulberry32 } from '../helpers/random.js';

/** Characters of the texts: letters, digits, blanks, what patterns treat specially, and non-ASCII (with a surrogate pair). */
const TEXT_CHARS = ['a', 'b', 'c', 'A', 'Z', '1', '9', ' ', '\t', '/', '.', '-', '_', '*', '?', '[', ']', '!', '^', ':', '\\', '\x7f', '\x01', 'é', 'ü', '日', '\u00a0', '\ud83d', '\ude00'];

/** A piece of pattern and characters it can match (a text built from samples matches more often than chance). */
interface Atom {
  src: string;
  samples: string[];
}

const ATOMS: Atom[] = [
  ...['a', 'b', 'c', '/', '.', '-', ':', '!', '^', ']', 'é', '日', '\ud83d\ude00'].map((c) => ({ src: c, samples: [c] })),
  { src: '*', samples: ['', 'a', 'bc', '/x'] },
  { src: '**', samples: ['', 'ab'] },
  { src: '?', samples: ['a', '日', '/'] },
  { src: '[ab]', samples: ['a', 'b'] },
  { src: '[!a]', samples: ['b', 'é'] },
  { src: '[^b]', samples: ['a', '1'] },
  { src: '[a-c]', samples: ['b', 'c'] },
  { src: '[!a-c]', samples: ['Z', ' '] },
  { src: '[c-a]', samples: ['c'] },
  { src: '[é-ü]', samples: ['é', 'ü'] },
  { src: '[]a]', samples: [']', 'a'] },
  { src: '[!]]', samples: ['a'] },
  { src: '[\\]]', samples: [']'] },
  { src: '[a\\-c]', samples: ['-', 'a'] },
  { src: '[a-]', samples: ['-', 'a'] },
  { src: '[*?]', samples: ['*', '?'] },
  { src: '[[:alpha:]]', samples: ['a', 'Z'] },
  { src: '[[:digit:]x]', samples: ['1', 'x'] },
  { src: '[![:space:]]', samples: ['a', 'é'] },
  { src: '[[:upper:][:lower:]]', samples: ['A', 'a'] },
  { src: '[[:alnum:]_]', samples: ['9', '_'] },
  { src: '[[:print:]]', samples: [' ', 'a', 'é'] },
  { src: '[[:graph:]]', samples: ['!', 'é'] },
  { src: '[[:punct:]]', samples: ['.', '['] },
  { src: '[[:cntrl:]]', samples: ['\x01', '\x7f'] },
  { src: '[[:blank:]]', samples: [' ', '\t'] },
  { src: '[[:xdigit:]]', samples: ['a', '9'] },
  { src: '[[:word:]]', samples: ['_', 'b'] },
  { src: '[[:foo:]]', samples: ['[', 'f'] },
  { src: '[[:alpha:]', samples: ['['] },
  { src: '[ab', samples: ['['] },
  { src: '[', samples: ['['] },
  { src: '[!', samples: ['['] },
  { src: '\\*', samples: ['*'] },
  { src: '\\?', samples: ['?'] },
  { src: '\\[', samples: ['['] },
  { src: '\\\\', samples: ['\\'] },
  { src: '\\a', samples: ['a'] },
];

const STAR = ATOMS.find((a) => a.src === '*')!;

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

export interface Case {
  pattern: string;
  text: string;
  /** Where `${x/p/r}`'s search starts (bash searches again after each replacement). */
  from: number;
  /** The known start and end of a partly known text: text[0, startLength) and text[text.length - endLength, …). */
  startLength: number;
  endLength: number;
}

/** `count` cases from `seed`: patterns of up to 6 atoms (sometimes a trailing backslash), texts of up to 9 characters. */
export function cases(seed: number, count: number): Case[] {
  const rnd = mulberry32(seed);
  const out: Case[] = [];
  for (let k = 0; k < count; k++) {
    const atoms: Atom[] = [];
    const n = Math.floor(rnd() * 7);
    for (let i = 0; i < n; i++) atoms.push(pick(rnd, ATOMS));
    // Stars are what make matching interesting: a third of the patterns get one more.
    if (rnd() < 0.35) atoms.splice(Math.floor(rnd() * (atoms.length + 1)), 0, STAR);
    let pattern = atoms.map((a) => a.src).join('');
    if (rnd() < 0.05) pattern += '\\';
    let text = '';
    if (rnd() < 0.5) {
      // From the pattern's own samples, with noise around and between them.
      for (const a of atoms) {
        if (rnd() < 0.15) text += pick(rnd, TEXT_CHARS);
        text += pick(rnd, a.samples);
      }
      if (rnd() < 0.3) text = pick(rnd, TEXT_CHARS) + text;
      if (rnd() < 0.3) text += pick(rnd, TEXT_CHARS);
    } else {
      const len = Math.floor(rnd() * 10);
      for (let i = 0; i < len; i++) text += pick(rnd, TEXT_CHARS);
    }
    const from = Math.floor(rnd() * (text.length + 1));
    const startLength = Math.floor(rnd() * (text.length + 1));
    // Often the whole text is known around an unknown middle: then a pattern with one star is decided.
    const endLength = rnd() < 0.4 ? text.length - startLength : Math.floor(rnd() * (text.length - startLength + 1));
    out.push({ pattern, text, from, startLength, endLength });
  }
  return out;
}

/** What the shell asks of a matcher; every operation takes a meter and answers undefined when it refuses. */
export interface ShellMatcher {
  matches(pattern: string, text: string, meter: GlobMeter): boolean | undefined;
  /** -1 when no prefix matches. */
  prefix(pattern: string, text: string, longest: boolean, meter: GlobMeter): number | undefined;
  suffix(pattern: string, text: string, longest: boolean, meter: GlobMeter): number | undefined;
  search(pattern: string, text: string, from: number, meter: GlobMeter): [number, number] | null | undefined;
  partly(pattern: string, start: string, end: string, meter: GlobMeter): boolean | undefined;
  /** The pattern matches every text (`case x in *)`). */
  everything(pattern: string): boolean;
}

/** The shell's matcher: src/util/glob.ts with SHELL_PATTERN. */
export const UTIL_GLOB: ShellMatcher = {
  matches: (p, t, m) => compileShellPattern(p).matches(t, m),
  prefix: (p, t, longest, m) => orMinusOne(compileShellPattern(p).prefixMatch(t, longest, m)),
  suffix: (p, t, longest, m) => orMinusOne(compileShellPattern(p).suffixMatch(t, longest, m)),
  search: (p, t, from, m) => {
    const r = compileShellPattern(p).search(t, from, m);
    return r && [r.start, r.end];
  },
  partly: (p, start, end, m) => compileShellPattern(p).matchesPartly(start, end, m),
  everything: (p) => compileShellPattern(p).matchesEverything,
};

function orMinusOne(n: number | null | undefined): number | undefined {
  return n === null ? -1 : n;
}

export const OPERATIONS = ['matches', '#', '##', '%', '%%', 'search0', 'searchFrom', 'partly', 'everything'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** One operation of one case. */
export function run(m: ShellMatcher, c: Case, op: Operation, meter: GlobMeter): unknown {
  switch (op) {
    case 'matches':
      return m.matches(c.pattern, c.text, meter);
    case '#':
      return m.prefix(c.pattern, c.text, false, meter);
    case '##':
      return m.prefix(c.pattern, c.text, true, meter);
    case '%':
      return m.suffix(c.pattern, c.text, false, meter);
    case '%%':
      return m.suffix(c.pattern, c.text, true, meter);
    case 'search0':
      return m.search(c.pattern, c.text, 0, meter);
    case 'searchFrom':
      return m.search(c.pattern, c.text, c.from, meter);
    case 'partly':
      return m.partly(c.pattern, c.text.slice(0, c.startLength), c.text.slice(c.text.length - c.endLength), meter);
    case 'everything':
      return m.everything(c.pattern);
  }
}

export const FREE: GlobMeter = { charge: () => true };

/** One golden line: the case (as JSON, so every character is visible) and each operation's answer under a free meter. */
export function line(m: ShellMatcher, c: Case): string {
  const answers = OPERATIONS.map((op) => {
    const r = run(m, c, op, FREE);
    return r === undefined ? 'undefined' : JSON.stringify(r);
  });
  return `${JSON.stringify([c.pattern, c.text, c.from, c.startLength, c.endLength])} ${answers.join(' ')}`;
}
