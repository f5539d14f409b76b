import { existsSync, statSync } from 'node:fs';
import type { AnalyzeOptions } from './engine/options.js';

export const USAGE = `usage: image-signing-audit [path] [options]

  path                          checkout to scan (default: .)
  --format text|json|sarif      output format (default: text)
  --repository owner/name       repository the names resolve against (default: $GITHUB_REPOSITORY)
  --remote-checkouts DIR        checkouts of remote workflows/actions, laid out DIR/<owner>/<repo>/
  --policy-paths DIR...         extra roots holding deployed admission policies (repeatable)
  --require-enforcement BOOL    true (default): missing enforcement fails the verdict; false: it is a note
  -h, --help                    this text

Exit status: 0 when the analysis ran (whatever the verdict), 2 on usage errors.
`;

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliArgs {
  help: boolean;
  format: OutputFormat;
  options: AnalyzeOptions;
}

/** Pure argument parser: returns the parsed arguments or a usage error. */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliArgs | { error: string } {
  let path: string | undefined;
  let format: OutputFormat = 'text';
  let repository = env['GITHUB_REPOSITORY'] || undefined;
  let remoteCheckouts: string | undefined;
  const policyPaths: string[] = [];
  let requireEnforcement = true;
  let help = false;
  const takeValue = (i: number, flag: string): string | { error: string } => {
    const v = argv[i + 1];
    return v === undefined || v.startsWith('--') ? { error: `${flag} needs a value` } : v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string | { error: string } => {
      if (inline !== undefined) return inline;
      const v = takeValue(i, arg);
      if (typeof v === 'string') i++;
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--format': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (v !== 'text' && v !== 'json' && v !== 'sarif') return { error: `unknown format '${v}' (text, json or sarif)` };
        format = v;
        break;
      }
      case '--repository': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(v)) return { error: `--repository must be owner/name, got '${v}'` };
        repository = v;
        break;
      }
      case '--remote-checkouts': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!isDir(v)) return { error: `--remote-checkouts: '${v}' is not a directory` };
        remoteCheckouts = v;
        break;
      }
      case '--policy-paths': {
        // Takes one or more directories up to the next option.
        if (inline !== undefined) {
          policyPaths.push(...inline.split(',').filter(Boolean));
        } else {
          let n = 0;
          while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) {
            policyPaths.push(argv[++i]!);
            n++;
          }
          if (n === 0) return { error: '--policy-paths needs at least one directory' };
        }
        for (const p of policyPaths) if (!isDir(p)) return { error: `--policy-paths: '${p}' is not a directory` };
        break;
      }
      case '--require-enforcement': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (v !== 'true' && v !== 'false') return { error: `--require-enforcement takes true or false, got '${v}'` };
        requireEnforcement = v === 'true';
        break;
      }
      default:
        if (arg.startsWith('-')) return { error: `unknown option '${arg}'` };
        if (path !== undefined) return { error: `more than one path given ('${path}', '${arg}')` };
        path = arg;
    }
  }
  const root = path ?? '.';
  if (!help && !isDir(root)) return { error: `'${root}' is not a directory` };
  return {
    help,
    format,
    options: {
      root,
      ...(repository ? { repository } : {}),
      ...(remoteCheckouts ? { remoteCheckouts } : {}),
      policyPaths,
      requireEnforcement,
    },
  };
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
