import { classifyCosign, classifyNotation } from './cosign.js';
import { classifyCrane } from './crane.js';
import { classifyAz, classifyGcloud, classifyRegctl } from './cloud-builds.js';
import { classifyCompose, classifyDocker } from './docker.js';
import { classifyGoreleaser } from './goreleaser.js';
import { classifyHelm } from './helm.js';
import { classifyFlux } from './flux.js';
import { classifyJib } from './jib.js';
import { classifyKaniko } from './kaniko.js';
import { classifyKind } from './kind.js';
import { classifyKo } from './ko.js';
import { classifyOras } from './oras.js';
import { classifyPack } from './pack.js';
import { classifyPodmanBuildah } from './podman.js';
import { classifySkopeo } from './skopeo.js';
import type { CommandEffect, CommandInvocation } from './types.js';

export type { Arg, CommandEffect, CommandInvocation, KeySpec } from './types.js';

/** Executable basenames → the tool family they belong to. */
const TOOL_ALIASES: Record<string, string> = {
  docker: 'docker',
  'docker-compose': 'docker-compose',
  // nerdctl mirrors docker's push/build/compose command line.
  nerdctl: 'docker',
  gcloud: 'gcloud',
  az: 'az',
  regctl: 'regctl',
  podman: 'podman',
  buildah: 'buildah',
  executor: 'kaniko',
  kaniko: 'kaniko',
  ko: 'ko',
  crane: 'crane',
  gcrane: 'gcrane',
  skopeo: 'skopeo',
  oras: 'oras',
  pack: 'pack',
  mvn: 'mvn',
  mvnw: 'mvn',
  gradle: 'gradle',
  gradlew: 'gradle',
  goreleaser: 'goreleaser',
  cosign: 'cosign',
  notation: 'notation',
  kind: 'kind',
  helm: 'helm',
  flux: 'flux',
};

/** The tool a literal command word names (`/usr/bin/docker`, `./cosign`, `cosign-linux-amd64`), if any. */
export function toolFromCommandWord(word: string): string | undefined {
  const base = word.split('/').pop() ?? word;
  const lower = base.toLowerCase().replace(/\.(exe|cmd|bat)$/, '');
  if (TOOL_ALIASES[lower]) return TOOL_ALIASES[lower];
  const m = /^(cosign|crane|ko|oras|notation|goreleaser|skopeo)[-_](linux|darwin|windows|v?\d)/.exec(lower);
  return m ? m[1] : undefined;
}

/** A guess from a variable used as the command (`$COSIGN_CLI`, `${DOCKER}`, `$KO_BIN`). */
export function toolFromVariableName(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/_(cli|bin|binary|cmd|command|exe|path|tool)$/, '').replace(/^(bin_|cmd_)/, '');
  if (TOOL_ALIASES[lower]) return TOOL_ALIASES[lower];
  return undefined;
}

export function isKnownTool(tool: string): boolean {
  return Object.values(TOOL_ALIASES).includes(tool);
}

export function classifyCommand(inv: CommandInvocation, extras: { koYamlImportPaths?: (files: string[]) => string[] } = {}): CommandEffect[] {
  switch (inv.tool) {
    case 'docker':
      return classifyDocker(inv);
    case 'docker-compose':
      return classifyCompose(inv.args);
    case 'gcloud':
      return classifyGcloud(inv);
    case 'az':
      return classifyAz(inv);
    case 'regctl':
      return classifyRegctl(inv);
    case 'podman':
    case 'buildah':
      return classifyPodmanBuildah(inv);
    case 'kaniko':
      return classifyKaniko(inv);
    case 'ko':
      return classifyKo(inv, extras.koYamlImportPaths);
    case 'crane':
    case 'gcrane':
      return classifyCrane(inv);
    case 'skopeo':
      return classifySkopeo(inv);
    case 'oras':
      return classifyOras(inv);
    case 'pack':
      return classifyPack(inv);
    case 'mvn':
    case 'gradle':
      return classifyJib(inv);
    case 'goreleaser':
      return classifyGoreleaser(inv);
    case 'cosign':
      return classifyCosign(inv);
    case 'notation':
      return classifyNotation(inv);
    case 'kind':
      return classifyKind(inv);
    case 'helm':
      return classifyHelm(inv);
    case 'flux':
      return classifyFlux(inv);
    default:
      return [];
  }
}
