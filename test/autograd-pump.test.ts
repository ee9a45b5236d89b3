// The JS-thread pump (native/src/js_pump.h): how a backward whose nodes run on libtorch's device
// threads (CUDA) still runs JS hooks, Functions and saved-tensor hooks. TORCHNODE_PUMP_BACKWARD=1
// pumps every backward, CPU graphs too: the engine then runs on a helper thread and every JS
// callback is posted to the JS thread, as on a GPU. The same program, pumped and not, must print
// the same gradients, errors and counts.
import { describe, expect, it } from 'vitest';
import { lastJson, runChild } from './run-child.js';

// The body of a child that runChild starts after importing torch (lib/index.ts).
const program = `
const f64 = { dtype: torch.float64 };
const out = {};
const x = torch.tensor([0.5, -1.25, 2], f64).requiresGrad_();
const grad = (fn) => { x.grad = null; fn(); return x.grad.tolist(); };
// tensor, node and post-accumulate hooks
out.hooks = grad(() => {
  const y = x.mul(2);
  y.registerHook((g) => g.mul(3));
  const z = y.sin();
  z.gradFn.registerPrehook((gs) => [gs[0].add(1)]);
  z.gradFn.registerHook((gi) => [gi[0].mul(2)]);
  const seen = [];
  const h = x.registerPostAccumulateGradHook((p) => seen.push(p.grad.sum().item()));
  z.sum().backward();
  h.remove();
  out.postAccumulate = seen;
});
// a custom Function, twice differentiable
class Cube extends torch.autograd.Function {
  static forward(ctx, a) { ctx.saveForBackward(a); return a.pow(3); }
  static backward(ctx, g) { const [a] = ctx.savedTensors; return g.mul(a.pow(2)).mul(3); }
}
out.fn = grad(() => Cube.apply(x).sum().backward());
const [g1] = torch.autograd.grad(Cube.apply(x).sum(), [x], { createGraph: true });
out.doubleBackward = torch.autograd.grad(g1.sum(), [x])[0].tolist();
// saved-tensor hooks, with a count of each kind
let packs = 0, unpacks = 0;
out.savedHooks = grad(() => torch.autograd.graph.savedTensorsHooks((t) => (packs++, t.mul(1)), (t) => (unpacks++, t), () => x.exp().mul(x).sum()).backward());
out.savedCounts = [packs, unpacks];
// checkpoint, both variants, with dropout (the RNG state is restored for the recomputation)
const { checkpoint, GraphExecGroup } = torch.utils.checkpoint;
const body = (t) => torch.nn.functional.dropout(t.sin(), 0.5).exp();
for (const useReentrant of [false, true]) {
  torch.manualSeed(3);
  out['checkpoint' + useReentrant] = grad(() => checkpoint(body, x, { useReentrant }).sum().backward());
}
torch.manualSeed(3);
out.plain = grad(() => body(x).sum().backward());
let calls = 0;
const [o1, o2] = checkpoint((t) => (calls++, [t.sin(), t.cos()]), x, { useReentrant: false });
new GraphExecGroup().run(() => { o1.sum().backward(); o2.sum().backward(); });
out.groupCalls = calls;
// autograd.grad inside a hook: a backward within a backward
out.nested = grad(() => {
  const y = x.mul(x);
  y.registerHook((g) => g.add(torch.enableGrad(() => torch.autograd.grad(x.pow(3).sum(), [x])[0])));   // grad mode is off in backward
  y.sum().backward();
});
// a JS error from a hook keeps its class and message; the next backward works
try {
  const y = x.mul(1);
  y.registerHook(() => { throw new RangeError('from the hook'); });
  y.sum().backward();
} catch (e) { out.error = [e.constructor.name, e.message]; }
out.after = grad(() => x.mul(5).sum().backward());
// anomaly mode still names the forward's JS stack
try {
  torch.autograd.detectAnomaly(() => {
    const y = x.sqrt();   // NaN for the negative element: sqrt's backward reports it
    y.sum().backward();
  });
} catch (e) { out.anomaly = e.message.split('\\n')[0]; }
console.log(JSON.stringify(out));
`;

function run(pumped: boolean): Record<string, unknown> {
  const r = runChild(program, { env: { TORCHNODE_PUMP_BACKWARD: pumped ? '1' : '0' } });
  expect(r.status, `signal ${r.signal}; ${r.stderr}`).toBe(0);
  return lastJson<Record<string, unknown>>(r);
}

describe('backward with every JS callback posted to the JS thread (the CUDA path, forced on the CPU)', () => {
  it('hooks, Functions, saved-tensor hooks, checkpoints, nested and failing backward calls give what they give on the JS thread', () => {
    const plain = run(false);
    const pumped = run(true);
    expect(plain.error).toEqual(['RangeError', 'from the hook']);
    expect(plain.checkpointfalse).toEqual(plain.plain);
    expect(plain.checkpointtrue).toEqual(plain.plain);
    expect(plain.groupCalls).toBe(2);
    expect(typeof plain.anomaly).toBe('string');
    expect(pumped).toEqual(plain);
  });
});
