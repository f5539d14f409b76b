// `npm run bench`: what one pull-request check costs, as a fresh process (Node start included), in CPU time
// (user + system, what the runner bills and what machine load distorts least) and wall time, median and range over
// N runs, with peak RSS. Each tree is measured interleaved with a reference workload — a bare js-yaml parse of every
// YAML file of the same tree (scripts/bench/reference-js-yaml.mjs) — so the ratio cancels out load on the machine,
// and next to floors: `node -e 0`, starting the CLI (`--version`: Node start plus loading the entry chunk), and
// walking and reading the tree without parsing (scripts/bench/walk-read.mjs).
//
// Trees: an empty repository (no workflows), the bundled example, a generated monorepo, and the two large corpus
// trees in ../shared/corpus when present. Targets (issue 13): kyverno/kyverno CPU at most 1.0x the reference and
// peak RSS under 160 MB; the example under 150 ms CPU on Node 24; the empty tree under 100 ms CPU.
//
// The Action runs on Node 24 (action.yml `runs.using: node24`); the CLI also on Node 20. Each tree is measured with
// the Node running this script and, when found, a Node 24 binary: `--node PATH`, or the one .ci/run installs in
// $TMPDIR/isa-node24 (`npm install --prefix $TMPDIR/isa-node24 node@24`). A benchmark, not a test: it exits 0.
//
// Usage: node scripts/bench.mjs [--runs N] [--keep] [--json] [--node PATH] [--only NAME[,NAME]]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const runs = Math.max(1, Number(runsArg >= 0 ? argv[runsArg + 1] : 5) || 5);
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? argv[onlyArg + 1].split(',') : undefined;
const keep = argv.includes('--keep');
const asJson = argv.includes('--json');
const cli = join(root, 'dist', 'cli.js');
const nodeArg = argv.indexOf('--node');
const node24Default = join(process.env.TMPDIR || tmpdir(), 'isa-node24', 'node_modules', '.bin', 'node');
const extraNode = nodeArg >= 0 ? argv[nodeArg + 1] : existsSync(node24Default) ? node24Default : undefined;
const nodes = [process.execPath, ...(extraNode && extraNode !== process.execPath ? [extraNode] : [])];
const nodeVersion = (bin) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
const corpus = resolve(root, '..', 'shared', 'corpus');

if (!existsSync(cli)) {
  console.log(`bench: ${cli} is missing; run "npm run build" first.`);
  process.exit(0);
}

// ---- generated trees (deterministic: same input every run) --------------------------------------------------

function write(base, rel, text) {
  const p = join(base, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

function workflowBuildPushCosign(i) {
  return `name: image-${i}
on:
  push:
    branches: [main]
    tags: ['v*']
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: write
    env:
      IMAGE: ghcr.io/\${{ github.repository_owner }}/svc-${i}
    steps:
      - uses: ${CHECKOUT}
      - uses: sigstore/cosign-installer@v3
      - uses: docker/setup-buildx-action@v3
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.IMAGE }}
          tags: |
            type=ref,event=branch
            type=semver,pattern={{version}}
      - id: build
        uses: docker/build-push-action@v6
        with:
          context: services/svc-${i}
          push: \${{ github.event_name != 'pull_request' }}
          tags: \${{ steps.meta.outputs.tags }}
      - name: Sign
        if: github.event_name != 'pull_request'
        run: cosign sign --yes "\${IMAGE}@\${{ steps.build.outputs.digest }}"
`;
}

function workflowRunDockerPush(i) {
  return `name: legacy-${i}
on: [push]
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - name: Build and push
        env:
          REGISTRY: quay.io/acme
        run: |
          docker build -t "$REGISTRY/legacy-${i}:\${GITHUB_SHA}" \\
            --build-arg VERSION=\${GITHUB_REF_NAME} services/legacy-${i}
          for tag in "\${GITHUB_SHA}" latest; do
            docker tag "$REGISTRY/legacy-${i}:\${GITHUB_SHA}" "$REGISTRY/legacy-${i}:$tag"
            docker push "$REGISTRY/legacy-${i}:$tag"
          done
`;
}

function workflowMake(i) {
  return `name: make-${i}
on:
  release:
    types: [published]
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      packages: write
    steps:
      - uses: ${CHECKOUT}
      - run: make docker-push-${i % 20} IMG_TAG=\${{ github.ref_name }}
      - run: make sign-${i % 20}
`;
}

function workflowMatrix(i) {
  return `name: matrix-${i}
on:
  push:
    tags: ['v*']
jobs:
  images:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        component: [api, worker, scheduler]
        include:
          - component: api
            port: 8080
    steps:
      - uses: ${CHECKOUT}
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/m${i}-\${{ matrix.component }}:\${{ github.ref_name }}
`;
}

function makefile() {
  let m = 'REGISTRY ?= ghcr.io/acme\nIMG_TAG ?= dev\n\n';
  for (let t = 0; t < 20; t++) {
    m += `docker-push-${t}:\n\tdocker buildx build --push -t $(REGISTRY)/made-${t}:$(IMG_TAG) services/made-${t}\n\n`;
    m += `sign-${t}:\n\tcosign sign --yes $(REGISTRY)/made-${t}:$(IMG_TAG)\n\n`;
  }
  return m;
}

function deployment(app, i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: team-${i % 25}
  labels:
    app.kubernetes.io/name: ${app}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
    spec:
      containers:
        - name: ${app}
          image: ghcr.io/acme/${app}:1.${i % 10}.0
          ports:
            - containerPort: 8080
          resources:
            limits:
              cpu: 500m
              memory: 256Mi
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: team-${i % 25}
spec:
  selector:
    app.kubernetes.io/name: ${app}
  ports:
    - port: 80
      targetPort: 8080
`;
}

function kyvernoPolicy(i) {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: verify-images-${i}
spec:
  validationFailureAction: ${i % 2 ? 'Enforce' : 'Audit'}
  webhookTimeoutSeconds: 30
  rules:
    - name: verify-signature
      match:
        any:
          - resources:
              kinds: [Pod]
      verifyImages:
        - imageReferences:
            - "ghcr.io/acme/svc-${i}*"
          attestors:
            - entries:
                - keyless:
                    subject: "https://github.com/acme/mono/.github/workflows/image-${i}.yml@refs/heads/main"
                    issuer: "https://token.actions.githubusercontent.com"
`;
}

function clusterImagePolicy(i) {
  return `apiVersion: policy.sigstore.dev/v1beta1
kind: ClusterImagePolicy
metadata:
  name: acme-${i}
spec:
  images:
    - glob: "ghcr.io/acme/**"
  authorities:
    - keyless:
        url: https://fulcio.sigstore.dev
        identities:
          - issuer: https://token.actions.githubusercontent.com
            subjectRegExp: "^https://github.com/acme/mono/.*$"
`;
}

function helmChart(base, name) {
  write(base, `charts/${name}/Chart.yaml`, `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1.0.0"\n`);
  write(base, `charts/${name}/values.yaml`, `image:\n  repository: ghcr.io/acme/${name}\n  tag: ""\nreplicaCount: 1\n`);
  write(
    base,
    `charts/${name}/templates/deployment.yaml`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "${name}.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          {{- with .Values.resources }}
          resources: {{- toYaml . | nindent 12 }}
          {{- end }}
`,
  );
  write(base, `charts/${name}/templates/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "${name}.fullname" . }}\n`);
}

function generateMonorepo(base) {
  const shapes = [workflowBuildPushCosign, workflowRunDockerPush, workflowMake, workflowMatrix];
  for (let i = 0; i < 400; i++) write(base, `.github/workflows/wf-${String(i).padStart(3, '0')}.yml`, shapes[i % shapes.length](i));
  write(base, 'Makefile', makefile());
  for (let i = 0; i < 3000; i++) write(base, `deploy/team-${i % 25}/app-${i}.yaml`, deployment(`app-${i}`, i));
  for (let i = 0; i < 60; i++) write(base, `policies/kyverno/verify-${i}.yaml`, kyvernoPolicy(i));
  for (let i = 0; i < 20; i++) write(base, `policies/sigstore/cip-${i}.yaml`, clusterImagePolicy(i));
  for (let i = 0; i < 150; i++) helmChart(base, `chart-${i}`);
  for (let i = 0; i < 300; i++) write(base, `services/svc-${i}/Dockerfile`, `FROM gcr.io/distroless/static:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]\n`);
  for (let i = 0; i < 200; i++) write(base, `docs/page-${i}.md`, `# Page ${i}\n\nNothing to see: \`docker push example/x\`.\n`);
}

// ---- measurement -----------------------------------------------------------------------------------------

const usagePreload = pathToFileURL(join(root, 'scripts', 'bench', 'usage.mjs')).href;
const reference = join(root, 'scripts', 'bench', 'reference-js-yaml.mjs');
const walkRead = join(root, 'scripts', 'bench', 'walk-read.mjs');

/** The Node flags of dist/cli.js's shebang (`#!/usr/bin/env -S node FLAGS`), which a user running the CLI gets. */
const CLI_FLAGS = (() => {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node\b(.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
})();

/** One fresh process: CPU (user + system) and peak RSS from inside it, wall time from outside. */
function runProcess(nodeBin, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(nodeBin, ['--import', usagePreload, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /ISA_USAGE (\{.*\})/.exec(r.stderr ?? '');
  const usage = m ? JSON.parse(m[1]) : undefined;
  return {
    wallMs,
    cpuMs: usage ? (usage.userUs + usage.systemUs) / 1000 : NaN,
    rssMb: usage ? usage.maxRssKb / 1024 : NaN,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

function runCli(nodeBin, dir) {
  const r = runProcess(nodeBin, [...CLI_FLAGS, cli, dir, '--format', 'json']);
  let images;
  try {
    images = JSON.parse(r.stdout).images?.length;
  } catch {
    images = undefined;
  }
  return { ...r, images, ok: r.status === 0 && images !== undefined };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** Floors of one runtime: an empty Node process and starting the CLI. */
function floors(nodeBin) {
  const empty = [];
  const start = [];
  for (let i = 0; i < runs; i++) {
    empty.push(runProcess(nodeBin, ['-e', '0']).cpuMs);
    start.push(runProcess(nodeBin, [...CLI_FLAGS, cli, '--version']).cpuMs);
  }
  return { nodeE0CpuMs: stats(empty), cliVersionCpuMs: stats(start) };
}

/**
 * One tree on one runtime: `runs` rounds, each running the reference and the CLI back to back (alternating which
 * goes first, so neither always gets the warmer file cache), plus the walk-and-read floor.
 */
function measure(tree, nodeBin) {
  const cliRuns = [];
  const refRuns = [];
  const walkRuns = [];
  for (let i = 0; i < runs; i++) {
    const pair = [() => cliRuns.push(runCli(nodeBin, tree.dir)), () => refRuns.push(runProcess(nodeBin, [reference, tree.dir]))];
    if (i % 2) pair.reverse();
    for (const run of pair) run();
    walkRuns.push(runProcess(nodeBin, [walkRead, tree.dir]));
  }
  const ok = cliRuns.every((r) => r.ok);
  const ratios = cliRuns.map((r, i) => r.cpuMs / refRuns[i].cpuMs);
  const row = {
    tree: tree.label,
    node: nodeVersion(nodeBin),
    runs,
    images: cliRuns[0]?.images,
    cpuMs: stats(cliRuns.map((r) => r.cpuMs)),
    wallMs: stats(cliRuns.map((r) => r.wallMs)),
    peakRssMb: Math.max(...cliRuns.map((r) => r.rssMb)),
    referenceCpuMs: stats(refRuns.map((r) => r.cpuMs)),
    referenceWallMs: stats(refRuns.map((r) => r.wallMs)),
    cpuRatio: stats(ratios),
    walkReadCpuMs: stats(walkRuns.map((r) => r.cpuMs)),
    ...(ok ? {} : { error: cliRuns.find((r) => !r.ok)?.stderr?.slice(0, 300) }),
  };
  const misses = tree.targets.map((t) => t(row, nodeBin)).filter(Boolean);
  return { ...row, targets: tree.targetText, result: !ok ? 'ERROR' : tree.targets.length === 0 ? '-' : misses.length ? `MISS (${misses.join('; ')})` : 'PASS' };
}

const isNode24 = (nodeBin) => nodeVersion(nodeBin).startsWith('v24.');
const work = mkdtempSync(join(tmpdir(), 'isa-bench-'));
const mono = join(work, 'monorepo');
const empty = join(work, 'empty');
generateMonorepo(mono);
write(empty, 'README.md', '# A repository with no pipelines\n');
write(empty, 'main.go', 'package main\n\nfunc main() {}\n');

const trees = [
  {
    name: 'empty',
    label: 'empty tree (no workflows)',
    dir: empty,
    targetText: '< 100 ms CPU',
    targets: [(r) => (r.cpuMs.median < 100 ? undefined : `${Math.round(r.cpuMs.median)} ms CPU`)],
  },
  {
    name: 'example',
    label: 'example (examples/signed-and-enforced)',
    dir: join(root, 'examples', 'signed-and-enforced'),
    targetText: '< 150 ms CPU on Node 24',
    targets: [(r, nodeBin) => (!isNode24(nodeBin) || r.cpuMs.median < 150 ? undefined : `${Math.round(r.cpuMs.median)} ms CPU`)],
  },
  { name: 'monorepo', label: 'generated monorepo (400 workflows, 3,000 manifests, 150 charts)', dir: mono, targetText: '', targets: [] },
  {
    name: 'kyverno+kyverno',
    label: 'corpus kyverno/kyverno',
    dir: join(corpus, 'repos', 'kyverno+kyverno'),
    targetText: '<= 1.0x reference CPU, < 160 MB',
    targets: [
      (r) => (r.cpuRatio.median <= 1.0 ? undefined : `${r.cpuRatio.median.toFixed(2)}x`),
      (r) => (r.peakRssMb < 160 ? undefined : `${Math.round(r.peakRssMb)} MB`),
    ],
  },
  { name: 'kyverno+policies', label: 'corpus kyverno/policies', dir: join(corpus, 'repos', 'kyverno+policies'), targetText: '', targets: [] },
].filter((t) => (!only || only.includes(t.name)) && existsSync(t.dir));
const corpusNote = existsSync(join(corpus, 'repos')) ? undefined : `corpus trees not found under ${join(corpus, 'repos')}; only generated trees and the example measured`;

const results = nodes.map((nodeBin) => ({ node: nodeVersion(nodeBin), floors: floors(nodeBin), rows: trees.map((t) => measure(t, nodeBin)) }));
if (!keep) rmSync(work, { recursive: true, force: true });

if (asJson) {
  process.stdout.write(`${JSON.stringify({ runs, results, ...(corpusNote ? { note: corpusNote } : {}) }, null, 2)}\n`);
  process.exit(0);
}
const ms = (s) => `${Math.round(s.median)} [${Math.round(s.min)}-${Math.round(s.max)}]`;
const x = (s) => `${s.median.toFixed(2)}x [${s.min.toFixed(2)}-${s.max.toFixed(2)}]`;
const header = ['tree', 'CPU ms', 'wall ms', 'RSS MB', 'ref CPU ms', 'CPU / ref', 'walk+read CPU ms', 'images', 'target', 'result'];
console.log(`bench: ${runs} runs per tree, interleaved with the js-yaml reference; median [min-max]; whole process (Node start included)${keep ? `; trees kept in ${work}` : ''}`);
for (const { node, floors: f, rows } of results) {
  console.log(`\nnode ${node}: floors (CPU ms) node -e 0 ${ms(f.nodeE0CpuMs)}, CLI --version ${ms(f.cliVersionCpuMs)}`);
  const table = rows.map((r) => [r.tree, ms(r.cpuMs), ms(r.wallMs), String(Math.round(r.peakRssMb)), ms(r.referenceCpuMs), x(r.cpuRatio), ms(r.walkReadCpuMs), String(r.images ?? '-'), r.targets || '-', r.result]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  for (const r of rows) if (r.error) console.log(`${r.tree}: ${r.error}`);
}
if (corpusNote) console.log(corpusNote);
process.exit(0);
