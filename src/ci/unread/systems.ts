import type { Node } from 'yaml';
import { scanHiddenCommands, type HiddenCommand } from '../../detect/hidden-pushes.js';
import { parseYaml, yamlDocs, type YamlDoc } from '../../parse/yaml.js';
import type { CiSystem } from '../../model/report.js';

/**
 * CI systems the engine has no reader for yet, and how to tell from a file's text that it builds, pushes or signs
 * images. Each system's pipeline files are found by their documented names; a file's text is then scanned the way
 * src/detect/hidden-pushes.ts scans files that do not parse: command lines of image tools (classified by the shared
 * command classifiers), plus the system's own image steps (tasks, orbs, plugins, catalog tasks) that push without a
 * command line. The scan only ever adds suspicion: it never credits a signature and never reads conditions.
 */

export interface UnreadSystem {
  ci: CiSystem;
  /** The system's pipeline files by path (repository-relative). */
  matches(path: string): boolean;
  /** For files matched by content, not name: whether the text is one (Tekton manifests). */
  content?(text: string): boolean;
  /** Text scanned for command lines (the system's own quoting of shell steps undone). */
  commandText?(text: string): string;
  /** The system's own image steps that push or sign without a command line. */
  steps(text: string): HiddenCommand[];
  /** Where the system documents its pipeline files (for the finding). */
  docs: string;
}

/** Vendored dependencies and test fixtures hold other projects' pipelines and samples, not this repository's. */
export const NOT_OURS = /(^|\/)(vendor|third_party|node_modules|testdata|_testdata|test-data|fixtures?|__fixtures__)\//i;
/**
 * Tekton manifests outside `.tekton/` in these folders (or named as tests) are examples and tests, not a pipeline;
 * judged by path, before reading, so the scan does not read the tests that admission skips either.
 */
const SAMPLES = /(^|\/)(tests?|e2e|examples?|samples?|docs?|demos?|\.?chainsaw(-test)?)\/|[._-]test\.ya?ml$/i;

const MAX_LINES = 20_000;
const MAX_FOUND = 20;

// ------------------------------------------------------------------ helpers

function lines(text: string): string[] {
  return text.slice(0, 256 * 1024).split('\n').slice(0, MAX_LINES);
}

/** Lines matching `re`, as hidden commands of `kind` (the match, shortened, is the text). */
function byLine(text: string, re: RegExp, kind: HiddenCommand['kind'], describe: (m: RegExpExecArray) => string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  for (const [i, line] of lines(text).entries()) {
    if (/^\s*(#|\/\/)/.test(line)) continue;
    const m = re.exec(line.slice(0, 4096));
    if (m) out.push({ kind, text: describe(m).slice(0, 120), line: i + 1 });
    if (out.length >= MAX_FOUND) break;
  }
  return out;
}

/** Every YAML document of the text (none when it does not parse: the line scans still apply). */
function docsOf(text: string): YamlDoc[] {
  const parsed = parseYaml(text, 'scan');
  return parsed.errors.length ? [] : yamlDocs(parsed);
}

/** Every map node of a document, depth-first, bounded. */
function maps(doc: YamlDoc, budget = { left: 20_000 }): Node[] {
  const out: Node[] = [];
  const stack: Array<Node | null> = [doc.root];
  while (stack.length && budget.left-- > 0) {
    const n = stack.pop() ?? null;
    if (!n) continue;
    if (doc.isMap(n)) {
      out.push(n);
      for (const e of doc.entries(n)) stack.push(doc.deref(e.value));
    } else if (doc.isSeq(n)) for (const i of doc.items(n)) stack.push(i);
  }
  return out;
}

const truthy = (s: string | undefined): boolean => s === 'true' || s === 'True' || s === 'yes';

// ------------------------------------------------------------------ Jenkins

/**
 * `sh 'cmd'`, `sh "cmd"`, `sh '''…'''`, `sh(script: '…', returnStdout: true)`, `bat`, `powershell`
 * (https://www.jenkins.io/doc/pipeline/steps/workflow-durable-task-step/): the command after the quote.
 */
function jenkinsCommands(text: string): string {
  return lines(text)
    .map((l) => l.replace(/^\s*(?:[\w.]+\s*=\s*)?(?:sh|bat|pwsh|powershell)\s*\(?\s*(?:script\s*:\s*)?(?:'''|"""|'|")/, '').replace(/(?:'''|"""|'|")\s*(?:,[^)]*)?\)?\s*$/, ''))
    .join('\n');
}

/** The Docker Pipeline plugin: `docker.build(…)` images pushed with `.push()`, `docker.image(…).push()`. */
function jenkinsSteps(text: string): HiddenCommand[] {
  return byLine(text, /\b(docker\.(build|image)\s*\([^)]*\)[^\n]*)?\.push\s*\(/, 'push', () => 'docker.build(…).push() (Docker Pipeline plugin)').filter(() => /\bdocker\.(build|image|withRegistry)\b/.test(text));
}

// ------------------------------------------------------------------ Tekton

/** `$(params.IMAGE)`, `$(results.x.path)`: Tekton's own substitutions, unknown values (the scan splits on `$(`). */
function tektonCommands(text: string): string {
  return text.replace(/\$\((params|results|context|workspaces|steps|tasks|inputs|outputs)\.[^)\s]*\)/g, '$TEKTON_VALUE');
}

/** Catalog tasks that push what they build (https://hub.tekton.dev: buildah, kaniko, buildpacks, s2i, jib, ko…). */
const TEKTON_PUSHING_TASKS = /^(buildah|buildah-oci-ta|buildah-remote|kaniko|kaniko-chains|buildpacks|buildpacks-phases|s2i[\w-]*|jib-maven|jib-gradle|ko|docker-build|build-image-index|skopeo-copy|crane-copy)$/;

function tektonSteps(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  for (const doc of docsOf(text)) {
    for (const m of maps(doc)) {
      const line = doc.line(m);
      // A step running kaniko's executor: --destination pushes unless --no-push.
      const image = doc.str(doc.get(m, 'image'));
      if (image && /kaniko-project\/executor|(^|\/)kaniko(:|@|$)/.test(image)) {
        const args = [...doc.items(doc.get(m, 'args')), ...doc.items(doc.get(m, 'command'))].map((a) => doc.str(a) ?? '');
        if (args.some((a) => /^--destination|^-d$/.test(a)) && !args.includes('--no-push')) out.push({ kind: 'push', text: `kaniko step (${image.slice(0, 60)})`, line });
      }
      // taskRef: {name: buildah} or a resolver whose `name` param is a pushing catalog task.
      const ref = doc.get(m, 'taskRef');
      if (ref) {
        const names = [doc.str(doc.get(ref, 'name')), ...doc.items(doc.get(ref, 'params')).filter((p) => doc.str(doc.get(p, 'name')) === 'name').map((p) => doc.str(doc.get(p, 'value')))];
        const hit = names.find((n) => n !== undefined && TEKTON_PUSHING_TASKS.test(n));
        if (hit) out.push({ kind: 'push', text: `catalog task ${hit}`, line: doc.line(ref) });
      }
      if (out.length >= MAX_FOUND) return out;
    }
  }
  return out;
}

const TEKTON_KIND = /^kind:\s*['"]?(Task|ClusterTask|TaskRun|Pipeline|PipelineRun)['"]?\s*$/m;

// ------------------------------------------------------------------ Azure Pipelines

/**
 * Docker@2 (https://learn.microsoft.com/azure/devops/pipelines/tasks/reference/docker-v2): `command` defaults to
 * buildAndPush; push and buildAndPush push. Docker@0/1 push with "Push an image(s)" / push. DockerCompose: "Push
 * services". Notation@0 (`command: sign`) signs.
 */
function azureSteps(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const docs = docsOf(text);
  if (docs.length === 0) return byLine(text, /\btask:\s*['"]?(Docker(Compose)?@\d+|Notation@\d+)/, 'push', (m) => `task ${m[1]}`);
  for (const doc of docs) {
    for (const m of maps(doc)) {
      const task = doc.str(doc.get(m, 'task'));
      if (!task) continue;
      const inputs = doc.get(m, 'inputs');
      const input = (k: string): string | undefined => doc.str(doc.get(inputs, k));
      const line = doc.line(m);
      const [name, version] = task.split('@');
      const v = Number(version ?? '0');
      if (name === 'Docker') {
        const command = (input('command') ?? (v >= 2 ? 'buildAndPush' : 'Build an image')).toLowerCase();
        if (/push/.test(command)) out.push({ kind: 'push', text: `task ${task} (${command})`, line });
      } else if (name === 'DockerCompose') {
        if (/push/i.test(input('action') ?? '')) out.push({ kind: 'push', text: `task ${task} (${input('action')})`, line });
      } else if (name === 'Notation') {
        if ((input('command') ?? '').toLowerCase() === 'sign') out.push({ kind: 'sign', text: `task ${task} (sign)`, line });
      }
      if (out.length >= MAX_FOUND) return out;
    }
  }
  return out;
}

// ------------------------------------------------------------------ CircleCI

/**
 * Orb jobs and commands that push (https://circleci.com/developer/orbs: circleci/docker `publish` (unless
 * `deploy: false`) and `push`, circleci/aws-ecr and circleci/gcp-gcr `build-and-push-image` / `push-image`,
 * circleci/azure-acr `build-and-push-image`), under whatever alias the config gives the orb.
 */
const CIRCLE_PUSH = /^[\w-]+\/(publish|push|push[-_]image|build[-_]and[-_]push[-_]image|build[-_]and[-_]push)$/;

function circleSteps(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const docs = docsOf(text);
  if (docs.length === 0) return byLine(text, /(?:^|\s|-\s*)([\w-]+\/(?:publish|push|push[-_]image|build[-_]and[-_]push[-_]image))\b/, 'push', (m) => `orb ${m[1]}`);
  for (const doc of docs) {
    const seen = new Set<string>();
    const visit = (n: Node | null, depth: number): void => {
      if (!n || depth > 40 || out.length >= MAX_FOUND) return;
      if (doc.isSeq(n)) for (const i of doc.items(n)) visit(i, depth + 1);
      else if (doc.isMap(n)) {
        for (const e of doc.entries(n)) {
          if (e.key === 'requires' || e.key === 'filters' || e.key === 'context') continue;
          if (CIRCLE_PUSH.test(e.key) && !(e.key.endsWith('/publish') && doc.str(doc.get(e.value, 'deploy')) === 'false')) add(e.key, doc.line(e.keyNode));
          visit(doc.deref(e.value), depth + 1);
        }
      } else {
        const s = doc.str(n);
        if (s && CIRCLE_PUSH.test(s)) add(s, doc.line(n));
      }
    };
    const add = (what: string, line: number): void => {
      if (seen.has(`${what}:${line}`)) return;
      seen.add(`${what}:${line}`);
      out.push({ kind: 'push', text: `orb ${what}`, line });
    };
    // Orb job and command names appear in workflows' jobs and in jobs' steps; `orbs:` itself only declares them,
    // and `requires:` only names a job that runs anyway.
    for (const key of ['workflows', 'jobs', 'commands']) visit(doc.get(doc.root, key), 0);
  }
  return out;
}

// ------------------------------------------------------------------ Buildkite

/**
 * The docker-compose plugin's `push:` (https://github.com/buildkite-plugins/docker-compose-buildkite-plugin) pushes;
 * a cosign plugin signs.
 */
function buildkiteSteps(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const docs = docsOf(text);
  if (docs.length === 0) {
    if (/docker-compose#/.test(text)) out.push(...byLine(text, /^\s*push\s*:/, 'push', () => 'docker-compose plugin push'));
    out.push(...byLine(text, /cosign(-buildkite-plugin)?#/, 'sign', () => 'cosign plugin'));
    return out;
  }
  for (const doc of docs) {
    for (const m of maps(doc)) {
      for (const e of doc.entries(m)) {
        if (/(^|\/)docker-compose(-buildkite-plugin)?#/.test(e.key) && doc.get(e.value, 'push')) out.push({ kind: 'push', text: `${e.key.replace(/#.*/, '')} plugin push`, line: doc.line(e.keyNode) });
        else if (/(^|\/)cosign(-buildkite-plugin)?#/.test(e.key)) out.push({ kind: 'sign', text: `${e.key.replace(/#.*/, '')} plugin`, line: doc.line(e.keyNode) });
      }
      if (out.length >= MAX_FOUND) return out;
    }
  }
  return out;
}

// ------------------------------------------------------------------ Drone and Woodpecker

/**
 * Image plugins push what they build unless `dry_run: true` (https://plugins.drone.io/plugins/docker,
 * https://woodpecker-ci.org/plugins/docker-buildx, kaniko, gcr, ecr, acr, gar).
 */
const PUSH_PLUGIN = /(^|\/)(plugins\/(docker|kaniko|gcr|ecr|acr|gar|buildx|docker-buildx)|[\w.-]+\/(drone|plugin|woodpecker-plugin)-(docker|docker-buildx|buildx|kaniko|buildah|ecr|gcr|gar)|woodpeckerci\/plugin-(docker-buildx|kaniko))(:|@|$)/;

function droneSteps(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const docs = docsOf(text);
  if (docs.length === 0) return byLine(text, /\bimage:\s*['"]?([\w./-]+)/, 'push', (m) => `plugin ${m[1]}`).filter((h) => PUSH_PLUGIN.test(h.text.slice('plugin '.length)));
  for (const doc of docs) {
    for (const m of maps(doc)) {
      const image = doc.str(doc.get(m, 'image'));
      if (!image || !PUSH_PLUGIN.test(image)) continue;
      const settings = doc.get(m, 'settings');
      const dry = truthy(doc.str(doc.get(settings, 'dry_run'))) || truthy(doc.str(doc.get(m, 'dry_run')));
      if (!dry) out.push({ kind: 'push', text: `plugin ${image.slice(0, 80)}`, line: doc.line(m) });
      if (out.length >= MAX_FOUND) return out;
    }
  }
  return out;
}

// ------------------------------------------------------------------ Bitbucket Pipelines

/** Pipes that push images (https://bitbucket.org/product/features/pipelines/integrations: *-push-image pipes). */
function bitbucketSteps(text: string): HiddenCommand[] {
  return byLine(text, /\bpipe:\s*['"]?([\w./-]*(push-image|docker-push|image-push)[\w./:-]*)/, 'push', (m) => `pipe ${m[1]}`);
}

// ------------------------------------------------------------------ the table

export const UNREAD_SYSTEMS: readonly UnreadSystem[] = [
  {
    ci: 'jenkins',
    matches: (p) => /(^|\/)(Jenkinsfile([._-][\w.-]*)?|[\w.-]+\.jenkinsfile)$/i.test(p),
    commandText: jenkinsCommands,
    steps: jenkinsSteps,
    docs: 'https://www.jenkins.io/doc/book/pipeline/jenkinsfile/',
  },
  {
    ci: 'tekton',
    // `.tekton/` (Pipelines as Code) by name; any other YAML file by content, outside GitHub's own files and tests.
    matches: (p) => /\.ya?ml$/i.test(p) && !p.startsWith('.github/') && (/(^|\/)\.tekton\//.test(p) || !SAMPLES.test(p)),
    content: (text) => text.includes('tekton.dev/') && /^apiVersion:\s*['"]?tekton\.dev\//m.test(text) && TEKTON_KIND.test(text),
    commandText: tektonCommands,
    steps: tektonSteps,
    docs: 'https://tekton.dev/docs/pipelines/',
  },
  {
    ci: 'circleci',
    matches: (p) => /^\.circleci\/[^/]+\.ya?ml$/i.test(p),
    steps: circleSteps,
    docs: 'https://circleci.com/docs/configuration-reference/',
  },
  {
    ci: 'azure-pipelines',
    matches: (p) => /(^|\/)azure-pipelines?([._-][\w.-]*)?\.ya?ml$/i.test(p) || /(^|\/)\.azure-pipelines\/.+\.ya?ml$/i.test(p),
    steps: azureSteps,
    docs: 'https://learn.microsoft.com/azure/devops/pipelines/yaml-schema/',
  },
  {
    ci: 'buildkite',
    matches: (p) => /^\.buildkite\/.+\.ya?ml$/i.test(p) || /^buildkite\.ya?ml$/i.test(p),
    steps: buildkiteSteps,
    docs: 'https://buildkite.com/docs/pipelines/configure/defining-steps',
  },
  {
    ci: 'drone',
    matches: (p) => /^\.drone\.(ya?ml|jsonnet|star)$/i.test(p),
    steps: droneSteps,
    docs: 'https://docs.drone.io/pipeline/overview/',
  },
  {
    ci: 'woodpecker',
    matches: (p) => /^\.woodpecker(\.ya?ml|\/.+\.ya?ml)$/i.test(p),
    steps: droneSteps,
    docs: 'https://woodpecker-ci.org/docs/usage/workflow-syntax',
  },
  {
    ci: 'bitbucket-pipelines',
    matches: (p) => /(^|\/)bitbucket-pipelines\.ya?ml$/i.test(p),
    steps: bitbucketSteps,
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/bitbucket-pipelines-configuration-reference/',
  },
];

/**
 * What a file of `system` shows of image work: push and sign commands and steps, by line. With `follow`, a command
 * line that calls a make target or a repository script (`sh 'make publish'`, `- run: ./hack/release.sh`) is
 * followed by the shared shell interpreter into the Makefile or script, where the push usually is.
 */
export function scanUnread(system: UnreadSystem, text: string, follow?: (command: string, line: number) => HiddenCommand[]): HiddenCommand[] {
  const commandText = system.commandText ? system.commandText(text) : text;
  const commands = scanHiddenCommands(commandText);
  const indirect: HiddenCommand[] = [];
  if (follow) {
    let followed = 0;
    for (const [i, raw] of lines(commandText).entries()) {
      if (followed >= MAX_FOLLOWED) break;
      const line = raw.slice(0, 4096).replace(/^\s*(-\s+)?([\w-]+:\s+)?/, '').trim();
      if (!INDIRECTION.test(line) || NOT_SHELL_SCRIPT.test(line.split(/\s/)[0]!)) continue;
      followed++;
      indirect.push(...follow(line, i + 1));
    }
  }
  const found = [...commands, ...system.steps(text), ...indirect].sort((a, b) => a.line - b.line);
  const seen = new Set<string>();
  return found.filter((h) => !seen.has(`${h.kind}:${h.line}:${h.text}`) && seen.add(`${h.kind}:${h.line}:${h.text}`)).slice(0, MAX_FOUND);
}

/** A command line that runs a make target or a repository script (the usual home of a release's push). */
const INDIRECTION = /^(sudo\s+)?((g?make)(\s|$)|\.{1,2}\/[\w./-]+|(ba)?sh\s+(\.{1,2}\/)?[\w./-]+\.(sh|bash)\b|[\w-]+\/[\w./-]+\.(sh|bash)(\s|$))/;
/** Scripts in other languages (PowerShell, batch, Python…): not followed by the shell interpreter. */
const NOT_SHELL_SCRIPT = /\.(ps1|psm1|bat|cmd|py|rb|js|ts|groovy|pl)$/i;
/** Command lines of one file followed into make and scripts. */
const MAX_FOLLOWED = 20;
