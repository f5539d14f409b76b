import type { RepoReader } from '../../discover/repo.js';
import { TRUE } from '../../logic/formula.js';
import type { Location } from '../../model/location.js';
import { NO_READER_SUFFIX, NOT_INSPECTED_PREFIX, type PushOp } from '../../model/pipeline.js';
import { CI_SYSTEM_NAMES, type CiSystem } from '../../model/report.js';
import { ruleFinding } from '../../model/rule-finding.js';
import type { HiddenCommand } from '../../detect/hidden-pushes.js';
import { analyzeRunScript } from '../../shell/index.js';
import { scriptMayMatter } from '../../shell/script-relevance.js';
import type { AnalysisBudget } from '../../util/budget.js';
import { NOT_OURS, scanUnread, UNREAD_SYSTEMS, type UnreadSystem } from './systems.js';
import { emptyCiReaderResult, type CiReaderResult } from '../reader-result.js';

/**
 * Fail closed on CI systems that have no reader yet (Jenkins, Tekton, CircleCI, Azure Pipelines, Buildkite, Drone,
 * Woodpecker, Bitbucket Pipelines). Without this, a repository whose images are built there would be reported
 * "nothing pushed" — not applicable, which reads as a pass. Each pipeline file of such a system is scanned
 * lexically (systems.ts); when its text shows pushing or signing images, it stands as one not-inspected,
 * unsigned placeholder push (NOT_INSPECTED_PREFIX … NO_READER_SUFFIX, low confidence), so the verdict fails, with
 * a `not-inspected` finding naming the CI system and the file. A file that shows no image work yields nothing but
 * a limits line: no finding, no image.
 */

export interface UnreadReaderInput {
  repo: RepoReader;
  budget?: AnalysisBudget;
}

/** `files`: pipeline files of the system found in the tree. */
export type UnreadSystemResult = CiReaderResult;

/** Files of one system looked at (the rest are a limit). */
const MAX_FILES_PER_SYSTEM = 500;
const COST_PER_FILE = 500;

export function readUnreadSystems(input: UnreadReaderInput): Map<CiSystem, UnreadSystemResult> {
  const out = new Map<CiSystem, UnreadSystemResult>();
  const paths = input.repo.files.map((f) => f.path).filter((p) => !NOT_OURS.test(p));
  for (const system of UNREAD_SYSTEMS) {
    const result: UnreadSystemResult = emptyCiReaderResult();
    const candidates = paths.filter((p) => system.matches(p));
    let looked = 0;
    for (const path of candidates) {
      if (looked >= MAX_FILES_PER_SYSTEM) {
        result.limits.push(`more than ${MAX_FILES_PER_SYSTEM} candidate ${CI_SYSTEM_NAMES[system.ci]} files; the rest were not scanned`);
        break;
      }
      // Files found by content (any YAML file may be a Tekton manifest) are a scan; files found by name are
      // pipeline files, read as such (a bound that refuses one fails closed, src/discover/bounds.ts).
      const read = input.repo.read(path, system.content ? { scan: true } : {});
      if (!read.ok) continue;
      if (system.content && !system.content(read.text)) continue;
      // Charged for the files of the system only (the content test of every YAML file is one regular expression):
      // a fixed cost and one unit per character, which pays for the file's YAML parse and line scans.
      if (input.budget && !input.budget.charge(COST_PER_FILE + read.text.length)) {
        input.budget.stopped(`the scan of ${CI_SYSTEM_NAMES[system.ci]} files`, { file: path, line: 1 });
        break;
      }
      looked++;
      result.files++;
      scanFile(system, path, read.text, result, input);
    }
    out.set(system.ci, result);
  }
  return out;
}

/** Same indirection depth as a workflow step's script (make targets, repository scripts). */
const SCRIPT_DEPTH = 6;

/**
 * What a command line of an unread pipeline does once make and repository scripts are followed: its pushes and
 * signatures, as evidence only (where it runs and under which condition is the unread system's business).
 */
function follower(input: UnreadReaderInput, path: string): (command: string, line: number) => HiddenCommand[] {
  return (command, line) => {
    if (!scriptMayMatter(command)) return [];
    const r = analyzeRunScript({
      script: command,
      file: path,
      line,
      env: {},
      workingDirectory: '',
      repo: input.repo,
      depth: SCRIPT_DEPTH,
      chain: [],
      guard: { formula: TRUE, continueOnError: false },
      jobKey: `${path}#(scan)`,
      stepIndex: 0,
      ephemeralRegistries: [],
      ...(input.budget ? { budget: input.budget } : {}),
    });
    return r.operations
      .filter((op) => op.location.file !== path && !(op.kind === 'push' && op.artifact))
      .slice(0, 3)
      .map((op) => ({ kind: op.kind, text: `${command.slice(0, 60)} → ${op.tool} at ${op.location.file}:${op.location.line}`, line }));
  };
}

function scanFile(system: UnreadSystem, path: string, text: string, out: UnreadSystemResult, input: UnreadReaderInput): void {
  const name = CI_SYSTEM_NAMES[system.ci];
  const hidden = scanUnread(system, text, follower(input, path));
  if (hidden.length === 0) {
    out.limits.push(`${path}: pipeline file of ${name}, not read (no reader for ${name} yet); its text shows no image push or signing`);
    return;
  }
  const first = hidden[0]!;
  const loc: Location = { file: path, line: first.line };
  const shown = hidden.slice(0, 5).map((h) => `${h.kind === 'sign' ? 'signing' : 'push'}: ${h.text} (line ${h.line})`).join('; ');
  const pushes = hidden.some((h) => h.kind === 'push');
  out.findings.push(
    ruleFinding(
      'not-inspected',
      `${path} is a pipeline file of ${name}, which this audit has no reader for yet; its text shows image ${pushes ? 'pushing' : 'signing'} (${shown}${hidden.length > 5 ? '; …' : ''}). Whatever it pushes counts as unsigned until ${name} is read; signatures there are not credited. Check its images by hand and exclude them in the configuration with a reason, or suppress this finding.`,
      loc,
      hidden.slice(1, 10).map((h) => ({ file: path, line: h.line, message: `${h.kind === 'sign' ? 'signs' : 'pushes'}: ${h.text}` })),
    ),
  );
  out.limits.push(`${path}: pipeline file of ${name}, not read (no reader for ${name} yet); counted as one image not inspected`);
  const jobKey = `${path}#(${system.ci}, not read)`;
  out.jobs.set(jobKey, { jobKey, ci: system.ci, location: loc, idTokenWrite: false, workflowPath: path, waitsFor: () => false });
  const image = `${NOT_INSPECTED_PREFIX}${name} pipeline ${path}${NO_READER_SUFFIX}`;
  const op: PushOp = {
    kind: 'push',
    tool: `${name} pipeline`,
    refs: [{ raw: image, name: image, resolved: false }],
    location: loc,
    chain: [],
    guard: { formula: TRUE, continueOnError: false },
    confidence: 'low',
    jobKey,
    stepIndex: 0,
    seq: 0,
    notes: [`${name} pipeline not read (no reader yet); its text shows ${shown}`],
  };
  out.operations.push(op);
}
