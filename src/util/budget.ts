import type { Location } from '../model/location.js';

/**
 * One analysis budget for the whole run, shared by every reader (workflow reader, shell interpreter, make
 * expander, config readers, admission, pattern matching). The scanned tree is untrusted, so the work it can cause
 * is bounded three ways:
 *
 * - **work**: abstract cost units charged where work grows with the input (bytes of text built, expansions,
 *   interpreted commands, job-graph edges, regular-expression steps). One unit is roughly one cheap operation;
 *   the default allows far more than any real repository needs (the largest corpus trees use < 2% of it).
 * - **value length**: no single computed value (a shell or make variable, a rendered template) may be longer
 *   than this; a longer one becomes unknown (never a truncated literal, which would be a made-up name).
 * - **deadline**: wall-clock milliseconds from the start of the analysis.
 *
 * When the work or the deadline is spent, `charge` answers false and every reader stops the part it is in,
 * reports what it has, and records a hit at the file and line where the work was. Hits become `limits` lines
 * and `analysis-budget-exceeded` findings (which fail the check: what was not analysed may hide a push).
 */
export interface BudgetLimits {
  work: number;
  valueLength: number;
  deadlineMs: number;
}

export const DEFAULT_BUDGET_LIMITS: BudgetLimits = {
  work: 200_000_000,
  valueLength: 1 << 20,
  deadlineMs: 300_000,
};

/**
 * `bound`: a reader's own bound on one part of the analysis (commands in one shell script, nesting depth, make's
 * expansion work and include depth), reached there while the shared budget still had room; `what` says which
 * bound and what stopped.
 */
export type BudgetHitKind = 'work' | 'deadline' | 'value-length' | 'cycle' | 'bound';

export interface BudgetHit {
  kind: BudgetHitKind;
  /** What stopped, in words ("shell script build.sh", "make expansion of push"). */
  what: string;
  location?: Location;
}

/** How often (in charges) the clock is read: Date.now() is cheap but not free on hot paths. */
const CLOCK_EVERY = 1024;
/** Hits kept one by one; more are counted. */
const MAX_HITS = 50;

export class AnalysisBudget {
  private used = 0;
  private calls = 0;
  private readonly startedAt: number;
  private exhaustedBy: 'work' | 'deadline' | undefined;
  private readonly recorded: BudgetHit[] = [];
  private readonly hitKeys = new Set<string>();
  private dropped = 0;

  constructor(
    readonly limits: BudgetLimits = DEFAULT_BUDGET_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAt = clock();
  }

  /**
   * Charge `cost` units. Answers false once the work or the deadline is spent (and from then on, always): the
   * caller must stop what it is doing and call `hit` with where it was.
   */
  charge(cost = 1): boolean {
    if (this.exhaustedBy) return false;
    this.used += cost;
    if (this.used > this.limits.work) {
      this.exhaustedBy = 'work';
      return false;
    }
    if (++this.calls % CLOCK_EVERY === 0 && this.clock() - this.startedAt > this.limits.deadlineMs) {
      this.exhaustedBy = 'deadline';
      return false;
    }
    return true;
  }

  /** True once `charge` has answered false. Cheap: check it in loops that do not charge themselves. */
  get exhausted(): boolean {
    if (!this.exhaustedBy && this.clock() - this.startedAt > this.limits.deadlineMs) this.exhaustedBy = 'deadline';
    return this.exhaustedBy !== undefined;
  }

  /** What ran out ('work' or 'deadline'), for the hit a reader records when `charge` said no. */
  get reason(): 'work' | 'deadline' {
    return this.exhaustedBy ?? 'work';
  }

  /** Units charged so far (the bench prints it to show how far ordinary trees are from the bound). */
  get spent(): number {
    return this.used;
  }

  /** True when a value of this length may be kept; a longer one must become unknown (and `hit` 'value-length'). */
  fitsValue(length: number): boolean {
    return length <= this.limits.valueLength;
  }

  /**
   * Records that a part of the analysis stopped; the first hit per (kind, place, what) is kept. A spent budget
   * (work or deadline) is reported once per file, where it was first seen there: every later part of the same file
   * stops for the same reason (the steps of a job, then the jobs after it), and one finding says so.
   */
  hit(kind: BudgetHitKind, what: string, location?: Location): void {
    const spent = kind === 'work' || kind === 'deadline';
    const key = spent && location ? `${kind}\u0000${location.file}` : `${kind}\u0000${what}\u0000${location?.file ?? ''}:${location?.line ?? 0}`;
    if (this.hitKeys.has(key)) return;
    this.hitKeys.add(key);
    if (this.recorded.length >= MAX_HITS) {
      this.dropped++;
      return;
    }
    this.recorded.push({ kind, what, ...(location ? { location } : {}) });
  }

  /** Records a hit of whatever ran out (work or deadline). */
  stopped(what: string, location?: Location): void {
    this.hit(this.reason, what, location);
  }

  hits(): BudgetHit[] {
    return [...this.recorded];
  }

  /** Hits beyond the ones kept. */
  get droppedHits(): number {
    return this.dropped;
  }
}

/** Words for a hit, for `limits` lines and finding messages. */
export function describeHit(hit: BudgetHit, limits: BudgetLimits): string {
  const where = hit.location ? ` at ${hit.location.file}:${hit.location.line}` : '';
  switch (hit.kind) {
    case 'work':
      return `analysis work bound (${limits.work} units) spent${where}; ${hit.what} stopped there`;
    case 'deadline':
      return `analysis deadline (${Math.round(limits.deadlineMs / 1000)} s) passed${where}; ${hit.what} stopped there`;
    case 'value-length':
      return `a value over ${limits.valueLength} characters${where} is unknown; ${hit.what}`;
    case 'cycle':
      return `call cycle${where}: ${hit.what}; the cycle is cut there`;
    case 'bound':
      return `analysis bound reached${where}: ${hit.what}`;
  }
}
