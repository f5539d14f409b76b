import { isSecretExpression } from '../../shell/expressions.js';
import { boolFlag, flagValues, hasFlag, parseArgs } from './argv.js';
import type { Arg, CommandEffect, CommandInvocation, KeySpec } from './types.js';

/**
 * Flags of `cosign sign` / `cosign attest` / `cosign copy` that take a value (cosign 2.x and 3.x). Every other flag is
 * boolean, so refs may come before or after flags. cosign rewrites single-dash long flags (`-key`) to `--key`.
 */
const VALUE_FLAGS = new Set([
  '-a', '--annotations', '--key', '--certificate', '--certificate-chain', '--fulcio-url', '--rekor-url',
  '--oidc-issuer', '--oidc-client-id', '--oidc-client-secret-file', '--oidc-redirect-url', '--oidc-provider',
  '--identity-token', '--output-signature', '--output-payload', '--output-certificate', '--payload',
  '--registry-username', '--registry-password', '--registry-token', '--registry-cacert', '--registry-client-cert',
  '--registry-client-key', '--registry-server-name', '--attachment', '--timeout', '-t', '--signing-config',
  '--trusted-root', '--slot', '--fulcio-auth-flow', '--timestamp-server-url', '--timestamp-client-cacert',
  '--timestamp-client-cert', '--timestamp-client-key', '--timestamp-server-name', '--tsa-server-url', '--bundle',
  '--predicate', '--type', '--only', '--platform', '--certificate-identity', '--certificate-oidc-issuer',
  '--certificate-identity-regexp', '--certificate-oidc-issuer-regexp', '--k8s-keychain-secret', '--ca-roots',
  '--ca-intermediates', '--sk-slot', '--attachment-tag-prefix', '--registry-referrers-mode', '--max-workers',
  '--verbose-level', '--output-file', '--signature-digest-algorithm',
]);

const KMS_PREFIXES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://', 'pkcs11:'];

export function classifyCosign(inv: CommandInvocation): CommandEffect[] {
  // Global flags (`cosign -d sign …`, `cosign --verbose sign`) may precede the subcommand.
  let i = 0;
  while (i < inv.args.length && inv.args[i]!.text.startsWith('-')) i++;
  const sub = inv.args[i]?.text;
  const rest = inv.args.slice(i + 1);
  if (sub === 'sign') return [signEffect(inv, rest, 'cosign sign')];
  if (sub === 'attest') return [signEffect(inv, rest, 'cosign attest')];
  if (sub === 'copy' || sub === 'cp') return copyEffects(inv, rest);
  // sign-blob, attest-blob, verify*, generate-key-pair, tree, … are not image signatures.
  return [];
}

function signEffect(inv: CommandInvocation, rest: Arg[], tool: string): CommandEffect {
  const p = parseArgs(rest, VALUE_FLAGS, { singleDashLong: true });
  // Computed targets stay in refs as written (`"$tag"@${DIGEST}`): the judge matches them by position, and the
  // written form still tells whether the digest is used.
  const refs = p.positionals.map((x) => x.text);
  const unresolvedTarget = p.positionals.length === 0 || p.positionals.some((x) => x.dynamic);
  const keyValue = flagValues(p, '--key').at(-1);
  const key = keyValue !== undefined ? keySource(inv, keyValue) : hasFlag(p, '--sk') ? { value: '--sk', source: 'unknown' as const } : undefined;
  const keyless = key === undefined;
  const identityToken = keyless && (flagValues(p, '--identity-token').length > 0 || inv.lookup('SIGSTORE_ID_TOKEN') !== undefined);
  const method = tool === 'cosign attest' ? 'cosign-attest' : keyless ? 'cosign-keyless' : key.source === 'kms' ? 'cosign-kms' : 'cosign-key';
  const bundle = boolFlag(p, '--new-bundle-format');
  const password = inv.lookup('COSIGN_PASSWORD');
  const notes: string[] = [];
  if (boolFlag(p, '--upload') === false) notes.push('--upload=false: the signature is not pushed to the registry');
  return {
    kind: 'sign',
    tool,
    method,
    refs,
    unresolvedTarget,
    keyless,
    ...(identityToken ? { identityToken } : {}),
    ...(key ? { key } : {}),
    ...(password !== undefined && !keyless ? { password: passwordSource(password) } : {}),
    signatureFormat: bundle === undefined ? 'default' : bundle ? 'bundle' : 'legacy',
    ...(notes.length ? { notes } : {}),
  };
}

function copyEffects(inv: CommandInvocation, rest: Arg[]): CommandEffect[] {
  const p = parseArgs(rest, VALUE_FLAGS, { singleDashLong: true });
  const [src, dst] = p.positionals;
  if (!src || !dst) return [];
  const effects: CommandEffect[] = [{ kind: 'push', tool: 'cosign copy', refs: [dst.text], ...(src.dynamic || hasFlag(p, '--platform') ? {} : { copyOf: src.text }) }];
  effects.push({
    kind: 'sign',
    tool: 'cosign copy',
    method: 'cosign-key',
    refs: dst.dynamic ? [] : [dst.text],
    unresolvedTarget: dst.dynamic,
    keyless: false,
    copiedFrom: src.text,
    notes: ['cosign copy: the destination carries the source image\'s signatures; method is a fallback when the source signing is not seen'],
  });
  void inv;
  return effects;
}

/** Where a `--key` value comes from. */
export function keySource(inv: CommandInvocation, value: string): KeySpec {
  const v = value.trim();
  if (isSecretExpression(v)) return { value: v, source: 'secret' };
  if (KMS_PREFIXES.some((p) => v.toLowerCase().startsWith(p))) return { value: v, source: 'kms' };
  if (v.startsWith('k8s://')) return { value: v, source: 'k8s' };
  if (v.startsWith('env://')) {
    const name = v.slice('env://'.length);
    const envValue = inv.lookup(name);
    if (envValue !== undefined && isSecretExpression(envValue)) return { value: v, source: 'secret' };
    if (envValue !== undefined && /-----BEGIN/.test(envValue)) return { value: v, source: 'literal' };
    return { value: v, source: 'env' };
  }
  if (/-----BEGIN/.test(v)) return { value: v, source: 'literal' };
  if (/^\$[A-Za-z_{]/.test(v) && !v.includes('/')) return { value: v, source: 'unknown' };
  return { value: v, source: inv.isSecretFile(v) ? 'secret' : 'file' };
}

function passwordSource(value: string): KeySpec {
  if (isSecretExpression(value)) return { value, source: 'secret' };
  if (/^\$/.test(value)) return { value, source: 'env' };
  return { value, source: value === '' ? 'unknown' : 'literal' };
}

/** `notation sign [flags] REF…`. */
const NOTATION_VALUE_FLAGS = new Set([
  '-k', '--key', '--signature-format', '-u', '--username', '-p', '--password', '--plugin', '--id', '--plugin-config',
  '-e', '--expiry', '-m', '--user-metadata', '--timestamp-url', '--timestamp-root-cert',
]);

export function classifyNotation(inv: CommandInvocation): CommandEffect[] {
  if (inv.args[0]?.text !== 'sign') return [];
  const p = parseArgs(inv.args.slice(1), NOTATION_VALUE_FLAGS);
  if (!p.positionals.length) return [];
  return [
    {
      kind: 'sign',
      tool: 'notation sign',
      method: 'notation',
      refs: p.positionals.filter((x) => !x.dynamic).map((x) => x.text),
      unresolvedTarget: p.positionals.some((x) => x.dynamic),
      keyless: false,
    },
  ];
}
