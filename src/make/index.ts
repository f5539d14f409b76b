import type { RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import type { Location } from '../model/location.js';

/** One `make …` command line found in a script. */
export interface MakeInvocation {
  repo: RepoReader;
  /** make's arguments (after the `make` word): targets, VAR=value overrides, -C dir, -f file, -e, … */
  args: string[];
  /** Repository-relative directory make runs in ('' is the root). */
  cwd: string;
  /** Environment of the make process (resolved values; unresolved parts as written). */
  env: Record<string, string>;
  /** Where the make command is (its own file and line). */
  location: Location;
  /** Remaining indirection depth. */
  depth: number;
}

/** One recipe line, with make's variables and functions expanded (`$$` already turned into `$`). */
export interface RecipeCommand {
  /** Shell text to run (the recipe line after @, -, + prefixes; continuation lines joined). */
  text: string;
  /** Makefile (repository-relative) and line of the recipe line. */
  file: string;
  line: number;
  /** Targets followed to reach this recipe: one location per rule (`file:line` of `target:`), outermost first. */
  chain: Location[];
  /** Environment the recipe's shell sees: the caller's env plus exported make variables. */
  env: Record<string, string>;
  /** Directory the recipe runs in. */
  cwd: string;
}

export interface MakeExpansion {
  commands: RecipeCommand[];
  limits: string[];
  findings: Finding[];
}

/** Placeholder until the Makefile reader lands. */
export function expandMake(_inv: MakeInvocation): MakeExpansion {
  return { commands: [], limits: [], findings: [] };
}
