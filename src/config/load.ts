import type { Node } from 'yaml';
import type { RepoReader } from '../discover/repo.js';
import type { AnalyzeOptions } from '../engine/options.js';
import type { Severity } from '../model/finding.js';
import type { FindingReport } from '../model/report.js';
import { parseYaml, yamlDocs, type YamlDoc } from '../parse/yaml.js';
import { RULES } from '../rules/index.js';
import { compileGlob, isUsable, PATH_GLOB } from '../util/glob.js';
import { ACCEPTABLE_METHODS, DEFAULT_CONFIG_PATH, emptyConfig, isAcceptableMethod, type AuditConfig } from './config.js';

export interface LoadedConfig {
  config: AuditConfig;
  /** `config-error` findings, each at the offending line of the configuration file. */
  findings: FindingReport[];
  /** The file that was read, when one was. */
  file?: string;
  /** Line of each `require-images` entry, so findings about a missing image can point at it. */
  requireImageLines?: Map<string, number>;
}

const TOP_LEVEL_KEYS = new Set(['version', 'ignore', 'exclude-images', 'require-images', 'accept-methods', 'ephemeral-registries']);
const RULE_IDS = new Set(RULES.map((r) => r.id));

/**
 * Reads the configuration through the repository reader. A missing default file is not an error (the
 * configuration is optional); a missing file the user named explicitly is.
 */
export function loadConfig(repo: RepoReader, path: string = DEFAULT_CONFIG_PATH, explicit = false): LoadedConfig {
  const candidates = explicit ? [path] : [path, path.replace(/\.yml$/, '.yaml')];
  for (const candidate of candidates) {
    if (!repo.has(candidate)) {
      // A configuration path that leaves the repository or goes through a symbolic link is refused, and said so.
      const refused = repo.read(candidate, { scan: true });
      if (!refused.ok && /symbolic link|leaves the repository/.test(refused.reason)) return { config: emptyConfig(), findings: [configFinding(candidate, 1, `configuration file not read: ${refused.reason}`)], file: candidate };
      continue;
    }
    const read = repo.read(candidate);
    if (!read.ok) return { config: emptyConfig(), findings: [configFinding(candidate, 1, `configuration file could not be read: ${read.reason}`)], file: candidate };
    return { ...parseConfig(read.text, candidate), file: candidate };
  }
  if (explicit) return { config: emptyConfig(), findings: [configFinding(path, 1, `configuration file '${path}' was not found; running with defaults`)] };
  return { config: emptyConfig(), findings: [] };
}

/** Parses and validates a configuration file. Invalid entries are skipped with a finding; valid ones still apply. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const config = emptyConfig();
  const findings: FindingReport[] = [];
  const requireImageLines = new Map<string, number>();
  const parsed = parseYaml(text, file);
  for (const e of parsed.errors) findings.push(configFinding(file, e.line, `YAML syntax error: ${e.message}`));
  if (parsed.errors.length > 0) return { config, findings };
  const docs = yamlDocs(parsed);
  const doc = docs[0];
  if (!doc || doc.root === null) return { config, findings };
  if (docs.length > 1) findings.push(configFinding(file, doc.endLine(doc.root), 'only the first YAML document is read; later documents are ignored', 'warning'));
  if (!doc.isMap(doc.root)) {
    findings.push(configFinding(file, doc.line(doc.root), 'the configuration must be a mapping (keys such as ignore:, require-images:)'));
    return { config, findings };
  }
  const v = new Validator(doc, file, findings);
  for (const { key, keyNode, value } of doc.entries(doc.root)) {
    const node = doc.deref(value);
    switch (key) {
      case 'version': {
        const ver = doc.str(node);
        if (ver !== '1') v.error(node ?? keyNode, `version must be 1, got '${ver ?? ''}'`);
        break;
      }
      case 'ignore':
        for (const item of v.list(node, keyNode, key)) {
          const entry = v.record(item, ['rule', 'path', 'image', 'reason'], 'ignore entry');
          if (!entry) continue;
          const rule = v.requiredString(item, entry, 'rule', 'ignore entry');
          const reason = v.requiredString(item, entry, 'reason', 'ignore entry (say why the finding is accepted)');
          const path = v.optionalGlob(entry, 'path');
          const image = v.optionalGlob(entry, 'image');
          if (rule === undefined || reason === undefined || path === null || image === null) continue;
          if (!RULE_IDS.has(rule)) {
            v.error(entry.get('rule') ?? item, `unknown rule '${rule}' (known rules: ${[...RULE_IDS].join(', ')})`);
            continue;
          }
          config.ignore.push({ rule, reason, ...(path !== undefined ? { path } : {}), ...(image !== undefined ? { image } : {}), location: { file, line: doc.line(item) } });
        }
        break;
      case 'exclude-images':
        for (const item of v.list(node, keyNode, key)) {
          const entry = v.record(item, ['image', 'reason'], 'exclude-images entry');
          if (!entry) continue;
          const image = v.requiredString(item, entry, 'image', 'exclude-images entry');
          const reason = v.requiredString(item, entry, 'reason', 'exclude-images entry (say why the image does not count)');
          if (image === undefined || reason === undefined || !v.validGlob(entry.get('image') ?? item, image)) continue;
          config.excludeImages.push({ pattern: image, reason });
        }
        break;
      case 'require-images':
        for (const item of v.list(node, keyNode, key)) {
          const name = v.scalar(item, 'require-images entry (an image name or glob)');
          if (name !== undefined && v.validGlob(item, name)) {
            config.requireImages.push(name);
            requireImageLines.set(name, doc.line(item));
          }
        }
        break;
      case 'accept-methods': {
        const methods: AuditConfig['acceptMethods'] = [];
        for (const item of v.list(node, keyNode, key)) {
          const m = v.scalar(item, 'accept-methods entry');
          if (m === undefined) continue;
          if (!isAcceptableMethod(m)) v.error(item, `unknown method '${m}' (one of: ${ACCEPTABLE_METHODS.join(', ')})`);
          else if (!methods.includes(m)) methods.push(m);
        }
        config.acceptMethods = methods;
        break;
      }
      case 'ephemeral-registries':
        for (const item of v.list(node, keyNode, key)) {
          const host = v.scalar(item, 'ephemeral-registries entry (a registry host, optionally with :port)');
          if (host === undefined) continue;
          if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(host)) v.error(item, `'${host}' is not a registry host (host or host:port)`);
          else config.ephemeralRegistries.push(host.toLowerCase());
        }
        break;
      default:
        // Unknown keys are usually typos of a real key; they are ignored, so say so without failing the run.
        v.warn(keyNode, `unknown key '${key}' is ignored (known keys: ${[...TOP_LEVEL_KEYS].join(', ')})`);
    }
  }
  return { config, findings, requireImageLines };
}

/** The analysis options the configuration sets; the engine applies them (exclusions, requirements, methods, registries). */
export function configToAnalyzeOptions(config: AuditConfig): Pick<AnalyzeOptions, 'excludeImages' | 'requireImages' | 'acceptMethods' | 'ephemeralRegistries'> {
  return {
    ...(config.excludeImages.length > 0 ? { excludeImages: config.excludeImages } : {}),
    ...(config.requireImages.length > 0 ? { requireImages: config.requireImages } : {}),
    ...(config.acceptMethods !== undefined ? { acceptMethods: config.acceptMethods } : {}),
    ...(config.ephemeralRegistries.length > 0 ? { ephemeralRegistries: config.ephemeralRegistries } : {}),
  };
}

/**
 * Points `required-image-missing` findings at the `require-images` entry that asked for the image. The engine
 * only receives the patterns (AnalyzeOptions.requireImages), not where they were written, nor which file the
 * configuration came from; it names the pattern in the message or in `image`.
 */
export function locateRequiredImageFindings(findings: FindingReport[], loaded: LoadedConfig): FindingReport[] {
  if (!loaded.file || !loaded.requireImageLines || loaded.requireImageLines.size === 0) return findings;
  const file = loaded.file;
  const lines = [...loaded.requireImageLines];
  return findings.map((f) => {
    if (f.rule !== 'required-image-missing') return f;
    const hit = lines.find(([pattern]) => f.image === pattern) ?? lines.find(([pattern]) => f.message.includes(` ${pattern},`) || f.message.includes(` ${pattern} `) || f.message.endsWith(` ${pattern}`));
    return hit ? { ...f, file, line: hit[1] } : f;
  });
}

export function configFinding(file: string, line: number, message: string, severity: Severity = 'error'): FindingReport {
  return { rule: 'config-error', severity, message, file, line: Math.max(1, line), related: [] };
}

/** Shape checks that turn every problem into a finding at the node's line. */
class Validator {
  constructor(
    private readonly doc: YamlDoc,
    private readonly file: string,
    private readonly findings: FindingReport[],
  ) {}

  error(node: unknown, message: string): void {
    this.findings.push(configFinding(this.file, this.doc.line(node), message));
  }

  warn(node: unknown, message: string): void {
    this.findings.push(configFinding(this.file, this.doc.line(node), message, 'warning'));
  }

  list(node: Node | null, keyNode: Node, key: string): Node[] {
    if (node === null) return [];
    if (!this.doc.isSeq(node)) {
      this.error(node ?? keyNode, `${key} must be a list`);
      return [];
    }
    return this.doc.items(node);
  }

  /** A mapping with only the allowed keys; returns its value nodes by key. */
  record(item: Node, allowed: string[], what: string): Map<string, Node | null> | undefined {
    if (!this.doc.isMap(item)) {
      this.error(item, `${what} must be a mapping with ${allowed.join(', ')}`);
      return undefined;
    }
    const out = new Map<string, Node | null>();
    for (const e of this.doc.entries(item)) {
      if (!allowed.includes(e.key)) this.error(e.keyNode, `unknown key '${e.key}' in ${what} (allowed: ${allowed.join(', ')})`);
      else out.set(e.key, this.doc.deref(e.value));
    }
    return out;
  }

  requiredString(item: Node, entry: Map<string, Node | null>, key: string, what: string): string | undefined {
    const node = entry.get(key);
    const value = node ? this.doc.str(node)?.trim() : undefined;
    if (!value) {
      this.error(node ?? item, `${what} needs a non-empty '${key}'`);
      return undefined;
    }
    return value;
  }

  /** undefined: absent; null: present but invalid (already reported). */
  optionalGlob(entry: Map<string, Node | null>, key: string): string | undefined | null {
    if (!entry.has(key)) return undefined;
    const node = entry.get(key) ?? null;
    const value = this.doc.str(node)?.trim();
    if (!value) {
      this.error(node, `'${key}' must be a non-empty glob`);
      return null;
    }
    return this.validGlob(node, value) ? value : null;
  }

  scalar(item: Node, what: string): string | undefined {
    const value = this.doc.str(item)?.trim();
    if (!value) this.error(item, `${what} must be a non-empty string`);
    return value || undefined;
  }

  /**
   * A glob the matcher can evaluate (src/util/glob.ts); one it cannot (too long, an extglob) is a config error and
   * its entry is dropped, so it never ignores or excludes anything.
   */
  validGlob(node: unknown, glob: string): boolean {
    const compiled = compileGlob(glob, PATH_GLOB);
    if (isUsable(compiled)) return true;
    const shown = glob.length > 80 ? `${glob.slice(0, 60)}… (${glob.length} characters)` : glob;
    this.error(node, `unusable glob '${shown}': ${compiled.unusable}; the entry is not applied`);
    return false;
  }
}
