import { resolvedDigestText } from '../../model/digest.js';
import { flagValues, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

/**
 * Remote builders that push what they build: `gcloud builds submit --tag IMAGE` (Cloud Build) and
 * `az acr build -r REGISTRY -t NAME:TAG` (ACR Tasks, pushing to REGISTRY.azurecr.io unless --no-push), and
 * `regctl image copy SRC DST`.
 */
export function classifyGcloud(inv: CommandInvocation): CommandEffect[] {
  const words = inv.args.map((a) => a.text);
  const sub = words.findIndex((w, i) => w === 'builds' && words[i + 1] === 'submit');
  if (sub < 0) return [];
  const p = parseArgs(inv.args.slice(sub + 2), new Set(['--tag', '-t', '--config', '--region', '--project', '--substitutions', '--timeout', '--machine-type', '--pack', '--gcs-source-staging-dir', '--gcs-log-dir', '--worker-pool', '--service-account', '--ignore-file', '--disk-size']));
  const tags = flagValues(p, '--tag', '-t');
  return tags.length ? [{ kind: 'push', tool: 'gcloud builds submit', refs: tags }] : [];
}

export function classifyAz(inv: CommandInvocation): CommandEffect[] {
  const words = inv.args.map((a) => a.text);
  if (words[0] !== 'acr' || words[1] !== 'build') return [];
  const p = parseArgs(inv.args.slice(2), new Set(['-t', '--image', '-r', '--registry', '-f', '--file', '--platform', '--build-arg', '--secret-build-arg', '--target', '--timeout', '--resource-group', '-g', '--subscription', '--agent-pool', '--auth-mode', '--log-template', '--source-acr-auth-id']));
  if (p.flags.has('--no-push')) return [];
  const registry = flagValues(p, '-r', '--registry')[0];
  const images = flagValues(p, '-t', '--image');
  if (!registry || images.length === 0) return [];
  const host = registry.includes('.') ? registry : `${registry}.azurecr.io`;
  return [{ kind: 'push', tool: 'az acr build', refs: images.map((i) => `${host}/${i}`) }];
}

export function classifyRegctl(inv: CommandInvocation): CommandEffect[] {
  const [a0, a1] = inv.args.map((a) => a.text);
  if ((a0 === 'image' || a0 === 'manifest') && a1 === 'digest') {
    // `regctl image digest REF`: the digest REF points to now.
    const p = parseArgs(inv.args.slice(2), new Set(['--platform']));
    const ref = p.positionals[0];
    return ref && !ref.dynamic && !p.flags.has('--platform') ? [{ kind: 'stdout', text: `${resolvedDigestText(ref.text)}\n` }] : [];
  }
  if (a0 !== 'image' || (a1 !== 'copy' && a1 !== 'cp')) return [];
  const p = parseArgs(inv.args.slice(2), new Set(['--platform', '--format', '--referrers-src', '--referrers-tgt']));
  const dst = p.positionals[1];
  const src = p.positionals[0];
  return dst ? [{ kind: 'push', tool: 'regctl image copy', refs: [dst.text], ...(src && !src.dynamic && !p.flags.has('--platform') ? { copyOf: src.text } : {}) }] : [];
}
