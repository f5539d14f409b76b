// Trees: the fuzzed inputs of one CLI run, where each goes in the checkout, and the driver workflow that reaches
// the ones a workflow must call (scripts, Makefiles, composite actions, goreleaser and bake configs). A tree is
// plain data ({ inputs }) so the minimizer can drop inputs and shrink them and lay the tree out again.
import { Buffer } from 'node:buffer';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATORS } from './generators.mjs';
import { MAX_MUTATED_BYTES, mutate, toBytes } from './mutators.mjs';
import { seedOf, Rng } from './prng.mjs';
import { HELM_VALUES, SEEDS } from './seeds.mjs';

/** Marker that only files outside the scanned tree contain: seeing it in a report means a symlink was followed. */
export const CANARY = 'canary-outside-the-tree';
/**
 * Most inputs are light (generators and mutators stay under LIGHT_BYTES) so that a tree runs in well under a
 * second; one tree in HEAVY_TREES may hold up to MAX_HEAVY heavy inputs, up to the reader's 1 MiB cap, which is
 * where blow-ups (repetition ×N, nesting ×N, huge values) show.
 */
const LIGHT_BYTES = 24 * 1024;
const HEAVY_TREES = 0.15;
const MAX_HEAVY = 2;

const KIND_WEIGHTS = {
  workflow: 10,
  action: 5,
  script: 9,
  make: 7,
  goreleaser: 5,
  bake: 5,
  manifest: 7,
  helm: 4,
  config: 2,
};

function baseText(rng, corpus, kind, limit) {
  const r = rng.float();
  if (corpus && r < 0.3) {
    const chosen = kind ?? rng.pick(corpus.kinds);
    const got = corpus.pick(rng, chosen, limit);
    if (got) return { kind: chosen, text: got.text, base: `corpus:${got.name}` };
  }
  if (r < 0.6) {
    const candidates = kind ? SEEDS.filter((s) => s.kind === kind) : SEEDS;
    const seed = rng.pick(candidates.length ? candidates : SEEDS);
    return { kind: seed.kind, text: toBytes(seed.text), base: `seed:${seed.name}` };
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const gen = rng.weighted(GENERATORS);
    const g = gen(rng.fork('gen'), limit);
    if (!kind || g.kind === kind || attempt === 19) return { kind: g.kind, text: toBytes(g.text), base: `gen:${g.name}` };
  }
  throw new Error('unreachable');
}

/**
 * One fuzzed input: a base (seed, corpus file or generated file) and, usually, some mutations. `limit` bounds
 * what generators and mutators make (a light input stays small; a heavy one may approach the reader's 1 MiB cap).
 */
export function generateInput(rng, corpus, limit = LIGHT_BYTES) {
  const wantKind = rng.chance(0.5) ? rng.weighted(Object.entries(KIND_WEIGHTS).map(([k, w]) => [w, k])) : undefined;
  const base = baseText(rng, corpus, wantKind, limit);
  let text = base.text;
  let ops = [];
  if (rng.chance(base.base.startsWith('gen:') ? 0.4 : 0.7)) {
    const m = mutate(rng, text, {
      kind: base.kind,
      maxBytes: Math.max(limit, text.length),
      other: () => baseText(rng, corpus, undefined, limit).text,
    });
    text = m.text;
    ops = m.ops;
  }
  return { kind: base.kind, text, origin: { base: base.base, ops }, form: rng.int(0, 1 << 20) };
}

/** A symbolic link at a pipeline path pointing outside the tree, at files holding the canary. */
function generateLink(rng) {
  const target = rng.pick(['file', 'dir', 'absolute', 'parent', 'dangling', 'loop']);
  const at = rng.pick(['script', 'workflow', 'action', 'make', 'manifest', 'config', 'github-dir']);
  return { kind: 'symlink', text: '', link: { target, at }, origin: { base: `symlink:${at}->${target}`, ops: [] }, form: rng.int(0, 1 << 20) };
}

/** Tree number `index` of a run with `seed`: the same inputs whatever happened before it. */
export function generateTree(seed, index, filesPerTree, corpus) {
  const rng = new Rng(seedOf(seed, 'tree', index));
  const inputs = [];
  let heavyLeft = rng.chance(HEAVY_TREES) ? MAX_HEAVY : 0;
  let configs = 0;
  for (let i = 0; i < filesPerTree; i++) {
    const heavy = heavyLeft > 0 && rng.chance(0.35);
    if (heavy) heavyLeft--;
    const input = rng.chance(0.02) ? generateLink(rng) : generateInput(rng.fork(`input-${i}`), corpus, heavy ? MAX_MUTATED_BYTES : LIGHT_BYTES);
    // Corpus files and seeds may start above the light bound; they are kept whole (they are real shapes).
    if (!heavy && input.text.length > 4 * LIGHT_BYTES) input.text = input.text.slice(0, 4 * LIGHT_BYTES);
    // One configuration file is read; another one would only be an unread YAML file.
    if (input.kind === 'config' && configs++ > 0) input.kind = 'manifest';
    inputs.push(input);
  }
  return { seed, index, inputs };
}

// ---- layout -------------------------------------------------------------------------------------------------

function makeTargets(text) {
  const names = [];
  for (const m of text.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)) {
    if (!names.includes(m[1]) && !m[1].startsWith('.')) names.push(m[1]);
    if (names.length >= 3) break;
  }
  return names.length ? names : ['all'];
}

function pathFor(input, i) {
  switch (input.kind) {
    case 'workflow':
      return `.github/workflows/f${i}.yml`;
    case 'action':
      return `.github/actions/a${i}/action.yml`;
    case 'script':
      return `scripts/s${i}.sh`;
    case 'make':
      return `mk${i}/Makefile`;
    case 'goreleaser':
      return `gr${i}/.goreleaser.yml`;
    case 'bake':
      return /^\s*\{/.test(input.text) ? `bk${i}/docker-bake.json` : `bk${i}/docker-bake.hcl`;
    case 'helm':
      return `charts/c${i}/templates/policy.yaml`;
    case 'config':
      return '.github/image-signing-audit.yml';
    // Read by name wherever they are (src/ci/cloudbuild, src/ci/unread): no driver step needed.
    case 'cloudbuild':
      return `cb${i}/cloudbuild.yaml`;
    case 'jenkins':
      return `jk${i}/Jenkinsfile`;
    default:
      return `deploy/p${i}.yaml`;
  }
}

/** The step or job of the driver workflow that makes the analysis read input i, if it needs one. */
function driverFor(input, i, path) {
  const form = input.form & 1;
  switch (input.kind) {
    case 'action':
      return { step: `- uses: ./.github/actions/a${i}\n  with:\n    image: ghcr.io/o/a${i}\n    push: 'true'` };
    case 'script':
      return { step: form ? `- run: bash ${path} v1.2.3` : `- run: |\n    chmod +x ${path}\n    ./${path} "\${{ github.ref_name }}"` };
    case 'make':
      return { step: `- run: make -C mk${i} ${makeTargets(input.text).join(' ')}${form ? ' REGISTRY=ghcr.io/o' : ''}` };
    case 'goreleaser':
      return { step: form ? `- uses: goreleaser/goreleaser-action@v6\n  with:\n    args: release --clean\n    workdir: gr${i}` : `- run: goreleaser release --clean -f ${path}` };
    case 'bake':
      return { step: form ? `- uses: docker/bake-action@v5\n  with:\n    files: ${path}\n    push: true` : `- run: docker buildx bake -f ${path} --push` };
    case 'workflow':
      return /workflow_call/.test(input.text) && form ? { job: `uses: ./${path}\nsecrets: inherit` } : undefined;
    case 'symlink':
      if (input.link.at === 'script') return { step: `- run: bash scripts/l${i}.sh` };
      if (input.link.at === 'action' || input.link.at === 'github-dir') return { step: `- uses: ./.github/actions/l${i}` };
      if (input.link.at === 'make') return { step: `- run: make -C ml${i} push` };
      return undefined;
    default:
      return undefined;
  }
}

function indentBlock(text, n) {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export const DRIVER_PATH = '.github/workflows/zz-fuzz-driver.yml';

/**
 * Files of a tree: [{ path, bytes? , linkTo? , role }] where role is 'input' (index into tree.inputs), 'driver' or
 * 'companion'. `outside` holds the canary files the symlinks point at (written next to the tree, not in it).
 */
export function layout(tree, { driver = true } = {}) {
  const files = [];
  const jobs = [];
  tree.inputs.forEach((input, i) => {
    if (input.kind === 'symlink') {
      files.push(...linkFiles(input, i));
    } else {
      const path = pathFor(input, i);
      files.push({ path, bytes: input.text, role: 'input', input: i });
      if (input.kind === 'helm') {
        files.push({ path: `charts/c${i}/Chart.yaml`, bytes: `apiVersion: v2\nname: c${i}\nversion: 0.1.0\n`, role: 'companion', input: i });
        files.push({ path: `charts/c${i}/values.yaml`, bytes: HELM_VALUES, role: 'companion', input: i });
      }
    }
    const d = driverFor(input, i, pathFor(input, i));
    if (d) jobs.push({ i, ...d });
  });
  if (driver && jobs.length) {
    const body = jobs
      .map(({ i, step, job }) => (job ? `  call${i}:\n${indentBlock(job, 4)}` : `  d${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${indentBlock(step, 6)}`))
      .join('\n');
    const text = `name: fuzz-driver\non:\n  push:\n    branches: [main]\n    tags: ['v*']\npermissions:\n  contents: read\n  packages: write\n  id-token: write\njobs:\n${body}\n`;
    files.push({ path: DRIVER_PATH, bytes: text, role: 'driver' });
  }
  return files;
}

function linkFiles(input, i) {
  const { at, target } = input.link;
  const path = {
    script: `scripts/l${i}.sh`,
    workflow: `.github/workflows/l${i}.yml`,
    action: `.github/actions/l${i}/action.yml`,
    'github-dir': `.github/actions/l${i}`,
    make: `ml${i}/Makefile`,
    manifest: `deploy/l${i}.yaml`,
    config: '.github/image-signing-audit.yml',
  }[at];
  const outsideFile = { script: 'canary.sh', workflow: 'canary.yml', action: 'action.yml', make: 'Makefile', manifest: 'policy.yaml', config: 'config.yml', 'github-dir': '' }[at];
  // Relative to the link's own folder: one `..` per path segment climbs from the link's folder out of repo/.
  const rel = '../'.repeat(path.split('/').length) + 'outside/';
  let linkTo;
  if (target === 'dangling') linkTo = rel + 'does-not-exist';
  else if (target === 'loop') linkTo = path.split('/').pop();
  else if (target === 'parent') linkTo = rel + '../outside/' + outsideFile;
  else if (target === 'absolute') linkTo = '@OUTSIDE@/' + outsideFile;
  else if (target === 'dir' || at === 'github-dir') linkTo = rel.replace(/\/$/, '') + (at === 'github-dir' ? '/actiondir' : '');
  else linkTo = rel + outsideFile;
  return [{ path, linkTo, role: 'input', input: i }];
}

const CANARY_FILES = {
  'canary.sh': `docker push ghcr.io/${CANARY}/script:1\ncosign sign ghcr.io/${CANARY}/script:1\n`,
  'canary.yml': `name: ${CANARY}\non: push\njobs:\n  ${CANARY}:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/${CANARY}/workflow:1\n`,
  'action.yml': `name: ${CANARY}\nruns:\n  using: composite\n  steps:\n    - run: docker push ghcr.io/${CANARY}/action:1\n      shell: bash\n`,
  'actiondir/action.yml': `name: ${CANARY}\nruns:\n  using: composite\n  steps:\n    - run: docker push ghcr.io/${CANARY}/actiondir:1\n      shell: bash\n`,
  Makefile: `push:\n\tdocker push ghcr.io/${CANARY}/make:1\n`,
  'policy.yaml': `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ${CANARY}\nspec:\n  validationFailureAction: Enforce\n  rules:\n  - name: ${CANARY}\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    verifyImages:\n    - imageReferences: ['ghcr.io/${CANARY}/*']\n`,
  'config.yml': `require-images:\n  - ghcr.io/${CANARY}/config\n`,
};

/**
 * Writes a tree under `base`: `base/repo` is the checkout, `base/outside` the canary files. Returns the paths.
 * Write errors (a name the file system refuses) drop that file: the tree is still worth running.
 */
export function writeTree(base, files) {
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(repo, { recursive: true });
  if (files.some((f) => f.linkTo !== undefined)) {
    for (const [name, text] of Object.entries(CANARY_FILES)) {
      mkdirSync(dirname(join(outside, name)), { recursive: true });
      writeFileSync(join(outside, name), text);
    }
  }
  for (const f of files) {
    const abs = join(repo, f.path);
    try {
      mkdirSync(dirname(abs), { recursive: true });
      if (f.linkTo !== undefined) symlinkSync(f.linkTo.replace('@OUTSIDE@', outside), abs);
      else writeFileSync(abs, Buffer.from(f.bytes, 'latin1'));
    } catch {
      // e.g. a directory where a file was expected after a link; skip it
    }
  }
  return { repo, outside };
}

export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // best effort: the run's base directory is removed at exit too
  }
}

/** Bytes of the inputs (what counts as tried). */
export function treeBytes(tree) {
  return tree.inputs.reduce((n, x) => n + x.text.length, 0);
}
