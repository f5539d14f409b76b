import type { Installation, ImagePattern, Policy } from '../model.js';
import type { Location } from '../../model/location.js';
import { binauthzPolicy, engineOf } from './others.js';
import type { ReaderContext } from './context.js';

/**
 * Terraform: `google_binary_authorization_policy` resources, and `helm_release` resources that install a
 * verifier. HCL is read structurally only as far as needed: resource blocks, nested blocks and `key = "value"`
 * attributes, with brace matching that skips strings and comments.
 */

interface Block {
  start: number;
  bodyStart: number;
  end: number;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Index of the `}` closing the `{` at `open`, skipping strings, heredoc-free. -1 when unbalanced. */
function closeBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function blocks(text: string, header: RegExp, from = 0, to = text.length): Array<Block & { match: RegExpExecArray }> {
  const out: Array<Block & { match: RegExpExecArray }> = [];
  const re = new RegExp(header.source, 'g');
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const open = text.indexOf('{', m.index + m[0].length - 1);
    if (open < 0) break;
    const end = closeBrace(text, open);
    if (end < 0 || end > to) break;
    out.push({ start: m.index, bodyStart: open + 1, end, match: m });
    re.lastIndex = end;
  }
  return out;
}

function attribute(text: string, b: Block, key: string): { value: string; offset: number } | undefined {
  const re = new RegExp(`(^|\\n)\\s*${key}\\s*=\\s*"([^"]*)"`, 'g');
  const body = text.slice(b.bodyStart, b.end);
  const m = re.exec(body);
  return m ? { value: m[2] ?? '', offset: b.bodyStart + m.index + (m[1]?.length ?? 0) } : undefined;
}

export function readTerraform(text: string, file: string, ctx: ReaderContext): { policies: Policy[]; installations: Installation[] } {
  const policies: Policy[] = [];
  const installations: Installation[] = [];
  const loc = (offset: number): Location => ({ file, line: lineAt(text, offset) });
  for (const res of blocks(text, /resource\s+"google_binary_authorization_policy"\s+"([^"]+)"\s*\{/)) {
    const rule = blocks(text, /default_admission_rule\s*\{/, res.bodyStart, res.end)[0];
    const evaluation = rule ? attribute(text, rule, 'evaluation_mode') : undefined;
    const enforcement = rule ? attribute(text, rule, 'enforcement_mode') : undefined;
    const exemptions: ImagePattern[] = [];
    for (const w of blocks(text, /admission_whitelist_patterns\s*\{/, res.bodyStart, res.end)) {
      const p = attribute(text, w, 'name_pattern');
      if (p) exemptions.push({ raw: p.value, dialect: 'binauthz', location: loc(p.offset) });
    }
    const clusterRules = blocks(text, /cluster_admission_rules\s*\{/, res.bodyStart, res.end).length;
    const attestors = rule ? [...text.slice(rule.bodyStart, rule.end).matchAll(/"([^"]*attestors[^"]*)"|([\w.]*google_binary_authorization_attestor[\w.]*)/g)].map((m) => m[1] ?? m[2] ?? '') : [];
    policies.push(
      binauthzPolicy({
        name: res.match[1] ?? 'policy',
        kind: 'google_binary_authorization_policy',
        location: loc(res.start),
        evaluationMode: evaluation?.value,
        evaluationLocation: loc(evaluation?.offset ?? rule?.start ?? res.start),
        enforcementMode: enforcement?.value,
        enforcementLocation: loc(enforcement?.offset ?? rule?.start ?? res.start),
        attestors,
        exemptions,
        ctx,
        extraNotes: clusterRules > 0 ? [`${clusterRules} cluster_admission_rules override the default rule for specific clusters; not evaluated`] : [],
      }),
    );
  }
  for (const res of blocks(text, /resource\s+"helm_release"\s+"([^"]+)"\s*\{/)) {
    const chart = attribute(text, res, 'chart')?.value ?? '';
    const repo = attribute(text, res, 'repository')?.value ?? '';
    const engine = engineOf(`${chart} ${repo}`);
    if (!engine) continue;
    const fp = /name\s*=\s*"validatingWebhookFailurePolicy"\s*\n?\s*value\s*=\s*"(\w+)"/.exec(text.slice(res.bodyStart, res.end));
    installations.push({
      engine,
      what: `helm_release ${res.match[1] ?? ''} installs chart ${chart}`,
      location: loc(res.start),
      counted: ctx.counted,
      ...(fp ? { failurePolicy: fp[1] === 'Fail' ? ('Fail' as const) : ('Ignore' as const), failurePolicyLocation: loc(res.bodyStart + fp.index) } : {}),
    });
  }
  return { policies, installations };
}
