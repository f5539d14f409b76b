import type { KeyMaterial } from '../model/pipeline.js';
import type { Location } from '../model/location.js';

/** goreleaser's `docker_signs[].args` default (internal/pipe/sign/sign_docker.go). */
export const DEFAULT_DOCKER_SIGN_ARGS = ['sign', '--key=cosign.key', '${artifact}@${digest}', '--yes'];

/** Which goreleaser artifact kinds a `docker_signs[].artifacts` value selects (same source file). */
export type GoreleaserImageKind = 'docker' | 'manifest' | 'docker-v2' | 'ko';

export function kindsSigned(artifacts: string): Set<GoreleaserImageKind> | undefined {
  switch (artifacts.trim()) {
    case 'images':
      // ko publishes DockerImage artifacts too.
      return new Set(['docker', 'docker-v2', 'ko']);
    case 'manifests':
      // dockers_v2 produce image indexes, which goreleaser files under both kinds.
      return new Set(['manifest', 'docker-v2']);
    case 'all':
      return new Set(['docker', 'manifest', 'docker-v2', 'ko']);
    case 'none':
      return new Set();
    case '':
      // Current default: only images built by dockers_v2.
      return new Set(['docker-v2']);
    default:
      return undefined;
  }
}

export interface SignArgsInfo {
  /** The args name the digest (`${artifact}@${digest}` or `${digest}`). */
  byDigest: boolean;
  /** The args name the artifact at all. */
  namesArtifact: boolean;
  keyless: boolean;
  keyValue?: string;
  attest: boolean;
}

export function inspectSignArgs(args: string[]): SignArgsInfo {
  const joined = args.join(' ');
  let keyValue: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const m = /^--?key(?:=(.*))?$/.exec(a);
    if (!m) continue;
    keyValue = m[1] ?? args[i + 1];
    break;
  }
  return {
    byDigest: /\$\{digest\}/.test(joined),
    namesArtifact: /\$\{artifact\}/.test(joined),
    keyless: keyValue === undefined,
    ...(keyValue !== undefined ? { keyValue } : {}),
    attest: (args.find((a) => !a.startsWith('-')) ?? '') === 'attest',
  };
}

/**
 * Where a key reference comes from. A template or `env://` reference is looked up in the environment goreleaser
 * runs with, so a key that the workflow maps from `${{ secrets.X }}` counts as a secret.
 */
export function classifyKey(value: string, env: Record<string, string>, location: Location): KeyMaterial {
  const v = value.trim();
  const fromEnv = (name: string): KeyMaterial['source'] => (isSecretExpression(env[name]) ? 'secret' : 'env');
  let source: KeyMaterial['source'];
  if (/^(awskms|gcpkms|azurekms|hashivault):\/\//i.test(v)) source = 'kms';
  else if (/^k8s:\/\//i.test(v)) source = 'k8s';
  else if (/^env:\/\//i.test(v)) source = fromEnv(v.slice('env://'.length));
  else if (isSecretExpression(v)) source = 'secret';
  else {
    const tmpl = /^\{\{-?\s*\.Env\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}$/.exec(v);
    if (tmpl?.[1]) source = fromEnv(tmpl[1]);
    else if (/^\$\{?[A-Za-z_]/.test(v)) source = 'unknown';
    else if (/^pkcs11:/i.test(v)) source = 'unknown';
    else source = 'file';
  }
  return { value: v, source, location };
}

function isSecretExpression(v: string | undefined): boolean {
  return !!v && /\$\{\{\s*secrets\./.test(v);
}
