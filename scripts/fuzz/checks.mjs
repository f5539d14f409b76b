// Checks over what one run printed or wrote: output neutrality (no forged workflow commands, no bidi controls),
// confinement (no text from outside the tree), valid JSON, and engine errors that a catch turned into report
// text. Shared by the warm server (in-memory sinks) and the child-process confirmation (real stdout and files).
import { CANARY } from './tree.mjs';

const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const COMMAND_LINE = /^\s*::/;
const V1_COMMAND = /##\[/;
/** JavaScript engine messages: a report that quotes one hid a crash behind a catch. */
export const ENGINE_ERRORS = /Maximum call stack size exceeded|Invalid string length|Invalid array length|Array buffer allocation failed|Cannot read propert(?:y|ies) of (?:undefined|null)|Cannot set propert(?:y|ies) of|is not a function|is not iterable|is not a constructor|Cannot convert undefined or null|Converting circular structure|Invalid regular expression|out of memory/;

function sample(text, index) {
  const from = Math.max(0, index - 40);
  return JSON.stringify(text.slice(from, index + 80)).slice(0, 200);
}

function lineChecks(where, text, out) {
  const lines = text.split('\n');
  for (const line of lines) {
    if (COMMAND_LINE.test(line)) {
      out.push({ cls: 'neutrality', kind: `${where}:workflow-command-line`, detail: JSON.stringify(line.slice(0, 160)) });
      break;
    }
  }
  const v1 = text.search(V1_COMMAND);
  if (v1 >= 0) out.push({ cls: 'neutrality', kind: `${where}:v1-command`, detail: sample(text, v1) });
}

function bidiCheck(where, text, out) {
  const i = text.search(BIDI);
  if (i >= 0) out.push({ cls: 'neutrality', kind: `${where}:bidi`, detail: sample(text, i) });
}

function canaryCheck(where, text, out) {
  const i = text.indexOf(CANARY);
  if (i >= 0) out.push({ cls: 'confinement', kind: `${where}:outside-text`, detail: sample(text, i) });
}

function jsonCheck(where, text, out) {
  try {
    JSON.parse(text);
    return true;
  } catch (e) {
    out.push({ cls: 'crash', kind: `${where}:invalid-json`, detail: String(e && e.message).slice(0, 160) });
    return false;
  }
}

/** Engine error phrases quoted in report text (the parent drops those the inputs themselves contain). */
function engineErrorCheck(where, text, out) {
  const m = ENGINE_ERRORS.exec(text);
  if (!m) return;
  // The words before the phrase in the same string say which catch it went through ("shell script does not
  // parse: …", "YAML syntax error: …"): part of the defect's identity.
  const before = text.slice(Math.max(text.lastIndexOf('"', m.index) + 1, m.index - 200), m.index);
  const context = before.replace(/[^A-Za-z]+/g, ' ').trim().split(' ').slice(-4).join('-').toLowerCase();
  out.push({ cls: 'masked-error', kind: `${where}:${context ? context + ':' : ''}${m[0].replace(/\s+/g, '-').toLowerCase()}`, detail: sample(text, m.index), phrase: m[0] });
}

/**
 * outputs: { json, text, sarif, summary, commands[], infos[], failed[], outputs{} } — any may be missing.
 * Returns violations [{ cls, kind, detail }].
 */
export function checkOutputs(outputs) {
  const out = [];
  if (outputs.json !== undefined) {
    if (jsonCheck('json', outputs.json, out)) engineErrorCheck('json', outputs.json, out);
    lineChecks('json', outputs.json, out);
    bidiCheck('json', outputs.json, out);
    canaryCheck('json', outputs.json, out);
  }
  if (outputs.sarif !== undefined) {
    jsonCheck('sarif', outputs.sarif, out);
    lineChecks('sarif', outputs.sarif, out);
    bidiCheck('sarif', outputs.sarif, out);
    canaryCheck('sarif', outputs.sarif, out);
  }
  if (outputs.text !== undefined) {
    lineChecks('text', outputs.text, out);
    bidiCheck('text', outputs.text, out);
    canaryCheck('text', outputs.text, out);
  }
  if (outputs.summary !== undefined) {
    bidiCheck('summary', outputs.summary, out);
    canaryCheck('summary', outputs.summary, out);
  }
  for (const [where, list] of [
    ['annotation', outputs.commands ?? []],
    ['log', [...(outputs.infos ?? []), ...(outputs.failed ?? [])]],
  ]) {
    for (const line of list) {
      if (/[\r\n]/.test(line)) {
        out.push({ cls: 'neutrality', kind: `${where}:multi-line`, detail: JSON.stringify(line.slice(0, 160)) });
        break;
      }
    }
    for (const line of list) {
      if (where === 'log' && (COMMAND_LINE.test(line) || V1_COMMAND.test(line))) {
        out.push({ cls: 'neutrality', kind: 'log:workflow-command-line', detail: JSON.stringify(line.slice(0, 160)) });
        break;
      }
    }
    const joined = list.join('\n');
    bidiCheck(where, joined, out);
    canaryCheck(where, joined, out);
  }
  for (const [name, value] of Object.entries(outputs.outputs ?? {})) {
    if (/[\r\n]/.test(value)) out.push({ cls: 'neutrality', kind: `output:${name}:multi-line`, detail: JSON.stringify(value.slice(0, 160)) });
    bidiCheck(`output:${name}`, value, out);
  }
  // One violation per kind is enough to classify and minimize.
  const seen = new Set();
  return out.filter((v) => !seen.has(v.kind) && seen.add(v.kind));
}
