import type { Location } from '../model/location.js';
import type { AnalysisBudget } from '../util/budget.js';

/** Cost of one ancestor visited while answering "does this job wait for that one". */
const VISIT_COST = 2;
/** Ancestor sets kept at once (most recently asked first); each is one bit per job run. */
const MAX_CACHED = 64;

/**
 * "Certainly finishes before" between job runs (`needs:`, transitively, through reusable-workflow calls).
 *
 * Building it is linear in jobs and edges: each node keeps only the nodes it waits for directly. A node can only
 * wait for nodes added before it (anything else is dropped), so the graph is acyclic by construction: a `needs:`
 * cycle or a need on a job that does not exist adds no edge, and the insertion order is a topological order.
 * The reachability a query needs is computed when asked, by an iterative walk charged to the run's budget (never a
 * recursion whose depth the input controls), and kept as a bitset for the most recently asked nodes: the judge
 * asks for the same signing job again and again.
 *
 * Besides job runs (named by job key), callers add unnamed helper nodes (a job's completion, a reusable call's
 * start) that only relay edges; a job key can never be mistaken for one.
 */
export class JobGraph {
  /** Job runs by job key; helper nodes have no name. */
  private readonly named = new Map<string, number>();
  private readonly names: Array<string | undefined> = [];
  private readonly edges: number[][] = [];
  private readonly places: Array<Location | undefined> = [];
  private readonly cached = new Map<number, Uint32Array>();

  constructor(private readonly budget: AnalysisBudget) {}

  get size(): number {
    return this.edges.length;
  }

  /**
   * Adds a node waiting for the nodes `waitsFor` (handles of nodes added before; any other is dropped) and answers
   * its handle. `name` is the job key of a job run (none for helper nodes); a name given again names the new node
   * (the later job run wins, as in the job map), edges to the old one stay where they were.
   */
  add(name: string | undefined, waitsFor: readonly number[], location?: Location): number {
    const handle = this.edges.length;
    this.edges.push(waitsFor.filter((w) => Number.isInteger(w) && w >= 0 && w < handle));
    this.names.push(name);
    this.places.push(location);
    if (name !== undefined) this.named.set(name, handle);
    this.cached.clear();
    return handle;
  }

  /** The handle the next node will get: marks where a call's nodes start (for `replay`). */
  mark(): number {
    return this.edges.length;
  }

  /**
   * Adds again the nodes added in [from, to), with job names renamed by `rename` and edges to nodes outside the
   * range moved by `outside` (a called workflow's jobs wait for their caller's start): a reused reusable-workflow
   * result gets its own job runs under its caller's job key. Answers where each old handle went.
   */
  replay(from: number, to: number, rename: (name: string) => string, outside: ReadonlyMap<number, number>): (handle: number) => number {
    const base = this.edges.length;
    const moved = (h: number) => (h >= from && h < to ? base + (h - from) : (outside.get(h) ?? h));
    for (let i = from; i < to; i++) {
      const name = this.names[i];
      this.add(name === undefined ? undefined : rename(name), this.edges[i]!.map(moved), this.places[i]);
    }
    return moved;
  }

  /** The job runs `name` waits for directly or through helper nodes, without walking past other job runs (tests). */
  direct(name: string): string[] {
    const start = this.named.get(name);
    if (start === undefined) return [];
    const out = new Set<string>();
    const seen = new Set<number>();
    const stack = [...this.edges[start]!];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const own = this.names[n];
      if (own !== undefined) out.add(own);
      else stack.push(...this.edges[n]!);
    }
    return [...out].sort();
  }

  /**
   * True when the job run `before` certainly finishes before `after` starts. False when it does not, when either
   * is unknown, and when the budget ran out while walking (a hit is then recorded at `after`'s place): false only
   * ever withholds credit for an ordering, so a stopped walk fails closed.
   */
  finishesBefore(before: string, after: string): boolean {
    const b = this.named.get(before);
    const a = this.named.get(after);
    if (a === undefined || b === undefined || b >= a) return false;
    const bits = this.ancestors(a);
    // Once the budget is spent, only what is certain without walking: a direct edge.
    return bits !== undefined ? (bits[b >>> 5]! & (1 << (b & 31))) !== 0 : this.edges[a]!.includes(b);
  }

  private ancestors(a: number): Uint32Array | undefined {
    const hit = this.cached.get(a);
    if (hit) {
      // Most recently asked last: the first key is the one to drop.
      this.cached.delete(a);
      this.cached.set(a, hit);
      return hit;
    }
    // Every ancestor was added before `a`: one bit per earlier node.
    const bits = new Uint32Array((a >>> 5) + 1);
    if (!this.budget.charge(bits.length)) return this.stop(a);
    const stack = [...this.edges[a]!];
    while (stack.length > 0) {
      const n = stack.pop()!;
      const word = n >>> 5;
      const mask = 1 << (n & 31);
      if (bits[word]! & mask) continue;
      bits[word] = bits[word]! | mask;
      const next = this.edges[n]!;
      if (!this.budget.charge(VISIT_COST + next.length)) return this.stop(a);
      for (const e of next) stack.push(e);
    }
    if (this.cached.size >= MAX_CACHED) this.cached.delete(this.cached.keys().next().value!);
    this.cached.set(a, bits);
    return bits;
  }

  private stop(a: number): undefined {
    this.budget.stopped(`the job ordering of ${this.names[a] ?? 'a job'}`, this.places[a]);
    return undefined;
  }
}
