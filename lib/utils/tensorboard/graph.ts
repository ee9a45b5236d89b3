// add_graph: traces the model with torch.jit.trace and turns the TorchScript graph (its printed IR,
// the one form of the graph the binding exposes) into a TensorBoard GraphDef: one NodeDef per op,
// named by the module that owns its parameters ("Net/Linear[fc1]/13"), with its output shapes,
// inputs and outputs as "IO Node"s, as torch/utils/tensorboard/_pytorch_graph.py lays it out.
import { trace, type Traceable } from '../../jit.js';
import { encodeMessage } from './proto.js';

export interface GraphInput {
  model: Traceable;
  inputs: unknown;
  verbose?: boolean;
  /** torch.jit.trace's strict (PyTorch's use_strict_trace). */
  strict?: boolean;
}

interface Trainable { training?: unknown; train?: (mode: boolean) => unknown }

// _set_model_to_eval: traced in eval mode (dropout off, batch norm's running stats untouched), then restored.
function inEvalMode<T>(model: Traceable, body: () => T): T {
  const m = model as Traceable & Trainable;
  if (typeof m.train !== 'function' || typeof m.training !== 'boolean') return body();
  const wasTraining = m.training;
  m.train(false);
  try {
    return body();
  } finally {
    m.train(wasTraining);
  }
}

interface Value { node: string; shape: number[] | null; module?: { path: string; typeName: string }; owner?: string }

// Splits at commas outside brackets and quotes.
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quote = !quote;
    else if (!quote && '([{'.includes(c)) depth++;
    else if (!quote && ')]}'.includes(c)) depth--;
    else if (!quote && depth === 0 && c === ',') {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (s.slice(start).trim() !== '') parts.push(s.slice(start).trim());
  return parts;
}

// The index just after the bracket that closes the one at `open`.
function closing(s: string, open: number): number {
  let depth = 0, quote = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quote = !quote;
    else if (!quote && '([{'.includes(c)) depth++;
    else if (!quote && ')]}'.includes(c) && --depth === 0) return i + 1;
  }
  return s.length;
}

// "Float(3, 8, strides=[8, 1], ...)" -> [3, 8]; types without sizes -> null.
function shapeOf(type: string): number[] | null {
  const m = /^[A-Z][A-Za-z0-9]*\(([^)]*)\)/.exec(type);
  if (!m) return null;
  const dims = splitTop(m[1]).filter((d) => !d.includes('='));
  return dims.every((d) => /^-?\d+$/.test(d)) ? dims.map(Number) : null;
}

// "%x.1 : Float(2, 3)" -> ["x.1", "Float(2, 3)"]
function declaration(s: string): [string, string] {
  const m = /^%([\w.]+)\s*:\s*(.*)$/.exec(s.trim());
  if (!m) throw new Error(`SummaryWriter.addGraph: cannot read the traced graph at '${s}'`);
  return [m[1], m[2]];
}

/** The GraphDef and RunMetadata (serialized) for a model run on example inputs. */
export function graph({ model, inputs, verbose = false, strict = true }: GraphInput): [Uint8Array, Uint8Array] {
  if (typeof model !== 'object' || model === null || typeof (model as Traceable).forward !== 'function') throw new TypeError('SummaryWriter.addGraph: model must be a module (an object with forward)');
  if (inputs === undefined || inputs === null) throw new TypeError('SummaryWriter.addGraph: input_to_model is required to trace the model');
  const traced = inEvalMode(model, () => trace(model, inputs, { strict }));
  const ir = traced.graph;
  if (verbose) console.log(ir);
  const top = (model as object).constructor?.name || 'Module';
  const lines = ir.split('\n');
  const header = /^graph\(([\s\S]*?)\):\s*$/m.exec(ir);
  if (!header) throw new Error('SummaryWriter.addGraph: cannot read the traced graph header');
  const values = new Map<string, Value>();
  const nodes: Record<string, unknown>[] = [];
  const shapeAttr = (shapes: (number[] | null)[]): Record<string, unknown> => ({ list: { shape: shapes.map((s) => (s ? { dim: s.map((size) => ({ size })) } : { unknown_rank: true })) } });
  const params = splitTop(header[1]).map(declaration);
  params.forEach(([name, type], i) => {
    if (i === 0 && type.startsWith('__torch__')) values.set(name, { node: '', shape: null, module: { path: top, typeName: top } });
    else {
      const node = `input/${name}`;
      values.set(name, { node, shape: shapeOf(type) });
      nodes.push({ name: node, op: 'IO Node', attr: { _output_shapes: shapeAttr([shapeOf(type)]) } });
    }
  });
  for (const raw of lines.slice(header[0].split('\n').length)) {
    const line = raw.trim();
    if (line.startsWith('return')) {
      const outs = splitTop(line.slice(line.indexOf('(') + 1, line.lastIndexOf(')')));
      outs.forEach((o, i) => {
        const v = values.get(o.replace(/^%/, ''));
        nodes.push({ name: `output/output.${i + 1}`, op: 'IO Node', input: v?.node ? [v.node] : [], attr: { _output_shapes: shapeAttr([v?.shape ?? null]) } });
      });
      continue;
    }
    const eq = line.indexOf(' = ');
    if (!line.startsWith('%') || eq < 0) continue; // blocks of prim::If/Loop are shown through their owner only
    const outputs = splitTop(line.slice(0, eq)).map(declaration);
    const rhs = line.slice(eq + 3);
    const kind = /^[\w:.]+/.exec(rhs)?.[0] ?? 'unknown';
    let at = kind.length;
    let attrText = '';
    if (rhs[at] === '[') {
      const end = closing(rhs, at);
      attrText = rhs.slice(at + 1, end - 1);
      at = end;
    }
    const args = rhs[at] === '(' ? splitTop(rhs.slice(at + 1, closing(rhs, at) - 1)).map((a) => a.replace(/^%/, '')) : [];
    if (kind === 'prim::GetAttr') {
      const owner = values.get(args[0])?.module;
      const attrName = /name="([^"]*)"/.exec(attrText)?.[1] ?? outputs[0][0];
      const [out, type] = outputs[0];
      if (owner && type.startsWith('__torch__')) {
        const typeName = type.split('.').pop() ?? 'Module';
        values.set(out, { node: '', shape: null, module: { path: `${owner.path}/${typeName}[${attrName}]`, typeName } });
      } else {
        const node = `${owner?.path ?? top}/${attrName}`;
        values.set(out, { node, shape: shapeOf(type), owner: owner?.path ?? top });
        nodes.push({ name: node, op: 'prim::GetAttr', attr: { attr: { s: Buffer.from(`{ name : ${attrName} }`) } } });
      }
      continue;
    }
    // The op belongs to the deepest module whose parameters it reads (else the top module).
    const owners = args.map((a) => values.get(a)?.owner).filter((o): o is string => o !== undefined);
    const scope = owners.sort((a, b) => b.length - a.length)[0] ?? top;
    const name = `${scope}/${outputs[0]?.[0] ?? kind}`;
    outputs.forEach(([out, type], i) => values.set(out, { node: i === 0 ? name : `${name}:${i}`, shape: shapeOf(type) }));
    nodes.push({
      name,
      op: kind,
      input: args.map((a) => values.get(a)?.node).filter((n): n is string => !!n),
      attr: { attr: { s: Buffer.from(`{ ${attrText.replace(/=/g, ' : ')} }`) }, _output_shapes: shapeAttr(outputs.map(([, t]) => shapeOf(t))) },
    });
  }
  const graphDef = encodeMessage('tensorboard.GraphDef', { node: nodes, versions: { producer: 22 } });
  const runMetadata = encodeMessage('tensorboard.RunMetadata', { step_stats: { dev_stats: [{ device: '/device:CPU:0' }] } });
  return [graphDef, runMetadata];
}
