import type { RepoReader } from './repo.js';

/**
 * Files that can hold a kind cluster configuration: scripts (heredocs), Makefiles (printf), workflows, and YAML files
 * whose name says kind or cluster (`hack/kind-config.yaml`, `e2e/cluster.yaml`). Large trees hold thousands of YAML
 * manifests; reading all of them for this would cost more than the rest of the workflow analysis.
 */
const CANDIDATE = /(\.(sh|bash|mk)|(^|\/)(GNU)?[Mm]akefile|^\.github\/.*\.ya?ml|(^|\/)[^/]*(kind|cluster)[^/]*\.ya?ml)$/i;
const MAX_BYTES = 256 * 1024;

/**
 * The registries kind clusters in this repository are configured with: kind's local-registry recipe maps a mirror
 * (`registry.mirrors."localhost:5001"`) to a registry container on the kind network (`endpoint =
 * ["http://kind-registry:5000"]`). Both names exist only on the runner for the job's lifetime.
 * A mirror is taken only when its endpoint is such a container (a single-label host, or loopback) and the mirror is
 * itself a host:port or single-label name — a pull-through cache for `docker.io` or `quay.io` configured the same
 * way does not make those registries ephemeral.
 */
export function kindClusterRegistries(repo: RepoReader): string[] {
  const out = new Set<string>();
  for (const f of repo.files) {
    if (f.size > MAX_BYTES || !CANDIDATE.test(f.path)) continue;
    const r = repo.read(f.path, { scan: true });
    if (!r.ok || !r.text.includes('kind.x-k8s.io/')) continue;
    const re = /registry\.mirrors\.\\?"([^"\\]+)\\?"\][\s\S]{0,80}?endpoint\s*=\s*\[\s*\\?"https?:\/\/([^"\\/]+)/g;
    for (let m = re.exec(r.text); m; m = re.exec(r.text)) {
      const mirror = m[1]!.toLowerCase();
      const endpoint = m[2]!.toLowerCase();
      if (!isLocalContainerHost(endpoint)) continue;
      out.add(endpoint);
      if (/:\d+$/.test(mirror) || !mirror.includes('.')) out.add(mirror);
    }
  }
  return [...out].sort();
}

function isLocalContainerHost(host: string): boolean {
  const bare = host.replace(/:\d+$/, '');
  return !bare.includes('.') || /^(localhost|127\.\d+\.\d+\.\d+)$/.test(bare);
}
