// Measures torchnode against Python torch 2.13: replays every case of test/fixtures/coverage.json
// (made by scripts/coverage-cases.py) through the JS API and compares with Python's results. A name
// counts as covered only when it exists at its JS path and all its cases pass; excluded names (numpy
// interop, Python internals, ...) are listed with their reason and left out of the count.
// Usage: node scripts/coverage.mjs [--list | --markdown] [--json FILE] [--write-known-good]
// --markdown prints the README's table and exclusion list instead of the report.
// --write-known-good rewrites test/fixtures/coverage-known-good.txt (the names test/coverage.test.ts
// holds to passing) with every name covered now: run it after a merge that covers more names.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from '../dist/index.js';
import { camel, compare, decode, describe, makeTensor } from './pyvalues.mjs';

export { camel, compare };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const fixturePath = join(root, 'test/fixtures/coverage.json');
export const knownGoodPath = join(root, 'test/fixtures/coverage-known-good.txt');

// Namespaces that join the count once torchnode exports them (the issue: "nn.functional joins when nn lands").
const COUNTED_ONCE_EXPORTED = new Set(['nn.functional']);

export function loadFixture(path = fixturePath) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// ---------------------------------------------------------------- replaying cases

function namespaceObject(ns) {
  if (ns === 'torch') return torch;
  if (ns === 'Tensor') return torch.Tensor.prototype;
  return ns.split('.').reduce((holder, key) => holder?.[key], torch);   // 'nn.functional' -> torch.nn.functional
}

function run(kase, ns, jsName, seed) {
  switch (kase.kind) {
    case 'value': return namespaceObject(ns)[jsName];
    case 'get': return makeTensor(kase.self)[jsName];
    case 'js': {
      const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
      torch.manualSeed(seed);
      return new Function('torch', 'F', 'x', 'require', `return (${kase.js});`)(torch, torch.nn?.functional, x, require);
    }
    case 'call': {
      const self = ns === 'Tensor' ? decode(kase.self) : undefined;
      const args = decode(kase.args);
      if (kase.kwargs) args.push(Object.fromEntries(Object.entries(kase.kwargs).map(([k, v]) => [k, decode(v)])));
      const fn = ns === 'Tensor' ? self[jsName] : namespaceObject(ns)[jsName];
      if (typeof fn !== 'function') throw new TypeError(`${ns}.${jsName} is not a function`);
      torch.manualSeed(seed);
      return fn.apply(ns === 'Tensor' ? self : namespaceObject(ns), args);
    }
    default: throw new Error(`fixture case kind ${kase.kind} unknown`);
  }
}

const shortError = (e) => `${e?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0].slice(0, 160)}`;

/** Replays one case: null when it passes, else { kind, detail }. */
function replayCase(kase, ns, jsName, seed) {
  const expectsError = kase.expect?.$ === 'error';
  let actual;
  try {
    actual = run(kase, ns, jsName, seed);
  } catch (e) {
    if (expectsError) return null;
    return { kind: 'throws', detail: shortError(e) };
  } finally {
    torch.setGradEnabled(true);   // a case that turns grad mode off must not change the next one
  }
  if (expectsError) return { kind: 'no error', detail: `Python raises ${kase.expect.type}, JS returned ${describe(actual)}` };
  let diff;
  try {
    diff = compare(actual, kase.expect, kase.compare === 'meta');
  } catch (e) {
    diff = `reading the result failed: ${shortError(e)}`;
  }
  return diff ? { kind: 'mismatch', detail: diff } : null;
}

function exists(ns, jsName) {
  // a tensor instance, not the prototype: an API may define a Tensor name as an own property
  const holder = ns === 'Tensor' ? torch.zeros(1) : namespaceObject(ns);
  return holder !== undefined && jsName in holder;
}

/**
 * Replays the fixture. `only` (a Set of 'ns.name') restricts it to those names.
 * Returns { torch, namespaces: { ns: { total, excluded, inScope, covered } }, results: [...] }.
 */
export function replay(fixture, only) {
  const results = [];
  for (const [ns, names] of Object.entries(fixture.namespaces)) {
    if (COUNTED_ONCE_EXPORTED.has(ns) && namespaceObject(ns) === undefined) continue;
    for (const [name, entry] of Object.entries(names)) {
      const id = `${ns}.${name}`;
      if (only && !only.has(id)) continue;
      if (entry.excluded) {
        results.push({ ns, name, id, js: entry.js, status: 'excluded', detail: entry.excluded });
        continue;
      }
      let failure = null;
      if (!exists(ns, entry.js)) failure = { kind: 'missing', detail: `no ${ns === 'Tensor' ? 'Tensor.prototype' : ns}.${entry.js}` };
      else if (entry.cases.length === 0) failure = { kind: 'no case', detail: 'the fixture has no case for it yet' };
      for (const kase of failure ? [] : entry.cases) {
        failure = replayCase(kase, ns, entry.js, fixture.seed);
        if (failure) {
          failure.case = kase.source === 'hand' ? kase.js : kase.source;
          break;
        }
      }
      results.push({ ns, name, id, js: entry.js, status: failure ? 'failed' : 'covered', ...failure });
    }
  }
  const namespaces = {};
  for (const r of results) {
    const n = (namespaces[r.ns] ??= { total: 0, excluded: 0, inScope: 0, covered: 0 });
    n.total++;
    if (r.status === 'excluded') n.excluded++;
    else n.inScope++;
    if (r.status === 'covered') n.covered++;
  }
  const pending = Object.keys(fixture.namespaces).filter((ns) => !(ns in namespaces) && COUNTED_ONCE_EXPORTED.has(ns));
  return { torch: fixture.torch, namespaces, pending, results };
}

// Object.groupBy is Node 21+; the package supports Node 20.
function groupBy(items, key) {
  const groups = {};
  for (const item of items) (groups[key(item)] ??= []).push(item);
  return groups;
}

const percent = (covered, inScope) => (inScope ? ((100 * covered) / inScope).toFixed(1) : '-');

function report(summary, list) {
  const lines = [`torchnode coverage of Python torch ${summary.torch} (names tried with a real call, compared with Python)`];
  let covered = 0;
  let inScope = 0;
  for (const [ns, n] of Object.entries(summary.namespaces)) {
    lines.push(`  ${ns.padEnd(8)} ${String(n.covered).padStart(4)}/${String(n.inScope).padEnd(4)} ${percent(n.covered, n.inScope).padStart(5)} %   (${n.excluded} excluded)`);
    covered += n.covered;
    inScope += n.inScope;
  }
  lines.push(`  overall  ${String(covered).padStart(4)}/${String(inScope).padEnd(4)} ${percent(covered, inScope).padStart(5)} %`);
  for (const ns of summary.pending) lines.push(`  not counted yet: torch.${ns} (torchnode does not export it)`);
  const failed = summary.results.filter((r) => r.status === 'failed');
  const byKind = groupBy(failed, (r) => r.kind);
  lines.push(`  failing: ${Object.entries(byKind).map(([k, rs]) => `${rs.length} ${k}`).join(', ') || 'none'}`);
  if (list) {
    for (const [kind, rs] of Object.entries(byKind)) {
      lines.push('', `${kind} (${rs.length}):`);
      if (kind === 'missing' || kind === 'no case') {
        for (const [ns, group] of Object.entries(groupBy(rs, (r) => r.ns))) {
          lines.push(`  ${ns}: ${group.map((r) => r.js).join(' ')}`);
        }
      } else for (const r of rs) lines.push(`  ${r.id} [${r.case}]: ${r.detail}`);
    }
    const excluded = summary.results.filter((r) => r.status === 'excluded');
    lines.push('', `excluded (${excluded.length}):`);
    for (const [reason, rs] of Object.entries(groupBy(excluded, (r) => r.detail))) {
      lines.push(`  ${reason}: ${rs.map((r) => r.id).join(' ')}`);
    }
  }
  return lines.join('\n');
}

/** The README's coverage table and exclusion list, in Markdown. */
function markdown(summary) {
  const lines = ['| namespace | covered | in scope | % | excluded |', '|---|---:|---:|---:|---:|'];
  let covered = 0;
  let inScope = 0;
  let excluded = 0;
  for (const [ns, n] of Object.entries(summary.namespaces)) {
    lines.push(`| \`${ns === 'Tensor' ? 'Tensor' : ns === 'torch' ? 'torch' : `torch.${ns}`}\` | ${n.covered} | ${n.inScope} | ${percent(n.covered, n.inScope)} | ${n.excluded} |`);
    covered += n.covered;
    inScope += n.inScope;
    excluded += n.excluded;
  }
  lines.push(`| **all** | **${covered}** | **${inScope}** | **${percent(covered, inScope)}** | ${excluded} |`, '', 'Excluded names, by reason:', '');
  const groups = groupBy(summary.results.filter((r) => r.status === 'excluded'), (r) => r.detail);
  for (const [reason, rs] of Object.entries(groups)) {
    lines.push(`* ${reason} (${rs.length}): ${rs.map((r) => `\`${r.id}\``).join(', ')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.removeAllListeners('warning');   // deprecated names warn, as in Python; the count is what matters here
  process.on('warning', () => {});
  const summary = replay(loadFixture());
  console.log(process.argv.includes('--markdown') ? markdown(summary) : report(summary, process.argv.includes('--list')));
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(summary, null, 1));
  if (process.argv.includes('--write-known-good')) {
    const covered = summary.results.filter((r) => r.status === 'covered').map((r) => r.id);
    writeFileSync(knownGoodPath, `${covered.join('\n')}\n`);
    console.log(`wrote ${covered.length} names to ${knownGoodPath}`);
  }
}
