// `npm run bench`: whole-process wall time (median of N runs, Node start included) and peak RSS of
// `node dist/cli.js <dir> --format json` on a generated monorepo, a generated small repository, and the large
// corpus trees in ../shared/corpus when present. A benchmark, not a test: it always exits 0.
//
// The Action runs on Node 24 (action.yml `runs.using: node24`); the CLI also on Node 20. Each tree is measured with
// the Node running this script and, when found, a Node 24 binary: `--node PATH`, or the one .ci/run installs in
// $TMPDIR/isa-node24 (`npm install --prefix $TMPDIR/isa-node24 node@24`).
//
// Usage: node scripts/bench.mjs [--runs N] [--keep] [--json] [--node PATH]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const runs = Math.max(1, Number(runsArg >= 0 ? argv[runsArg + 1] : 5) || 5);
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

function generateSmall(base) {
  write(base, '.github/workflows/ci.yml', `name: ci\non: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n      - run: make test\n`);
  write(base, '.github/workflows/release.yml', workflowBuildPushCosign(0));
  write(base, '.github/workflows/legacy.yml', workflowRunDockerPush(1));
  write(base, 'Makefile', 'test:\n\tgo test ./...\n');
  write(base, 'deploy/app.yaml', deployment('app', 0));
}

// ---- measurement -----------------------------------------------------------------------------------------

/** Runs the CLI in a wrapper that reports peak RSS; the CLI reads process.argv.slice(2), so argv is rebuilt first. */
function runOnce(dir, nodeBin) {
  const cliUrl = pathToFileURL(cli).href;
  const wrapper = [
    `process.argv = [process.argv[0], ${JSON.stringify(cli)}, ...process.argv.slice(1)];`,
    `process.on('exit', () => process.stderr.write('ISA_MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));`,
    `await import(${JSON.stringify(cliUrl)});`,
  ].join('\n');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(nodeBin, ['--input-type=module', '-e', wrapper, '--', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = /ISA_MAXRSS (\d+)/.exec(r.stderr ?? '');
  let images;
  try {
    images = JSON.parse(r.stdout).images?.length;
  } catch {
    images = undefined;
  }
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN, ok: r.status === 0 && images !== undefined, images, stderr: r.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function measure(label, dir, target, nodeBin) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(runOnce(dir, nodeBin));
  const ms = median(samples.map((s) => s.ms));
  const rssMb = Math.max(...samples.map((s) => s.rssMb));
  const ok = samples.every((s) => s.ok);
  const pass = ok && ms < target.ms && (target.mb === undefined || rssMb < target.mb);
  return { label, node: nodeVersion(nodeBin), dir, runs, medianMs: Math.round(ms), peakRssMb: Math.round(rssMb), images: samples[0]?.images, target, result: ok ? (pass ? 'PASS' : 'MISS') : 'ERROR', ...(ok ? {} : { error: samples.find((s) => !s.ok)?.stderr?.slice(0, 300) }) };
}

const work = mkdtempSync(join(tmpdir(), 'isa-bench-'));
const mono = join(work, 'monorepo');
const small = join(work, 'small');
generateMonorepo(mono);
generateSmall(small);

const rows = [];
let corpusNote;
for (const nodeBin of nodes) {
  rows.push(measure('small repository (3 workflows)', small, { ms: 250 }, nodeBin));
  rows.push(measure('generated monorepo (400 workflows, 3,000 manifests, 150 charts)', mono, { ms: 1000, mb: 200 }, nodeBin));
  for (const name of ['kyverno+kyverno', 'kyverno+policies']) {
    const dir = join(corpus, 'repos', name);
    if (existsSync(dir)) rows.push(measure(`corpus ${name.replace('+', '/')}`, dir, { ms: 1000, mb: 200 }, nodeBin));
    else corpusNote = `corpus trees not found under ${join(corpus, 'repos')}; only generated trees measured`;
  }
}
if (!keep) rmSync(work, { recursive: true, force: true });

if (asJson) {
  process.stdout.write(`${JSON.stringify({ nodes: nodes.map(nodeVersion), runs, rows, ...(corpusNote ? { note: corpusNote } : {}) }, null, 2)}\n`);
  process.exit(0);
}
const header = ['node', 'target tree', 'median ms', 'peak RSS MB', 'images', 'target', 'result'];
const table = rows.map((r) => [
  r.node,
  r.label,
  String(r.medianMs),
  String(r.peakRssMb),
  String(r.images ?? '-'),
  `< ${r.target.ms} ms${r.target.mb ? `, < ${r.target.mb} MB` : ''}`,
  r.result,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`bench: median of ${runs} runs, whole process (Node start included)${keep ? `, trees kept in ${work}` : ''}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
for (const r of rows) if (r.error) console.log(`${r.label}: ${r.error}`);
if (corpusNote) console.log(corpusNote);
process.exit(0);
