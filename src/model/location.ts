/** A place in a scanned file. `file` is repository-relative with forward slashes; lines and columns are 1-based. */
export interface Location {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A location with a short explanation of its role ("image pushed here", "policy mode set here"). */
export interface RelatedLocation extends Location {
  message?: string;
}

export function formatLocation(loc: Location): string {
  return `${loc.file}:${loc.line}`;
}

export function compareLocations(a: Location, b: Location): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  return (a.column ?? 0) - (b.column ?? 0);
}
