import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisBudget } from '../../src/util/budget.js';
import { JobGraph } from '../../src/ci/job-graph.js';
import { topoOrder } from '../../src/ci/github/syntax.js';

const place = { file: '.github/workflows/a.yml', line: 3 };

test('job graph: transitive waits through helper nodes, never backwards, never to a node added later', () => {
  const g = new JobGraph(new AnalysisBudget());
  const build = g.add('build', []);
  const test = g.add('test', [build]);
  const done = g.add(undefined, [build, test]);
  // A handle that does not exist yet (a `needs:` cycle, a missing job) adds no edge.
  const sign = g.add('sign', [done, 99, -1]);
  assert.equal(g.finishesBefore('build', 'sign'), true);
  assert.equal(g.finishesBefore('test', 'sign'), true);
  assert.equal(g.finishesBefore('sign', 'build'), false);
  assert.equal(g.finishesBefore('sign', 'sign'), false);
  assert.equal(g.finishesBefore('missing', 'sign'), false);
  assert.deepEqual(g.direct('sign'), ['build', 'test']);
  assert.equal(sign, 3);
  assert.equal(g.size, 4);
});

test('job graph: a replay renames job runs and moves edges that leave the range', () => {
  const g = new JobGraph(new AnalysisBudget());
  const before = g.add('before', []);
  const start1 = g.add(undefined, [before]);
  const from = g.mark();
  const inner = g.add('c1>inner', [start1]);
  g.add('c1>after', [inner]);
  const to = g.mark();
  const other = g.add('other', []);
  const start2 = g.add(undefined, [other]);
  const moved = g.replay(from, to, (n) => n.replace(/^c1>/, 'c2>'), new Map([[start1, start2]]));
  assert.equal(g.finishesBefore('other', 'c2>after'), true);
  assert.equal(g.finishesBefore('before', 'c2>after'), false, 'the copy waits for its own caller, not the first one');
  assert.equal(g.finishesBefore('c1>inner', 'c2>after'), false);
  assert.equal(g.finishesBefore('c2>inner', 'c2>after'), true);
  assert.equal(g.finishesBefore('before', 'c1>after'), true);
  assert.equal(moved(inner), to + 2);
});

test('job graph: a chain of 20,000 is built and asked without recursion; a spent budget fails closed with a hit', () => {
  const g = new JobGraph(new AnalysisBudget());
  let last = g.add('j0', [], place);
  for (let i = 1; i < 20_000; i++) last = g.add(`j${i}`, [last], place);
  assert.equal(g.finishesBefore('j0', 'j19999'), true);
  assert.equal(g.finishesBefore('j5', 'j19999'), true);
  assert.equal(g.finishesBefore('j19999', 'j0'), false);

  const small = new AnalysisBudget({ work: 1_000, valueLength: 1 << 20, deadlineMs: 60_000 });
  const h = new JobGraph(small);
  let prev = h.add('j0', [], place);
  for (let i = 1; i < 5_000; i++) prev = h.add(`j${i}`, [prev], place);
  // Walking 5,000 ancestors costs more than the budget: not credited (false), and said.
  assert.equal(h.finishesBefore('j0', 'j4999'), false);
  assert.equal(h.finishesBefore('j4998', 'j4999'), true, 'a direct edge needs no walk');
  assert.deepEqual(small.hits().map((x) => [x.kind, x.location?.line]), [['work', 3]]);
});

test('topological order: iterative (8,000 chained jobs), cycles and unknown needs ignored', () => {
  const ids = Array.from({ length: 8_000 }, (_, i) => `j${i}`);
  const needs = new Map(ids.map((id, i) => [id, i > 0 ? [`j${i - 1}`] : []]));
  // Listed last-first: the walk goes 8,000 deep from j7999.
  assert.deepEqual(topoOrder([...ids].reverse(), needs), ids);
  assert.deepEqual(topoOrder(['a', 'b'], new Map([['a', ['b', 'missing']], ['b', ['a']]])), ['b', 'a']);
});
