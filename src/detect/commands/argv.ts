import type { Arg } from './types.js';

/**
 * A small getopt for CLIs built on cobra/pflag/urfave: `--flag value`, `--flag=value`, `-f value`, `-fvalue` is not
 * supported (rare in CI), single-dash long flags (`-key`) are normalized to `--key` the way cosign does.
 * `valueFlags` lists the flags that take a value; any other flag is treated as boolean, so positionals stay put.
 */
export interface ParsedArgs {
  /** Flag name (with dashes, normalized) → values in order. Boolean flags get `'true'` or their `=value`. */
  flags: Map<string, string[]>;
  positionals: Arg[];
}

export function parseArgs(args: Arg[], valueFlags: ReadonlySet<string>, opts: { singleDashLong?: boolean } = {}): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: Arg[] = [];
  const add = (name: string, value: string): void => {
    const list = flags.get(name);
    if (list) list.push(value);
    else flags.set(name, [value]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.dynamic || !t.startsWith('-') || t === '-') {
      positionals.push(a);
      continue;
    }
    let name = t;
    let inline: string | undefined;
    const eq = t.indexOf('=');
    if (eq > 0) {
      name = t.slice(0, eq);
      inline = t.slice(eq + 1);
    }
    if (opts.singleDashLong && /^-[A-Za-z][A-Za-z0-9-]+$/.test(name)) name = `-${name}`;
    if (inline !== undefined) {
      add(name, inline);
    } else if (valueFlags.has(name)) {
      const next = args[i + 1];
      if (next !== undefined) {
        add(name, next.text);
        i++;
      }
    } else {
      add(name, 'true');
    }
  }
  return { flags, positionals };
}

export function flagValues(p: ParsedArgs, ...names: string[]): string[] {
  return names.flatMap((n) => p.flags.get(n) ?? []);
}

export function hasFlag(p: ParsedArgs, ...names: string[]): boolean {
  return names.some((n) => p.flags.has(n));
}

/** A boolean flag's effective value: absent → undefined; `--x` / `--x=true` → true; `--x=false` → false. */
export function boolFlag(p: ParsedArgs, ...names: string[]): boolean | undefined {
  let result: boolean | undefined;
  for (const n of names) {
    for (const v of p.flags.get(n) ?? []) result = !/^(false|0|no)$/i.test(v);
  }
  return result;
}

/** Splits `type=image,name=a,push=true` (CSV; quoted values may hold commas) into key → value. */
export function parseKeyValueList(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of splitCsv(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) out.set(field.trim().toLowerCase(), '');
    else {
      const key = field.slice(0, eq).trim().toLowerCase();
      const value = field.slice(eq + 1).trim();
      out.set(key, out.has(key) ? `${out.get(key)},${value}` : value);
    }
  }
  return out;
}

function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  fields.push(cur);
  // `name=a,b` inside quotes already joined; a bare `name=a,b` splits into `name=a` and `b`: glue keyless fields back.
  const glued: string[] = [];
  for (const f of fields) {
    if (!f.includes('=') && glued.length && /^[^=]*=/.test(glued[glued.length - 1]!) && /[./]/.test(f)) glued[glued.length - 1] += `,${f}`;
    else glued.push(f);
  }
  return glued;
}

export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes)$/i.test(v.trim());
}
