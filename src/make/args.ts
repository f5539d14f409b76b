/** What a `make` command line asks for. */
export interface MakeArgs {
  targets: string[];
  /** `VAR=value` (and `VAR:=value`, `VAR+=value`, …) overrides, in order. */
  assignments: Array<{ name: string; op: string; value: string }>;
  /** `-C` directories, applied in order. */
  directories: string[];
  makefiles: string[];
  environmentOverrides: boolean;
  /** `-n`: recipes are printed, not run (only `+` lines and $(MAKE) lines run). */
  dryRun: boolean;
  /** `-s` / `--silent` / `--quiet`: recipe lines are not echoed. */
  silent: boolean;
  /** `--eval=TEXT` */
  evals: string[];
  /** Options this reader does not know, kept for a limit note. */
  unknown: string[];
}

/** Short options that take an argument (attached `-Cdir` or the next word). */
const SHORT_WITH_ARG = new Set(['C', 'f', 'I', 'o', 'W']);
/** Short options whose argument is optional and numeric (`-j`, `-j4`, `-j 4`). */
const SHORT_OPTIONAL_NUMBER = new Set(['j', 'l']);
const LONG_WITH_ARG = new Set(['directory', 'file', 'makefile', 'include-dir', 'old-file', 'assume-old', 'new-file', 'assume-new', 'what-if', 'eval', 'jobs', 'load-average', 'output-sync', 'debug', 'jobserver-auth', 'shuffle']);
const LONG_OPTIONAL = new Set(['jobs', 'load-average', 'output-sync', 'debug', 'shuffle']);

export function parseMakeArgs(args: string[]): MakeArgs {
  const out: MakeArgs = { targets: [], assignments: [], directories: [], makefiles: [], environmentOverrides: false, dryRun: false, silent: false, evals: [], unknown: [] };
  const takeOption = (name: string, value: string): void => {
    switch (name) {
      case 'C':
      case 'directory':
        out.directories.push(value);
        break;
      case 'f':
      case 'file':
      case 'makefile':
        out.makefiles.push(value);
        break;
      case 'eval':
        out.evals.push(value);
        break;
      default:
        break;
    }
  };
  let onlyOperands = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (onlyOperands || !arg.startsWith('-') || arg === '-') {
      const assignment = /^([^=:+?!\s]+?)\s*(:::=|::=|:=|\+=|\?=|!=|=)([\s\S]*)$/.exec(arg);
      if (assignment && !arg.startsWith('=')) out.assignments.push({ name: assignment[1], op: assignment[2], value: assignment[3] });
      else out.targets.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyOperands = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) takeOption(name, arg.slice(eq + 1));
      else if (LONG_WITH_ARG.has(name) && !LONG_OPTIONAL.has(name) && i + 1 < args.length) takeOption(name, args[++i]);
      else if (name === 'environment-overrides') out.environmentOverrides = true;
      else if (name === 'dry-run' || name === 'just-print' || name === 'recon') out.dryRun = true;
      else if (name === 'silent' || name === 'quiet') out.silent = true;
      else if (name === 'jobs' && /^\d+$/.test(args[i + 1] ?? '')) i++;
      else if (!KNOWN_LONG_FLAGS.has(name) && !LONG_WITH_ARG.has(name)) out.unknown.push(arg);
      continue;
    }
    for (let k = 1; k < arg.length; k++) {
      const c = arg[k];
      if (SHORT_WITH_ARG.has(c)) {
        const attached = arg.slice(k + 1);
        if (attached) takeOption(c, attached);
        else if (i + 1 < args.length) takeOption(c, args[++i]);
        break;
      }
      if (SHORT_OPTIONAL_NUMBER.has(c)) {
        if (k + 1 < arg.length) break; // -j4
        if (/^\d+(\.\d+)?$/.test(args[i + 1] ?? '')) i++;
        break;
      }
      if (c === 'e') out.environmentOverrides = true;
      else if (c === 'n') out.dryRun = true;
      else if (c === 's') out.silent = true;
    }
  }
  return out;
}

const KNOWN_LONG_FLAGS = new Set([
  'always-make', 'ignore-errors', 'keep-going', 'no-keep-going', 'stop', 'silent', 'quiet', 'no-silent', 'no-print-directory',
  'print-directory', 'warn-undefined-variables', 'no-builtin-rules', 'no-builtin-variables', 'touch', 'question', 'trace',
  'check-symlink-times', 'print-data-base', 'version', 'help',
]);
