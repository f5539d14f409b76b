// The bench's reference workload: walk the tree (skipping .git and symlinks) and parse every .yml/.yaml file with
// js-yaml, nothing else. The issue's cost target is the analysis against this: "what does a bare YAML parse of the
// tree cost on this machine right now", measured interleaved with the CLI so load on the machine cancels out.
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { walkFiles } from './walk.mjs';

let files = 0;
let docs = 0;
walkFiles(process.argv[2], (path, name) => {
  if (!/\.ya?ml$/i.test(name)) return;
  files++;
  try {
    loadAll(readFileSync(path, 'utf8'), () => docs++);
  } catch {
    // Templates and broken files count as parsed as far as js-yaml got.
  }
});
process.stdout.write(`${JSON.stringify({ files, docs })}\n`);
