// dist/licenses.txt names every package the bundles contain, with a licence text for each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { ROOT } from './harness.js';

type BuildConfig = { bundleOptions: BuildOptions; shellParserOptions: BuildOptions; re2Options: BuildOptions; onlineOptions: BuildOptions };

/** name@version of every node_modules package whose files reach the output of `options`, per package.json. */
async function bundled(options: (config: BuildConfig) => BuildOptions): Promise<Set<string>> {
  const config = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-config.mjs')).href)) as BuildConfig;
  const result = await build({ ...options(config), outfile: join(ROOT, 'build', 'licenses-probe.js'), write: false, metafile: true, absWorkingDir: ROOT, logLevel: 'silent' });
  const metafile = result.metafile as Metafile;
  const out = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (!m) continue;
      const pkg = JSON.parse(readFileSync(join(ROOT, m[1]!, 'package.json'), 'utf8')) as { name: string; version: string };
      out.add(`${pkg.name}@${pkg.version}`);
    }
  }
  return out;
}

test('dist/licenses.txt lists exactly the bundled packages, each with its licence text', async () => {
  const text = readFileSync(join(ROOT, 'dist', 'licenses.txt'), 'utf8');
  const sections = text.split(/^={78}\n/m).slice(1);
  const listed = new Map(sections.map((s) => {
    const [head] = s.split('\n');
    const [name, version] = head!.split(' ');
    return [`${name}@${version}`, s] as const;
  }));
  const expected = new Set([
    ...(await bundled((c) => ({ ...c.bundleOptions, entryPoints: [join(ROOT, 'src/index.ts')] }))),
    ...(await bundled((c) => ({ ...c.bundleOptions, entryPoints: [join(ROOT, 'src/cli.ts')] }))),
    // The shell parser ships as a file of its own beside the bundles.
    ...(await bundled((c) => c.shellParserOptions)),
    // And re2js, required on the first expression compiled from the scanned tree.
    ...(await bundled((c) => c.re2Options)),
    // So does the online confirmation (with the Sigstore verifier), loaded only with confirm-online.
    ...(await bundled((c) => ({ ...c.onlineOptions, entryPoints: [join(ROOT, 'src/online/index.ts')] }))),
  ]);
  assert.deepEqual([...listed.keys()].sort(), [...expected].sort());
  for (const [key, section] of listed) {
    const body = section.split(/^-{78}\n/m).slice(1).join('');
    assert.ok(body.length > 200 && /copyright|permission|licen[cs]e/i.test(body), `${key} has a licence text`);
  }
  assert.match(text, /^mvdan-sh 0\.10\.1\n/m);
  assert.match(text, /^re2js \d+\.\d+\.\d+\n/m);
  assert.match(listed.get('mvdan-sh@0.10.1')!, /The Go Authors/, 'the Go standard library compiled into mvdan-sh is credited');
  assert.match(listed.get('@sigstore/verify@3.1.1')!, /Apache License/, 'the hand-written notice of @sigstore/verify (its package ships none)');
  assert.doesNotMatch(text, /\r|\/work\/|\/home\//, 'no CR line endings and no absolute paths (the file must build the same anywhere)');
});
