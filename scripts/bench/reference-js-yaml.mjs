// The bench's reference workload: walk the tree (skipping .git and symlinks) and parse every .yml/.yaml file with
// js-yaml, nothing else. The issue's cost target is the analysis against this: "what does a bare YAML parse of the
// tree cost on this machine right now", measured interleaved with the CLI so load on the machine cancels out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

const root = process.argv[2];
let files = 0;
let docs = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.isSymbolicLink()) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      files++;
      try {
        loadAll(readFileSync(p, 'utf8'), () => docs++);
      } catch {
        // Templates and broken files count as parsed as far as js-yaml got.
      }
    }
  }
};
walk(root);
process.stdout.write(`${JSON.stringify({ files, docs })}\n`);
