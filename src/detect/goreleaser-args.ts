/**
 * What a goreleaser command line asks for: which config file, and which phases (docker, ko, sign, publish) run.
 * Only the flags that change what reaches a registry are interpreted; everything else is ignored.
 */
export interface GoreleaserRun {
  /** `release`, `build`, `check`, … (`release` when no subcommand is given, as goreleaser does). */
  command: string;
  /** `-f` / `--config` value as written, if given. */
  config?: string;
  /** Nothing leaves the runner: `--snapshot`, `--skip=publish`, `build`, `release --prepare` (pro). */
  noPublish?: string;
  skipDocker: boolean;
  skipKo: boolean;
  skipSign: boolean;
  /**
   * goreleaser Pro split/merge (https://goreleaser.com/customization/partial): `release --split` jobs build their
   * part and push the `dockers` images ("Docker manifests are not created yet"); `continue --merge` (or `publish
   * --merge`) merges the parts and does the rest: manifests, signing, publishers.
   */
  phase?: 'split' | 'merge';
}

/** Subcommands that never build or push images. */
const NON_BUILDING = new Set(['check', 'healthcheck', 'init', 'jsonschema', 'completion', 'help', 'man', 'changelog', 'announce', 'verify']);

export function parseGoreleaserArgs(args: string[]): GoreleaserRun {
  const run: GoreleaserRun = { command: '', skipDocker: false, skipKo: false, skipSign: false };
  const skips: string[] = [];
  let split = false;
  let merge = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = splitFlag(arg);
    const value = (): string | undefined => (inline !== undefined ? inline : args[++i]);
    if (!arg.startsWith('-')) {
      if (!run.command) run.command = arg;
      continue;
    }
    switch (flag) {
      case '-f':
      case '--config':
        run.config = value();
        break;
      case '--snapshot':
        if (inline !== 'false') run.noPublish ??= 'goreleaser --snapshot builds without publishing';
        break;
      case '--prepare':
        if (inline !== 'false') run.noPublish ??= 'goreleaser release --prepare builds without publishing (publish runs later)';
        break;
      case '--skip':
        skips.push(...(value() ?? '').split(','));
        break;
      case '--split':
        if (inline !== 'false') split = true;
        break;
      case '--merge':
        if (inline !== 'false') merge = true;
        break;
      case '--skip-publish':
        skips.push('publish');
        break;
      case '--skip-sign':
        skips.push('sign');
        break;
      case '--skip-docker':
        skips.push('docker');
        break;
      case '--skip-ko':
        skips.push('ko');
        break;
      default:
        // Flags we do not interpret. Only those known to take a separate value consume the next word.
        if (inline === undefined && FLAGS_WITH_VALUE.has(flag)) i++;
    }
  }
  if (!run.command) run.command = 'release';
  for (const s of skips.map((x) => x.trim().toLowerCase())) {
    if (s === 'publish') run.noPublish ??= 'goreleaser --skip=publish builds without publishing';
    else if (s === 'docker') run.skipDocker = true;
    else if (s === 'ko') run.skipKo = true;
    else if (s === 'sign' || s === 'docker-sign' || s === 'docker_sign') run.skipSign = true;
  }
  if (run.command === 'build') run.noPublish ??= 'goreleaser build only compiles binaries';
  if (split && run.command === 'release') run.phase = 'split';
  else if (merge && (run.command === 'continue' || run.command === 'publish')) run.phase = 'merge';
  return run;
}

/** Whether the subcommand can push images at all. */
export function commandPublishes(run: GoreleaserRun): boolean {
  return !NON_BUILDING.has(run.command) && run.command !== 'build';
}

const FLAGS_WITH_VALUE = new Set([
  '--timeout',
  '-p',
  '--parallelism',
  '--release-notes',
  '--release-header',
  '--release-footer',
  '--release-notes-tmpl',
  '--release-header-tmpl',
  '--release-footer-tmpl',
  '--id',
  '--output',
  '-o',
  '--key',
  '-k',
  '--dist',
  '-d',
]);

function splitFlag(arg: string): [string, string | undefined] {
  if (!arg.startsWith('-')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
