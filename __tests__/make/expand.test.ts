import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRepo, type RepoReader } from '../../src/discover/repo.js';
import { expandMake, type MakeExpansion, type MakeOptions } from '../../src/make/index.js';
import { interpolateAlternatives, UNKNOWN_LOOKUP } from '../../src/expr/expr.js';

// Tests run from the project root (npm test); fixtures are read from the source tree.
const FIXTURES = join(process.cwd(), '__tests__/fixtures/make');
const repos = new Map<string, RepoReader>();
const WORKFLOW = { file: '.github/workflows/release.yml', line: 12 };

function repoFor(name: string): RepoReader {
  let repo = repos.get(name);
  if (!repo) {
    repo = openRepo(join(FIXTURES, name));
    repos.set(name, repo);
  }
  return repo;
}

function make(fixture: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; options?: MakeOptions } = {}): MakeExpansion {
  return expandMake({ repo: repoFor(fixture), args, cwd: opts.cwd ?? '', env: opts.env ?? {}, location: WORKFLOW, depth: 4 }, opts.options);
}

const texts = (r: MakeExpansion): string[] => r.commands.map((c) => c.text);
const at = (r: MakeExpansion): string[] => r.commands.map((c) => `${c.file}:${c.line}`);

test('follows an included .mk file: prerequisites first, recipes with exact file:line and target chain', () => {
  const r = make('release-repo', ['release']);
  assert.deepEqual(r.limits, []);
  assert.deepEqual(texts(r), [
    'go build -ldflags "-s -w -X main.commit=$(shell git rev-parse HEAD)" -o bin/controller ./cmd/controller',
    'docker push ghcr.io/example-org/controller:$(shell git describe --tags --always --dirty)',
    'docker push ghcr.io/example-org/webhook:$(shell git describe --tags --always --dirty)',
    'make -C deploy manifests VERSION=$(shell git describe --tags --always --dirty)',
  ]);
  assert.deepEqual(at(r), ['Makefile:24', 'Makefile:37', 'Makefile:37', 'release/release.mk:14']);
  const push = r.commands[1];
  assert.deepEqual(push.chain, [
    { file: 'release/release.mk', line: 13 },
    { file: 'Makefile', line: 34 },
    { file: 'Makefile', line: 36 },
  ]);
  assert.equal(push.cwd, '');
});

test('?= defaults yield to the environment, command-line values beat both, -e lets the environment win', () => {
  const env = { REGISTRY: 'docker.io', REPO: '${{ github.repository_owner }}', IMAGE_TAG: '${{ github.sha }}' };
  const fromEnv = make('release-repo', ['push-controller'], { env });
  assert.equal(texts(fromEnv)[1], 'docker push docker.io/${{ github.repository_owner }}/controller:${{ github.sha }}');

  const fromArgs = make('release-repo', ['push-controller', 'REGISTRY=quay.io', 'IMAGE_TAG=v1.2.3'], { env });
  assert.equal(texts(fromArgs)[1], 'docker push quay.io/${{ github.repository_owner }}/controller:v1.2.3');

  // ARCHS is set with := in the Makefile: the environment loses unless -e is given.
  const plain = make('release-repo', ['push'], { env: { ARCHS: 's390x' } });
  assert.match(texts(plain).at(-1)!, /for arch in amd64 arm64; do/);
  const withE = make('release-repo', ['-e', 'push'], { env: { ARCHS: 's390x' } });
  assert.match(texts(withE).at(-1)!, /for arch in s390x; do/);
});

test('a push loop in a recipe keeps $$ as $ and the continuation lines, reported at the first line', () => {
  const r = make('release-repo', ['push'], { env: { IMAGE_TAG: 'v1' } });
  const loop = r.commands.at(-1)!;
  assert.equal(loop.text, 'for arch in amd64 arm64; do \\\n\tdocker push ghcr.io/example-org/controller-$arch:v1; \\\ndone');
  assert.equal(loop.line, 30);
  assert.deepEqual(loop.chain, [{ file: 'Makefile', line: 29 }]);
  assert.deepEqual(texts(r).slice(0, 2), [
    'go build -ldflags "-s -w -X main.commit=$(shell git rev-parse HEAD)" -o bin/controller ./cmd/controller',
    'docker build -t ghcr.io/example-org/controller:v1 .',
  ]);
});

test('target-specific variables apply to their target only; @ - + prefixes are stripped', () => {
  const r = make('release-repo', ['debug-image', 'image'], { env: { IMAGE_TAG: 'v1' } });
  assert.deepEqual(texts(r), [
    'go build -ldflags "-s -w -X main.commit=$(shell git rev-parse HEAD)" -o bin/controller ./cmd/controller',
    'docker build -t ghcr.io/example-org/controller:debug -f Dockerfile.debug .',
    'docker push ghcr.io/example-org/controller:debug',
    'docker build -t ghcr.io/example-org/controller:v1 .',
  ]);
});

test('conditionals: a known value picks one branch; a run-time value keeps both', () => {
  const on = make('release-repo', ['sign', 'SIGN=true'], { env: { IMAGE_TAG: 'v1' } });
  assert.equal(texts(on).at(-1), 'cosign sign --yes ghcr.io/example-org/controller:v1');
  assert.ok(!texts(on).includes('echo "signing disabled"'));

  const off = make('release-repo', ['sign']);
  assert.deepEqual(texts(off), ['echo "signing disabled"']);

  const unknown = make('release-repo', ['sign'], { env: { SIGN: '${{ inputs.sign }}', IMAGE_TAG: 'v1' } });
  assert.ok(texts(unknown).includes('cosign sign --yes ghcr.io/example-org/controller:v1'));
  assert.ok(texts(unknown).includes('echo "signing disabled"'));
  assert.deepEqual(unknown.limits, []);
});

test('exported variables reach the recipe environment; unexport removes them; the caller env passes through', () => {
  const r = make('release-repo', ['build'], { env: { GOFLAGS: '-mod=mod', HOME: '/home/runner', REPO: 'acme' } });
  const env = r.commands[0].env;
  assert.equal(env.KO_DOCKER_REPO, 'ghcr.io/acme');
  assert.equal(env.HOME, '/home/runner');
  assert.equal(env.GOFLAGS, undefined);
});

test('canned recipes (define) become one command per line; $(call) user functions expand their parameters', () => {
  const r = make('release-repo', ['ko-publish', 'IMAGE_TAG=v2']);
  assert.deepEqual(texts(r), ['mkdir -p /tmp/ko-cache', 'echo cache ready', 'KOCACHE=/tmp/ko-cache ko build --bare --tags v2 ./cmd/controller']);
  assert.deepEqual(at(r), ['release/release.mk:17', 'release/release.mk:17', 'release/release.mk:18']);
});

test('includes by wildcard are read; a missing -include is silent', () => {
  const r = make('release-repo', ['lint']);
  assert.deepEqual(texts(r), ['golangci-lint run ./...']);
  assert.deepEqual(at(r), ['hack/tools.mk:4']);
  assert.deepEqual(r.limits, []);
});

test('default goal, -C and -f: the recipe directory and makefile follow the arguments', () => {
  assert.deepEqual(texts(make('release-repo', [])), ['go build -ldflags "-s -w -X main.commit=$(shell git rev-parse HEAD)" -o bin/controller ./cmd/controller']);
  const sub = make('release-repo', ['-C', 'deploy', 'manifests', 'VERSION=v3']);
  assert.deepEqual(texts(sub), ['kustomize build config > dist/install-v3.yaml']);
  assert.equal(sub.commands[0].file, 'deploy/Makefile');
  assert.equal(sub.commands[0].cwd, 'deploy');
  const viaF = make('release-repo', ['--file=deploy/Makefile', 'manifests']);
  assert.deepEqual(texts(viaF), ['kustomize build config > dist/install-dev.yaml']);
  const fromCwd = make('release-repo', ['manifests'], { cwd: 'deploy' });
  assert.equal(fromCwd.commands[0].file, 'deploy/Makefile');
  assert.deepEqual(texts(make('gnu', ['all'])), ['echo from GNUmakefile']);
});

test('must find nothing: a build-only target runs no push', () => {
  const r = make('release-repo', ['build']);
  assert.equal(r.commands.length, 1);
  assert.ok(!texts(r).some((t) => /push|cosign/.test(t)));
});

test('must find nothing: an unknown target gives an empty result with a limit note', () => {
  const r = make('release-repo', ['publish-everything']);
  assert.deepEqual(r.commands, []);
  assert.equal(r.limits.length, 1);
  assert.match(r.limits[0], /no rule to make target 'publish-everything'/);
});

test('must find nothing: no makefile, a directory outside the tree, or a run-time target name', () => {
  const none = make('no-makefile', ['all']);
  assert.deepEqual(none.commands, []);
  assert.match(none.limits[0], /no makefile in \./);
  const outside = make('release-repo', ['-C', '../..', 'all']);
  assert.deepEqual(outside.commands, []);
  assert.match(outside.limits[0], /cannot be resolved inside the repository/);
  const runtime = make('release-repo', ['${{ inputs.target }}']);
  assert.deepEqual(runtime.commands, []);
  assert.match(runtime.limits[0], /only known at run time/);
});

test('generated targets: $(eval $(call template)) in $(foreach), forwarding %: common-% and static pattern rules', () => {
  const r = make('features', ['publish-api', 'docker-publish', 'VERSION=2.0.0']);
  assert.deepEqual(texts(r), [
    'docker buildx build --push --platform linux/amd64,linux/arm64 -t quay.io/example/api:2.0.0 services/api',
    'docker push "quay.io/example/app-linux-amd64:2.0.0"',
    'docker push "quay.io/example/app-linux-arm64:2.0.0"',
  ]);
  assert.deepEqual(r.commands[1].chain.map((l) => l.line), [22, 25, 26]);
});

test('rule syntax: .RECIPEPREFIX, inline recipes, double-colon rules, order-only prerequisites, $(@D) $(@F)', () => {
  const r = make('features', ['recipe-prefix', 'inline', 'clean', 'out/app']);
  assert.deepEqual(texts(r), ['echo custom prefix', 'echo inline recipe # not a comment for make', 'rm -rf bin', 'rm -rf dist', 'mkdir -p out', 'touch out/app out/stamp app']);
  assert.deepEqual(r.commands[3].chain, [{ file: 'Makefile', line: 38 }]);
});

test('built-in functions behave like GNU make; $(shell) stays as written', () => {
  const r = make('features', ['functions'], { env: { PATH: '/usr/bin' } });
  assert.deepEqual(texts(r), [
    'echo a.o b.o c.txt svc-api svc-worker api workers',
    'echo a.go b.c a b c',
    'echo b 3 b c a b',
    'echo src/ ./ a.c b.c .c src/a b',
    'echo a.x b.x p/a p/b a1 b2 a b b',
    'echo yes second b file environment undefined',
    'echo $(addprefix common-docker-publish-,$(DOCKER_ARCHS)) Dockerfile  $(shell date +%s)',
    'echo bbnbnb recursive simple  services/api/deep/more.txt   services/api/notes.txt    ',
  ]);
});

test('conditionals on $(shell) read both branches and join what they assign; else-if chains and ifdef inside recipes', () => {
  // `ifeq ($(shell uname -s),Darwin)` cannot be decided: SED is gsed on one path and sed on the other, never
  // only the value of the branch read last.
  const paths = (text: string) => interpolateAlternatives(text, UNKNOWN_LOOKUP).map((a) => a.text).sort();
  const r = make('features', ['conditionals']);
  assert.deepEqual(paths(texts(r)[0]!), ['echo gsed empty', 'echo sed empty']);
  assert.equal(texts(r)[1], 'echo version is set');
  const x = make('features', ['conditionals', 'UNSET_THING=x']);
  assert.deepEqual(paths(texts(x)[0]!), ['echo gsed x', 'echo sed x']);
});

test('recursive $(MAKE) comes back as a make command line for the caller to follow', () => {
  const r = make('features', ['sub-make']);
  assert.deepEqual(texts(r), ['make -C services/api build', 'cd services && make all']);
});

test('-n runs nothing but recursive make lines', () => {
  const r = make('features', ['-n', 'sub-make', 'clean']);
  assert.deepEqual(texts(r), ['make -C services/api build', 'cd services && make all']);
});

test('bounds: a self-referencing variable, an expansion bomb and the recipe-line cap end with limit notes', () => {
  const loop = make('malformed', ['loop']);
  assert.deepEqual(texts(loop), ['echo  again']);
  assert.ok(loop.limits.some((l) => /references itself/.test(l)));

  const bomb = make('malformed', ['bomb']);
  assert.ok(bomb.limits.some((l) => /bound/.test(l)), bomb.limits.join('\n'));

  const capped = make('release-repo', ['push-all'], { options: { bounds: { maxRecipeLines: 2 } } });
  assert.equal(capped.commands.length, 2);
  assert.ok(capped.limits.some((l) => /recipe line bound \(2\)/.test(l)));
});

test('malformed makefile: a missing endif is a parse-error finding, not an exception', () => {
  const r = make('malformed', ['push', 'X=1']);
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].rule, 'parse-error');
  assert.deepEqual(r.findings[0].location, { file: 'Makefile', line: 27 });
  assert.ok(r.limits.some((l) => /makefile missing\/common\.mk not read: no such file \(included at Makefile:1\)/.test(l)), r.limits.join('\n'));
  assert.deepEqual(texts(r), ['docker push ghcr.io/example/app:latest']);
});

test('repeated invocations reuse the parsed makefile and give the same answer', () => {
  const a = make('release-repo', ['push-all']);
  const b = make('release-repo', ['push-all']);
  assert.deepEqual(a, b);
});

test('command-line variables reach a sub-make through MAKEFLAGS', () => {
  const top = make('release-repo', ['release', 'IMAGE_TAG=v9', 'REGISTRY=quay.io']);
  const subMake = top.commands.at(-1)!;
  assert.equal(subMake.text, 'make -C deploy manifests VERSION=v9');
  assert.equal(subMake.env.MAKEFLAGS, '-- IMAGE_TAG=v9 REGISTRY=quay.io');
  const sub = make('release-repo', ['push-webhook'], { env: { ...subMake.env, IMAGE_TAG: 'ignored' } });
  assert.equal(texts(sub).at(-1), 'docker push quay.io/example-org/webhook:v9');
});

test('CURDIR and $(abspath) are absolute under $GITHUB_WORKSPACE, which -C maps back into the tree', () => {
  const r = make('features', ['where', '--eval=where: ; $(MAKE) -C $(CURDIR)/services $(abspath x)']);
  assert.deepEqual(texts(r), ['make -C $GITHUB_WORKSPACE/services $GITHUB_WORKSPACE/x']);
  const back = make('features', ['-C', '$GITHUB_WORKSPACE/services', 'all']);
  assert.match(back.limits[0], /no makefile in services/);
});

test('an export under a conditional the engine cannot decide: the recipe shell sees an unknown value, the other branch no export', () => {
  const r = make('export-conditional', ['push']);
  const env = r.commands[0]!.env;
  // Exported on one path only: neither the value (a path where the shell does not see it) nor nothing.
  assert.equal(env['NAME'], '$(NAME)');
  // Unexported in one branch and exported in the other: the first branch's unexport must not reach the else.
  assert.equal(env['OTHER'], '$(OTHER)');
  // Exported on every path: known.
  assert.equal(env['ALWAYS'], 'controller');
  // Make's own references are not affected by what is exported.
  assert.equal(texts(r)[3], 'docker push ghcr.io/acme/app-direct:1');
});
