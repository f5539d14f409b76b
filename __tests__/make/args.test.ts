import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMakeArgs } from '../../src/make/args.js';
import { assignmentsFromMakeflags } from '../../src/make/index.js';
import { lexMakefile, joinNormal } from '../../src/make/lex.js';
import { markUnknown, stripComment, words } from '../../src/make/text.js';

test('make arguments: options with attached or separate values, assignments, targets', () => {
  const a = parseMakeArgs(['-j', '4', '-Cdeploy', '--file=ci.mk', '-f', 'extra.mk', '-se', '--no-print-directory', 'VERSION=v1.2', 'IMG:=x', 'release', 'push']);
  assert.deepEqual(a.directories, ['deploy']);
  assert.deepEqual(a.makefiles, ['ci.mk', 'extra.mk']);
  assert.equal(a.environmentOverrides, true);
  assert.deepEqual(a.assignments, [{ name: 'VERSION', op: '=', value: 'v1.2' }, { name: 'IMG', op: ':=', value: 'x' }]);
  assert.deepEqual(a.targets, ['release', 'push']);
  assert.deepEqual(a.unknown, []);
  assert.deepEqual(parseMakeArgs(['--directory', 'a', '-j8', 'all']).targets, ['all']);
  assert.deepEqual(parseMakeArgs(['--frobnicate', 'all']).unknown, ['--frobnicate']);
});

test('MAKEFLAGS command-line variables, with escaped blanks', () => {
  assert.deepEqual(assignmentsFromMakeflags('s -- A=1 B=two\\ words'), [{ name: 'A', op: '=', value: '1' }, { name: 'B', op: '=', value: 'two words' }]);
  assert.deepEqual(assignmentsFromMakeflags('-j4'), []);
});

test('lexing: continuation lines group, normal lines join with one space, comments respect \\# and $(…)', () => {
  const lines = lexMakefile('A = one \\\n    two\nB = x # c\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[1].line, 3);
  assert.equal(joinNormal(lines[0].parts), 'A = one two');
  assert.equal(stripComment('X = a\\#b # comment'), 'X = a#b ');
  assert.equal(stripComment('Y = $(subst #,-,a#b)'), 'Y = $(subst #,-,a#b)');
});

test('a run-time span stays one word for make word functions', () => {
  assert.deepEqual(words(`a ${markUnknown('$(shell git describe --tags)')} b`).length, 3);
});
