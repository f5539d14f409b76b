#!/usr/bin/env node
import { createRequire as __isaCreateRequire } from 'node:module';
const require = __isaCreateRequire(import.meta.url);

// src/admission/index.ts
function analyzeAdmission(_input) {
  return { enforcement: [], coverage: /* @__PURE__ */ new Map(), findings: [], limits: [], manifestsParsed: 0 };
}

// src/discover/repo.ts
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { join, posix, sep } from "node:path";
var MAX_FILE_BYTES = 1024 * 1024;
var MAX_FILES = 2e5;
var MAX_DEPTH = 40;
var SKIP_DIRS = /* @__PURE__ */ new Set([".git", "node_modules", ".hg", ".svn"]);
function openRepo(root) {
  const realRoot = realpathSync(root);
  const limits = [];
  const files = [];
  const walk = (dir, rel, depth) => {
    if (depth > MAX_DEPTH) {
      limits.push(`directory depth bound (${MAX_DEPTH}) hit at ${rel}; deeper files not scanned`);
      return;
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.length >= MAX_FILES) {
        if (!limits.some((l) => l.startsWith("file count bound"))) limits.push(`file count bound (${MAX_FILES}) hit; remaining files not scanned`);
        return;
      }
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), childRel, depth + 1);
      } else if (entry.isFile()) {
        files.push({ path: childRel, size: -1 });
      }
    }
  };
  walk(realRoot, "", 0);
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const index = new Set(files.map((f) => f.path));
  const cache = /* @__PURE__ */ new Map();
  return {
    root: realRoot,
    files,
    limits,
    has: (path) => index.has(normalizeRelPath(path) ?? ""),
    read(path) {
      const rel = normalizeRelPath(path);
      if (rel === void 0) return { ok: false, reason: "path leaves the repository" };
      const cached = cache.get(rel);
      if (cached) return cached;
      const result = readBounded(realRoot, rel, index.has(rel));
      cache.set(rel, result);
      return result;
    }
  };
}
function normalizeRelPath(path) {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return void 0;
  const norm = posix.normalize(path.replace(/\\/g, "/"));
  if (norm === ".." || norm.startsWith("../")) return void 0;
  return norm === "." ? "" : norm.replace(/^\.\//, "").replace(/\/$/, "");
}
function readBounded(realRoot, rel, listed) {
  const abs = join(realRoot, rel);
  if (!listed) {
    let real;
    try {
      real = realpathSync(abs);
    } catch {
      return { ok: false, reason: "no such file" };
    }
    if (real !== abs) return { ok: false, reason: "path goes through a symbolic link; not followed" };
  }
  let size;
  try {
    const st = statSync(abs);
    if (!st.isFile()) return { ok: false, reason: "not a regular file" };
    size = st.size;
  } catch {
    return { ok: false, reason: "no such file" };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, reason: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte bound; not read` };
  const buf = Buffer.alloc(size);
  const fd = openSync(abs, "r");
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n <= 0) break;
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  if (buf.subarray(0, Math.min(buf.length, 8192)).includes(0)) return { ok: false, reason: "binary file (NUL byte); not read" };
  return { ok: true, text: buf.toString("utf8") };
}

// src/model/report.ts
var REPORT_VERSION = 1;

// src/engine/verdict.ts
var VERDICT_RULES = /* @__PURE__ */ new Set([
  "unsigned-image",
  "partially-signed-image",
  "keyless-without-id-token",
  "committed-private-key",
  "signing-key-not-secret",
  "not-inspected",
  "no-admission-enforcement",
  "enforcement-advisory-only",
  "image-not-covered",
  "policy-trust-mismatch",
  "required-image-missing"
]);
function computeVerdict(report) {
  const blocking = report.findings.some((f) => !f.suppressed && f.severity === "error" && VERDICT_RULES.has(f.rule));
  if (report.images.length === 0) return blocking && report.findings.some((f) => !f.suppressed && f.rule === "required-image-missing") ? "fail" : "not-applicable";
  if (blocking) return "fail";
  return report.images.every((i) => i.signed) ? "pass" : "fail";
}
function describeEnforcement(enforcement) {
  const counted = enforcement.filter((e) => e.counted !== false);
  const enforcing = counted.filter((e) => e.mode === "enforce");
  if (enforcing.length > 0) return enforcing.slice(0, 3).map(describePolicy).join(", ") + (enforcing.length > 3 ? ` and ${enforcing.length - 3} more` : "");
  if (counted.length > 0) return "audit only: " + counted.slice(0, 3).map(describePolicy).join(", ") + (counted.length > 3 ? ` and ${counted.length - 3} more` : "");
  return "none found";
}
function describePolicy(e) {
  return `${e.engine} ${e.kind}/${e.name} (${e.file}:${e.line})`;
}
function composeSentence(images, enforcement) {
  const signed = images.filter((i) => i.signed).length;
  const noun = images.length === 1 ? "image is" : "images are";
  return `${signed} of ${images.length} ${noun} signed; verification enforced via ${describeEnforcement(enforcement)}.`;
}
function finalizeReport(report) {
  return { ...report, verdict: computeVerdict(report), sentence: composeSentence(report.images, report.enforcement) };
}

// src/engine/analyze.ts
async function analyze(options) {
  const repo = openRepo(options.root);
  const admission = analyzeAdmission({
    repo,
    policyRoots: (options.policyPaths ?? []).map((p) => openRepo(p)),
    images: [],
    ...options.repository ? { repository: options.repository } : {},
    requireEnforcement: options.requireEnforcement ?? true
  });
  const report = {
    version: REPORT_VERSION,
    verdict: "not-applicable",
    sentence: "",
    ...options.repository ? { repository: options.repository } : {},
    images: [],
    localBuilds: [],
    enforcement: admission.enforcement,
    findings: [],
    limits: [...repo.limits, ...admission.limits],
    stats: { filesScanned: repo.files.length, workflows: 0, manifestsParsed: admission.manifestsParsed }
  };
  return finalizeReport(report);
}

// src/cli-args.ts
import { existsSync, statSync as statSync2 } from "node:fs";
var USAGE = `usage: image-signing-audit [path] [options]

  path                          checkout to scan (default: .)
  --format text|json|sarif      output format (default: text)
  --repository owner/name       repository the names resolve against (default: $GITHUB_REPOSITORY)
  --remote-checkouts DIR        checkouts of remote workflows/actions, laid out DIR/<owner>/<repo>/
  --policy-paths DIR...         extra roots holding deployed admission policies (repeatable)
  --require-enforcement BOOL    true (default): missing enforcement fails the verdict; false: it is a note
  -h, --help                    this text

Exit status: 0 when the analysis ran (whatever the verdict), 2 on usage errors.
`;
function parseCliArgs(argv, env) {
  let path;
  let format = "text";
  let repository = env["GITHUB_REPOSITORY"] || void 0;
  let remoteCheckouts;
  const policyPaths = [];
  let requireEnforcement = true;
  let help = false;
  const takeValue = (i, flag) => {
    const v = argv[i + 1];
    return v === void 0 || v.startsWith("--") ? { error: `${flag} needs a value` } : v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = () => {
      if (inline !== void 0) return inline;
      const v = takeValue(i, arg);
      if (typeof v === "string") i++;
      return v;
    };
    switch (arg) {
      case "-h":
      case "--help":
        help = true;
        break;
      case "--format": {
        const v = value();
        if (typeof v !== "string") return v;
        if (v !== "text" && v !== "json" && v !== "sarif") return { error: `unknown format '${v}' (text, json or sarif)` };
        format = v;
        break;
      }
      case "--repository": {
        const v = value();
        if (typeof v !== "string") return v;
        if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(v)) return { error: `--repository must be owner/name, got '${v}'` };
        repository = v;
        break;
      }
      case "--remote-checkouts": {
        const v = value();
        if (typeof v !== "string") return v;
        if (!isDir(v)) return { error: `--remote-checkouts: '${v}' is not a directory` };
        remoteCheckouts = v;
        break;
      }
      case "--policy-paths": {
        if (inline !== void 0) {
          policyPaths.push(...inline.split(",").filter(Boolean));
        } else {
          let n = 0;
          while (argv[i + 1] !== void 0 && !argv[i + 1].startsWith("-")) {
            policyPaths.push(argv[++i]);
            n++;
          }
          if (n === 0) return { error: "--policy-paths needs at least one directory" };
        }
        for (const p of policyPaths) if (!isDir(p)) return { error: `--policy-paths: '${p}' is not a directory` };
        break;
      }
      case "--require-enforcement": {
        const v = value();
        if (typeof v !== "string") return v;
        if (v !== "true" && v !== "false") return { error: `--require-enforcement takes true or false, got '${v}'` };
        requireEnforcement = v === "true";
        break;
      }
      default:
        if (arg.startsWith("-")) return { error: `unknown option '${arg}'` };
        if (path !== void 0) return { error: `more than one path given ('${path}', '${arg}')` };
        path = arg;
    }
  }
  const root = path ?? ".";
  if (!help && !isDir(root)) return { error: `'${root}' is not a directory` };
  return {
    help,
    format,
    options: {
      root,
      ...repository ? { repository } : {},
      ...remoteCheckouts ? { remoteCheckouts } : {},
      policyPaths,
      requireEnforcement
    }
  };
}
function isDir(p) {
  try {
    return existsSync(p) && statSync2(p).isDirectory();
  } catch {
    return false;
  }
}

// src/render/json.ts
function renderJson(report) {
  return JSON.stringify(report, null, 2) + "\n";
}

// src/render/sarif.ts
function renderSarif(report) {
  return JSON.stringify({ version: "2.1.0", $schema: "https://json.schemastore.org/sarif-2.1.0.json", runs: [{ tool: { driver: { name: "image-signing-audit", rules: [] } }, results: report.findings.map((f) => ({ ruleId: f.rule, message: { text: f.message } })) }] }, null, 2) + "\n";
}

// src/render/text.ts
function renderText(report) {
  const out = [];
  out.push(`verdict: ${report.verdict}`);
  out.push(printable(report.sentence));
  if (report.repository) out.push(`repository: ${printable(report.repository)}`);
  out.push("");
  out.push(`images (${report.images.length}):`);
  for (const img of report.images) {
    const how = img.signed ? `signed (${img.methods.join(", ")}${img.byDigest === false ? ", by tag" : img.byDigest ? ", by digest" : ""})` : "NOT signed";
    out.push(`  ${printable(img.name)}: ${how}; confidence ${img.confidence}`);
    for (const p of img.pushes) out.push(`    pushed at ${printable(p.file)}:${p.line}`);
    for (const s of img.signatures) out.push(`    ${s.method} at ${printable(s.file)}:${s.line}`);
    for (const c of img.coveredBy ?? []) out.push(`    covered by ${printable(c)}`);
    for (const n of img.notes ?? []) out.push(`    note: ${printable(n)}`);
  }
  if (report.localBuilds.length > 0) {
    out.push("");
    out.push(`local builds, not counted (${report.localBuilds.length}):`);
    for (const b of report.localBuilds) out.push(`  ${printable(b.name)} (${printable(b.reason)}) at ${printable(b.file)}:${b.line}`);
  }
  out.push("");
  out.push(`enforcement (${report.enforcement.length}):`);
  for (const e of report.enforcement) {
    const counted = e.counted === false ? ", not counted" : "";
    out.push(`  ${printable(e.engine)} ${printable(e.kind)}/${printable(e.name)}: ${e.mode}${counted} at ${printable(e.file)}:${e.line}`);
    if (e.covers.length > 0) out.push(`    covers ${e.covers.map(printable).join(", ")}`);
  }
  out.push("");
  out.push(`findings (${report.findings.length}):`);
  for (const f of report.findings) {
    const sup = f.suppressed ? ` [suppressed: ${printable(f.suppressed.reason)}]` : "";
    out.push(`  ${printable(f.file)}:${f.line}: ${f.severity}: [${f.rule}] ${printable(f.message)}${sup}`);
    for (const r of f.related ?? []) out.push(`    ${printable(r.file)}:${r.line}${r.message ? `: ${printable(r.message)}` : ""}`);
  }
  if (report.limits.length > 0) {
    out.push("");
    out.push("limits:");
    for (const l of report.limits) out.push(`  ${printable(l)}`);
  }
  return out.join("\n") + "\n";
}
function printable(s) {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// src/cli.ts
async function main(argv) {
  const parsed = parseCliArgs(argv, process.env);
  if ("error" in parsed) {
    process.stderr.write(`image-signing-audit: ${parsed.error}

${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = await analyze(parsed.options);
  const render = parsed.format === "json" ? renderJson : parsed.format === "sarif" ? renderSarif : renderText;
  process.stdout.write(render(report));
  return 0;
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`image-signing-audit: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    process.exitCode = 1;
  }
);
