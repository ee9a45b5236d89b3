// The ops whose dropout ATen draws inside (multi-layer RNN/LSTM/GRU, CPU attention), run the same way by
// test/worker-data.test.ts in a worker thread and on the main thread after the same seed.
/** @param {typeof import('../../dist/index.js')} torch @returns {number[][]} */
export function layerDropouts(torch) {
  const F = torch.nn.functional;
  /** @type {any[]} */
  const outs = [];
  const x = torch.randn([5, 2, 3]);
  for (const batchFirst of [false, true]) {
    const options = { inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.4, bidirectional: true, batchFirst };
    for (const lstm of [new torch.nn.LSTM(options), new torch.nn.LSTM({ ...options, projSize: 2 })]) {
      const [y, [h, c]] = lstm.call(x);
      outs.push(y, h, c);
    }
    for (const m of [new torch.nn.GRU(options), new torch.nn.RNN({ ...options, nonlinearity: 'relu' })]) {
      const [y, h] = m.call(x);
      outs.push(y, h);
    }
  }
  const packed = torch.nn.utils.rnn.packPaddedSequence(x, [5, 3]);
  const [py, [ph, pc]] = new torch.nn.LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5 }).call(packed);
  outs.push(py.data, ph, pc);
  const q = torch.randn([2, 4, 5, 8]);
  const k = torch.randn([2, 2, 6, 8]);
  const v = torch.randn([2, 2, 6, 8]);
  const mask = torch.rand([5, 6]).gt(0.3);
  outs.push(F.scaledDotProductAttention(q, k, v, mask, 0.3, false, { enableGqa: true }));
  outs.push(F.scaledDotProductAttention(q.half(), k.half(), v.half(), null, 0.5, true, { enableGqa: true, scale: 0.7 }));
  const mha = new torch.nn.MultiheadAttention(8, 2, { dropout: 0.25 });
  const seq = torch.randn([5, 3, 8]);
  outs.push(mha.call(seq, seq, seq, { needWeights: false })[0], ...mha.call(seq, seq, seq));
  return outs.map((t) => Array.from(t.float().toTypedArray()));
}
