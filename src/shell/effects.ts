import type { CommandEffect, KeySpec } from '../detect/commands/index.js';
import { readBake } from '../detect/bake.js';
import { readGoreleaser } from '../detect/goreleaser.js';
import { isEphemeralRegistry, isPerRunRegistryHost, parseImageRef, registryOf } from '../model/image-ref.js';
import type { Location } from '../model/location.js';
import { and, TRUE } from '../logic/formula.js';
import type { Guard, ImageRef, KeyMaterial, OperationBase, ReaderResult } from '../model/pipeline.js';
import type { Confidence } from '../model/report.js';
import { exportedEnv, resolvePath } from './env.js';
import { pushDigestText, resolvedDigestText, withPushDigest } from '../model/digest.js';
import { storeFile, writeOut } from './sinks.js';
import { locationOf, type Frame } from './state.js';
import { hasUnresolved } from './text.js';

/**
 * The longest text taken as an image reference. Docker caps a repository name at 255 characters and a tag at 128,
 * so a longer text is no reference; kept whole, thousands of such names (a loop pushing a 1 MiB value) would fill
 * the memory. It becomes one short unknown, with a bound hit at the command.
 */
export const MAX_REF_LENGTH = 4096;

/** Turns classifier effects into operations with location, chain, guard and confidence. */
export function applyEffects(frame: Frame, effects: CommandEffect[], line: number, guessed: boolean): void {
  const location = locationOf(frame, line);
  const st = frame.state;
  const refOf = (raw: string): ImageRef => {
    if (raw.length <= MAX_REF_LENGTH) return parseImageRef(raw);
    st.budget.hit('bound', `a pushed or signed text over ${MAX_REF_LENGTH} characters is no image reference; it is unknown`, location);
    return parseImageRef(`$(image reference over ${MAX_REF_LENGTH} characters)`);
  };
  // What this command pushes hands its digest on (stdout, files) under this text; a copy carries its source's
  // digest. See src/model/digest.ts.
  const copyOf = effects.find((e) => e.kind === 'push' && e.copyOf !== undefined);
  const digestText = copyOf?.kind === 'push' && copyOf.copyOf !== undefined && copyOf.copyOf.length <= MAX_REF_LENGTH ? resolvedDigestText(copyOf.copyOf) : pushDigestText(location);
  for (const e of effects) {
    switch (e.kind) {
      case 'push': {
        const refs: ImageRef[] = [];
        for (const raw of e.refs) {
          const ref = refOf(raw);
          if (!ref.name) continue;
          const host = ephemeralHost(frame, ref.name);
          if (host) st.localBuilds.push({ name: ref.name, reason: isPerRunRegistryHost(host) ? `${e.tool} to ${host}, a registry named per run (the run creates and removes it)` : `${e.tool} to ephemeral registry ${host}`, location });
          else refs.push(ref);
        }
        if (refs.length) addOp(frame, { ...base(frame, e.tool, location, refs, guessed, e.notes), kind: 'push', refs, digestText, ...(e.artifact ? { artifact: e.artifact } : {}) });
        break;
      }
      case 'stdout':
        writeOut(frame, withPushDigest(e.text, digestText));
        break;
      case 'stderr':
        if (frame.stderr) {
          const saved = frame.sink;
          frame.sink = frame.stderr;
          writeOut(frame, withPushDigest(e.text, digestText));
          frame.sink = saved;
        }
        break;
      case 'file':
        storeFile(frame, resolvePath(frame, e.path), withPushDigest(e.text, digestText));
        break;
      case 'sign': {
        const refs = e.refs.map((raw) => refOf(raw)).filter((r) => r.name && !ephemeralHost(frame, r.name));
        if (!refs.length && e.refs.length && !e.unresolvedTarget) break; // only ephemeral (test) images signed
        addOp(frame, {
          ...base(frame, e.tool, location, refs, guessed, e.notes),
          kind: 'sign',
          method: e.method,
          refs,
          ...(e.unresolvedTarget ? { unresolvedTarget: true } : {}),
          keyless: e.keyless,
          ...(e.identityToken ? { identityToken: true } : {}),
          ...(e.key ? { key: keyMaterial(e.key, location) } : {}),
          ...(e.password ? { password: keyMaterial(e.password, location) } : {}),
          ...(e.signatureFormat ? { signatureFormat: e.signatureFormat } : {}),
          ...(e.copiedFrom ? { copiedFrom: refOf(e.copiedFrom) } : {}),
        });
        break;
      }
      case 'local': {
        const name = refOf(e.name).name;
        if (name) st.localBuilds.push({ name, reason: e.reason, location });
        break;
      }
      case 'bake':
        merge(frame, readBake({ ...opContext(frame), repo: st.repo, files: e.files, targets: e.targets, push: e.push, set: e.set, workdir: frame.cwd, env: exportedEnv(frame), location }));
        break;
      case 'goreleaser':
        merge(frame, readGoreleaser({ ...opContext(frame), repo: st.repo, ...(st.repository ? { repository: st.repository } : {}), args: e.args, workdir: frame.cwd, env: exportedEnv(frame), location }));
        break;
      case 'limit':
        st.limits.push(e.text);
        break;
    }
  }
}

function opContext(frame: Frame) {
  const ctx = frame.state.ctx;
  return { ...ctx, chain: frame.chain, guard: guardIn(frame) };
}

function base(frame: Frame, tool: string, location: Location, refs: ImageRef[], guessed: boolean, notes?: string[]): OperationBase {
  const ctx = frame.state.ctx;
  const confidence: Confidence = guessed ? 'low' : refs.some((r) => !r.resolved || hasUnresolved(r.name)) ? 'medium' : 'high';
  const allNotes = [...(notes ?? []), ...(guessed ? [`command name guessed from a variable (${tool})`] : [])];
  return {
    tool,
    location,
    chain: frame.chain,
    guard: guardIn(frame),
    confidence,
    jobKey: ctx.jobKey,
    stepIndex: ctx.stepIndex,
    ...(ctx.parallelGroup !== undefined ? { parallelGroup: ctx.parallelGroup } : {}),
    ...(allNotes.length ? { notes: allNotes } : {}),
  };
}

/** The step's guard narrowed by the shell branch the operation sits in. */
export function guardIn(frame: Frame): Guard {
  const g = frame.state.ctx.guard;
  if (frame.cond.k === 'const' && frame.cond.v) return g;
  return { ...g, formula: and(g.formula, frame.cond), local: and(g.local ?? TRUE, frame.cond) };
}

function keyMaterial(k: KeySpec, location: Location): KeyMaterial {
  return { value: k.value, source: k.source, location };
}

function addOp(frame: Frame, op: ReaderResult['operations'][number]): void {
  const st = frame.state;
  const key = JSON.stringify([op.kind, op.tool, op.location, op.refs.map((r) => r.raw), op.kind === 'sign' ? op.method : '', op.chain]);
  if (st.opKeys.has(key)) return;
  st.opKeys.add(key);
  st.operations.push(op);
}

function merge(frame: Frame, r: ReaderResult): void {
  const st = frame.state;
  // Loops, not push(...xs): a reader's output is as long as its input, and a spread of that many arguments overflows.
  for (const op of r.operations) addOp(frame, op);
  for (const b of r.localBuilds) st.localBuilds.push(b);
  for (const f of r.findings) st.findings.push(f);
  for (const l of r.limits) st.limits.push(l);
}

/** The ephemeral registry host a name lives on (built-in patterns, or the context's list, with or without port). */
export function ephemeralHost(frame: Frame, name: string): string | undefined {
  const host = registryOf(name);
  if (!host || (hasUnresolved(host) && !isPerRunRegistryHost(host))) return undefined;
  return isEphemeralRegistry(name, frame.state.ctx.ephemeralRegistries) ? host : undefined;
}
