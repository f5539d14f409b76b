// Built-in seeds: small hand-written files in the shapes real pipelines have (not copied from any repository),
// so the fuzzer works without the shared corpus. Each seed has a kind, which decides where the tree puts it and
// how the driver workflow reaches it (tree.mjs).

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

export const SEEDS = [
  {
    name: 'wf-build-push-sign',
    kind: 'workflow',
    text: `name: release
on:
  push:
    branches: [main]
    tags: ['v*']
  pull_request:
permissions:
  contents: read
env:
  REGISTRY: ghcr.io
  IMAGE_NAME: \${{ github.repository }}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: write
    outputs:
      digest: \${{ steps.build.outputs.digest }}
    steps:
      - uses: ${CHECKOUT}
      - uses: sigstore/cosign-installer@v3
      - uses: docker/setup-buildx-action@v3
      - uses: docker/login-action@v3
        if: github.event_name != 'pull_request'
        with:
          registry: \${{ env.REGISTRY }}
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.REGISTRY }}/\${{ env.IMAGE_NAME }}
          tags: |
            type=ref,event=branch
            type=semver,pattern={{version}}
            type=sha
      - id: build
        uses: docker/build-push-action@v6
        with:
          context: .
          push: \${{ github.event_name != 'pull_request' }}
          tags: \${{ steps.meta.outputs.tags }}
          labels: \${{ steps.meta.outputs.labels }}
      - name: Sign the published image
        if: \${{ github.event_name != 'pull_request' }}
        env:
          TAGS: \${{ steps.meta.outputs.tags }}
          DIGEST: \${{ steps.build.outputs.digest }}
        run: echo "\${TAGS}" | xargs -I {} cosign sign --yes {}@\${DIGEST}
`,
  },
  {
    name: 'wf-matrix-needs',
    kind: 'workflow',
    text: `name: images
on:
  workflow_dispatch:
    inputs:
      tag:
        description: tag to publish
        required: true
  push:
    tags: ['v*.*.*']
jobs:
  prepare:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: echo "version=\${GITHUB_REF_NAME#v}" >> "$GITHUB_OUTPUT"
  images:
    needs: prepare
    if: startsWith(github.ref, 'refs/tags/') || github.event_name == 'workflow_dispatch'
    runs-on: \${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest]
        component: [api, worker, scheduler]
        include:
          - component: api
            dockerfile: cmd/api/Dockerfile
    steps:
      - uses: ${CHECKOUT}
      - run: |
          IMG="quay.io/acme/\${{ matrix.component }}:\${{ needs.prepare.outputs.version }}"
          docker build -f "\${{ matrix.dockerfile || 'Dockerfile' }}" -t "$IMG" .
          docker push "$IMG"
  sign:
    needs: [prepare, images]
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: sigstore/cosign-installer@v3
      - run: |
          for c in api worker scheduler; do
            cosign sign --yes "quay.io/acme/$c:\${{ needs.prepare.outputs.version }}"
          done
`,
  },
  {
    name: 'wf-reusable',
    kind: 'workflow',
    text: `name: reusable-image
on:
  workflow_call:
    inputs:
      image:
        type: string
        required: true
      push:
        type: boolean
        default: false
    secrets:
      token:
        required: false
    outputs:
      digest:
        value: \${{ jobs.build.outputs.digest }}
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.push.outputs.digest }}
    steps:
      - uses: ${CHECKOUT}
      - id: push
        uses: docker/build-push-action@v6
        with:
          push: \${{ inputs.push }}
          tags: \${{ inputs.image }}:latest
      - if: inputs.push
        run: cosign sign --yes --key env://COSIGN_KEY "\${{ inputs.image }}@\${{ steps.push.outputs.digest }}"
        env:
          COSIGN_KEY: \${{ secrets.token }}
`,
  },
  {
    name: 'wf-caller-goreleaser',
    kind: 'workflow',
    text: `name: goreleaser
on:
  push:
    tags: ['*']
permissions:
  contents: write
  packages: write
  id-token: write
jobs:
  call:
    uses: ./.github/workflows/reusable.yml
    with:
      image: ghcr.io/\${{ github.repository_owner }}/tool
      push: \${{ github.ref_type == 'tag' }}
    secrets: inherit
  goreleaser:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
        with:
          fetch-depth: 0
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - uses: sigstore/cosign-installer@v3.7.0
      - uses: goreleaser/goreleaser-action@v6
        with:
          distribution: goreleaser
          version: '~> v2'
          args: release --clean
        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
      - uses: docker/bake-action@v5
        with:
          files: |
            ./docker-bake.hcl
          targets: release
          push: true
`,
  },
  {
    name: 'wf-anchors-windows',
    kind: 'workflow',
    text: `name: anchors
on: [push, pull_request]
defaults:
  run:
    shell: bash
jobs:
  lint: &base
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - &checkout
        uses: ${CHECKOUT}
      - run: make lint
  publish:
    <<: *base
    if: github.ref == 'refs/heads/main' && github.repository == 'acme/app'
    steps:
      - *checkout
      - name: Push
        shell: pwsh
        run: |
          $tag = "acme.azurecr.io/app:$env:GITHUB_SHA"
          docker build -t $tag .
          docker push $tag
      - run: make docker-push IMG=acme.azurecr.io/app:\${{ github.sha }}
`,
  },
  {
    name: 'action-composite-publish',
    kind: 'action',
    text: `name: Publish image
description: Build, push and sign one image
inputs:
  image:
    description: image name without tag
    required: true
  tag:
    description: tag
    default: latest
  sign:
    description: sign the digest
    default: 'true'
outputs:
  digest:
    description: pushed digest
    value: \${{ steps.push.outputs.digest }}
runs:
  using: composite
  steps:
    - uses: docker/setup-buildx-action@v3
    - id: push
      shell: bash
      run: |
        set -euo pipefail
        docker buildx build --push -t "\${{ inputs.image }}:\${{ inputs.tag }}" --metadata-file meta.json .
        echo "digest=$(jq -r '."containerimage.digest"' meta.json)" >> "$GITHUB_OUTPUT"
    - if: inputs.sign == 'true'
      shell: bash
      env:
        DIGEST: \${{ steps.push.outputs.digest }}
      run: cosign sign --yes "\${{ inputs.image }}@$DIGEST"
`,
  },
  {
    name: 'action-nested-local',
    kind: 'action',
    text: `name: release helper
runs:
  using: composite
  steps:
    - uses: ./.github/actions/setup
      with:
        go: '1.23'
    - shell: bash
      run: ./hack/release.sh "\${{ github.ref_name }}"
    - shell: bash
      working-directory: deploy
      run: make push REGISTRY=\${{ env.REGISTRY || 'docker.io/acme' }}
`,
  },
  {
    name: 'sh-release',
    kind: 'script',
    text: `#!/usr/bin/env bash
set -euo pipefail

REGISTRY="\${REGISTRY:-ghcr.io/acme}"
VERSION="\${1:-$(git describe --tags --always)}"
IMAGES=(api worker "ui")
PLATFORMS=linux/amd64,linux/arm64

log() { echo "[release] $*" >&2; }

build_one() {
  local name="$1"
  local ref="\${REGISTRY}/\${name}:\${VERSION#v}"
  log "building $ref"
  docker buildx build --platform "$PLATFORMS" --push -t "$ref" -f "cmd/\${name}/Dockerfile" .
  digest=$(crane digest "$ref")
  if [[ -n "\${COSIGN_KEY:-}" ]]; then
    cosign sign --yes --key "$COSIGN_KEY" "\${REGISTRY}/\${name}@\${digest}"
  elif [[ "\${CI:-}" == true ]]; then
    cosign sign --yes "\${REGISTRY}/\${name}@\${digest}"
  fi
}

case "\${VERSION}" in
  v*-rc*|*-dev) log "pre-release \${VERSION}";;
  v[0-9]*) ;;
  *) log "not a version: $VERSION"; exit 1;;
esac

for img in "\${IMAGES[@]}"; do
  build_one "$img" | tee -a build.log
done
`,
  },
  {
    name: 'sh-source-loop',
    kind: 'script',
    text: `#!/bin/sh
# Mirrors images to the release registry.
. "$(dirname "$0")/lib.sh"
TARGET=\${TARGET:=docker.io/acme}
while read -r src; do
  [ -z "$src" ] && continue
  name=\${src##*/}
  name=\${name%%:*}
  skopeo copy --all "docker://$src" "docker://$TARGET/$name:\${TAG}"
done <<LIST
quay.io/acme/api:1.0
quay.io/acme/worker:1.0
LIST
cat images.txt | grep -v '^#' | while IFS=: read -r n t; do crane copy "$n:$t" "$TARGET/\${n##*/}:$t"; done
test "$(uname -s)" = Linux && podman push "$TARGET/extra:$TAG" || true
`,
  },
  {
    name: 'make-docker',
    kind: 'make',
    text: `# Image targets
REGISTRY ?= ghcr.io/acme
IMG_TAG ?= $(shell git rev-parse --short HEAD)
COMPONENTS := api worker
IMAGES = $(foreach c,$(COMPONENTS),$(REGISTRY)/$(c):$(IMG_TAG))
PLATFORMS ?= linux/amd64,linux/arm64
COSIGN ?= cosign

.PHONY: docker-build docker-push sign $(addprefix push-,$(COMPONENTS))

docker-build:
\tdocker build -t $(REGISTRY)/api:$(IMG_TAG) .

push-%:
\tdocker push $(REGISTRY)/$*:$(IMG_TAG)

docker-push: docker-build $(addprefix push-,$(COMPONENTS))
\t@echo pushed $(IMAGES)

sign: docker-push
\t$(foreach img,$(IMAGES),$(COSIGN) sign --yes $(img);)

define release_image
release-$(1): push-$(1)
\t$$(COSIGN) sign --yes $$(REGISTRY)/$(1):$$(IMG_TAG)
endef
$(foreach c,$(COMPONENTS),$(eval $(call release_image,$(c))))

ifeq ($(origin CI),environment)
all: sign
else
all: docker-build
endif
include $(wildcard *.mk)
`,
  },
  {
    name: 'make-recursive',
    kind: 'make',
    text: `SHELL := /bin/bash
VERSION := $(patsubst v%,%,$(or $(GITHUB_REF_NAME),v0.0.0))
IMAGE_REPO = $(subst _,-,$(strip $(REGISTRY)))/controller
export VERSION

release: ## build and push everything
\t$(MAKE) -C charts package
\t$(MAKE) image-push IMG=$(IMAGE_REPO):$(VERSION)

image-push: IMG ?= docker.io/acme/controller:dev
image-push:
\tko build --bare --push ./cmd/controller --tags $(VERSION)
\tdocker tag $(IMG) $(word 1,$(subst :, ,$(IMG))):latest && docker push $(IMG)

sign-%: ; cosign sign --yes $(IMAGE_REPO)@$(shell cat $*.digest)
`,
  },
  {
    name: 'goreleaser-v2',
    kind: 'goreleaser',
    text: `version: 2
project_name: tool
env:
  - REGISTRY={{ if index .Env "REGISTRY" }}{{ .Env.REGISTRY }}{{ else }}ghcr.io/acme{{ end }}
  - COSIGN_YES=true
builds:
  - id: tool
    main: ./cmd/tool
    env: [CGO_ENABLED=0]
    goos: [linux, darwin]
    goarch: [amd64, arm64]
dockers:
  - image_templates:
      - '{{ .Env.REGISTRY }}/tool:{{ .Version }}-amd64'
    dockerfile: Dockerfile
    use: buildx
    build_flag_templates: ['--platform=linux/amd64']
  - image_templates:
      - '{{ .Env.REGISTRY }}/tool:{{ .Version }}-arm64'
    goarch: arm64
    use: buildx
docker_manifests:
  - name_template: '{{ .Env.REGISTRY }}/tool:{{ .Version }}'
    image_templates:
      - '{{ .Env.REGISTRY }}/tool:{{ .Version }}-amd64'
      - '{{ .Env.REGISTRY }}/tool:{{ .Version }}-arm64'
docker_signs:
  - cmd: cosign
    artifacts: manifests
    args: ['sign', '\${artifact}@\${digest}', '--yes']
signs:
  - cmd: cosign
    certificate: '\${artifact}.pem'
    args: ['sign-blob', '--output-signature=\${signature}', '\${artifact}', '--yes']
    artifacts: checksum
kos:
  - repository: '{{ .Env.REGISTRY }}/tool-ko'
    tags: ['{{ .Version }}', latest]
    bare: true
    sbom: spdx
release:
  draft: '{{ contains .Tag "rc" }}'
`,
  },
  {
    name: 'bake-hcl',
    kind: 'bake',
    text: `variable "REGISTRY" {
  default = "docker.io/acme"
}
variable "TAG" {
  default = "dev"
}
variable "COMPONENTS" {
  default = ["api", "worker"]
}
function "tag" {
  params = [name, tag]
  result = ["\${REGISTRY}/\${name}:\${tag}", notequal("", tag) ? "\${REGISTRY}/\${name}:latest" : ""]
}
group "default" {
  targets = ["api", "worker"]
}
group "release" {
  targets = [for c in COMPONENTS : "release-\${c}"]
}
target "docker-metadata-action" {}
target "_common" {
  inherits = ["docker-metadata-action"]
  platforms = ["linux/amd64", "linux/arm64"]
  args = {
    VERSION = TAG
  }
}
target "api" {
  inherits = ["_common"]
  dockerfile = "cmd/api/Dockerfile"
  tags = tag("api", TAG)
}
target "worker" {
  inherits = ["_common"]
  tags = tag("worker", TAG)
  output = ["type=registry"]
}
target "release" {
  matrix = {
    item = COMPONENTS
  }
  name = "release-\${item}"
  inherits = [item]
  attest = ["type=provenance,mode=max", "type=sbom"]
}
`,
  },
  {
    name: 'bake-json',
    kind: 'bake',
    text: `{
  "variable": { "TAG": { "default": "latest" }, "REPO": { "default": "ghcr.io/acme/site" } },
  "group": { "default": { "targets": ["site"] } },
  "target": {
    "site": {
      "context": ".",
      "tags": ["\${REPO}:\${TAG}"],
      "platforms": ["linux/amd64"],
      "output": ["type=image,push=true"]
    }
  }
}
`,
  },
  {
    name: 'kyverno-verify',
    kind: 'manifest',
    text: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: verify-acme-images
  annotations:
    policies.kyverno.io/title: Verify image signatures
spec:
  validationFailureAction: Enforce
  webhookTimeoutSeconds: 30
  failurePolicy: Fail
  background: false
  rules:
    - name: check-signature
      match:
        any:
          - resources:
              kinds: [Pod]
              namespaces: [prod, 'team-*']
      exclude:
        any:
          - resources:
              namespaces: [kube-system]
      verifyImages:
        - imageReferences:
            - 'ghcr.io/acme/*'
            - 'quay.io/acme/api:*'
          mutateDigest: true
          verifyDigest: true
          required: true
          attestors:
            - count: 1
              entries:
                - keyless:
                    subject: 'https://github.com/acme/*/.github/workflows/*@refs/tags/*'
                    issuer: https://token.actions.githubusercontent.com
                    rekor:
                      url: https://rekor.sigstore.dev
                - keys:
                    publicKeys: |-
                      -----BEGIN PUBLIC KEY-----
                      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
                      5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
                      -----END PUBLIC KEY-----
`,
  },
  {
    name: 'policy-controller',
    kind: 'manifest',
    text: `apiVersion: policy.sigstore.dev/v1beta1
kind: ClusterImagePolicy
metadata:
  name: acme-keyless
spec:
  mode: enforce
  images:
    - glob: 'ghcr.io/acme/**'
    - glob: 'index.docker.io/acme/*'
  authorities:
    - name: github
      keyless:
        url: https://fulcio.sigstore.dev
        identities:
          - issuer: https://token.actions.githubusercontent.com
            subjectRegExp: '^https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.ya?ml@refs/tags/v.*$'
      ctlog:
        url: https://rekor.sigstore.dev
    - name: key
      key:
        secretRef:
          name: cosign-pub
      source:
        - oci: registry.example.com/signatures
---
apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels:
    policy.sigstore.dev/include: "true"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy.sigstore.dev
webhooks:
  - name: policy.sigstore.dev
    failurePolicy: Ignore
    namespaceSelector:
      matchExpressions:
        - key: policy.sigstore.dev/include
          operator: In
          values: ["true"]
`,
  },
  {
    name: 'kyverno-ivpol',
    kind: 'manifest',
    text: `apiVersion: policies.kyverno.io/v1alpha1
kind: ImageValidatingPolicy
metadata:
  name: check-images
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
      - apiGroups: ['']
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  matchImageReferences:
    - glob: 'docker.io/acme/*'
  attestors:
    - name: cosign
      cosign:
        key:
          data: |
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEabc
            -----END PUBLIC KEY-----
  validations:
    - expression: >-
        images.containers.map(image, verifyImageSignatures(image, [attestors.cosign])).all(e, e > 0)
      message: failed the image signature verification
`,
  },
  {
    name: 'flux-helmrelease',
    kind: 'manifest',
    text: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: kyverno
  namespace: kyverno
spec:
  interval: 10m
  chart:
    spec:
      chart: kyverno
      version: '3.x'
      sourceRef:
        kind: HelmRepository
        name: kyverno
  values:
    admissionController:
      replicas: 3
    features:
      policyExceptions:
        enabled: false
    config:
      webhooks:
        - namespaceSelector:
            matchExpressions:
              - key: kubernetes.io/metadata.name
                operator: NotIn
                values: [kube-system]
`,
  },
  {
    name: 'helm-policy-template',
    kind: 'helm',
    text: `{{- if .Values.policy.enabled }}
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: {{ include "chart.fullname" . }}-verify
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  validationFailureAction: {{ .Values.policy.action | default "Audit" }}
  rules:
    - name: verify
      match:
        any:
          - resources:
              kinds: [Pod]
      verifyImages:
      {{- range .Values.policy.images }}
        - imageReferences: [{{ . | quote }}]
          attestors:
            - entries:
                - keyless:
                    subject: {{ $.Values.policy.subject | quote }}
                    issuer: https://token.actions.githubusercontent.com
      {{- end }}
{{- end }}
`,
  },
  {
    name: 'config-basic',
    kind: 'config',
    text: `# image-signing-audit configuration
version: 1
exclude-images:
  - image: 'ghcr.io/acme/test-*'
    reason: throwaway test images
require-images:
  - ghcr.io/acme/api
accept-methods: [cosign-keyless, cosign-key, tag]
ephemeral-registries:
  - localhost:5000
  - kind-registry:5000
ignore:
  - rule: signed-by-tag
    image: 'quay.io/acme/*'
    reason: tag signing accepted for the legacy registry
  - rule: no-admission-enforcement
    path: .github/workflows/*.yml
    reason: enforcement lives in the platform repository
`,
  },
  {
    name: 'cloudbuild-push-sign',
    kind: 'cloudbuild',
    text: `substitutions:
  _IMAGE: us-docker.pkg.dev/acme-prod/apps/api
steps:
  - id: build
    name: gcr.io/cloud-builders/docker
    args: ['build', '-t', '\${_IMAGE}:$SHORT_SHA', '.']
  - id: push
    name: gcr.io/cloud-builders/docker
    entrypoint: bash
    args:
      - -c
      - |
        docker push \${_IMAGE}:$SHORT_SHA
        docker image inspect \${_IMAGE}:$SHORT_SHA --format '{{index .RepoDigests 0}}' > /workspace/ref
  - id: sign
    name: ghcr.io/sigstore/cosign/cosign:v2.4.1-dev
    entrypoint: sh
    secretEnv: ['COSIGN_KEY']
    waitFor: ['push']
    args: ['-c', 'cosign sign --yes --key env://COSIGN_KEY "$$(cat /workspace/ref)"']
  - name: gcr.io/kaniko-project/executor:v1.23.2
    args: ['--destination=\${_IMAGE}-worker:$TAG_NAME', '--digest-file=/workspace/worker.digest']
    waitFor: ['-']
    allowFailure: true
images:
  - \${_IMAGE}:latest
options:
  requestedVerifyOption: VERIFIED
availableSecrets:
  secretManager:
    - versionName: projects/$PROJECT_ID/secrets/cosign-key/versions/latest
      env: COSIGN_KEY
`,
  },
  {
    name: 'jenkins-push',
    kind: 'jenkins',
    text: `pipeline {
  agent any
  environment { IMAGE = "registry.example.com/acme/api:\${env.BUILD_NUMBER}" }
  stages {
    stage('Publish') {
      when { branch 'main' }
      steps {
        sh '''
          docker build -t \${IMAGE} .
          docker push \${IMAGE}
        '''
        sh 'make release'
        script { docker.build("acme/worker:\${env.BUILD_ID}").push() }
      }
    }
  }
}
`,
  },
];

/** values.yaml that goes with every Helm template input (tree.mjs). */
export const HELM_VALUES = `policy:
  enabled: true
  action: Enforce
  subject: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
  images:
    - ghcr.io/acme/app:*
    - docker.io/acme/*
`;
