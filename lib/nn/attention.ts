// torch.nn.attention: SDPBackend and sdpaKernel, which choose the kernels scaled_dot_product_attention
// may use. The switches live in libtorch's global context, so, as in Python, they hold for the whole
// process (every worker thread) while sdpaKernel's function runs.
import { withMode } from '../autograd.js';
import { native } from '../native.js';
import { describe, readOptions } from '../options.js';

export * as bias from './attention_bias.js';

/** torch.nn.attention.SDPBackend: libtorch's numbers for the backends. */
export const SDPBackend = Object.freeze({ ERROR: -1, MATH: 0, FLASH_ATTENTION: 1, EFFICIENT_ATTENTION: 2, CUDNN_ATTENTION: 3, OVERRIDEABLE: 4 } as const);
export type SDPBackend = (typeof SDPBackend)[keyof typeof SDPBackend];

// Python's _backend_names: each backend's switch in the global context.
const SWITCHES: [SDPBackend, string][] = [
  [SDPBackend.CUDNN_ATTENTION, 'sdpCudnn'], [SDPBackend.FLASH_ATTENTION, 'sdpFlash'], [SDPBackend.EFFICIENT_ATTENTION, 'sdpMemEfficient'],
  [SDPBackend.MATH, 'sdpMath'], [SDPBackend.OVERRIDEABLE, 'sdpOverrideable'],
];
const VALID = new Set<number>(Object.values(SDPBackend)); // ERROR too: it has no switch, so it enables nothing

// The backends enabled now, in priority order when asked (Python's _cur_sdpa_kernel_backends).
function currentBackends(withPriority: boolean): SDPBackend[] {
  const enabled = SWITCHES.filter(([, flag]) => native.contextFlag(flag)).map(([b]) => b);
  if (!withPriority) return enabled;
  const order = native.sdpPriorityOrder();
  return enabled.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

// Python's _sdpa_kernel: enables exactly `backends`; with setPriority, tries them first, in that order.
function setBackends(backends: readonly SDPBackend[], setPriority: boolean): void {
  for (const [b, flag] of SWITCHES) native.contextFlag(flag, backends.includes(b));
  if (setPriority) {
    const order: number[] = backends.filter((b) => b !== SDPBackend.ERROR); // no kernel to order (Python writes it past the table's end)
    for (const b of native.sdpPriorityOrder()) if (!order.includes(b)) order.push(b);
    native.sdpPriorityOrder(order);
  }
}

/**
 * torch.nn.attention.sdpa_kernel(backends, fn) or (backends, { setPriority }, fn): runs fn with only
 * those backends enabled (and, with setPriority, tried in the order given), then restores the previous
 * ones. Process-wide, as Python's.
 */
export function sdpaKernel<T>(backends: SDPBackend | readonly SDPBackend[], fn: () => T): T;
export function sdpaKernel<T>(backends: SDPBackend | readonly SDPBackend[], options: { setPriority?: boolean }, fn: () => T): T;
export function sdpaKernel<T>(backends: SDPBackend | readonly SDPBackend[], optionsOrFn: { setPriority?: boolean } | (() => T), maybeFn?: () => T): T {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
  const { setPriority = false } = typeof optionsOrFn === 'function' ? {} : readOptions('sdpaKernel', optionsOrFn, ['setPriority']);
  if (typeof setPriority !== 'boolean') throw new TypeError(`sdpaKernel: setPriority must be a boolean, got ${describe(setPriority)}`);
  const list = Array.isArray(backends) ? backends : [backends];
  if ((!Array.isArray(backends) && typeof backends !== 'number') || !list.every((b) => VALID.has(b as number)))
    throw new TypeError(`Backend must be an instance of SDPBackend or a list of SDPBackend instances, got ${describe(backends)}`);
  const unique = [...new Set(list as SDPBackend[])];
  let previous: SDPBackend[] = [];
  return withMode('sdpaKernel', () => {
    previous = currentBackends(setPriority);
    setBackends(unique, setPriority);
  }, () => setBackends(previous, setPriority), fn);
}
