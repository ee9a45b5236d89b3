// Character-level language model: an LSTM learns to continue Shakespeare's sonnets
// (examples/data/sonnets.txt, public domain), then writes a sample. As PyTorch's char-RNN tutorials.
//   npx tsx examples/char-lm.ts [--steps 800] [--seq-len 64] [--batch-size 32] [--hidden 192]
//     [--lr 0.003] [--seed 0] [--sample 300] [--temperature 0.8] [--corpus FILE]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from 'torchnode';

import { Adam, fail, readFlags, seconds } from './common.js';

const { nn } = torch;
const F = nn.functional;
const EXAMPLE = 'char-lm';
const HERE = dirname(fileURLToPath(import.meta.url));

const { values, numbers: args } = readFlags(
  EXAMPLE,
  {
    steps: { type: 'string', default: '800' },
    'seq-len': { type: 'string', default: '64' },
    'batch-size': { type: 'string', default: '32' },
    hidden: { type: 'string', default: '192' },
    lr: { type: 'string', default: '0.003' },
    seed: { type: 'string', default: '0' },
    sample: { type: 'string', default: '300' },
    temperature: { type: 'string', default: '0.8' },
    corpus: { type: 'string', default: join(HERE, 'data', 'sonnets.txt') },
  },
  ['steps', 'seq-len', 'batch-size', 'hidden', 'lr', 'seed', 'sample', 'temperature'],
);
const corpusPath = String(values.corpus);
if (!existsSync(corpusPath)) fail(EXAMPLE, `--corpus ${corpusPath}: no such file`);
const text = readFileSync(corpusPath, 'utf8');
const seqLen = args['seq-len'];
if (text.length < seqLen + 2) fail(EXAMPLE, `--corpus ${corpusPath}: ${text.length} characters, need more than --seq-len ${seqLen} + 1`);

torch.manualSeed(args.seed);
const vocab = [...new Set(text)].sort();
const index = new Map(vocab.map((c, i) => [c, i]));
const encoded = torch.tensor(Int32Array.from(text, (c) => index.get(c)!)).to(torch.int64);
// The last 10 % of the text is held out to measure generalisation.
const split = Math.floor(text.length * 0.9);
const trainIds = encoded.narrow(0, 0, split);
const validIds = encoded.narrow(0, split, text.length - split);

class CharLM extends nn.Module {
  embed = new nn.Embedding(vocab.length, 48);
  lstm = new nn.LSTM(48, args.hidden, { batchFirst: true });
  head = new nn.Linear(args.hidden, vocab.length);

  /** Logits [batch, time, vocab] and the LSTM state to carry on from. */
  override forward(ids: torch.Tensor, state: [torch.Tensor, torch.Tensor] | null = null): [torch.Tensor, [torch.Tensor, torch.Tensor]] {
    const [out, next] = this.lstm.call(this.embed.call(ids), state) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
    return [this.head.call(out), next];
  }
}

/** A batch of random windows: inputs and the same windows shifted by one character. */
function windows(ids: torch.Tensor, batch: number): [torch.Tensor, torch.Tensor] {
  const starts = torch.randint(0, ids.size(0) - seqLen - 1, [batch, 1]);
  const positions = starts.add(torch.arange(seqLen + 1).unsqueeze(0));
  const chunk = ids.index(positions);
  return [chunk.narrow(1, 0, seqLen), chunk.narrow(1, 1, seqLen)];
}

const model = new CharLM();
const optimizer = new Adam(model.parameters(), { lr: args.lr });
const lossOf = (x: torch.Tensor, y: torch.Tensor): torch.Tensor => F.crossEntropy(model.call(x)[0].flatten(0, 1), y.flatten());

console.log(`${vocab.length} distinct characters, ${text.length} in the corpus; LSTM hidden ${args.hidden}, ${args.steps} steps`);
const t0 = seconds();
const bar = new torch.toolkit.ProgressBar({ total: args.steps, desc: 'train' });
let smoothed = NaN;
for (let step = 1; step <= args.steps; step++) {
  optimizer.zeroGrad();
  const value = torch.tidy(() => {
    const [x, y] = windows(trainIds, args['batch-size']);
    const loss = lossOf(x, y);
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 1.0 });
    return loss.item();
  });
  optimizer.step(); // outside the scope: the optimizer's state is created on the first step
  smoothed = Number.isNaN(smoothed) ? value : 0.95 * smoothed + 0.05 * value;
  bar.update(1, { loss: smoothed });
}
bar.close();

model.eval();
const validLoss = torch.noGrad(() =>
  torch.tidy(() => {
    const n = Math.floor((validIds.size(0) - 1) / seqLen);
    if (n === 0) return NaN;
    const x = validIds.narrow(0, 0, n * seqLen).view(n, seqLen);
    const y = validIds.narrow(0, 1, n * seqLen).view(n, seqLen);
    return lossOf(x, y).item();
  }),
);
console.log(`held-out loss ${validLoss.toFixed(3)} nats/char (${(validLoss / Math.LN2).toFixed(2)} bits/char; uniform would be ${Math.log2(vocab.length).toFixed(2)}), ${(seconds() - t0).toFixed(1)} s`);

/** Samples characters one at a time from softmax(logits / temperature), carrying the LSTM state. */
function generate(prompt: string, length: number): string {
  let out = prompt;
  torch.noGrad(() => {
    let state: [torch.Tensor, torch.Tensor] | null = null;
    let input = torch.tensor([[...prompt].map((c) => index.get(c) ?? 0)], { dtype: torch.int64 });
    for (let i = 0; i < length; i++) {
      torch.tidy(() => {
        const [logits, next] = model.call(input, state);
        const probs = F.softmax(logits.select(1, -1).div(args.temperature), -1);
        input = torch.keep(torch.multinomial(probs, 1));
        state = [torch.keep(next[0]), torch.keep(next[1])];
        out += vocab[input.item()];
      });
    }
  });
  return out;
}
console.log(`\nsample (temperature ${args.temperature}):\n${generate('Shall I ', args.sample)}`);
