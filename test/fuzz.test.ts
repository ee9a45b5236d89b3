// The crash fuzzer (scripts/fuzz-ops.mjs) on a bounded, seeded subset: malformed arguments for a
// sample of the operators the dispatcher knows, and more cases for the operators that have a
// pre-call check (native/src/op_checks.cc). Any child process killed by a signal, or hung, fails.
// The full run is `node scripts/fuzz-ops.mjs --all`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Finding {
  kind: string;
  signal: string | null;
  case: string;
  call: string;
}
interface Report {
  operators: number;
  calls: number;
  findings: Finding[];
}

// Asynchronous, so that vitest's worker stays responsive while the fuzzer runs.
async function fuzz(...args: string[]): Promise<Report> {
  const dir = await mkdtemp(join(tmpdir(), 'torchnode-fuzz-'));
  try {
    const json = join(dir, 'report.json');
    await new Promise<void>((done) => {
      // Exit status 1 means findings: they are in the report, checked below.
      execFile(process.execPath, [join(root, 'scripts', 'fuzz-ops.mjs'), ...args, '--json', json], { cwd: root, timeout: 170_000 }, () => done());
    });
    return JSON.parse(await readFile(json, 'utf8')) as Report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const describeCrashes = (r: Report): string => r.findings.map((f) => `${f.kind} ${f.signal ?? ''} ${f.case}: ${f.call}`).join('\n');

describe('fuzz-ops', () => {
  it('a seeded sample of operators with malformed arguments: no process dies', { timeout: 180_000 }, async () => {
    const r = await fuzz('--seed', '1', '--sample', '300', '--cases', '5', '--batch', '100');
    expect(r.operators).toBe(300);
    expect(r.calls).toBeGreaterThan(1000);
    expect(r.findings, describeCrashes(r)).toEqual([]);
  });

  it('the operators with pre-call checks: no process dies', { timeout: 180_000 }, async () => {
    const checked = ['div', 'div_', 'divide', 'divide_', '_weight_norm', '_weight_norm_interface', '_weight_norm_interface_backward',
      '_reshape_alias', 'as_strided', 'as_strided_', '_fft_r2c', '_fft_c2r', '_fft_c2c', '_remove_batch_dim', '_stack', '_foreach_copy',
      'native_batch_norm_backward', 'batch_norm_backward', 'reflection_pad2d_backward', 'replication_pad1d_backward', 'quantized_lstm_cell',
      'native_batch_norm', '_native_batch_norm_legit', '_thnn_differentiable_gru_cell_backward', '_thnn_differentiable_lstm_cell_backward',
      '_adaptive_avg_pool3d_backward', '_batch_norm_impl_index_backward', '_cummax_helper', '_cummin_helper', '_transform_bias_rescale_qkv',
      'fractional_max_pool2d_backward', '_cdist_backward', '_cholesky_solve_helper', '_convert_indices_from_coo_to_csr', '_convert_indices_from_csr_to_coo', '_logcumsumexp', '_reshape_alias_copy',
      '_new_zeros_with_same_feature_meta', '_nnpack_spatial_convolution', '_pdist_backward', '_slow_conv2d_backward', 'random_',
      'mkldnn::_reorder_mkldnn_rnn_layer_weight', 'copy', 'cat', 'concatenate', '_neg_view', '_neg_view_copy', 'view_copy', 'index_copy_', 'index_add_',
      'scatter_add_', '_chunk_cat', 'gelu_backward', 'select', 'mkldnn_rnn_layer', 'linalg_matrix_power', 'rrelu_with_noise', 'rrelu_with_noise_',
      'embedding_dense_backward', '_embedding_bag_dense_backward', '_dyn_quant_matmul_4bit', '_log_softmax_backward_data',
      '_fused_moving_avg_obs_fq_helper', 'adaptive_avg_pool3d', '_adaptive_avg_pool2d', '_fused_sgd_', '_fused_adam_', '_fused_adagrad_',
      '_quantized::wrapped_fbgemm_linear_fp16_weight', '_quantized::conv_transpose1d_prepack', 'quantized::conv2d_prepack',
      'range', 'segment_reduce', '_segment_reduce_backward', 'lcm', 'lcm_', 'lstm', 'quantized::conv_transpose1d_prepack',
      'mkldnn::_reorder_convolution_weight', 'ctc_loss', '_ctc_loss', '_ctc_loss_backward', '_convolution_double_backward', 'max_pool1d',
      '_scaled_dot_product_attention_math', '_spdiags'];
    const r = await fuzz('--seed', '3', '--cases', '16', '--ops', checked.join(','));
    expect(r.calls).toBeGreaterThan(500);
    expect(r.findings, describeCrashes(r)).toEqual([]);
  });
});
