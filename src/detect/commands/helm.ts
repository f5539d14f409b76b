import { posix } from 'node:path';
import { findClosingBracket } from '../../util/brackets.js';
import { parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set(['--ca-file', '--cert-file', '--key-file', '--username', '--password', '--kube-context', '--kubeconfig', '--namespace', '-n', '--registry-config', '--repository-cache', '--repository-config', '--burst-limit']);

/**
 * `helm push CHART.tgz oci://REGISTRY/PATH` stores a Helm chart as an OCI artifact at REGISTRY/PATH/<chart name>,
 * tagged with the chart version: an artifact, not a container image. (`helm push` to a chartmuseum or other
 * non-OCI repository is not an OCI push at all.)
 */
export function classifyHelm(inv: CommandInvocation): CommandEffect[] {
  if (inv.args[0]?.text !== 'push') return [];
  const p = parseArgs(inv.args.slice(1), VALUE_FLAGS);
  const [chart, remote] = p.positionals;
  if (!chart || !remote || !remote.text.startsWith('oci://')) return [];
  const base = remote.text.slice('oci://'.length).replace(/\/+$/, '');
  const { name, version } = chartOf(chart.text);
  return [{ kind: 'push', tool: 'helm push', refs: [`${base}/${name}${version ? `:${version}` : ''}`], artifact: 'helm-chart' }];
}

/**
 * `podinfo-6.5.0.tgz` → podinfo, 6.5.0 (helm package writes `<name>-<version>.tgz`). Parts only known at run time
 * (`podinfo-${VERSION}.tgz`, `.dist/${chart}-*.tgz`, `$(find … -name '*.tgz')`) are masked first, so a `/` inside
 * them does not cut the path; a name that is not literal becomes `<chart>`, a version that is not literal is left out.
 */
export function chartOf(file: string): { name: string; version?: string } {
  const base = posix.basename(maskRuntimeParts(file)).replace(/\.tgz$/, '');
  const m = /^(.+?)-((?:v?\d|\$).*)$/.exec(base);
  const name = m ? m[1]! : base;
  const version = m?.[2];
  if (!name || /[$*?`[]/.test(name)) return { name: '<chart>' };
  return version && !/[$*?`[]/.test(version) ? { name, version } : { name };
}

/** Replaces `${{ … }}`, `${…}`, `$(…)` and backquoted parts with `$`. */
function maskRuntimeParts(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    let end = -1;
    if (text.startsWith('${{', i)) end = text.indexOf('}}', i + 3) + 1;
    else if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) end = findClosingBracket(text, i + 1);
    else if (c === '`') end = text.indexOf('`', i + 1);
    if (end > i) {
      out += '$';
      i = end;
    } else out += c;
  }
  return out;
}
