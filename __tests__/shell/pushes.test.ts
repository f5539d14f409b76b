import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, pushes, run } from './helpers.js';

before(async () => {
  await loadShellParser();
});

test('docker push and docker image push, with line numbers relative to the step', () => {
  const r = run('echo building\ndocker push ghcr.io/acme/app:${{ github.sha }}\ndocker image push docker.io/acme/app:latest');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/app', 'docker.io/acme/app']);
  assert.deepEqual(pushes(r).map((p) => p.location.line), [11, 12]);
  assert.equal(pushes(r)[0]!.refs[0]!.tag, '${{ github.sha }}');
  assert.equal(pushes(r)[0]!.confidence, 'high');
  assert.equal(pushes(r)[0]!.jobKey, '.github/workflows/release.yml#release');
  assert.equal(pushes(r)[0]!.stepIndex, 3);
});

test('buildx build: --push, --output type=registry / type=image,push=true push; --load and plain builds are local', () => {
  const r = run(
    [
      'docker buildx build \\',
      '  --platform linux/amd64,linux/arm64 \\',
      '  -t ghcr.io/acme/a:1 --tag ghcr.io/acme/a:latest \\',
      '  --push .',
      'docker buildx build -o type=registry -t quay.io/acme/b:1 .',
      'docker buildx build --output "type=image,name=ghcr.io/acme/c,push-by-digest=true,name-canonical=true,push=true" .',
      'docker buildx build --load -t acme/local:test .',
      'docker build -t acme/plain:test .',
      'docker buildx build --output type=image,name=ghcr.io/acme/d,push=false .',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/a', 'quay.io/acme/b', 'ghcr.io/acme/c']);
  assert.equal(pushes(r)[0]!.location.line, 10, 'a continued command is located at its first line');
  assert.deepEqual(
    r.localBuilds.map((l) => l.name),
    ['docker.io/acme/local', 'docker.io/acme/plain'],
  );
});

test('imagetools create -t and manifest push push; manifest create and imagetools --dry-run do not', () => {
  const r = run(
    [
      'docker buildx imagetools create -t ghcr.io/acme/app:1.0 -t ghcr.io/acme/app:latest ghcr.io/acme/app@sha256:aaa ghcr.io/acme/app@sha256:bbb',
      'docker manifest create docker.io/acme/app:1.0 docker.io/acme/app:amd64 docker.io/acme/app:arm64',
      'docker manifest push docker.io/acme/app:1.0',
      'docker buildx imagetools create --dry-run -t ghcr.io/acme/dry:1 ghcr.io/acme/app@sha256:aaa',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/app', 'ghcr.io/acme/app', 'docker.io/acme/app']);
  assert.equal(pushes(r)[0]!.tool, 'docker buildx imagetools create');
  assert.equal(pushes(r)[1]!.tool, 'docker manifest push');
});

test('imagetools create with tags from a variable (metadata json) splits the -t list', () => {
  const r = run('tags="-t ghcr.io/acme/z:1 -t ghcr.io/acme/z:main"\ndocker buildx imagetools create ${tags} ghcr.io/acme/z@sha256:x');
  assert.deepEqual(pushes(r)[0]!.refs.map((x) => x.raw), ['ghcr.io/acme/z:1', 'ghcr.io/acme/z:main']);
});

test('falco-style crane copy to ECR pushes the destination; crane tag and crane digest do not push', () => {
  const r = run(
    [
      'crane copy docker.io/falcosecurity/falco:${{ inputs.tag }} public.ecr.aws/falcosecurity/falco:${{ inputs.tag }}',
      'crane cp docker.io/falcosecurity/falco-driver-loader:x public.ecr.aws/falcosecurity/falco-driver-loader:x',
      'crane tag public.ecr.aws/falcosecurity/falco:${{ inputs.tag }} latest',
      'echo "falco=$(crane digest docker.io/falcosecurity/falco:${{ inputs.tag }})" >> $GITHUB_OUTPUT',
      'crane push image.tar ghcr.io/acme/from-tar:1',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['public.ecr.aws/falcosecurity/falco', 'public.ecr.aws/falcosecurity/falco-driver-loader', 'ghcr.io/acme/from-tar']);
  // The digest that reference points to (src/model/digest.ts), unknown but traceable to the push of that tag.
  assert.equal(r.outputWrites['falco'], '$(digest-of:docker.io/falcosecurity/falco:${{ inputs.tag }})');
});

test('paperless-style skopeo copy with bash pattern substitution over a tag list', () => {
  const r = run(
    [
      'for tag in ${TAGS}; do',
      '  dockerhub_tag="${tag/${GHCR_REPO}/docker.io/paperlessngx/paperless-ngx}"',
      '  echo "Copying ${tag} to ${dockerhub_tag}"',
      '  skopeo copy --all "docker://${tag}" "docker://${dockerhub_tag}"',
      'done',
    ].join('\n'),
    { env: { TAGS: 'ghcr.io/paperless-ngx/paperless-ngx:dev\nghcr.io/paperless-ngx/paperless-ngx:2.1', GHCR_REPO: 'ghcr.io/paperless-ngx/paperless-ngx' } },
  );
  assert.deepEqual(new Set(pushedNames(r)), new Set(['docker.io/paperlessngx/paperless-ngx']));
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.tag), ['dev', '2.1']);
});

test('skopeo substitution over tags that are not known keeps the new repository with an unresolved tag', () => {
  const r = run('for tag in ${TAGS}; do\n  skopeo copy --all "docker://${tag}" "docker://${tag/${GHCR_REPO}/quay.io/paperlessngx/paperless-ngx}"\ndone', {
    env: { TAGS: '${{ steps.docker-meta.outputs.tags }}', GHCR_REPO: 'ghcr.io/${{ needs.build.outputs.repository }}' },
  });
  assert.deepEqual(pushedNames(r), ['quay.io/paperlessngx/paperless-ngx']);
});

test('skopeo copy to a non-registry transport is not a push', () => {
  const r = run('skopeo copy docker://ghcr.io/acme/a:1 oci-archive:/tmp/a.tar\nskopeo copy docker://ghcr.io/acme/a:1 docker-archive:a.tar');
  assert.deepEqual(pushedNames(r), []);
});

test('podman and buildah: push (with destination), manifest push; builds are local', () => {
  const r = run(
    [
      'buildah bud -t localhost/app:1 .',
      'podman build -t quay.io/acme/app:1 .',
      'podman push quay.io/acme/app:1',
      'buildah push localhost/app:1 docker://quay.io/acme/other:1',
      'podman manifest push --all quay.io/acme/list:1 docker://quay.io/acme/list:1',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['quay.io/acme/app', 'quay.io/acme/other', 'quay.io/acme/list']);
  assert.ok(r.localBuilds.some((l) => l.name === 'quay.io/acme/app'));
});

test('kaniko --destination pushes, --no-push stays local', () => {
  const r = run('/kaniko/executor --context . --dockerfile Dockerfile --destination ghcr.io/acme/k:1 -d ghcr.io/acme/k:latest\nexecutor --no-push --destination ghcr.io/acme/nopush:1');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/k', 'ghcr.io/acme/k']);
  assert.deepEqual(r.localBuilds.map((l) => l.name), ['ghcr.io/acme/nopush']);
});

test('ko: KO_DOCKER_REPO with --bare, -B, default naming (noted), local targets', () => {
  const r = run(
    [
      'export KO_DOCKER_REPO=ghcr.io/acme',
      'ko build --bare ./cmd/widget',
      'ko build -B ./cmd/widget',
      'ko publish ./cmd/other --tags v1,latest',
      'KO_DOCKER_REPO=ko.local ko build ./cmd/widget',
      'ko build --push=false ./cmd/widget',
      'ko build --local ./cmd/widget',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme', 'ghcr.io/acme/widget', 'ghcr.io/acme/other']);
  assert.ok(pushes(r)[2]!.notes?.some((n) => n.includes('md5')));
  assert.equal(r.localBuilds.length, 3);
});

test('ko with an unknown KO_DOCKER_REPO keeps it as written; ko resolve reads ko:// paths from the YAML', () => {
  const r = run('ko resolve --bare -f config/ > release.yaml\nKO_DOCKER_REPO=ghcr.io/acme ko resolve -B -f config/deployment.yaml');
  assert.deepEqual(pushedNames(r), ['$KO_DOCKER_REPO', 'ghcr.io/acme/controller', 'ghcr.io/acme/webhook']);
  assert.equal(pushes(r)[0]!.confidence, 'medium');
});

test('oras push, pack build --publish, jib through maven and gradle', () => {
  const r = run(
    [
      'oras push ghcr.io/acme/artifact:1 ./dist/file.tgz:application/gzip',
      'pack build ghcr.io/acme/pack:1 --builder paketobuildpacks/builder:base --publish',
      'pack build acme/local-pack --builder paketobuildpacks/builder:base',
      './mvnw -B compile jib:build -Dimage=ghcr.io/acme/jib:1',
      './gradlew jib --image=ghcr.io/acme/gradle-jib:1',
      'mvn jib:dockerBuild -Dimage=acme/jib-local',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/artifact', 'ghcr.io/acme/pack', 'ghcr.io/acme/jib', 'ghcr.io/acme/gradle-jib']);
  assert.deepEqual(r.localBuilds.map((l) => l.name), ['docker.io/acme/local-pack', 'docker.io/acme/jib-local']);
});

test('ephemeral registries become local builds (built-in and from the context, with or without port)', () => {
  const r = run('docker push localhost:5000/acme/test:1\nko publish --bare ./cmd/x\ndocker push registry:5000/acme/svc:1\ndocker push registry.local:5000/e2e:1\nkind load docker-image acme/kind:dev', {
    env: { KO_DOCKER_REPO: 'kind.local' },
    ephemeralRegistries: ['registry'],
  });
  assert.deepEqual(pushedNames(r), []);
  assert.deepEqual(r.localBuilds.map((l) => l.name), ['localhost:5000/acme/test', 'kind.local', 'registry:5000/acme/svc', 'registry.local:5000/e2e', 'docker.io/acme/kind']);
});

test('wrappers and command words: sudo, env, time, absolute path, $DOCKER variable', () => {
  const r = run(
    [
      'sudo -E docker push ghcr.io/acme/a:1',
      'env DOCKER_CLI_EXPERIMENTAL=enabled docker push ghcr.io/acme/b:1',
      'time /usr/bin/docker push ghcr.io/acme/c:1',
      'DOCKER=/usr/local/bin/docker',
      '$DOCKER push ghcr.io/acme/d:1',
      '${PODMAN_BIN} push ghcr.io/acme/e:1',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/c', 'ghcr.io/acme/d', 'ghcr.io/acme/e']);
  assert.equal(pushes(r)[3]!.confidence, 'high', 'a resolved command variable is known');
  assert.equal(pushes(r)[4]!.confidence, 'low', 'an unresolved command variable is only guessed');
});

test('docker buildx bake and goreleaser are handed to their readers without crashing', () => {
  const r = run('docker buildx bake -f docker-bake.hcl --push release\ngoreleaser release --clean');
  assert.ok(Array.isArray(r.operations));
});
