// Fails when modules under src/ import each other in a cycle (run by `npm run lint`, so by .ci/run too).
//
// Why a script and not eslint-plugin-import-x `no-cycle` or dependency-cruiser: neither is installed, and each
// would bring a resolver and dozens of transitive packages for one graph question. The TypeScript compiler, already
// a dev dependency, parses the imports exactly as tsc sees them; the rest is Tarjan's algorithm over ~300 nodes.
//
// What counts as an edge: a relative `import … from './x.js'`, `export … from './x.js'` or `import('./x.js')` that
// brings a value at run time. `import type` and imports whose every specifier is `type` are left out: they are erased
// at compile time and cannot make a module see another half-initialised. A type-only cycle is still a smell, so
// `--types` includes them (informational).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
// `--src DIR` checks another tree (the script's own test gives it small trees with and without a cycle).
const srcArg = process.argv.indexOf('--src');
const srcDir = srcArg >= 0 ? resolve(process.argv[srcArg + 1]) : join(root, 'src');
const withTypes = process.argv.includes('--types');

function listTs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // `import './x.js'`: a side-effect import is a value edge
    if (clause.isTypeOnly) return true;
    if (clause.name) return false;
    const bindings = clause.namedBindings;
    if (!bindings) return false;
    if (ts.isNamespaceImport(bindings)) return false;
    return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  return false;
}

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out = [];
  const add = (spec) => {
    if (!spec.startsWith('.')) return;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    out.push(target);
  };
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (withTypes || !isTypeOnly(node)) add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const files = listTs(srcDir).sort();
const known = new Set(files);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => known.has(t))]));

// Tarjan's strongly connected components, iterative so a deep chain of modules cannot overflow the stack.
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const components = [];
for (const start of files) {
  if (idx.has(start)) continue;
  const work = [{ node: start, edge: 0 }];
  idx.set(start, index);
  low.set(start, index);
  index++;
  stack.push(start);
  onStack.add(start);
  while (work.length) {
    const frame = work[work.length - 1];
    const edges = graph.get(frame.node);
    if (frame.edge < edges.length) {
      const next = edges[frame.edge++];
      if (!idx.has(next)) {
        idx.set(next, index);
        low.set(next, index);
        index++;
        stack.push(next);
        onStack.add(next);
        work.push({ node: next, edge: 0 });
      } else if (onStack.has(next)) {
        low.set(frame.node, Math.min(low.get(frame.node), idx.get(next)));
      }
      continue;
    }
    work.pop();
    if (work.length) {
      const parent = work[work.length - 1].node;
      low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
    }
    if (low.get(frame.node) === idx.get(frame.node)) {
      const comp = [];
      let m;
      do {
        m = stack.pop();
        onStack.delete(m);
        comp.push(m);
      } while (m !== frame.node);
      if (comp.length > 1 || graph.get(frame.node).includes(frame.node)) components.push(comp.sort());
    }
  }
}

/** One concrete cycle inside a component (shortest path back to the first module), so the message is actionable. */
function exampleCycle(comp) {
  const inComp = new Set(comp);
  const from = comp[0];
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const n = queue.shift();
    for (const t of graph.get(n)) {
      if (!inComp.has(t)) continue;
      if (t === from) {
        const path = [n];
        for (let p = prev.get(n); p; p = prev.get(p)) path.unshift(p);
        return [...path, from];
      }
      if (!prev.has(t)) {
        prev.set(t, n);
        queue.push(t);
      }
    }
  }
  return comp;
}

const rel = (f) => relative(srcArg >= 0 ? srcDir : root, f);
if (components.length === 0) {
  console.log(`check-cycles: ${files.length} modules under ${rel(srcDir) || '.'}/, no ${withTypes ? '' : 'value '}import cycle`);
  process.exit(0);
}
for (const comp of components) {
  console.error(`import cycle among ${comp.length} modules:\n  ${comp.map(rel).join('\n  ')}`);
  console.error(`  for example: ${exampleCycle(comp).map(rel).join(' -> ')}`);
}
console.error(`check-cycles: ${components.length} cycle(s); shared types belong in src/model/, and a stage must not import a later one`);
process.exit(withTypes ? 0 : 1);
