// Optional seeds from the shared corpus (../shared/corpus/repos/<owner>+<name>/…), when present. Files are listed
// once, classified by path into the fuzzer's kinds, and read on demand; nothing is copied into the project.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_SEED_BYTES = 256 * 1024;
const POLICY_HINT = /verifyImages|ClusterImagePolicy|ImageValidatingPolicy|WebhookConfiguration|kind:\s*Namespace|HelmRelease|validators:|defaultAdmissionRule/;

export function kindOfPath(rel) {
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/i.test(rel)) return 'workflow';
  if (/(^|\/)action\.ya?ml$/i.test(rel)) return 'action';
  if (/(^|\/)(GNUmakefile|makefile|Makefile)$|\.mk$/.test(rel)) return 'make';
  if (/\.(sh|bash)$/i.test(rel)) return 'script';
  if (/(^|\/)\.?goreleaser(\.[\w-]+)?\.ya?ml$/i.test(rel)) return 'goreleaser';
  if (/(^|\/)docker-bake(\.[\w-]+)?\.(hcl|json)$/i.test(rel)) return 'bake';
  if (/(^|\/)templates\/[^/]+\.(ya?ml|tpl)$/i.test(rel)) return 'helm';
  if (/(^|\/)([\w.-]*[._-])?cloudbuild([._-][\w.-]*)?\.(ya?ml|json)$/i.test(rel)) return 'cloudbuild';
  if (/(^|\/)Jenkinsfile[\w.-]*$/.test(rel)) return 'jenkins';
  if (/\.ya?ml$/i.test(rel) && !rel.startsWith('.github/')) return 'manifest';
  return undefined;
}

/** Lists the corpus (bounded walk); returns undefined when there is none. */
export function loadCorpus(dir) {
  const repos = join(dir, 'repos');
  let owners;
  try {
    owners = readdirSync(repos, { withFileTypes: true }).filter((d) => d.isDirectory());
  } catch {
    return undefined;
  }
  const byKind = new Map();
  let seen = 0;
  const walk = (abs, rel, depth) => {
    if (depth > 20 || seen > 200_000) return;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      seen++;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') walk(join(abs, e.name), childRel, depth + 1);
      } else if (e.isFile()) {
        const kind = kindOfPath(childRel);
        if (!kind) continue;
        if (!byKind.has(kind)) byKind.set(kind, []);
        byKind.get(kind).push(join(abs, e.name));
      }
    }
  };
  for (const o of owners.sort((a, b) => (a.name < b.name ? -1 : 1))) walk(join(repos, o.name), '', 0);
  for (const list of byKind.values()) list.sort();
  const total = [...byKind.values()].reduce((n, l) => n + l.length, 0);
  if (total === 0) return undefined;
  return {
    dir,
    total,
    kinds: [...byKind.keys()].sort(),
    /** A corpus file of this kind as a byte string, or undefined. Policy files are preferred among YAML files. */
    pick(rng, kind, limit = MAX_SEED_BYTES) {
      const list = byKind.get(kind);
      if (!list || list.length === 0) return undefined;
      for (let attempt = 0; attempt < 8; attempt++) {
        const path = list[rng.int(0, list.length - 1)];
        try {
          if (statSync(path).size > Math.min(MAX_SEED_BYTES, Math.max(limit * 4, 16 * 1024))) continue;
          const text = readFileSync(path).toString('latin1');
          if (kind === 'manifest' && attempt < 6 && !POLICY_HINT.test(text)) continue;
          return { text, name: path.slice(repos.length + 1) };
        } catch {
          continue;
        }
      }
      return undefined;
    },
  };
}
