import { existsSync, statSync } from 'node:fs';
import { DEFAULT_CONFIG_PATH } from './config/config.js';
import type { AnalyzeOptions } from './engine/options.js';
import { FAIL_ON, type FailOn } from './gate/fail-on.js';
import { isSafeRef } from './gate/git.js';
import { parseConfirmMode, parseConfirmReference, parseEndpoint, type OnlineSettings } from './online/options.js';

export const USAGE = `usage: image-signing-audit [path] [options]

  path                          checkout to scan (default: .)
  --format text|json|sarif      output format (default: text)
  --repository owner/name       repository the names resolve against (default: $GITHUB_REPOSITORY, else the
                                checkout's origin remote when it is a GitHub repository)
  --remote-checkouts DIR        checkouts of remote workflows/actions, laid out DIR/<owner>/<repo>/
  --policy-paths DIR...         extra roots holding deployed admission policies (repeatable)
  --require-enforcement BOOL    true (default): missing enforcement fails the verdict; false: it is a note
  --config FILE                 configuration file, relative to path (default: .github/image-signing-audit.yml)
  --base REF                    compare with this commit of the same git repository (a branch, tag or commit)
  --fail-on MODE                fail: the verdict is fail; error / warning: also any unsuppressed finding at that
                                level; new: the tree is worse than --base; never. Default: new with --base, else never
  --confirm-online[=required]   also ask each image's registry whether today's digest carries a valid signature
                                made by this repository (network; off by default). With =required a check that
                                cannot run is an error instead of a note
  --registry-endpoint HOST=URL  talk to URL for registry HOST (a mirror, a test registry); plain http only for
                                loopback (repeatable)
  --trusted-root FILE           Sigstore trusted root (JSON) to verify keyless signatures against (default: the
                                public-good root embedded in @sigstore/tuf, offline)
  --confirm-reference REF       tag or sha256 digest to check for every image (default: the tag the analysis
                                resolved, else the newest semantic-version tag in the registry)
  --public-key FILE             PEM public key for key-based (cosign --key) signatures (repeatable)
  --notation-cert FILE          PEM CA certificate(s) of the notation trust store (repeatable)
  -h, --help                    this text

Exit status: 0 the check passed (or --fail-on never), 1 the check failed, 2 usage error.
`;

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliArgs {
  help: boolean;
  format: OutputFormat;
  options: AnalyzeOptions;
  /** The configuration file, relative to the scanned path. */
  config: string;
  configExplicit: boolean;
  /** --base: the git ref to compare with. */
  base?: string;
  /** --fail-on, or its default: `new` with --base, else `never` (the CLI used to exit 0 whatever the verdict). */
  failOn: FailOn;
  /** --confirm-online and its options; absent when not asked for. */
  online?: OnlineSettings;
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
  let config: string | undefined;
  let base: string | undefined;
  let failOn: FailOn | undefined;
  let confirm: 'off' | 'true' | 'required' = 'off';
  const endpoints: Record<string, string> = {};
  let trustedRoot: string | undefined;
  let confirmReference: string | undefined;
  const publicKeys: string[] = [];
  const notationCerts: string[] = [];
  const onlineFlags: string[] = [];
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
      case '--config': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!v.trim()) return { error: '--config needs a file name' };
        config = v;
        break;
      }
      case '--base': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!isSafeRef(v)) return { error: `--base takes a git ref or commit id, got '${v.slice(0, 80)}'` };
        base = v;
        break;
      }
      case '--fail-on': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!FAIL_ON.includes(v as FailOn)) return { error: `--fail-on takes ${FAIL_ON.join(', ')}, got '${v}'` };
        failOn = v as FailOn;
        break;
      }
      case '--confirm-online': {
        // A flag with an optional inline value: `--confirm-online` or `--confirm-online=required`.
        const mode = parseConfirmMode(inline ?? 'true');
        if (typeof mode !== 'string') return { error: `--${mode.error}` };
        confirm = mode;
        break;
      }
      case '--registry-endpoint': {
        const v = value();
        if (typeof v !== 'string') return v;
        const e = parseEndpoint(v);
        if ('error' in e) return { error: `--registry-endpoint: ${e.error}` };
        endpoints[e.host] = e.url;
        onlineFlags.push(arg);
        break;
      }
      case '--trusted-root': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!isFile(v)) return { error: `--trusted-root: '${v}' is not a file` };
        trustedRoot = v;
        onlineFlags.push(arg);
        break;
      }
      case '--confirm-reference': {
        const v = value();
        if (typeof v !== 'string') return v;
        const r = parseConfirmReference(v);
        if (typeof r !== 'string') return { error: `--${r.error}` };
        confirmReference = r;
        onlineFlags.push(arg);
        break;
      }
      case '--public-key': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!isFile(v)) return { error: `--public-key: '${v}' is not a file` };
        publicKeys.push(v);
        onlineFlags.push(arg);
        break;
      }
      case '--notation-cert': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (!isFile(v)) return { error: `--notation-cert: '${v}' is not a file` };
        notationCerts.push(v);
        onlineFlags.push(arg);
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
  if (failOn === 'new' && base === undefined) return { error: '--fail-on new needs --base <ref> (the commit to compare with)' };
  if (confirm === 'off' && onlineFlags.length > 0) return { error: `${onlineFlags[0]} needs --confirm-online` };
  return {
    help,
    format,
    config: config ?? DEFAULT_CONFIG_PATH,
    configExplicit: config !== undefined && config !== DEFAULT_CONFIG_PATH,
    ...(base !== undefined ? { base } : {}),
    failOn: failOn ?? (base !== undefined ? 'new' : 'never'),
    ...(confirm !== 'off'
      ? { online: { mode: confirm, endpoints, publicKeys, ...(notationCerts.length > 0 ? { notationCerts } : {}), ...(trustedRoot ? { trustedRoot } : {}), ...(confirmReference ? { reference: confirmReference } : {}) } }
      : {}),
    options: {
      root,
      ...(repository ? { repository } : {}),
      ...(remoteCheckouts ? { remoteCheckouts } : {}),
      policyPaths,
      requireEnforcement,
    },
  };
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
