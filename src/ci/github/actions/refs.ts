import { isEphemeralRegistry, isPerRunRegistryHost, parseImageRef, registryOf } from '../../../model/image-ref.js';
import type { Location } from '../../../model/location.js';
import type { LocalBuild, OpContext, PushOp } from '../../../model/pipeline.js';
import type { Confidence } from '../../../model/report.js';

/** Why a reference goes to an ephemeral registry in this context (built-in hosts, a job service, configured ones). */
export function ephemeralReason(name: string, ctx: OpContext): string | undefined {
  const host = registryOf(name);
  if (isPerRunRegistryHost(host)) return `${host}, a registry named per run (the run creates and removes it)`;
  if (isEphemeralRegistry(name)) return `ephemeral registry ${host}`;
  if (isEphemeralRegistry(name, ctx.ephemeralRegistries)) return `ephemeral registry ${host} (job service or configured)`;
  return undefined;
}

export function confidenceOf(resolved: boolean): Confidence {
  return resolved ? 'high' : 'medium';
}

/**
 * Builds push operations for a list of references, splitting off pushes to ephemeral registries as local builds.
 * One PushOp per distinct image name, carrying all its references.
 */
export function makePushes(
  refs: string[],
  tool: string,
  location: Location,
  ctx: OpContext,
  extra: Partial<PushOp> = {},
): { pushes: PushOp[]; local: LocalBuild[] } {
  const byName = new Map<string, PushOp>();
  const local: LocalBuild[] = [];
  for (const text of refs) {
    if (!text.trim()) continue;
    const ref = parseImageRef(text);
    if (!ref.name) continue;
    const eph = ephemeralReason(ref.name, ctx);
    if (eph) {
      if (!local.some((l) => l.name === ref.name)) local.push({ name: ref.name, reason: eph, location });
      continue;
    }
    const existing = byName.get(ref.name);
    if (existing) {
      existing.refs.push(ref);
      continue;
    }
    byName.set(ref.name, {
      kind: 'push',
      tool,
      refs: [ref],
      location,
      chain: ctx.chain,
      guard: ctx.guard,
      confidence: confidenceOf(ref.resolved),
      jobKey: ctx.jobKey,
      stepIndex: ctx.stepIndex,
      ...(ctx.parallelGroup !== undefined ? { parallelGroup: ctx.parallelGroup } : {}),
      ...extra,
    });
  }
  return { pushes: [...byName.values()], local };
}

/** Parses buildx-style CSV attributes (`type=image,"name=a,b",push=true`); fields follow CSV quoting. */
export function parseCsvAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of splitCsv(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      if (field.trim()) out[field.trim().toLowerCase()] = 'true';
      continue;
    }
    out[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  return out;
}

/** Splits one CSV record: commas separate fields, double quotes protect commas, `""` is a quote. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}
