// Grammar-based generators: random but well-shaped pipeline files of every kind the analyzer reads, plus
// generators of the shapes that stress a reader (long lines, deep nesting, huge values, NUL bytes, bidi and
// control characters, workflow-command text, anchors/aliases, doubling chains). Each returns { kind, text, name }
// with text as a JavaScript string (tree.mjs encodes it as UTF-8).
import { BIDI, COMMAND_TEXT, CONTROLS, hostileToken, maybeHostileName } from './hostile.mjs';

const REGISTRIES = ['ghcr.io', 'docker.io', 'quay.io', 'gcr.io', 'registry.gitlab.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'us-docker.pkg.dev/proj/repo', 'acme.azurecr.io', 'localhost:5000', 'registry.example.com:8443', 'index.docker.io'];
const ORGS = ['acme', 'example', 'o', '${{ github.repository_owner }}', 'team-x'];
const NAMES = ['api', 'worker', 'ui', 'controller', 'tool', 'site', 'operator', 'agent'];
const VARS = ['REGISTRY', 'IMAGE', 'TAG', 'VERSION', 'IMG', 'REPO', 'DIGEST', 'NAME', 'A', 'B', 'PLATFORMS', 'COSIGN_KEY'];
const ACTIONS = [
  'actions/checkout@v4', 'docker/login-action@v3', 'docker/setup-buildx-action@v3', 'docker/setup-qemu-action@v3', 'docker/metadata-action@v5',
  'docker/build-push-action@v6', 'docker/bake-action@v5', 'sigstore/cosign-installer@v3', 'goreleaser/goreleaser-action@v6', 'ko-build/setup-ko@v0.7',
  'actions/attest-build-provenance@v2', 'notaryproject/notation-action/sign@v1', 'redhat-actions/push-to-registry@v2', 'redhat-actions/buildah-build@v2',
  'aws-actions/amazon-ecr-login@v2', 'azure/docker-login@v2', 'slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v2.0.0',
  'some-org/unknown-action@main', 'docker://alpine:3.20', 'acme/actions/publish-image@v1',
];

// ---- small shared pieces ------------------------------------------------------------------------------------

export function imageRef(rng) {
  const r = rng.float();
  const reg = rng.pick(REGISTRIES);
  const base = `${reg}/${rng.pick(ORGS)}/${maybeHostileName(rng, rng.pick(NAMES))}`;
  if (r < 0.3) return `${base}:${rng.pick(['latest', 'v1.2.3', '${TAG}', '${{ github.sha }}', '$(VERSION)', '{{ .Version }}'])}`;
  if (r < 0.45) return `${base}@sha256:${'0123456789abcdef'.repeat(4)}`;
  if (r < 0.6) return `\${${rng.pick(VARS)}}/${rng.pick(NAMES)}`;
  if (r < 0.7) return `$${rng.pick(VARS)}`;
  return base;
}

function yamlScalar(rng, s) {
  const r = rng.float();
  if (r < 0.5) return s;
  if (r < 0.8) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

function indent(text, n) {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

// ---- GitHub expressions -------------------------------------------------------------------------------------

const CONTEXT_ATOMS = [
  'github.event_name', 'github.ref', 'github.ref_name', 'github.ref_type', 'github.repository', 'github.sha', 'github.actor', 'github.event.pull_request.head.repo.fork',
  'env.REGISTRY', 'env.IMAGE', 'inputs.push', 'inputs.image', 'matrix.component', 'matrix.os', 'needs.build.outputs.digest', 'steps.build.outputs.digest',
  'steps.meta.outputs.tags', 'secrets.GITHUB_TOKEN', 'vars.REGISTRY', 'runner.os', 'job.status', "github.event.inputs['tag']", 'fromJSON(needs.prepare.outputs.matrix).x',
];
const LITERALS = ["'push'", "'pull_request'", "'refs/heads/main'", "'refs/tags/v'", 'true', 'false', 'null', '0', '1', "''", "'a'"];

export function expression(rng, depth = 0) {
  const leaf = depth > 5 || rng.chance(0.3 + depth * 0.1);
  if (leaf) {
    const r = rng.float();
    if (r < 0.55) return rng.pick(CONTEXT_ATOMS);
    if (r < 0.85) return rng.pick(LITERALS);
    return rng.pick(['success()', 'always()', 'failure()', 'cancelled()', "hashFiles('**/go.sum')"]);
  }
  const sub = () => expression(rng, depth + 1);
  switch (rng.int(0, 9)) {
    case 0:
      return `${sub()} && ${sub()}`;
    case 1:
      return `${sub()} || ${sub()}`;
    case 2:
      return `!${sub()}`;
    case 3:
      return `(${sub()})`;
    case 4:
      return `${sub()} ${rng.pick(['==', '!=', '<', '>=', '<='])} ${sub()}`;
    case 5:
      return `${rng.pick(['contains', 'startsWith', 'endsWith'])}(${sub()}, ${sub()})`;
    case 6:
      return `format('{0}/{1}:{2}', ${sub()}, ${sub()}, ${sub()})`;
    case 7:
      return `${rng.pick(['toJSON', 'fromJSON', 'join'])}(${sub()})`;
    case 8:
      return `${sub()} && ${sub()} || ${sub()}`;
    default:
      return `github.event_name == ${rng.pick(["'push'", "'pull_request'", "'release'", "'workflow_dispatch'"])}`;
  }
}

// ---- shell --------------------------------------------------------------------------------------------------

function word(rng, depth) {
  const r = rng.float();
  if (r < 0.3) return imageRef(rng);
  if (r < 0.45) return `"$${rng.pick(VARS)}"`;
  if (r < 0.55) return `\${${rng.pick(VARS)}${rng.pick([':-x', '%%:*', '#*/', '//a/b', ':+y', '^^', ',,', '%.*', '##*@', ':0:3', '/#v/', '@Q'])}}`;
  if (r < 0.62 && depth < 4) return `"$(${simpleCommand(rng, depth + 1)})"`;
  if (r < 0.66) return `$((${rng.int(0, 9)} + \${#${rng.pick(VARS)}} * ${rng.int(1, 3)}))`;
  if (r < 0.7) return `\${arr[@]}`;
  if (r < 0.74) return `'${rng.pick(NAMES)}'`;
  if (r < 0.78) return `{a,b,c}${rng.pick(NAMES)}`;
  if (r < 0.8) return hostileToken(rng).replace(/\n/g, ' ');
  return rng.pick(['--push', '--yes', '-t', '.', '--platform=linux/amd64', '-f', 'Dockerfile', '--key', 'cosign.key', '--tags', 'latest', '--all']);
}

function simpleCommand(rng, depth = 0) {
  const w = () => word(rng, depth);
  switch (rng.int(0, 22)) {
    case 0:
      return `docker push ${w()}`;
    case 1:
      return `docker build -t ${w()} ${rng.pick(['.', '-f Dockerfile .', '--push .'])}`;
    case 2:
      return `docker buildx build --push -t ${w()} -t ${w()} .`;
    case 3:
      return `docker tag ${w()} ${w()}`;
    case 4:
      return `cosign sign --yes ${rng.pick(['', '--key env://COSIGN_KEY ', '--key cosign.key ', '--identity-token "$TOKEN" '])}${w()}`;
    case 5:
      return `cosign attest --yes --predicate sbom.json --type spdx ${w()}`;
    case 6:
      return `crane ${rng.pick(['copy', 'tag', 'push img.tar', 'append -b'])} ${w()} ${w()}`;
    case 7:
      return `skopeo copy docker://${w()} docker://${w()}`;
    case 8:
      return `podman push ${w()}`;
    case 9:
      return `buildah push ${w()}`;
    case 10:
      return `ko build --push ${rng.pick(['--bare', '--base-import-paths', '-P'])} ./cmd/${rng.pick(NAMES)}`;
    case 11:
      return `goreleaser release ${rng.pick(['--clean', '--snapshot', '--skip=sign', '-f .goreleaser.yml', '--split'])}`;
    case 12:
      return `notation sign ${w()}`;
    case 13:
      return `helm push chart.tgz oci://${rng.pick(REGISTRIES)}/charts`;
    case 14:
      return `oras push ${w()} artifact.txt`;
    case 15:
      return `echo ${w()} ${rng.pick(['', '>> "$GITHUB_OUTPUT"', '>> $GITHUB_ENV', '| tee out.txt', '>&2'])}`;
    case 16:
      return `${rng.pick(VARS)}=${w()}`;
    case 17:
      return `export ${rng.pick(VARS)}=${w()}`;
    case 18:
      return `make ${rng.pick(['docker-push', 'push', 'sign', 'release', 'all'])} ${rng.pick(VARS)}=${w()}`;
    case 19:
      return `docker buildx bake ${rng.pick(['--push', '-f docker-bake.hcl --push', 'release', '--set *.output=type=registry'])}`;
    case 20:
      return `${rng.pick(['jq -r .digest meta.json', 'sed -e s/a/b/', "awk '{print $1}'", 'cut -d: -f1', "tr -d '\\n'", 'grep -v x', 'xargs -n1 docker push'])}`;
    case 21:
      return `${rng.pick(['source', '.', 'bash', 'sh'])} ./${rng.pick(['lib.sh', 'hack/release.sh', 'scripts/build.sh'])} ${w()}`;
    default:
      return `docker manifest ${rng.pick(['create', 'push'])} ${w()} ${w()}`;
  }
}

function shellStatement(rng, depth, maxDepth) {
  const inner = (n) => shellBlock(rng, depth + 1, maxDepth, n);
  if (depth >= maxDepth) return simpleCommand(rng, depth);
  switch (rng.int(0, 16)) {
    case 0:
      return `if [[ ${rng.pick(['-n "$TAG"', '"$GITHUB_REF" == refs/tags/*', '$X =~ ^v[0-9]+', '-f cosign.key', '"${CI:-}" = true'])} ]]; then\n${inner(2)}\n${rng.chance(0.5) ? `else\n${inner(1)}\n` : ''}fi`;
    case 1:
      return `for ${rng.pick(['img', 'i', 'c'])} in ${rng.pick(['api worker', '"${IMAGES[@]}"', '$(cat images.txt)', '{1..3}', '*.tar'])}; do\n${inner(2)}\ndone`;
    case 2:
      return `while read -r line; do\n${inner(1)}\ndone < ${rng.pick(['images.txt', '<(ls)', '/dev/null'])}`;
    case 3:
      return `case "$${rng.pick(VARS)}" in\n  ${rng.pick(['v*', 'main|master', '*-rc*', '[0-9]*', '*'])})\n${inner(1)}\n  ;;\n  *) ${simpleCommand(rng, depth)} ;;\nesac`;
    case 4:
      return `${rng.ident('f_')}() {\n  local ${rng.pick(VARS)}="$1"\n${inner(2)}\n}`;
    case 5:
      return `(\n${inner(2)}\n)`;
    case 6:
      return `{ ${simpleCommand(rng, depth)}; ${simpleCommand(rng, depth)}; }`;
    case 7:
      return `${simpleCommand(rng, depth)} && ${simpleCommand(rng, depth)} || ${simpleCommand(rng, depth)}`;
    case 8:
      return `${simpleCommand(rng, depth)} | ${simpleCommand(rng, depth)} | ${simpleCommand(rng, depth)}`;
    case 9:
      return `cat <<${rng.pick(['EOF', "'EOF'", '-EOF'])}\n${simpleCommand(rng, depth)}\n$${rng.pick(VARS)}\nEOF`;
    case 10:
      return `arr=(${word(rng, depth)} ${word(rng, depth)})`;
    case 11:
      return `${rng.pick(VARS)}="$${rng.pick(VARS)}$${rng.pick(VARS)}"`;
    case 12:
      return `eval "${simpleCommand(rng, depth).replace(/"/g, '\\"')}"`;
    case 13:
      return `trap '${simpleCommand(rng, depth).replace(/'/g, '')}' EXIT`;
    case 14:
      return `[ -n "$${rng.pick(VARS)}" ] && ${simpleCommand(rng, depth)}`;
    case 15:
      return `readonly ${rng.pick(VARS)}=$(${simpleCommand(rng, depth)})`;
    default:
      return simpleCommand(rng, depth);
  }
}

function shellBlock(rng, depth, maxDepth, n) {
  const out = [];
  const count = rng.int(1, n);
  for (let i = 0; i < count; i++) out.push(shellStatement(rng, depth, maxDepth));
  return indent(out.join('\n'), 2);
}

export function genScript(rng) {
  const lines = [rng.pick(['#!/usr/bin/env bash', '#!/bin/sh', '#!/bin/bash -e', '']), rng.pick(['set -euo pipefail', 'set -ex', ''])];
  const n = rng.count(40);
  for (let i = 0; i < n; i++) lines.push(shellStatement(rng, 0, rng.int(1, 6)));
  return { kind: 'script', name: 'gen-shell', text: lines.join('\n') + '\n' };
}

/** A run: block body (no shebang), indented by the caller. */
export function runScript(rng) {
  const n = rng.count(10);
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(shellStatement(rng, 0, rng.int(0, 3)));
  return lines.join('\n');
}

// ---- workflows ----------------------------------------------------------------------------------------------

function trigger(rng) {
  return rng.pick([
    'on: push',
    'on: [push, pull_request]',
    "on:\n  push:\n    branches: [main]\n    tags: ['v*']\n  pull_request:",
    'on:\n  release:\n    types: [published]',
    "on:\n  schedule:\n    - cron: '0 3 * * *'\n  workflow_dispatch:",
    'on:\n  workflow_call:\n    inputs:\n      image:\n        type: string\n      push:\n        type: boolean\n        default: true\n    secrets:\n      token:\n        required: false',
    'on:\n  pull_request_target:\n    types: [labeled]',
    "'on': {push: {tags: ['*']}}",
    'on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]',
  ]);
}

function step(rng, jobIds) {
  const lines = [];
  if (rng.chance(0.3)) lines.push(`id: ${rng.pick(['build', 'meta', 'push', 'sign', rng.ident('s')])}`);
  if (rng.chance(0.15)) lines.push(`name: ${yamlScalar(rng, maybeHostileName(rng, 'step ' + rng.ident()))}`);
  if (rng.chance(0.25)) lines.push(`if: ${rng.chance(0.5) ? '${{ ' + expression(rng) + ' }}' : expression(rng)}`);
  if (rng.chance(0.55)) {
    const uses = rng.pick(ACTIONS);
    lines.push(`uses: ${uses}`);
    if (rng.chance(0.7)) {
      const withLines = [];
      const keys = ['push', 'tags', 'images', 'context', 'file', 'files', 'targets', 'args', 'registry', 'subject-name', 'subject-digest', 'image', 'version', 'load', 'outputs', 'set', 'workdir'];
      const k = rng.int(1, 5);
      for (let i = 0; i < k; i++) {
        const key = rng.pick(keys);
        const val = rng.pick([
          () => imageRef(rng),
          () => '${{ ' + expression(rng) + ' }}',
          () => 'true',
          () => `|\n  ${imageRef(rng)}\n  ${imageRef(rng)}`,
          () => 'release --clean',
          () => 'type=registry,push=true',
          () => '${{ steps.meta.outputs.tags }}',
        ])();
        withLines.push(`${key}: ${val}`);
      }
      lines.push('with:\n' + indent(withLines.join('\n'), 2));
    }
  } else {
    const script = runScript(rng);
    lines.push(script.includes('\n') || rng.chance(0.5) ? `run: |\n${indent(script, 2)}` : `run: ${script}`);
    if (rng.chance(0.1)) lines.push(`shell: ${rng.pick(['bash', 'sh', 'pwsh', 'python', 'bash -e {0}'])}`);
    if (rng.chance(0.1)) lines.push(`working-directory: ${rng.pick(['deploy', './', '${{ matrix.dir }}', '..'])}`);
  }
  if (rng.chance(0.3)) lines.push(`env:\n  ${rng.pick(VARS)}: ${rng.chance(0.5) ? imageRef(rng) : '${{ ' + expression(rng) + ' }}'}\n  ${rng.pick(VARS)}: ${imageRef(rng)}`);
  if (rng.chance(0.05)) lines.push('continue-on-error: true');
  void jobIds;
  return '- ' + indent(lines.join('\n'), 2).slice(2);
}

function job(rng, id, earlier) {
  const lines = [];
  if (rng.chance(0.2)) lines.push(`name: ${yamlScalar(rng, maybeHostileName(rng, id))}`);
  if (earlier.length && rng.chance(0.6)) {
    const k = rng.int(1, Math.min(3, earlier.length));
    const needs = [];
    for (let i = 0; i < k; i++) needs.push(rng.chance(0.05) ? rng.ident('missing') : rng.pick(earlier));
    lines.push(k === 1 && rng.chance(0.5) ? `needs: ${needs[0]}` : `needs: [${needs.join(', ')}]`);
  }
  if (rng.chance(0.3)) lines.push(`if: ${rng.chance(0.5) ? '${{ ' + expression(rng) + ' }}' : expression(rng)}`);
  if (rng.chance(0.15)) {
    lines.push(`uses: ${rng.pick(['./.github/workflows/reusable.yml', './.github/workflows/f0.yml', './.github/workflows/f1.yml', 'acme/shared/.github/workflows/image.yml@v1', ACTIONS[16]])}`);
    lines.push(`with:\n  image: ${imageRef(rng)}\n  push: ${rng.pick(['true', '${{ github.event_name != \'pull_request\' }}'])}`);
    if (rng.chance(0.5)) lines.push('secrets: inherit');
    return lines;
  }
  lines.push(`runs-on: ${rng.pick(['ubuntu-latest', 'windows-latest', '${{ matrix.os }}', '[self-hosted, linux]'])}`);
  if (rng.chance(0.4)) lines.push('permissions:\n  contents: read\n  packages: write\n  id-token: write');
  if (rng.chance(0.2)) lines.push(`strategy:\n  matrix:\n    component: [${NAMES.slice(0, rng.int(1, 4)).join(', ')}]\n    os: [ubuntu-latest]${rng.chance(0.4) ? '\n    include:\n      - component: api\n        registry: ghcr.io' : ''}${rng.chance(0.1) ? "\n  matrix: ${{ fromJSON(needs.prepare.outputs.matrix) }}" : ''}`);
  if (rng.chance(0.2)) lines.push(`env:\n  IMAGE: ${imageRef(rng)}\n  REGISTRY: ${rng.pick(REGISTRIES)}`);
  if (rng.chance(0.2)) lines.push('outputs:\n  digest: ${{ steps.build.outputs.digest }}\n  tags: ${{ steps.meta.outputs.tags }}');
  const steps = [];
  const n = rng.count(12);
  for (let i = 0; i < n; i++) steps.push(step(rng, earlier));
  lines.push('steps:\n' + indent(steps.join('\n'), 2));
  return lines;
}

export function genWorkflow(rng) {
  const parts = [`name: ${yamlScalar(rng, maybeHostileName(rng, rng.ident('wf')))}`, trigger(rng)];
  if (rng.chance(0.3)) parts.push(`env:\n  REGISTRY: ${rng.pick(REGISTRIES)}\n  IMAGE_NAME: ${imageRef(rng)}`);
  if (rng.chance(0.3)) parts.push('permissions:\n  contents: read\n  packages: write');
  const ids = [];
  const jobs = [];
  const n = rng.count(30);
  for (let i = 0; i < n; i++) {
    const id = rng.chance(0.5) ? ['build', 'sign', 'prepare', 'release', 'push', 'test'][i % 6] + (i >= 6 ? i : '') : rng.ident('j');
    jobs.push(`${id}:\n` + indent(job(rng, id, ids).join('\n'), 2));
    ids.push(id);
  }
  parts.push('jobs:\n' + indent(jobs.join('\n'), 2));
  return { kind: 'workflow', name: 'gen-workflow', text: parts.join('\n') + '\n' };
}

/** A job-graph stress: long or wide needs chains, fan-in/fan-out, cycles. */
export function genJobGraph(rng, limit = 1e6) {
  const n = Math.max(2, Math.min(rng.pick([50, 200, 1000, 3000]), Math.floor(limit / 150)));
  const shape = rng.pick(['chain', 'fan', 'diamond', 'cycle', 'all-pairs']);
  const jobs = [];
  for (let i = 0; i < n; i++) {
    let needs = '';
    if (shape === 'chain' && i > 0) needs = `j${i - 1}`;
    else if (shape === 'fan' && i > 0) needs = 'j0';
    else if (shape === 'diamond' && i > 1) needs = `[j${i - 1}, j${i - 2}]`;
    else if (shape === 'cycle') needs = `j${(i + 1) % n}`;
    else if (shape === 'all-pairs' && i > 0) needs = `[${Array.from({ length: Math.min(i, 30) }, (_, k) => `j${i - 1 - k}`).join(', ')}]`;
    jobs.push(`  j${i}:\n    runs-on: x\n${needs ? `    needs: ${needs}\n` : ''}${rng.chance(0.3) ? `    if: needs.j${Math.max(0, i - 1)}.result == 'success'\n` : ''}    steps:\n      - run: ${rng.chance(0.5) ? `docker push ghcr.io/o/a${i}` : `cosign sign ghcr.io/o/a${Math.max(0, i - 1)}`}\n`);
  }
  return { kind: 'workflow', name: `gen-jobgraph-${shape}`, text: `on: push\njobs:\n${jobs.join('')}` };
}

export function genComposite(rng) {
  const steps = [];
  const n = rng.count(10);
  for (let i = 0; i < n; i++) {
    let s = step(rng, []);
    if (s.includes('run:') && !s.includes('shell:')) s += `\n  shell: ${rng.pick(['bash', 'sh', 'pwsh'])}`;
    steps.push(s);
  }
  if (rng.chance(0.2)) steps.push(`- uses: ./.github/actions/a${rng.int(0, 3)}`);
  const text = `name: ${yamlScalar(rng, maybeHostileName(rng, 'publish'))}
description: generated
inputs:
  image:
    default: ${imageRef(rng)}
  push:
    default: 'true'
outputs:
  digest:
    value: \${{ steps.push.outputs.digest }}
runs:
  using: ${rng.pick(['composite', 'composite', 'composite', 'node20', 'docker'])}
  steps:
${indent(steps.join('\n'), 4)}
`;
  return { kind: 'action', name: 'gen-composite', text };
}

// ---- make ---------------------------------------------------------------------------------------------------

const MAKE_VARS = ['REGISTRY', 'IMG', 'TAG', 'VERSION', 'IMAGES', 'COMPONENTS', 'A', 'B', 'X'];

function makeExpr(rng, depth) {
  const v = () => rng.pick(MAKE_VARS);
  if (depth > 4 || rng.chance(0.35)) return rng.pick([`$(${v()})`, `\${${v()}}`, rng.pick(NAMES), imageRef(rng).replace(/\$\{(\w+)\}/g, '$($1)'), '$@', '$<', '$*', '$$HOME']);
  const e = () => makeExpr(rng, depth + 1);
  switch (rng.int(0, 15)) {
    case 0:
      return `$(subst ${rng.pick(['_', ':', ' ', 'a'])},${rng.pick(['-', ' ', 'b'])},${e()})`;
    case 1:
      return `$(patsubst %,${e()}/%,${e()})`;
    case 2:
      return `$(foreach ${rng.pick(['c', 'i'])},${e()},${e()})`;
    case 3:
      return `$(call ${rng.pick(['fn', 'image_name', 'release_image'])},${e()},${e()})`;
    case 4:
      return `$(if ${e()},${e()},${e()})`;
    case 5:
      return `$(shell ${rng.pick(['git rev-parse HEAD', 'cat VERSION', 'date +%s', 'echo $(X)'])})`;
    case 6:
      return `$(word ${rng.int(1, 3)},${e()})`;
    case 7:
      return `$(filter ${e()},${e()})`;
    case 8:
      return `$(strip ${e()})`;
    case 9:
      return `$(addprefix ${e()}/,${e()})`;
    case 10:
      return `$(wildcard ${rng.pick(['*.mk', 'cmd/*', '**'])})`;
    case 11:
      return `$(or ${e()},${e()})`;
    case 12:
      return `$(eval ${v()} := ${e()})`;
    case 13:
      return `$(${v()}:%=${e()}%)`;
    case 14:
      return `$(lastword $(subst /, ,${e()}))`;
    default:
      return `${e()}${e()}`;
  }
}

export function genMakefile(rng) {
  const lines = [];
  const n = rng.count(40);
  const targets = ['all', 'docker-push', 'push', 'sign', 'release', 'image'];
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 9)) {
      case 0:
      case 1:
        lines.push(`${rng.pick(MAKE_VARS)} ${rng.pick(['=', ':=', '?=', '+=', '::=', '!='])} ${makeExpr(rng, 0)}`);
        break;
      case 2:
      case 3:
      case 4: {
        const t = rng.chance(0.8) ? rng.pick(targets) : rng.ident('t') + rng.pick(['', '-%', '.%']);
        const prereq = rng.chance(0.5) ? ' ' + rng.pick(targets) : '';
        const recipe = [];
        const k = rng.count(6);
        for (let j = 0; j < k; j++) recipe.push('\t' + rng.pick(['', '@', '-', '+']) + simpleCommand(rng, 2).replace(/\$\{(\w+)\}/g, '$($1)').replace(/\$(?=[A-Z])/g, '$$$$') + (rng.chance(0.2) ? ' ' + makeExpr(rng, 0) : ''));
        if (rng.chance(0.1)) recipe.push(`\t$(MAKE) ${rng.pick(targets)} ${rng.pick(MAKE_VARS)}=${makeExpr(rng, 2)}`);
        lines.push(`${t}:${prereq}\n${recipe.join('\n')}`);
        break;
      }
      case 5:
        lines.push(`${rng.pick(targets)}: ${rng.pick(MAKE_VARS)} ${rng.pick(['=', ':=', '+='])} ${makeExpr(rng, 1)}`);
        break;
      case 6:
        lines.push(`define ${rng.pick(['fn', 'image_name', 'release_image'])}\n${rng.pick(['$(REGISTRY)/$(1):$(2)', 'release-$(1):\n\tdocker push $$(REGISTRY)/$(1)', '$(call fn,$(1),$(1))'])}\nendef`);
        break;
      case 7:
        lines.push(`${rng.pick(['ifeq', 'ifneq'])} (${makeExpr(rng, 2)},${makeExpr(rng, 2)})\n${rng.pick(MAKE_VARS)} := ${makeExpr(rng, 2)}\nelse\n${rng.pick(MAKE_VARS)} := ${makeExpr(rng, 2)}\nendif`);
        break;
      case 8:
        lines.push(rng.pick(['.PHONY: all push sign', 'export', 'include $(wildcard *.mk)', '-include ../common.mk', 'SHELL := /bin/bash', '.ONESHELL:', `$(foreach c,${NAMES.slice(0, 3).join(' ')},$(eval $(call release_image,$(c))))`]));
        break;
      default:
        lines.push(`# ${rng.ident()}`);
    }
  }
  return { kind: 'make', name: 'gen-make', text: lines.join('\n') + '\n' };
}

/** Doubling chains: each definition refers to the previous one twice (exponential text if expanded naively). */
export function genDoubling(rng) {
  const n = rng.int(16, 64);
  const flavour = rng.pick(['make', 'make-plus', 'shell', 'goreleaser', 'bake', 'workflow-env']);
  if (flavour === 'make') {
    const s = 'A0 := x\n' + Array.from({ length: n }, (_, i) => `A${i + 1} ${rng.pick(['=', ':='])} $(A${i})$(A${i})\n`).join('') + `push:\n\tdocker push ghcr.io/o/$(A${n})\n`;
    return { kind: 'make', name: 'gen-doubling-make', text: s };
  }
  if (flavour === 'make-plus') {
    return { kind: 'make', name: 'gen-doubling-make-plus', text: 'A := xx\n' + 'push: A += $(A)\n'.repeat(n) + 'push:\n\tdocker push ghcr.io/o/$(A)\n' };
  }
  if (flavour === 'shell') {
    return { kind: 'script', name: 'gen-doubling-shell', text: 'A=xxxxxxxx\n' + 'A="$A$A"\n'.repeat(n) + 'docker push ghcr.io/o/$A\n' };
  }
  if (flavour === 'goreleaser') {
    return { kind: 'goreleaser', name: 'gen-doubling-goreleaser', text: 'env:\n  - A=x\n' + '  - A={{ .Env.A }}{{ .Env.A }}\n'.repeat(n) + "dockers:\n  - image_templates: ['ghcr.io/o/a:{{ .Env.A }}']\n" };
  }
  if (flavour === 'bake') {
    return { kind: 'bake', name: 'gen-doubling-bake', text: 'variable "A0" {\n  default = "x"\n}\n' + Array.from({ length: n }, (_, i) => `variable "A${i + 1}" {\n  default = "\${A${i}}\${A${i}}"\n}\n`).join('') + `target "default" {\n  tags = ["ghcr.io/o/a:\${A${n}}"]\n  output = ["type=registry"]\n}\n` };
  }
  return {
    kind: 'workflow',
    name: 'gen-doubling-workflow-env',
    text: `on: push\nenv:\n  A0: x\njobs:\n  b:\n    runs-on: x\n    steps:\n${Array.from({ length: n }, (_, i) => `      - run: echo "A${i + 1}=\${A${i}}\${A${i}}" >> $GITHUB_ENV\n`).join('')}      - run: docker push ghcr.io/o/\${A${n}}\n`,
  };
}

// ---- goreleaser ---------------------------------------------------------------------------------------------

function goTemplate(rng, depth = 0) {
  if (depth > 3 || rng.chance(0.4)) return rng.pick(['{{ .Version }}', '{{ .Tag }}', '{{ .Env.REGISTRY }}', '{{ .ProjectName }}', '{{ .Arch }}', '{{ .ShortCommit }}', '{{ .Env.A }}', 'latest', '{{ .Major }}.{{ .Minor }}']);
  const t = () => goTemplate(rng, depth + 1);
  return rng.pick([
    () => `{{ if .IsSnapshot }}${t()}{{ else }}${t()}{{ end }}`,
    () => `{{ if index .Env "X" }}${t()}{{ end }}`,
    () => `{{ .Env.REGISTRY | default "ghcr.io/acme" }}`,
    () => `{{ replace .Version "v" "" }}`,
    () => `{{ with .Env.X }}${t()}{{ end }}`,
    () => `{{ range $i, $e := .Env }}${t()}{{ end }}`,
    () => `{{ tolower .ProjectName }}${t()}`,
    () => `{{- ${rng.pick(['.Version', '.Tag', 'print "x"'])} -}}`,
  ])();
}

export function genGoreleaser(rng) {
  const img = () => `${rng.pick(REGISTRIES)}/${rng.pick(ORGS.slice(0, 3))}/${goTemplate(rng)}:${goTemplate(rng)}`;
  const parts = [`version: ${rng.pick(['2', '1'])}`, `project_name: ${rng.pick(NAMES)}`];
  if (rng.chance(0.5)) parts.push(`env:\n  - REGISTRY=${rng.pick(REGISTRIES)}/acme\n  - A=${goTemplate(rng)}`);
  if (rng.chance(0.2)) parts.push(`includes:\n  - from_file:\n      path: ${rng.pick(['./common.yml', '../x.yml', '/etc/passwd', 'other/.goreleaser.yml'])}\n  - from_url:\n      url: https://example.com/x.yml`);
  if (rng.chance(0.7)) {
    const n = rng.count(8);
    parts.push('dockers:\n' + Array.from({ length: n }, () => `  - image_templates:\n      - '${img()}'\n      - '${img()}'\n    use: ${rng.pick(['buildx', 'docker', 'podman'])}\n    skip_push: ${rng.pick(['false', 'true', 'auto', "'{{ .IsSnapshot }}'"])}`).join('\n'));
  }
  if (rng.chance(0.4)) parts.push(`dockers_v2:\n  - images: ['${rng.pick(REGISTRIES)}/acme/${rng.pick(NAMES)}']\n    tags: ['${goTemplate(rng)}', latest]\n    platforms: [linux/amd64, linux/arm64]`);
  if (rng.chance(0.5)) parts.push(`docker_manifests:\n  - name_template: '${img()}'\n    image_templates: ['${img()}', '${img()}']`);
  if (rng.chance(0.6)) parts.push(`docker_signs:\n  - cmd: cosign\n    artifacts: ${rng.pick(['all', 'images', 'manifests', 'none'])}\n    args: [${rng.pick(["'sign', '${artifact}@${digest}', '--yes'", "'sign', '--key=cosign.key', '${artifact}'", "'sign', '${artifact}'"])}]${rng.chance(0.3) ? `\n    if: '{{ eq .Env.SIGN "true" }}'` : ''}`);
  if (rng.chance(0.3)) parts.push(`kos:\n  - repository: ${img()}\n    tags: ['${goTemplate(rng)}']\n    bare: true`);
  if (rng.chance(0.2)) parts.push(`signs:\n  - cmd: cosign\n    artifacts: checksum\n    args: ['sign-blob', '\${artifact}', '--yes']`);
  return { kind: 'goreleaser', name: 'gen-goreleaser', text: parts.join('\n') + '\n' };
}

// ---- HCL (bake) ---------------------------------------------------------------------------------------------

function hclExpr(rng, depth = 0) {
  if (depth > 4 || rng.chance(0.35)) return rng.pick(['"${REGISTRY}/app:${TAG}"', 'TAG', '"latest"', 'true', '1', '[]', '{}', 'null', '"ghcr.io/acme/x"', 'target.base.tags', '"${A}${A}"']);
  const e = () => hclExpr(rng, depth + 1);
  return rng.pick([
    () => `[${e()}, ${e()}]`,
    () => `{ a = ${e()}, "b" = ${e()} }`,
    () => `${e()} ? ${e()} : ${e()}`,
    () => `[for x in ${e()} : "\${x}-\${TAG}"${rng.chance(0.3) ? ' if x != ""' : ''}]`,
    () => `{for k, v in ${e()} : k => v}`,
    () => `${rng.pick(['tag', 'notequal', 'equal', 'join', 'concat', 'split', 'format', 'lower', 'replace', 'coalesce', 'trimprefix', 'undefined_fn'])}(${e()}, ${e()})`,
    () => `"prefix-\${${rng.pick(['TAG', 'REGISTRY', 'A', 'item'])}}-\${${e()}}"`,
    () => `(${e()})`,
    () => `!${e()}`,
    () => `${e()} == ${e()} && ${e()}`,
    () => `<<EOT\n${rng.pick(['line', '${TAG}', 'EOT x'])}\nEOT`,
    () => `${e()}[${rng.int(0, 2)}]`,
  ])();
}

export function genHcl(rng) {
  const blocks = [];
  const n = rng.count(25);
  for (let i = 0; i < n; i++) {
    const r = rng.int(0, 6);
    if (r === 0) blocks.push(`variable "${rng.pick(VARS)}" {\n  default = ${hclExpr(rng)}\n}`);
    else if (r === 1) blocks.push(`function "${rng.pick(['tag', 'img', 'f'])}" {\n  params = [${rng.pick(['name', 'name, tag', ''])}]\n  result = ${hclExpr(rng)}\n}`);
    else if (r === 2) blocks.push(`group "${rng.pick(['default', 'release', 'all'])}" {\n  targets = [${rng.pick(['"api"', '"api", "worker"', '"default"', '"release"'])}]\n}`);
    else {
      const attrs = [];
      const k = rng.count(8);
      for (let j = 0; j < k; j++) attrs.push(`  ${rng.pick(['tags', 'inherits', 'output', 'platforms', 'context', 'dockerfile', 'args', 'attest', 'matrix', 'name', 'contexts', 'labels'])} = ${hclExpr(rng)}`);
      blocks.push(`${rng.chance(0.1) ? '# comment\n// other\n/* block */\n' : ''}target "${rng.pick(['api', 'worker', 'default', 'release', 'base', '_common', 'docker-metadata-action', rng.ident()])}" {\n${attrs.join('\n')}\n}`);
    }
  }
  return { kind: 'bake', name: 'gen-hcl', text: blocks.join('\n') + '\n' };
}

// ---- admission ----------------------------------------------------------------------------------------------

function pattern(rng) {
  return rng.pick(['ghcr.io/acme/*', 'ghcr.io/acme/**', '*', '**', 'docker.io/acme/api:*', '*/acme/*', 'quay.io/acme/[a-z]*', 'ghcr.io/acme/{api,worker}', 'registry.example.com:8443/*', '?' + '*a'.repeat(rng.int(1, 40)) + 'b', 'ghcr.io/' + rng.pick(ORGS) + '/' + rng.pick(NAMES)]);
}

export function genKyverno(rng) {
  const rules = [];
  const n = rng.count(6);
  for (let i = 0; i < n; i++) {
    const refs = Array.from({ length: rng.count(5) }, () => `            - ${yamlScalar(rng, pattern(rng))}`).join('\n');
    const attestor = rng.pick([
      `                - keyless:\n                    subject: ${yamlScalar(rng, rng.pick(['https://github.com/acme/*', 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*', '*']))}\n                    issuer: https://token.actions.githubusercontent.com`,
      '                - keys:\n                    publicKeys: "-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----"',
      '                - keys:\n                    kms: awskms:///arn:aws:kms:us-east-1:1:key/x',
      '                - keys:\n                    secret:\n                      name: cosign\n                      namespace: kyverno',
    ]);
    rules.push(`    - name: ${maybeHostileName(rng, 'r' + i)}
      match:
        any:
          - resources:
              kinds: [${rng.pick(['Pod', 'Deployment', 'Pod, Deployment', '"*"'])}]${rng.chance(0.3) ? `\n              namespaces: [${rng.pick(['prod', 'default', '"*"'])}]` : ''}
      verifyImages:
        - imageReferences:
${refs}${rng.chance(0.3) ? `\n          type: ${rng.pick(['Cosign', 'Notary', 'SigstoreBundle'])}` : ''}${rng.chance(0.3) ? `\n          mutateDigest: ${rng.pick(['true', 'false'])}` : ''}
          attestors:
            - count: ${rng.int(0, 2)}
              entries:
${attestor}`);
  }
  const text = `apiVersion: kyverno.io/${rng.pick(['v1', 'v2beta1'])}
kind: ${rng.pick(['ClusterPolicy', 'ClusterPolicy', 'Policy'])}
metadata:
  name: ${maybeHostileName(rng, rng.ident('verify'))}
  namespace: ${rng.pick(['default', 'kyverno', 'prod'])}
spec:
  validationFailureAction: ${rng.pick(['Enforce', 'Audit', 'enforce', 'audit', '${{ x }}'])}
  ${rng.chance(0.3) ? `failurePolicy: ${rng.pick(['Fail', 'Ignore'])}` : 'background: false'}
  rules:
${rules.join('\n')}
`;
  return { kind: 'manifest', name: 'gen-kyverno', text };
}

export function genPolicyController(rng) {
  const images = Array.from({ length: rng.count(5) }, () => `    - glob: ${yamlScalar(rng, pattern(rng))}`).join('\n');
  const authority = rng.pick([
    `    - keyless:\n        url: https://fulcio.sigstore.dev\n        identities:\n          - issuer: https://token.actions.githubusercontent.com\n            subject${rng.chance(0.5) ? 'RegExp' : ''}: ${yamlScalar(rng, rng.pick(['^https://github\\.com/acme/.*$', 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main', '(a+)+$', '.*', '[']))}`,
    '    - key:\n        data: |\n          -----BEGIN PUBLIC KEY-----\n          MFkw\n          -----END PUBLIC KEY-----',
    '    - key:\n        kms: gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k',
    '    - static:\n        action: pass',
  ]);
  const docs = [
    `apiVersion: policy.sigstore.dev/${rng.pick(['v1beta1', 'v1alpha1'])}
kind: ClusterImagePolicy
metadata:
  name: ${maybeHostileName(rng, rng.ident('cip'))}
spec:
  ${rng.chance(0.5) ? `mode: ${rng.pick(['enforce', 'warn', 'Enforce'])}` : ''}
  images:
${images}
  authorities:
${authority}`,
  ];
  if (rng.chance(0.5)) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${rng.pick(['prod', 'default'])}\n  labels:\n    policy.sigstore.dev/include: ${yamlScalar(rng, rng.pick(['true', 'false']))}`);
  if (rng.chance(0.3)) docs.push(`apiVersion: admissionregistration.k8s.io/v1\nkind: ${rng.pick(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])}\nmetadata:\n  name: ${rng.pick(['policy.sigstore.dev', 'kyverno-resource-validating-webhook-cfg', 'x'])}\nwebhooks:\n  - name: x.sigstore.dev\n    failurePolicy: ${rng.pick(['Fail', 'Ignore'])}`);
  if (rng.chance(0.2)) docs.push(`apiVersion: ${rng.pick(['binaryauthorization.grafeas.io/v1beta1', 'portieris.cloud.ibm.com/v1', 'constraints.gatekeeper.sh/v1beta1', 'policies.kubewarden.io/v1'])}\nkind: ${rng.pick(['ImagePolicy', 'ClusterImagePolicy', 'RatifyVerification', 'ClusterAdmissionPolicy'])}\nmetadata:\n  name: p\nspec:\n  repositories:\n    - name: ${yamlScalar(rng, pattern(rng))}\n      policy:\n        trust:\n          enabled: true\n  defaultAdmissionRule:\n    evaluationMode: ${rng.pick(['REQUIRE_ATTESTATION', 'ALWAYS_ALLOW'])}\n    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG`);
  return { kind: 'manifest', name: 'gen-policy-controller', text: docs.join('\n---\n') + '\n' };
}

// ---- Helm ---------------------------------------------------------------------------------------------------

export function genHelm(rng) {
  const body = [];
  const n = rng.count(8);
  for (let i = 0; i < n; i++) {
    body.push(
      rng.pick([
        () => `{{- if .Values.${rng.pick(['policy.enabled', 'enabled', 'x'])} }}`,
        () => '{{- end }}',
        () => `{{- range ${rng.pick(['.Values.policy.images', '$i, $e := .Values.list', '.Values.x'])} }}\n        - imageReferences: [{{ . | quote }}]\n{{- end }}`,
        () => `{{- include "${rng.pick(['chart.labels', 'x', 'self'])}" . | nindent ${rng.int(0, 12)} }}`,
        () => `{{- define "self" }}{{ include "self" . }}{{ end }}`,
        () => `{{ toYaml .Values.${rng.pick(['policy', 'x', 'webhook'])} | indent ${rng.int(0, 8)} }}`,
        () => `{{- with .Values.policy }}\n  action: {{ .action | default "Audit" }}\n{{- end }}`,
        () => `{{/* ${rng.ident()} */}}`,
        () => `{{ ${rng.pick(['tpl .Values.x .', 'printf "%s" .Values.x', '.Values.a.b.c.d', 'required "x" .Values.y'])} }}`,
      ])(),
    );
  }
  const kind = rng.pick(['ClusterPolicy', 'ClusterImagePolicy', 'ValidatingWebhookConfiguration']);
  const text = `${body.slice(0, n >> 1).join('\n')}
apiVersion: ${kind === 'ClusterPolicy' ? 'kyverno.io/v1' : kind === 'ClusterImagePolicy' ? 'policy.sigstore.dev/v1beta1' : 'admissionregistration.k8s.io/v1'}
kind: ${kind}
metadata:
  name: {{ .Release.Name }}-${rng.ident()}
spec:
  validationFailureAction: {{ .Values.policy.action | default "${rng.pick(['Enforce', 'Audit'])}" }}
  rules:
    - name: verify
      match:
        any:
          - resources:
              kinds: [Pod]
      verifyImages:
${body.slice(n >> 1).join('\n')}
        - imageReferences: [${yamlScalar(rng, pattern(rng))}]
          attestors:
            - entries:
                - keyless:
                    subject: {{ .Values.policy.subject | quote }}
                    issuer: https://token.actions.githubusercontent.com
`;
  return { kind: 'helm', name: 'gen-helm', text };
}

// ---- configuration ------------------------------------------------------------------------------------------

export function genConfig(rng) {
  const parts = [];
  if (rng.chance(0.5)) parts.push(`version: ${rng.pick(['1', '2', "'1'", 'x'])}`);
  if (rng.chance(0.6)) parts.push('ignore:\n' + Array.from({ length: rng.count(6) }, () => `  - rule: ${rng.pick(['signed-by-tag', 'unsigned-image', 'no-admission-enforcement', 'not-inspected', 'unknown-rule', 'analysis-budget-exceeded'])}\n    ${rng.pick(['path', 'image'])}: ${yamlScalar(rng, pattern(rng))}\n    reason: ${maybeHostileName(rng, 'accepted')}`).join('\n'));
  if (rng.chance(0.5)) parts.push('exclude-images:\n' + Array.from({ length: rng.count(5) }, () => `  - image: ${yamlScalar(rng, pattern(rng))}\n    reason: test`).join('\n'));
  if (rng.chance(0.5)) parts.push('require-images:\n' + Array.from({ length: rng.count(5) }, () => `  - ${yamlScalar(rng, pattern(rng))}`).join('\n'));
  if (rng.chance(0.4)) parts.push(`accept-methods: [${Array.from({ length: rng.int(0, 4) }, () => rng.pick(['cosign-keyless', 'cosign-key', 'tag', 'notation', 'attestation', 'bogus'])).join(', ')}]`);
  if (rng.chance(0.4)) parts.push(`ephemeral-registries: [${rng.pick(['localhost:5000', 'kind-registry:5000', '[::1]:5000', 'bad host'])}]`);
  if (rng.chance(0.1)) parts.push(rng.pick(['unknown-key: 1', '- a list', 'ignore: {}', 'ignore: [1, 2, [3]]']));
  return { kind: 'config', name: 'gen-config', text: parts.join('\n') + '\n' };
}

// ---- stress shapes ------------------------------------------------------------------------------------------

/** YAML with anchors and aliases: alias fan-out (billion laughs), merge keys, aliases in workflow positions. */
export function genYamlAnchors(rng) {
  const levels = rng.int(3, 12);
  const width = rng.int(2, 10);
  const lines = ['on: push', 'x0: &a0 ["docker push ghcr.io/o/a"]'];
  for (let i = 1; i <= levels; i++) lines.push(`x${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push('base: &base\n  runs-on: ubuntu-latest\n  steps:\n    - run: docker push ghcr.io/o/b');
  lines.push(`jobs:\n  j1:\n    <<: *base\n  j2:\n    <<: [*base, *base]\n    env: *a${levels}\n  j3:\n    runs-on: x\n    steps:\n      - run: *a${Math.min(levels, 2)}\n      - *a0`);
  return { kind: rng.chance(0.7) ? 'workflow' : 'manifest', name: 'gen-yaml-anchors', text: lines.join('\n') + '\n' };
}

/** One very long line in a kind-appropriate place. */
export function genLongLine(rng, limit = 1e6) {
  const n = Math.min(rng.pick([10_000, 100_000, 500_000, 1_000_000]), limit - 200);
  const unit = rng.pick(['a', '${X}', ' && true', ' | cat', '$(A)', '{{ .Env.A }}', '*a', '"x",', '[', '(', '!', '\\', ' ', '{{', '${{ a }}', '%', '\u202e']);
  const body = unit.repeat(Math.max(1, Math.floor(n / unit.length)));
  const kind = rng.pick(['workflow', 'script', 'make', 'goreleaser', 'bake', 'manifest', 'helm', 'config', 'action']);
  const text = {
    workflow: `on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/o/${body}\n`,
    script: `X=${body}\ndocker push ghcr.io/o/a$X\n`,
    make: `X := ${body}\npush:\n\tdocker push ghcr.io/o/$(X)\n`,
    goreleaser: `dockers:\n  - image_templates: ['ghcr.io/o/${body}']\n`,
    bake: `target "default" {\n  tags = ["ghcr.io/o/${body}"]\n}\n`,
    manifest: `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n  - name: r\n    verifyImages:\n    - imageReferences: ['${body}']\n`,
    helm: `{{ ${body} }}\nkind: ClusterPolicy\n`,
    config: `exclude-images:\n  - image: '${body}'\n    reason: x\n`,
    action: `runs:\n  using: composite\n  steps:\n    - run: ${body}\n      shell: bash\n`,
  }[kind];
  return { kind, name: `gen-long-line-${kind}`, text };
}

/** Deep nesting in each grammar: parentheses, brackets, command substitutions, blocks, templates. */
export function genDeepNesting(rng, limit = 1e6) {
  const n = Math.max(2, Math.min(rng.pick([100, 1000, 5000, 20000, 100000]), Math.floor(limit / 40)));
  const kind = rng.pick(['workflow-expr', 'workflow-yaml', 'script-subst', 'script-block', 'script-if', 'make', 'hcl', 'goreleaser', 'helm', 'yaml-flow', 'manifest-map']);
  const nest = (open, close, mid) => open.repeat(n) + mid + close.repeat(n);
  let text;
  let k = 'workflow';
  switch (kind) {
    case 'workflow-expr':
      text = `on: push\njobs:\n  b:\n    runs-on: x\n    if: \${{ ${nest('(', ')', 'true')} }}\n    steps:\n      - run: docker push ghcr.io/o/\${{ ${nest('format(\'{0}\', ', ')', "'a'")} }}\n`;
      break;
    case 'workflow-yaml':
      text = `on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/o/a\n        with: ${nest('{a: ', '}', '1')}\n`;
      break;
    case 'script-subst':
      k = 'script';
      text = `X=${nest('$(echo ', ')', 'a')}\ndocker push ghcr.io/o/$X\n`;
      break;
    case 'script-block':
      k = 'script';
      text = `${nest('( ', ' )', 'docker push ghcr.io/o/a')}\n`;
      break;
    case 'script-if':
      k = 'script';
      text = `${'if true; then\n'.repeat(n)}docker push ghcr.io/o/a\n${'fi\n'.repeat(n)}`;
      break;
    case 'make':
      k = 'make';
      text = `X := ${nest('$(strip ', ')', 'a')}\nY = ${nest('$(if $(A),', ',b)', 'a')}\npush:\n\tdocker push ghcr.io/o/$(X)$(Y)\n`;
      break;
    case 'hcl':
      k = 'bake';
      text = `target "default" {\n  tags = ${nest('[', ']', '"ghcr.io/o/a"')}\n  args = ${nest('{ a = ', ' }', '1')}\n}\n`;
      break;
    case 'goreleaser':
      k = 'goreleaser';
      text = `dockers:\n  - image_templates: ['ghcr.io/o/${nest('{{ if .Env.A }}', '{{ end }}', 'a')}']\n`;
      break;
    case 'helm':
      k = 'helm';
      text = `${nest('{{- if .Values.a }}\n', '{{- end }}\n', 'kind: ClusterPolicy\n')}`;
      break;
    case 'yaml-flow':
      k = rng.pick(['workflow', 'manifest', 'config', 'goreleaser']);
      text = `x: ${nest('[', ']', '1')}\n`;
      break;
    default:
      k = 'manifest';
      text = 'kind: ClusterPolicy\nspec:\n' + Array.from({ length: Math.min(n, 3000) }, (_, i) => ' '.repeat(i + 2) + `k${i}:`).join('\n') + ' verifyImages\n';
  }
  return { kind: k, name: `gen-deep-${kind}`, text };
}

/** A value far larger than any real one: a huge image name, env value, policy pattern, matrix. */
export function genHugeValue(rng, limit = 1e6) {
  const n = Math.min(rng.pick([50_000, 300_000, 900_000]), limit - 500);
  const r = rng.int(0, 4);
  if (r === 0) return { kind: 'workflow', name: 'gen-huge-matrix', text: `on: push\njobs:\n  b:\n    runs-on: x\n    strategy:\n      matrix:\n        c: [${Array.from({ length: Math.floor(n / 8) }, (_, i) => `c${i}`).join(', ')}]\n    steps:\n      - run: docker push ghcr.io/o/\${{ matrix.c }}\n` };
  if (r === 1) return { kind: 'script', name: 'gen-huge-heredoc', text: `cat <<EOF > images.txt\n${'ghcr.io/o/a\n'.repeat(Math.floor(n / 12))}EOF\nwhile read -r i; do docker push "$i"; done < images.txt\n` };
  if (r === 2) return { kind: 'make', name: 'gen-huge-prereqs', text: `push: ${Array.from({ length: Math.floor(n / 7) }, (_, i) => `p${i}`).join(' ')}\n\tdocker push ghcr.io/o/a\np%:\n\t@true\n` };
  if (r === 3) return { kind: 'manifest', name: 'gen-huge-refs', text: `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  validationFailureAction: Enforce\n  rules:\n  - name: r\n    verifyImages:\n    - imageReferences:\n${'      - ghcr.io/o/*\n'.repeat(Math.floor(n / 20))}` };
  return { kind: 'workflow', name: 'gen-huge-steps', text: `on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n${'      - run: docker push ghcr.io/o/a && cosign sign ghcr.io/o/a\n'.repeat(Math.floor(n / 60))}` };
}

/** NUL bytes, bidi and control characters, and workflow-command text in the places a report echoes. */
export function genCharacters(rng) {
  const bad = () => rng.pick([...BIDI, ...CONTROLS, ...COMMAND_TEXT, '\u0000']);
  const name = () => `a${bad()}b${rng.chance(0.3) ? bad() : ''}`;
  const r = rng.int(0, 6);
  if (r === 0) return { kind: 'workflow', name: 'gen-chars-workflow', text: `name: ${name()}\non: push\njobs:\n  "${name()}":\n    name: ${JSON.stringify(name())}\n    runs-on: x\n    steps:\n      - name: ${JSON.stringify(name())}\n        run: docker push "ghcr.io/o/${name()}" && cosign sign ghcr.io/o/${name()}\n` };
  if (r === 1) return { kind: 'script', name: 'gen-chars-script', text: `IMG="ghcr.io/o/${name()}"\ndocker push "$IMG"\necho '${bad()}'\n` };
  if (r === 2) return { kind: 'manifest', name: 'gen-chars-policy', text: `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ${JSON.stringify(name())}\nspec:\n  validationFailureAction: Enforce\n  rules:\n  - name: ${JSON.stringify(name())}\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    verifyImages:\n    - imageReferences: [${JSON.stringify('ghcr.io/o/' + name())}]\n      attestors:\n      - entries:\n        - keyless:\n            subject: ${JSON.stringify(name())}\n            issuer: x\n` };
  if (r === 3) return { kind: 'make', name: 'gen-chars-make', text: `IMG := ghcr.io/o/${name().replace(/\n/g, '')}\npush:\n\tdocker push $(IMG)\n` };
  if (r === 4) return { kind: 'config', name: 'gen-chars-config', text: `ignore:\n  - rule: ${JSON.stringify(name())}\n    reason: ${JSON.stringify(name())}\nrequire-images:\n  - ${JSON.stringify(name())}\n` };
  if (r === 5) return { kind: 'goreleaser', name: 'gen-chars-goreleaser', text: `dockers:\n  - image_templates: [${JSON.stringify('ghcr.io/o/' + name())}]\n` };
  return { kind: rng.pick(['workflow', 'script', 'make', 'manifest']), name: 'gen-chars-nul', text: `\u0000\u0000on: push\njobs: ${'\u0000'.repeat(rng.int(1, 100))}\n` };
}

export const GENERATORS = [
  [10, genWorkflow],
  [2, genJobGraph],
  [5, genComposite],
  [10, genScript],
  [8, genMakefile],
  [5, genGoreleaser],
  [5, genHcl],
  [5, genKyverno],
  [4, genPolicyController],
  [4, genHelm],
  [3, genConfig],
  [2, genYamlAnchors],
  [2, genDoubling],
  [1, genLongLine],
  [2, genDeepNesting],
  [1, genHugeValue],
  [3, genCharacters],
];
