import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { formulaKey } from '../../src/logic/formula.js';
import { digestSources, pushDigestText } from '../../src/model/digest.js';
import { loadShellParser } from '../../src/shell/index.js';
import { parseJqArgs, runJq } from '../../src/shell/jq.js';
import { pushes, run, signs } from './helpers.js';

/** How a digest travels from the push that produced it to the signature, inside one script and across steps. */

before(loadShellParser);

const at = (line: number) => pushDigestText({ file: '.github/workflows/release.yml', line });

test('ko build stdout captured in a variable is a digest reference to that push', () => {
  const r = run('IMG=$(KO_DOCKER_REPO=ghcr.io/acme/app ko build --bare ./cmd/app)\ncosign sign --yes $IMG');
  assert.equal(pushes(r)[0]!.digestText, at(10));
  assert.deepEqual(signs(r)[0]!.refs.map((x) => [x.name, x.digest]), [['ghcr.io/acme/app', at(10)]]);
});

test('files: written by a tool or a redirection, read back with cat, <, jq; unknown writers leave them unknown', () => {
  const r = run(
    [
      'podman push ghcr.io/acme/a:1 --digestfile out/a.digest',
      'cd out && cosign sign --yes "ghcr.io/acme/a@$(cat a.digest)" && cd ..',
      'docker buildx build --push -t ghcr.io/acme/b:1 --metadata-file meta.json .',
      'read -r DIGEST < <(jq -r \'."containerimage.digest"\' meta.json)',
      'D2=$(jq -r \'.["containerimage.digest"]\' < meta.json)',
      'cosign sign --yes ghcr.io/acme/b@$D2',
      'some-tool > out/a.digest',
      'cosign sign --yes "ghcr.io/acme/a@$(cat out/a.digest)"',
      'echo sha256:abc > pinned && echo more >> pinned',
    ].join('\n'),
  );
  const s = signs(r);
  assert.equal(s[0]!.refs[0]!.digest, at(10), 'read from the working directory the file was written relative to');
  assert.equal(s[1]!.refs[0]!.digest, at(12), 'jq over a metadata file');
  assert.match(s[2]!.refs[0]!.digest!, /^\$\(cat /, 'overwritten by a command whose output is unknown');
  assert.deepEqual(
    r.fileWrites.find((w) => w.path === 'pinned'),
    { path: 'pinned', text: 'sha256:abc\nmore\n' },
  );
  assert.equal(r.fileWrites.find((w) => w.path === 'out/a.digest')?.text, undefined);
});

test('a file written in undecided branches holds both texts, and the signature forks on them', () => {
  const r = run(
    [
      'if [ "$X" = 1 ]; then',
      '  podman push ghcr.io/acme/c:1 --digestfile d',
      'else',
      '  podman push ghcr.io/acme/c:2 --digestfile d',
      'fi',
      'cosign sign --yes "ghcr.io/acme/c@$(cat d)"',
    ].join('\n'),
  );
  const digests = signs(r).map((x) => x.refs[0]!.digest).sort();
  assert.deepEqual(digests, [at(11), at(13)], 'one signature per alternative, each with its push');
  assert.notEqual(formulaKey(signs(r)[0]!.guard.formula), formulaKey(signs(r)[1]!.guard.formula), 'each under its branch');
});

test('crane digest, imagetools inspect, regctl and docker inspect stand for the digest a reference points to', () => {
  const r = run(
    [
      'cosign sign --yes ghcr.io/acme/d@$(crane digest ghcr.io/acme/d:1)',
      "cosign sign --yes ghcr.io/acme/e@$(docker buildx imagetools inspect ghcr.io/acme/e:1 --format '{{json .Manifest}}' | jq -r .digest)",
      'cosign sign --yes ghcr.io/acme/f@$(regctl image digest ghcr.io/acme/f:1)',
      "cosign sign --yes $(docker inspect --format='{{index .RepoDigests 0}}' ghcr.io/acme/g:1)",
      'cosign sign --yes ghcr.io/acme/h@$(crane digest --platform linux/amd64 ghcr.io/acme/h:1)',
    ].join('\n'),
  );
  const kinds = signs(r).map((x) => digestSources(x.refs[0]!.digest!)[0]);
  assert.deepEqual(kinds.slice(0, 4).map((k) => (k?.kind === 'reference' ? `${k.ref.name}:${k.ref.tag}` : k?.kind)), [
    'ghcr.io/acme/d:1',
    'ghcr.io/acme/e:1',
    'ghcr.io/acme/f:1',
    'ghcr.io/acme/g:1',
  ]);
  assert.equal(signs(r)[3]!.refs[0]!.name, 'ghcr.io/acme/g');
  assert.equal(kinds[4]?.kind, 'unknown', "one platform's digest is not what was pushed");
});

test('kaniko --digest-file and --image-name-with-digest-file hand on the digest of what it pushed; --no-push writes none', () => {
  const r = run(
    [
      '/kaniko/executor --destination ghcr.io/acme/k:1 --destination ghcr.io/acme/k:latest --digest-file /workspace/digest --image-name-with-digest-file refs.txt',
      'cosign sign --yes "ghcr.io/acme/k@$(cat /workspace/digest)"',
      'cosign sign --yes $(cat refs.txt)',
      '/kaniko/executor --no-push --destination ghcr.io/acme/n:1 --digest-file nd',
      'cosign sign --yes "ghcr.io/acme/n@$(cat nd)"',
    ].join('\n'),
  );
  assert.equal(pushes(r)[0]!.digestText, at(10));
  assert.deepEqual(signs(r)[0]!.refs.map((x) => [x.name, x.digest]), [['ghcr.io/acme/k', at(10)]]);
  assert.deepEqual(signs(r)[1]!.refs.map((x) => [x.name, x.digest]), [['ghcr.io/acme/k', at(10)], ['ghcr.io/acme/k', at(10)]], 'one line per destination');
  assert.notEqual(signs(r)[2]?.refs[0]?.digest, pushDigestText({ file: '.github/workflows/release.yml', line: 13 }), 'nothing pushed, no digest handed on');
});

test('make: a captured silent recipe hands on its output; a recipe make echoes is not a bare reference', () => {
  const r = run('REF=$(make -f digest.mk publish)\ncosign sign --yes $REF\nLOUD=$(make -f digest.mk loud)\nprintf %s "$LOUD" > loud.txt', {
    repo: fixtureTree({ 'digest.mk': 'publish:\n\t@KO_DOCKER_REPO=ghcr.io/acme/m ko build --bare .\nloud:\n\techo hi\n' }),
  });
  assert.deepEqual(signs(r)[0]!.refs.map((x) => [x.name, x.digest]), [['ghcr.io/acme/m', pushDigestText({ file: 'digest.mk', line: 2 })]]);
  assert.equal(r.fileWrites.find((w) => w.path === 'loud.txt')?.text, 'echo hi\nhi', 'make prints the line, then its output');
});

test('jq: field paths; a field a partial object does not model is unknown, not null', () => {
  const call = parseJqArgs(['-r', '.a."b.c"[1]'])!;
  assert.equal(runJq(call, '{"a":{"b.c":["x","y"]}}'), 'y\n');
  assert.equal(runJq(call, '{"a":{}}'), 'null\n');
  assert.equal(runJq(parseJqArgs(['-r', '.other'])!, '{"digest":"d","\uE012partial":true}'), undefined);
  assert.equal(parseJqArgs(['--arg', 'x', 'y', '.[$x]']), undefined);
  // An empty array makes an empty stream: nothing printed (known), not an unknown output.
  assert.equal(runJq(parseJqArgs(['.[] | .digest'])!, '[]'), '');
  assert.equal(runJq(parseJqArgs(['-r', '.[] | .digest'])!, '[{"digest":"a"},{"digest":"b"}]'), 'a\nb\n');
});

test("jq: pipes, map, join and string + (Docker's merge step) over metadata-action's JSON; the rest stays unknown", () => {
  const json = JSON.stringify({ tags: ['ghcr.io/a/b:1', 'ghcr.io/a/b:latest'] });
  const out = (args: string[], input = json): string | undefined => runJq(parseJqArgs(args)!, input);
  assert.equal(out(['-cr', '.tags | map("-t " + .) | join(" ")']), '-t ghcr.io/a/b:1 -t ghcr.io/a/b:latest\n');
  assert.equal(out(['-r', '.tags|map(. + "-amd64")|join(",")']), 'ghcr.io/a/b:1-amd64,ghcr.io/a/b:latest-amd64\n');
  assert.equal(out(['-r', '(.tags | join(" "))']), 'ghcr.io/a/b:1 ghcr.io/a/b:latest\n');
  assert.equal(out(['-c', '.tags']), '["ghcr.io/a/b:1","ghcr.io/a/b:latest"]\n');
  assert.equal(out(['.tags']), '[\n  "ghcr.io/a/b:1",\n  "ghcr.io/a/b:latest"\n]\n');
  assert.equal(out(['-r', '"x\\"y" + .tags[0]']), 'x"yghcr.io/a/b:1\n');
  // Not modelled: interpolation, other functions and operators, `+` over a stream, join of objects, map of a non-array.
  for (const filter of ['"\\(.tags[0])"', '.tags | map(select(. != "x"))', '.tags | length', '.a // .b', '"-t " + .tags[]', 'map(.) | join(" ")', '.tags | join(.)']) {
    assert.equal(out(['-r', filter]), undefined, filter);
  }
  assert.equal(out(['-r', '.tags | join(" ")'], '{"tags":[{"a":1}]}'), undefined);
  // A partial object (a build's metadata) keeps its unmodelled fields unknown through a pipe too.
  assert.equal(out(['-r', '. | .other'], '{"digest":"d","\uE012partial":true}'), undefined);
});

function fixtureTree(files: Record<string, string>) {
  // A small in-memory tree for make, the shape RepoReader has.
  return {
    root: '<memory>',
    files: Object.keys(files).map((path) => ({ path, size: files[path]!.length })),
    limits: [],
    has: (p: string) => p in files,
    read: (p: string) => (p in files ? { ok: true as const, text: files[p]! } : { ok: false as const, reason: 'missing' }),
  } as never;
}
