// Third-party licence notices for what esbuild bundles into dist/: every package whose files reach an output,
// with its licence text copied from node_modules. Deterministic (sorted, LF line endings, no dates or absolute
// paths) so CI's "dist/ matches the sources" check stays stable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;
/** Notices a package needs and does not ship (code compiled into it from elsewhere): license-notices/<name>.txt. */
const EXTRA_NOTICES = join(dirname(fileURLToPath(import.meta.url)), 'license-notices');

/** Package directories (relative, `node_modules/a/node_modules/b`) whose files are in the metafile's outputs. */
export function bundledPackageDirs(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
      if (m) dirs.add(m[1]);
    }
  }
  return [...dirs];
}

/**
 * The notices file. `bundles` maps an output name (`index.js`) to the package directories in it; `root` is the
 * directory the metafile paths are relative to.
 */
export function renderLicenses(root, bundles) {
  const packages = new Map();
  for (const [bundle, dirs] of Object.entries(bundles)) {
    for (const dir of dirs) {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const key = `${pkg.name}@${pkg.version}`;
      const entry = packages.get(key) ?? { name: pkg.name, version: pkg.version, license: licenseField(pkg), dir, bundles: new Set() };
      entry.bundles.add(bundle);
      packages.set(key, entry);
    }
  }
  const sorted = [...packages.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const out = [
    'Third-party software bundled into dist/ by scripts/build.mjs, with the licence texts from the packages.',
    `${sorted.length} packages.`,
    '',
  ];
  for (const p of sorted) {
    out.push('='.repeat(78), `${p.name} ${p.version}`, `License: ${p.license}`, `Bundled into: ${[...p.bundles].sort().join(', ')}`, '-'.repeat(78));
    const files = readdirSync(join(root, p.dir)).filter((f) => LICENSE_FILE.test(f)).sort();
    const extra = join(EXTRA_NOTICES, `${p.name.replace('/', '+')}.txt`);
    // A package published without its licence file (@sigstore/verify) needs its notice written by hand.
    if (files.length === 0 && !existsSync(extra)) throw new Error(`${p.name}@${p.version} (${p.dir}) ships no licence file: add its notice by hand before bundling it`);
    for (const f of files) out.push(readFileSync(join(root, p.dir, f), 'utf8').replace(/\r\n?/g, '\n').replace(/\s+$/, ''), '');
    if (existsSync(extra)) out.push('-'.repeat(78), readFileSync(extra, 'utf8').replace(/\r\n?/g, '\n').replace(/\s+$/, ''), '');
  }
  return out.join('\n') + '\n';
}

function licenseField(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}
