// Model and layer snippets of five PyTorch articles (/work/shared/seeds), ported line by line to
// torchnode. scripts/make-seed-fixtures.py runs each snippet in Python torch 2.13 after
// torch.manual_seed(0) and records its outputs in test/fixtures/seeds.json; each port below runs after
// torch.manualSeed(0) and must give the same outputs: bit-exact on the CPU model that made the fixture,
// within float rounding elsewhere for snippets that run BLAS/oneDNN kernels (Linear, Conv).
// Each port names its seed file and snippet; where the article's code cannot run as printed, the port
// makes the same smallest fix as the Python side (its `note` in the fixture says which).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { nn } from '../lib/index.js';
import { cpuModel } from './cpu-model.js';
import { check, errorOf, type Enc, type ErrorEnc, type Tol } from './golden-replay.js';

const F = nn.functional;
const { init } = nn;
const { prune } = nn.utils;
type Tensor = torch.Tensor;
type Outputs = Record<string, unknown>;

interface Snippet { source: string; title: string; note?: string; tol?: Tol; outputs: Record<string, Enc | ErrorEnc> }
interface SeedFixture { meta: { torch: string; cpuCapability: string; threads: number; cpuModel: string }; snippets: Record<string, Snippet> }
const fx = JSON.parse(readFileSync(new URL('./fixtures/seeds.json', import.meta.url), 'utf8')) as SeedFixture;
const sameCpu = cpuModel === fx.meta.cpuModel;
torch.setNumThreads(1); // as the generator ran (ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts)

const TMP = mkdtempSync(join(tmpdir(), 'torchnode-seeds-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Every parameter's .grad in namedParameters order (null where it has none). */
const grads = (model: nn.Module): (Tensor | null)[] => model.namedParameters().map(([, p]) => p.grad);
/** model.layer1[1] in Python: a Sequential's item, typed. */
const at = <T extends nn.Module>(seq: nn.Sequential, i: number): T => seq.at(i) as unknown as T;
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
const shapeList = (t: Tensor): string => `[${t.shape.join(', ')}]`;

// =============================================================================================
// S0: 000_3098c34d45a31159.txt, the PyTorch style guide (code from IgorSusmelj/pytorch-styleguide)

class ConvBlock extends nn.Module {
  block = new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.BatchNorm2d(8),
  );

  override forward(x: Tensor): Tensor {
    return this.block.call(x);
  }
}

type NormLayer = new (dim: number) => nn.Module;

class ResnetBlock extends nn.Module {
  declare conv_block: nn.Sequential;

  constructor(dim: number, paddingType: string, normLayer: NormLayer, useDropout: boolean, useBias: boolean) {
    super();
    this.conv_block = this.buildConvBlock(dim, paddingType, normLayer, useDropout, useBias);
  }

  buildConvBlock(dim: number, paddingType: string, normLayer: NormLayer, useDropout: boolean, useBias: boolean): nn.Sequential {
    let convBlock: nn.Module[] = [];
    const pad = ({ reflect: () => [new nn.ReflectionPad2d(1)], replicate: () => [new nn.ReplicationPad2d(1)], zero: () => [] } as Record<string, () => nn.Module[]>)[paddingType]!;
    const p = paddingType === 'zero' ? 1 : 0;

    convBlock = [...convBlock, ...pad(), new nn.Conv2d(dim, dim, { kernelSize: 3, padding: p, bias: useBias }),
      new normLayer(dim),
      new nn.ReLU()];
    if (useDropout) convBlock = [...convBlock, new nn.Dropout(0.5)];

    convBlock = [...convBlock, ...pad(), new nn.Conv2d(dim, dim, { kernelSize: 3, padding: p, bias: useBias }),
      new normLayer(dim)];

    return new nn.Sequential(...convBlock);
  }

  override forward(x: Tensor): Tensor {
    const out = x.add(this.conv_block.call(x));
    return out;
  }
}

class SimpleNetwork extends nn.Module {
  declare net: nn.Sequential;

  constructor(numResnetBlocks = 6) {
    super();
    // here we add the individual layers
    let layers: nn.Module[] = [new ConvBlock()];
    for (let i = 0; i < numResnetBlocks; i++) layers = [...layers, new ResnetBlock(8, 'zero', nn.BatchNorm2d, false, true)];
    this.net = new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    return this.net.call(x);
  }
}

const VGG_CFG: (number | 'M')[] = [4, 4, 'M', 8, 8, 'M', 8, 8, 8, 8, 'M', 16, 16, 16, 16, 'M', 16, 16, 16, 16, 'M'];
function makeVggFeatures(cfg: (number | 'M')[]): nn.Sequential {
  const layers: nn.Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') layers.push(new nn.MaxPool2d({ kernelSize: 2, stride: 2 }));
    else {
      layers.push(new nn.Conv2d(inChannels, v, { kernelSize: 3, padding: 1 }), new nn.ReLU({ inplace: true }));
      inChannels = v;
    }
  }
  return new nn.Sequential(...layers);
}

class Vgg19 extends nn.Module {
  declare slice1: nn.Sequential;
  declare slice2: nn.Sequential;
  declare slice3: nn.Sequential;

  constructor(requiresGrad = false) {
    super();
    const vggPretrainedFeatures = makeVggFeatures(VGG_CFG);
    this.slice1 = new nn.Sequential();
    this.slice2 = new nn.Sequential();
    this.slice3 = new nn.Sequential();

    for (let x = 0; x < 7; x++) this.slice1.addModule(String(x), vggPretrainedFeatures.at(x));
    for (let x = 7; x < 21; x++) this.slice2.addModule(String(x), vggPretrainedFeatures.at(x));
    for (let x = 21; x < 30; x++) this.slice3.addModule(String(x), vggPretrainedFeatures.at(x));
    if (!requiresGrad) for (const param of this.parameters()) param.requiresGrad = false;
  }

  override forward(x: Tensor): Tensor[] {
    const hRelu1 = this.slice1.call(x);
    const hRelu2 = this.slice2.call(hRelu1);
    const hRelu3 = this.slice3.call(hRelu2);
    const out = [hRelu1, hRelu2, hRelu3];
    return out;
  }
}

class CustomLoss extends nn.Module {
  override forward(x: Tensor, y: Tensor): Tensor {
    const loss = torch.mean(x.sub(y).pow(2));
    return loss;
  }
}

// =============================================================================================
// S1: 001_4ed5124103ac7420.txt, the PyTorch tricks collection

class EarlyStopping {
  counter = 0;
  bestScore: number | null = null;
  earlyStop = false;
  valLossMin = Infinity;
  constructor(public patience = 7, public verbose = false, public delta = 0) {}

  call(valLoss: number, model: nn.Module, path: string): void {
    const score = -valLoss;
    if (this.bestScore === null) {
      this.bestScore = score;
      this.saveCheckpoint(valLoss, model, path);
    } else if (score < this.bestScore + this.delta) {
      this.counter += 1;
      if (this.counter >= this.patience) this.earlyStop = true;
    } else {
      this.bestScore = score;
      this.saveCheckpoint(valLoss, model, path);
      this.counter = 0;
    }
  }

  saveCheckpoint(valLoss: number, model: nn.Module, path: string): void {
    torch.save(model.stateDict(), path + '/' + 'model_checkpoint.pth');
    this.valLossMin = valLoss;
  }
}

class Args {
  epochs!: number;
  learningRate!: number;
  patience!: number;
  hiddenSize!: number;
  inputSize!: number;
}

class Your_model extends nn.Module {
  declare net: nn.Sequential;
  constructor(args: Args) {
    super();
    this.net = new nn.Sequential(new nn.Linear(args.inputSize, args.hiddenSize), new nn.ReLU(), new nn.Linear(args.hiddenSize, 1));
  }

  override forward(x: Tensor): Tensor {
    x = this.net.call(x);
    return x;
  }
}

class ConvNet extends nn.Module {
  declare layer1: nn.Sequential;
  declare layer2: nn.Sequential;
  declare fc: nn.Module;

  constructor(numClasses = 10) {
    super();
    this.layer1 = new nn.Sequential(
      new nn.Conv2d(1, 16, { kernelSize: 5, stride: 1, padding: 2 }),
      new nn.BatchNorm2d(16),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernelSize: 2, stride: 2 }));
    this.layer2 = new nn.Sequential(
      new nn.Conv2d(16, 32, { kernelSize: 5, stride: 1, padding: 2 }),
      new nn.BatchNorm2d(32),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernelSize: 2, stride: 2 }));
    this.fc = new nn.Linear(7 * 7 * 32, numClasses);
  }

  override forward(x: Tensor): Tensor {
    let out = this.layer1.call(x);
    out = this.layer2.call(out);
    out = out.reshape(out.size(0), -1);
    out = this.fc.call(out) as Tensor;
    return out;
  }
}

/** Recursively replace all BN layers to SyncBN layer. */
function convertBNtoSyncBN(module: nn.Module, processGroup: unknown = null): nn.Module {
  if (module instanceof nn.modules.batchnorm._BatchNorm) {
    const syncBn = new nn.SyncBatchNorm(module.numFeatures, module.eps, module.momentum, module.affine, module.trackRunningStats, processGroup);
    syncBn.running_mean = module.running_mean;
    syncBn.running_var = module.running_var;
    if (module.affine) {
      syncBn.weight = new nn.Parameter(module.weight!.clone().detach());
      syncBn.bias = new nn.Parameter(module.bias!.clone().detach());
    }
    return syncBn;
  } else {
    for (const [name, childModule] of module.namedChildren())
      (module as unknown as Record<string, nn.Module>)[name] = convertBNtoSyncBN(childModule, processGroup);
    return module;
  }
}

class BN extends nn.Module {
  declare running_mean: Tensor;
  constructor(numFeatures: number, public momentum = 0.1) {
    super();
    this.registerBuffer('running_mean', torch.zeros(numFeatures));
  }

  override forward(X: Tensor): Tensor {
    const current = X.mean({ dim: 0 });
    this.running_mean.add_(current.sub(this.running_mean).mul(this.momentum));
    return X.sub(current);
  }
}

class MyLoss extends nn.Module {
  override forward(x: Tensor, y: Tensor): Tensor {
    const loss = torch.mean(x.sub(y).pow(2));
    return loss;
  }
}

class LSR extends nn.Module {
  logSoftmax = new nn.LogSoftmax({ dim: 1 });
  constructor(public e = 0.1, public reduction = 'mean') {
    super();
  }

  _oneHot(labels: Tensor, classes: number, value = 1): Tensor {
    let oneHot = torch.zeros(labels.size(0), classes);

    // labels and value_added  size must match
    labels = labels.view(labels.size(0), -1);
    let valueAdded = torch.Tensor(labels.size(0), 1).fill_(value);

    valueAdded = valueAdded.to(labels.device);
    oneHot = oneHot.to(labels.device);

    oneHot.scatterAdd_(1, labels, valueAdded);

    return oneHot;
  }

  _smoothLabel(target: Tensor, length: number, smoothFactor: number): Tensor {
    const oneHot = this._oneHot(target, length, 1 - smoothFactor);
    oneHot.add_(smoothFactor / (length - 1));

    return oneHot.to(target.device);
  }

  override forward(x: Tensor, target: Tensor): Tensor {
    if (x.size(0) !== target.size(0))
      throw new Error(`Expected input batchsize (${x.size(0)}) to match target batch_size(${target.size(0)})`);

    if (x.dim() < 2) throw new Error(`Expected input tensor to have least 2 dimensions(got ${x.size(0)})`);

    if (x.dim() !== 2) throw new Error(`Only 2 dimension tensor are implemented, (got torch.Size([${x.shape.join(', ')}]))`);

    const smoothedTarget = this._smoothLabel(target, x.size(1), this.e);
    x = this.logSoftmax.call(x);
    const loss = torch.sum(x.neg().mul(smoothedTarget), { dim: 1 });

    if (this.reduction === 'none') return loss;
    else if (this.reduction === 'sum') return torch.sum(loss);
    else if (this.reduction === 'mean') return torch.mean(loss);
    else throw new Error('unrecognized option, expect reduction to be one of none, mean, sum');
  }
}

class FeatureExtractor extends nn.Module {
  declare _model: nn.Module;
  declare _layersToExtract: Set<string>;

  constructor(pretrainedModel: nn.Module, layersToExtract: Iterable<string>) {
    super();
    this._model = pretrainedModel;
    this._model.eval();
    this._layersToExtract = new Set(layersToExtract);
  }

  override forward(x: Tensor): Tensor[] {
    return torch.noGrad(() => {
      const convRepresentation: Tensor[] = [];
      for (const [name, layer] of this._model.namedChildren()) {
        x = layer.call(x) as Tensor;
        if (this._layersToExtract.has(name)) convRepresentation.push(x);
      }
      return convRepresentation;
    });
  }
}

class VGG16Part extends nn.Module {
  convolution1_1 = new nn.Conv2d(3, 4, 3);
  convolution1_2 = new nn.Conv2d(4, 4, 3);
  convolution2_1 = new nn.Conv2d(4, 8, 3);
  convolution2_2 = new nn.Conv2d(8, 8, 3);
}
class CNNPart extends nn.Module {
  VGG_16 = new VGG16Part();
}
class Network extends nn.Module {
  cnn = new CNNPart();
}

class TheModelClass extends nn.Module {
  conv1 = new nn.Conv2d(3, 8, 5);
  bn = new nn.BatchNorm2d(8);
  conv2 = new nn.Conv2d(8, 16, 5);
  pool = new nn.MaxPool2d(2, 2);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 10);

  override forward(x: Tensor): Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x)));
    x = this.bn.call(x);
    x = this.pool.call(F.relu(this.conv2.call(x)));
    x = x.view(-1, 16 * 5 * 5);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    x = (this as unknown as { fc3: nn.Linear }).fc3.call(x); // the article's model never defines fc3
    return x;
  }
}

class ModuleWithCustomValues extends nn.Module {
  declare weights: Tensor;
  declare alpha: Tensor;
  constructor(weights: number[], alpha: number) {
    super();
    // JS cannot tell 1.0 from 1: the dtype says what Python's float literals said.
    this.registerBuffer('weights', torch.tensor(weights, { dtype: torch.float32 }));
    this.registerBuffer('alpha', torch.tensor(alpha));
  }

  override forward(x: Tensor): Tensor {
    return x.mul(this.weights).add(this.alpha);
  }
}

/** The tuning tips as a model (tips 7, 8, 10, 13, 14, 17 of the tricks article). */
class TextRNN extends nn.Module {
  declare embedding: nn.Embedding;
  declare dropout: nn.Dropout;
  declare rnn: nn.LSTM | nn.GRU;
  declare norm: nn.LayerNorm;
  declare fc: nn.Linear;
  constructor(rnnType = 'lstm', vocab = 50, embedSize = 64, hiddenSize = 32, numClasses = 4) {
    super();
    this.embedding = new nn.Embedding(vocab, embedSize);
    this.dropout = new nn.Dropout(0.2);
    const rnn = rnnType === 'lstm' ? nn.LSTM : nn.GRU;
    this.rnn = new rnn(embedSize, hiddenSize, { numLayers: 2, batchFirst: true });
    this.norm = new nn.LayerNorm(hiddenSize);
    this.fc = new nn.Linear(hiddenSize, numClasses);
    for (const [name, param] of this.rnn.namedParameters()) {
      if (name.includes('weight_hh')) nn.init.orthogonal_(param);
      else if (name.includes('weight_ih')) nn.init.xavierUniform_(param);
      else nn.init.zeros_(param);
    }
  }

  override forward(tokens: Tensor): Tensor {
    const x = this.dropout.call(this.embedding.call(tokens));
    const [out] = this.rnn.call(x) as [Tensor, unknown];
    return this.fc.call(this.norm.call(out.index(':', -1)));
  }
}

// =============================================================================================
// S2: 002_a821ad60f72b7395.txt, the MNIST walkthrough (code from Kaixhin/grokking-pytorch)

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, { kernelSize: 5 });
  conv2 = new nn.Conv2d(10, 20, { kernelSize: 5 });
  conv2_drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  override forward(x: Tensor): Tensor {
    x = F.relu(F.maxPool2d(this.conv1.call(x), 2));
    x = F.relu(F.maxPool2d(this.conv2_drop.call(this.conv2.call(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1.call(x));
    x = this.fc2.call(x);
    return F.logSoftmax(x, { dim: 1 });
  }
}

class RNNNet extends nn.Module {
  rnn = new nn.RNNCell(3, 4);
  constructor(public canDrop: boolean) {
    super();
  }

  override forward(x: Tensor, hx: Tensor, drop = false): Tensor {
    const hx2 = this.rnn.call(x, hx);
    if ((hx.max().item()) > 10 || (this.canDrop && drop)) return hx;
    else return hx2;
  }
}

// =============================================================================================
// S3: 003_dedece4adb0a2d38.txt, the torch_base project template (model/submodules.py, utils/torch_utils.py)

function conv2dBnRelu(inDim: number, outDim: number, kernel: number, stride = 1, pad = 0, dilate = 1, group = 1, _bias = true): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(inDim, outDim, kernel, stride, pad, dilate, group),
    new nn.BatchNorm2d(outDim),
    new nn.ReLU(),
  );
}

function upConv2d(inDim: number, outDim: number, kernel = 3, pad = 1, upScale = 2): nn.Sequential {
  return new nn.Sequential(
    new nn.Upsample({ scaleFactor: upScale, mode: 'nearest' }),
    new nn.Conv2d(inDim, outDim, kernel, { padding: pad }),
  );
}

class CustomFcn extends nn.Module {
  custom_module = conv2dBnRelu(3, 3, 3);
  fcn = upConv2d(3, 2);

  override forward(img: Tensor): Tensor {
    const x = this.custom_module.call(img);
    const y = this.fcn.call(x);
    return y;
  }
}

function computeMetrics(pred: Tensor, gt: Tensor, isTrain: boolean): Record<string, Tensor> {
  // you can call functions in metrics.py
  const l1 = pred.sub(gt).abs().mean();
  const prefix = isTrain ? 'train/' : 'val/';
  const metrics = { [prefix + 'l1']: l1 };
  return metrics;
}

function loadMatchDict(model: nn.Module, modelPath: string): void {
  // model: single gpu model, please load dict before warp with nn.DataParallel
  let pretrainDict = torch.load(modelPath) as Record<string, Tensor>;
  const modelDict = model.stateDict();
  // the pretrain dict may be multi gpus, cleaning
  pretrainDict = Object.fromEntries(Object.entries(pretrainDict).map(([k, v]) => [k.replaceAll('.module', ''), v]));
  // 1. filter out unnecessary keys
  pretrainDict = Object.fromEntries(Object.entries(pretrainDict).filter(([k, v]) =>
    k in modelDict && v.shape.join() === modelDict[k]!.shape.join()));
  // 2. overwrite entries in the existing state dict
  Object.assign(modelDict, pretrainDict);
  // 3. load the new state dict
  model.loadStateDict(modelDict);
}

// =============================================================================================
// S4: 004_284b2d444b3656ad.txt, hooks and pruning

class SaveOutput {
  outputs: Tensor[] = [];
  // Python passes the object itself (it has __call__); a JS hook is a function.
  hook = (_module: nn.Module, _moduleIn: unknown, moduleOut: Tensor): void => {
    this.outputs.push(moduleOut);
  };

  clear(): void {
    this.outputs = [];
  }
}

class BasicBlock extends nn.Module {
  declare conv1: nn.Conv2d;
  declare bn1: nn.BatchNorm2d;
  declare relu: nn.ReLU;
  declare conv2: nn.Conv2d;
  declare bn2: nn.BatchNorm2d;
  constructor(c: number) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(c);
    this.relu = new nn.ReLU({ inplace: true });
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(c);
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    return this.relu.call(out.add(x));
  }
}

class TinyResNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(4);
  relu = new nn.ReLU({ inplace: true });
  layer1 = new nn.Sequential(new BasicBlock(4), new BasicBlock(4));
  avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
  fc = new nn.Linear(4, 3);

  override forward(x: Tensor): Tensor {
    x = this.relu.call(this.bn1.call(this.conv1.call(x)));
    x = this.layer1.call(x);
    x = torch.flatten(this.avgpool.call(x), 1);
    return this.fc.call(x);
  }
}


// =============================================================================================
// The ports: one function per snippet of scripts/make-seed-fixtures.py, same name, same outputs.

const PORTS: Record<string, () => Outputs> = {
  // S0 "ConvBlock + SimpleNetwork: layers in a list, nn.Sequential(*layers)"
  s0_simple_network: () => {
    const net = new SimpleNetwork(2);
    const x = torch.randn(2, 3, 8, 8);
    const output = net.call(x);
    return { repr: String(net), keys: Object.keys(net.stateDict()), output,
      running_mean: at<nn.BatchNorm2d>(at<ResnetBlock>(net.net, 1).conv_block, 1).running_mean };
  },

  // S0 "ResnetBlock: skip connection in forward, reflection padding, InstanceNorm, dropout"
  s0_resnet_block: () => {
    const block = new ResnetBlock(4, 'reflect', nn.InstanceNorm2d, true, false);
    const x = torch.randn([2, 4, 6, 6], { requiresGrad: true });
    const out = block.call(x);
    out.sum().backward();
    block.eval();
    const outEval = block.call(x);
    return { repr: String(block), out, x_grad: x.grad, out_eval: outEval, conv_grad: at<nn.Conv2d>(block.conv_block, 1).weight.grad };
  },

  // S0 "Vgg19: a network with several outputs, slices built with add_module, frozen weights"
  s0_vgg_slices: () => {
    const vgg = new Vgg19();
    const out = vgg.call(torch.randn(1, 3, 32, 32));
    return { out, slice1: String(vgg.slice1), trainable: vgg.parameters().filter((p) => p.requiresGrad).length, keys: Object.keys(vgg.stateDict()) };
  },

  // S0 "CustomLoss(nn.Module)"
  s0_custom_loss: () => {
    const criterion = new CustomLoss();
    const x = torch.randn([4, 3], { requiresGrad: true });
    const y = torch.randn(4, 3);
    const loss = criterion.call(x, y);
    loss.backward();
    return { loss, grad: x.grad, repr: String(criterion), equals_mse: torch.equal(loss, F.mseLoss(x, y)) };
  },

  // S0 "call the module (self.net(input)), not forward: hooks only run through __call__"
  s0_call_not_forward: () => {
    const net = new nn.Linear(3, 2);
    net.registerForwardHook((_module: nn.Module, _inp: unknown, out: Tensor) => out.mul(10));
    const x = torch.randn(1, 3);
    return { called: net.call(x), forward: net.forward(x) };
  },

  // S1 "training template: EarlyStopping saves model.state_dict() at the best val_loss"
  s1_early_stopping: () => {
    const model = new nn.Linear(30, 40);
    const earlyStopping = new EarlyStopping(2, true);
    let stoppedAt = -1;
    for (const [epoch, valLoss] of [0.5, 0.4, 0.45, 0.3, 0.35, 0.36, 0.2].entries()) {
      torch.noGrad(() => model.weight.add_(1));
      earlyStopping.call(valLoss, model, TMP);
      if (earlyStopping.earlyStop) {
        stoppedAt = epoch;
        break;
      }
    }
    const saved = torch.load(TMP + '/model_checkpoint.pth') as Record<string, Tensor>;
    return { stopped_at: stoppedAt, counter: earlyStopping.counter, val_loss_min: earlyStopping.valLossMin,
      saved_keys: Object.keys(saved), saved_weight: saved.weight!.index(0, ':3') };
  },

  // S1 "training template: hyper-parameters as a class, Your_model, MSELoss, train/valid epochs with loss.item()"
  s1_template_training: () => {
    const args = new Args();
    [args.epochs, args.learningRate, args.patience] = [2, 0.001, 4];
    [args.hiddenSize, args.inputSize] = [40, 30];
    const model = new Your_model(args);
    const criterion = new torch.nn.MSELoss();
    const trainDataloader = [0, 1].map(() => [torch.randn([8, 30], { dtype: torch.float64 }), torch.randn([8, 1], { dtype: torch.float64 })] as const);
    const validDataloader = [[torch.randn([8, 30], { dtype: torch.float64 }), torch.randn([8, 1], { dtype: torch.float64 })] as const];
    const [trainLoss, trainEpochsLoss, validEpochsLoss]: number[][] = [[], [], []];
    const average = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length; // sum(xs) / len(xs)
    for (let epoch = 0; epoch < args.epochs; epoch++) {
      model.train();
      const trainEpochLoss: number[] = [];
      for (let [dataX, dataY] of trainDataloader) {
        dataX = dataX.to(torch.float32);
        dataY = dataY.to(torch.float32);
        const outputs = model.call(dataX);
        model.zeroGrad();
        const loss = criterion.call(dataY, outputs);
        loss.backward();
        trainEpochLoss.push(loss.item());
        trainLoss.push(loss.item());
      }
      trainEpochsLoss.push(average(trainEpochLoss));
      model.eval();
      const validEpochLoss: number[] = [];
      for (let [dataX, dataY] of validDataloader) {
        dataX = dataX.to(torch.float32);
        dataY = dataY.to(torch.float32);
        const outputs = model.call(dataX);
        const loss = criterion.call(outputs, dataY);
        validEpochLoss.push(loss.item());
      }
      validEpochsLoss.push(average(validEpochLoss));
    }
    return { train_loss: trainLoss, train_epochs_loss: trainEpochsLoss, valid_epochs_loss: validEpochsLoss,
      grad: at<nn.Linear>(model.net, 2).weight.grad, repr: String(model) };
  },

  // S1 "ConvNet: two conv layers (Conv2d, BatchNorm2d, ReLU, MaxPool2d in Sequential) + Linear"
  s1_convnet: () => {
    const model = new ConvNet(10);
    const x = torch.randn(2, 1, 28, 28);
    const out = model.call(x);
    model.eval();
    const outEval = model.call(x);
    return { repr: String(model), out, out_eval: outEval, running_var: at<nn.BatchNorm2d>(model.layer2, 1).running_var,
      num_batches_tracked: at<nn.BatchNorm2d>(model.layer1, 1).num_batches_tracked };
  },

  // S1 "bilinear pooling + signed sqrt + F.normalize"
  s1_bilinear_pooling: () => {
    const [N, D, H, W] = [2, 3, 4, 4];
    let X = torch.randn(N, D, H, W);
    X = torch.reshape(X, [N, D, H * W]); // Assume X has shape N*D*H*W
    X = torch.bmm(X, torch.transpose(X, 1, 2)).div(H * W); // Bilinear pooling
    expect(X.shape).toEqual([N, D, D]);
    X = torch.reshape(X, [N, D * D]);
    X = torch.sign(X).mul(torch.sqrt(torch.abs(X).add(1e-5))); // Signed-sqrt normalization
    X = nn.functional.normalize(X); // L2 normalization
    return { X };
  },

  // S1 "nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats): one process = BatchNorm"
  s1_sync_bn: () => {
    const numFeatures = 4;
    const syncBn = new nn.SyncBatchNorm(numFeatures, { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });
    const x = torch.randn(2, numFeatures, 3, 3);
    const y = syncBn.call(x);
    return { repr: String(syncBn), y, running_mean: syncBn.running_mean, same_as_bn: torch.equal(y, F.batchNorm(x, null, null, { training: true })) };
  },

  // S1 "convertBNtoSyncBN: replace every BN layer recursively with setattr"
  s1_convert_bn_to_sync_bn: () => {
    let model: nn.Module = new ConvNet(10);
    at<nn.BatchNorm2d>((model as ConvNet).layer1, 1).running_mean!.add_(0.5);
    const bnMean = at<nn.BatchNorm2d>((model as ConvNet).layer1, 1).running_mean;
    model = convertBNtoSyncBN(model);
    const x = torch.randn(2, 1, 28, 28);
    model.eval();
    return { repr: String(model), shares_running_mean: at<nn.SyncBatchNorm>((model as ConvNet).layer1, 1).running_mean === bnMean,
      keys: Object.keys(model.stateDict()), out: model.call(x) };
  },

  // S1 "BN-like moving average: register_buffer + in-place update in forward"
  s1_bn_moving_average: () => {
    const bn = new BN(3);
    let out!: Tensor;
    for (let i = 0; i < 3; i++) out = bn.call(torch.randn(4, 3));
    return { running_mean: bn.running_mean, out, keys: Object.keys(bn.stateDict()), buffers: bn.namedBuffers().map(([n]) => n) };
  },

  // S1 "count parameters: sum(torch.numel(parameter) for parameter in model.parameters())"
  s1_count_parameters: () => {
    const model = new ConvNet(10);
    const numParameters = model.parameters().reduce((s, parameter) => s + torch.numel(parameter), 0);
    return { num_parameters: numParameters, count: model.parameters().length };
  },

  // S1 "list(model.named_parameters()): (name, param) = params[i], param.grad"
  s1_named_parameters_grad: () => {
    const model = new ConvNet(10);
    model.call(torch.randn(2, 1, 28, 28)).sum().backward();
    const params = model.namedParameters();
    const [name, param] = params[4]!;
    const [name2, param2] = params[5]!;
    const [name1, param1] = params[8]!;
    return { names: [name, name2, name1], grads: [param.grad!.index(0, 0), param2.grad, param1.grad!.index(':', ':6')] };
  },

  // S1 "weight init loop over model.modules(): kaiming_normal_ (fan_out, relu), constant_, xavier_normal_"
  s1_init_loop: () => {
    const model = new ConvNet(10);
    // Common practise for initialization.
    for (const layer of model.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(layer.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (layer.bias !== null) nn.init.constant_(layer.bias, { val: 0.0 });
      } else if (layer instanceof nn.BatchNorm2d) {
        nn.init.constant_(layer.weight!, { val: 1.0 });
        nn.init.constant_(layer.bias!, { val: 0.0 });
      } else if (layer instanceof nn.Linear) {
        nn.init.xavierNormal_(layer.weight);
        if (layer.bias !== null) nn.init.constant_(layer.bias, { val: 0.0 });
      }
    }
    const sd = model.stateDict();
    return { conv1: sd['layer1.0.weight'], conv1_bias: sd['layer1.0.bias'], bn_weight: sd['layer2.1.weight'],
      fc: sd['fc.weight']!.index(':2', ':64'), fc_std: sd['fc.weight']!.std() };
  },

  // S1 "initialization with a given tensor: layer.weight = torch.nn.Parameter(tensor)"
  s1_init_given_tensor: () => {
    const layer = new nn.Linear(3, 2);
    const tensor = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    // Initialization with given tensor.
    layer.weight = new torch.nn.Parameter(tensor);
    return { weight: layer.stateDict().weight, is_param: layer.weight instanceof nn.Parameter, requires_grad: layer.weight.requiresGrad,
      count: layer.parameters().length, out: layer.call(torch.ones(1, 3)) };
  },

  // S1 "first two layers: nn.Sequential(*list(model.children())[:2])"
  s1_first_two_layers: () => {
    const model = new ConvNet(10);
    const newModel = new nn.Sequential(...model.children().slice(0, 2));
    const out = newModel.call(torch.randn(1, 1, 28, 28));
    return { repr: String(newModel), out: out.index(0, 0), shape: out.shape, shares: newModel.at(0) === model.layer1 };
  },

  // S1 "collect conv layers: conv_model.add_module(layer[0], layer[1]) over model.named_modules()"
  s1_collect_conv_layers: () => {
    const model = new ConvNet(10);
    const convModel = new nn.Sequential();
    const asPrinted = (): void => {
      for (const layer of model.namedModules()) if (layer[1] instanceof nn.Conv2d) convModel.addModule(layer[0], layer[1]);
    };
    const err = errorOf(asPrinted);
    for (const layer of model.namedModules()) if (layer[1] instanceof nn.Conv2d) convModel.addModule(layer[0].replaceAll('.', '_'), layer[1]);
    return { error: err, repr: String(convModel), names: convModel.namedChildren().map(([n]) => n) };
  },

  // S1 "partial pretrained weights: model.load_state_dict(torch.load('model.pth'), strict=False)"
  s1_load_strict_false: () => {
    const pretrained = new ConvNet(10);
    const sd = pretrained.stateDict();
    delete sd['fc.bias'];
    sd['head.weight'] = torch.ones(2);
    torch.save(sd, join(TMP, 'model.pth'));
    const model = new ConvNet(10);
    const biasBefore = (model.fc as nn.Linear).bias!.clone();
    const result = model.loadStateDict(torch.load(join(TMP, 'model.pth')) as Record<string, Tensor>, { strict: false });
    return { missing: result.missingKeys, unexpected: result.unexpectedKeys,
      loaded: torch.equal(at<nn.Conv2d>(model.layer1, 0).weight, at<nn.Conv2d>(pretrained.layer1, 0).weight),
      bias_kept: torch.equal((model.fc as nn.Linear).bias!, biasBefore),
      strict_error: errorOf(() => model.loadStateDict(torch.load(join(TMP, 'model.pth')) as Record<string, Tensor>)) };
  },

  // S1 "classification test code: model.eval(), torch.no_grad(), torch.max(outputs.data, 1)"
  s1_test_accuracy: () => {
    const model = new ConvNet(10);
    const testLoader = [0, 1].map(() => [torch.randn(4, 1, 28, 28), torch.randint(0, 10, [4])] as const);
    model.eval();
    let correct = 0;
    let total = 0;
    let predicted!: Tensor;
    let outputs!: Tensor;
    torch.noGrad(() => {
      for (const [images, labels] of testLoader) {
        outputs = model.call(images);
        [, predicted] = torch.max(outputs.data, 1);
        total += labels.size(0);
        correct += predicted.eq(labels).sum().item();
      }
    });
    return { total, correct, accuracy: (100 * correct) / total, predicted, requires_grad: outputs.requiresGrad };
  },

  // S1 "classification training step: nn.CrossEntropyLoss, forward, backward (optimizer left out)"
  s1_train_step: () => {
    const model = new ConvNet(10);
    const criterion = new nn.CrossEntropyLoss();
    const [images, labels] = [torch.randn(4, 1, 28, 28), torch.randint(0, 10, [4])];
    const outputs = model.call(images);
    const loss = criterion.call(outputs, labels);
    model.zeroGrad();
    loss.backward();
    return { loss, fc_grad: (model.fc as nn.Linear).weight.grad!.index(':', ':8'), conv_grad: at<nn.Conv2d>(model.layer1, 0).weight.grad!.index(0),
      bias_grad: at<nn.Conv2d>(model.layer2, 0).bias!.grad };
  },

  // S1 "custom loss: class MyLoss(torch.nn.Module)"
  s1_my_loss: () => {
    const x = torch.randn([3, 4], { requiresGrad: true });
    const y = torch.randn(3, 4);
    const loss = new MyLoss().call(x, y);
    loss.backward();
    return { loss, grad: x.grad };
  },

  // S1 "label smoothing module LSR (label_smoothing.py)"
  s1_label_smoothing_lsr: () => {
    const x = torch.randn([4, 5], { requiresGrad: true });
    const target = torch.randint(0, 5, [4]);
    const loss = new LSR().call(x, target);
    loss.backward();
    return { mean: loss, grad: x.grad, none: new LSR(0.1, 'none').call(x, target), sum: new LSR(0.2, 'sum').call(x, target),
      batch_error: errorOf(() => new LSR().call(x, target.index(':3'))),
      dim_error: errorOf(() => new LSR().call(x.reshape(4, 5, 1), target)),
      reduction_error: errorOf(() => new LSR(0.1, 'max').call(x, target)) };
  },

  // S1 "label smoothing inside the training loop: torch.full + scatter_ + log_softmax"
  s1_label_smoothing_inline: () => {
    const C = 5;
    const model = new nn.Linear(6, C);
    const trainLoader = [[torch.randn(4, 6), torch.randint(0, C, [4])] as const];
    let smoothedLabels!: Tensor;
    let loss!: Tensor;
    for (const [images, labels] of trainLoader) {
      const N = labels.size(0);
      // C is the number of classes.
      smoothedLabels = torch.full([N, C], 0.1 / (C - 1));
      smoothedLabels.scatter_({ dim: 1, index: torch.unsqueeze(labels, { dim: 1 }), value: 0.9 });

      const score = model.call(images);
      const logProb = torch.nn.functional.logSoftmax(score, { dim: 1 });
      loss = torch.sum(logProb.mul(smoothedLabels)).neg().div(N);
      model.zeroGrad();
      loss.backward();
    }
    return { smoothed_labels: smoothedLabels, loss, weight_grad: model.weight.grad, bias_grad: model.bias!.grad };
  },

  // S1 "mixup training: mixed images, loss = lambda * loss(a) + (1 - lambda) * loss(b)"
  s1_mixup: () => {
    const model = new nn.Linear(6, 3);
    const lossFunction = new nn.CrossEntropyLoss();
    const [images, labels] = [torch.randn(4, 6), torch.randint(0, 3, [4])];
    // Mixup images and labels.
    const lambda_ = 0.3; // beta_distribution.sample([]).item() in the article
    const index = torch.randperm(images.size(0));
    const mixedImages = images.mul(lambda_).add(images.index(index, ':').mul(1 - lambda_));
    const [labelA, labelB] = [labels, labels.index(index)];

    // Mixup loss.
    const scores = model.call(mixedImages);
    const loss = lossFunction.call(scores, labelA).mul(lambda_).add(lossFunction.call(scores, labelB).mul(1 - lambda_));
    model.zeroGrad();
    loss.backward();
    return { index, mixed: mixedImages, loss, grad: model.weight.grad };
  },

  // S1 "L1 regularization: loss += torch.sum(torch.abs(param)) for every parameter"
  s1_l1_regularization: () => {
    const model = new nn.Linear(5, 3);
    const [x, y] = [torch.randn(4, 5), torch.randint(0, 3, [4])];
    const l1Regularization = new torch.nn.L1Loss({ reduction: 'sum' });
    const loss = F.crossEntropy(model.call(x), y); // Standard cross-entropy loss
    for (const param of model.parameters()) loss.add_(torch.sum(torch.abs(param)));
    loss.backward();
    return { loss, weight_grad: model.weight.grad, bias_grad: model.bias!.grad, l1: String(l1Regularization) };
  },

  // S1 "no weight decay on biases: split named_parameters by name[-4:] == 'bias'"
  s1_no_bias_decay: () => {
    const model = new ConvNet(10);
    const biasList = model.namedParameters().filter(([name]) => name.slice(-4) === 'bias').map(([, param]) => param);
    const othersList = model.namedParameters().filter(([name]) => name.slice(-4) !== 'bias').map(([, param]) => param);
    const parameters = [{ parameters: biasList, weight_decay: 0 }, { parameters: othersList }];
    return { bias_shapes: parameters[0]!.parameters.map((p) => p.shape), other_shapes: parameters[1]!.parameters.map((p) => p.shape) };
  },

  // S1 "gradient clipping: torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=20)"
  s1_clip_grad_norm: () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
    model.call(torch.randn(3, 4)).mul(1000).sum().backward();
    const totalNorm = torch.nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 20 });
    const after = torch.sqrt(model.parameters().map((p) => p.grad!.pow(2).sum()).reduce((a, b) => a.add(b)));
    return { total_norm: totalNorm, grads: grads(model), after };
  },

  // S1 "gradient clipping with norm_type=2 and inf (nn.utils.clip_grad_norm_ arguments)"
  s1_clip_grad_norm_type: () => {
    const model = new nn.Linear(4, 3);
    const lossFn = new nn.MSELoss();
    const outputs = model.call(torch.randn(5, 4));
    const loss = lossFn.call(outputs, torch.randn(5, 3).mul(100));
    loss.backward();
    const n2 = nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 20, normType: 2 });
    const g2 = model.parameters().map((p) => p.grad!.clone());
    const ninf = nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 1, normType: Infinity });
    return { norm2: n2, grads2: g2, norminf: ninf, gradsinf: grads(model) };
  },

  // S1 "ResNet GAP feature: nn.Sequential(collections.OrderedDict(list(model.named_children())[:-1]))"
  s1_feature_sequential: () => {
    let model: nn.Module = new ConvNet(10);
    model = new torch.nn.Sequential(Object.fromEntries(model.namedChildren().slice(0, -1)));
    const image = torch.randn(1, 1, 28, 28);
    const convRepresentation = torch.noGrad(() => {
      model.eval();
      return model.call(image) as Tensor;
    });
    return { repr: String(model), out: convRepresentation.index(0, ':4'), shape: convRepresentation.shape,
      keys: Object.keys(model.stateDict()).slice(0, 4) };
  },

  // S1 "FeatureExtractor: run named_children in order, keep the outputs of chosen layers"
  s1_feature_extractor: () => {
    let model: nn.Module = new ConvNet(10);
    model = new torch.nn.Sequential(Object.fromEntries(model.namedChildren().slice(0, -1)));
    const convRepresentation = new FeatureExtractor(model, new Set(['layer1', 'layer2'])).call(torch.randn(1, 1, 28, 28));
    return { count: convRepresentation.length, layer1: convRepresentation[0]!.index(0, 0, ':2'),
      layer2: convRepresentation[1]!.index(0, ':2', 0), training: model.training };
  },

  // S1 "fine-tune the last layer: freeze all, model.fc = nn.Linear(512, 100)"
  s1_finetune_fc: () => {
    const model = new ConvNet(10);
    for (const param of model.parameters()) param.requiresGrad = false;
    model.fc = new nn.Linear(7 * 7 * 32, 100); // Replace the last fc layer
    model.call(torch.randn(2, 1, 28, 28)).sum().backward();
    return { requires_grad: model.parameters().map((p) => p.requiresGrad), has_grad: model.parameters().map((p) => p.grad !== null),
      fc_bias_grad: (model.fc as nn.Linear).bias!.grad, trainable: model.namedParameters().filter(([, p]) => p.requiresGrad).map(([n]) => n),
      keys: Object.keys(model.stateDict()) };
  },

  // S1 "bigger lr for fc: finetuned_parameters = list(map(id, model.fc.parameters())); conv_parameters"
  s1_fc_param_groups: () => {
    const model = new ConvNet(10);
    const finetunedParameters = new Set(model.fc.parameters()); // id(p) in Python: the object itself
    const convParameters = model.parameters().filter((p) => !finetunedParameters.has(p));
    const parameters = [{ params: convParameters, lr: 1e-3 }, { params: model.fc.parameters() }];
    return { sizes: parameters.map((g) => g.params.length), numels: parameters.map((g) => g.params.reduce((s, p) => s + p.numel(), 0)) };
  },

  // S1 "freeze layers by name: value.requires_grad = False for names in no_grad; filter(lambda p: p.requires_grad)"
  s1_freeze_by_name: () => {
    const net = new Network();
    const noGrad = [
      'cnn.VGG_16.convolution1_1.weight',
      'cnn.VGG_16.convolution1_1.bias',
      'cnn.VGG_16.convolution1_2.weight',
      'cnn.VGG_16.convolution1_2.bias'];
    for (const [name, value] of net.namedParameters()) {
      if (noGrad.includes(name)) value.requiresGrad = false;
      else value.requiresGrad = true;
    }
    const lines = net.namedParameters().map(([name, value]) => `name: ${name},\t grad: ${pyBool(value.requiresGrad)}`);
    const trainable = net.parameters().filter((p) => p.requiresGrad);
    return { lines, trainable: trainable.length, repr: String(net) };
  },

  // S1 "different lr per layer: split named_parameters on 'convolution1' in name"
  s1_layer_lr_split: () => {
    const net = new Network();
    let conv1Params: Tensor[] = [];
    let conv2Params: Tensor[] = [];
    for (const [name, parms] of net.namedParameters()) {
      if (name.includes('convolution1')) conv1Params = [...conv1Params, parms];
      else conv2Params = [...conv2Params, parms];
    }
    return { conv1: conv1Params.map((p) => p.shape), conv2: conv2Params.map((p) => p.shape), names: net.namedParameters().map(([name]) => name) };
  },

  // S1 "TheModelClass: print each state_dict key and size; forward reaches the undefined self.fc3"
  s1_state_dict_sizes: () => {
    const model = new TheModelClass();
    const lines = Object.keys(model.stateDict()).map((paramTensor) => `${paramTensor}\t${shapeList(model.stateDict()[paramTensor]!)}`);
    const err = errorOf(() => model.call(torch.randn(1, 3, 32, 32)));
    return { lines, forward_error: err, bn_after_failed_forward: model.bn.num_batches_tracked };
  },

  // S1 "register_buffer: ModuleWithCustomValues(weights=[1.0, 2.0], alpha=1e-4)"
  s1_register_buffer: () => {
    const m = new ModuleWithCustomValues([1.0, 2.0], 1e-4);
    const out = m.call(torch.tensor([1.23, 4.56]));
    return { out, keys: Object.keys(m.stateDict()), params: m.parameters().length,
      double: m.double().call(torch.tensor([1.23, 4.56], { dtype: torch.float64 })) };
  },

  // S1 "nn.Identity(): model.fc = nn.Identity() to get the features before the classifier"
  s1_identity_fc: () => {
    const model = new ConvNet(10);
    model.fc = new nn.Identity();
    const lastLayerOutput = model.call(torch.rand([1, 1, 28, 28]));
    return { shape: lastLayerOutput.shape, head: lastLayerOutput.index(0, ':6'), repr: String(model.fc), keys: Object.keys(model.stateDict()).slice(-3) };
  },

  // S1 "F.cosine_similarity of two vectors and of a batch (similarity matrix)"
  s1_cosine_similarity: () => {
    const vector1 = torch.tensor([0.0, 1.0], { dtype: torch.float32 });
    const vector2 = torch.tensor([0.05, 1.0]);
    const a = F.cosineSimilarity(vector1, vector2, { dim: 0 });
    const vector3 = torch.tensor([0.0, -1.0], { dtype: torch.float32 });
    const b = F.cosineSimilarity(vector1, vector3, { dim: 0 });
    const batchOfVectors = torch.rand([4, 64]);
    const similarityMatrix = F.cosineSimilarity(batchOfVectors.unsqueeze(1), batchOfVectors.unsqueeze(0), { dim: 2 });
    return { a, b, similarity_matrix: similarityMatrix };
  },

  // S1 "F.normalize(vector, p=2.0, dim=0) and of a batch, vs vector / torch.norm(vector)"
  s1_normalize: () => {
    const vector = torch.tensor([99.0, -512.0, 123.0, 0.1, 6.66]);
    const normalizedVector = F.normalize(vector, { p: 2.0, dim: 0 });
    const old = vector.div(torch.norm(vector, { p: 2.0 }));
    const batchOfVectors = torch.rand([4, 64]);
    const normalizedBatchOfVectors = F.normalize(batchOfVectors, { p: 2.0, dim: 1 });
    return { normalized: normalizedVector, old, batch: normalizedBatchOfVectors.index(':', ':5'), norms: torch.norm(normalizedBatchOfVectors, { dim: 1 }) };
  },

  // S1 "one Linear + torch.chunk instead of three Linear layers"
  s1_linear_chunk: () => {
    const d = 1024;
    const batch = torch.rand([8, d]);
    const layers = [new nn.Linear(d, 128, { bias: false }), new nn.Linear(d, 128, { bias: false }), new nn.Linear(d, 128, { bias: false })];
    const oneLayer = new nn.Linear(d, 128 * 3, { bias: false });
    const o1 = layers[0]!.call(batch);
    const o2 = layers[1]!.call(batch);
    const o3 = layers[2]!.call(batch);
    const [p1, p2, p3] = torch.chunk(oneLayer.call(batch), 3, { dim: 1 }) as [Tensor, Tensor, Tensor];
    return { o: [o1, o2, o3].map((o) => o.index(':2', ':8')), p: [p1, p2, p3].map((p) => p.index(':2', ':8')),
      shapes: [p1.shape, p2.shape, p3.shape], contiguous: p1.isContiguous() };
  },

  // S1 "F.interpolate in the forward pass: bilinear and bicubic, scale_factor=2.0, gradients flow"
  s1_interpolate: () => {
    const img = torch.rand(3, 6, 6);
    const up = F.interpolate(img.unsqueeze(0), { mode: 'bilinear', scaleFactor: 2.0, alignCorners: false }).squeeze(0);
    const x = img.unsqueeze(0).requiresGrad_();
    const bicubic = F.interpolate(x, { mode: 'bicubic', scaleFactor: 2.0, alignCorners: false });
    bicubic.mul(torch.arange(12, { dtype: torch.float32 })).sum().backward();
    return { bilinear: up, bicubic, grad: x.grad, grad_fn: bicubic.gradFn!.name() };
  },

  // S1 "nn.CrossEntropyLoss == F.log_softmax + nn.NLLLoss"
  s1_cross_entropy_equivalence: () => {
    const x = torch.randn(5, 4);
    const y = torch.randint(0, 4, [5]);
    const ce = new nn.CrossEntropyLoss().call(x, y);
    const nll = new nn.NLLLoss().call(F.logSoftmax(x, { dim: 1 }), y);
    return { ce, nll, equal: torch.equal(ce, nll) };
  },

  // S1 "in-place activation: x = torch.nn.functional.relu(x, inplace=True)"
  s1_relu_inplace: () => {
    let x = torch.randn(2, 5);
    const x0 = x;
    x = torch.nn.functional.relu(x, { inplace: true });
    const r = new nn.ReLU({ inplace: true });
    return { x, same: x === x0, repr: String(r), module_out: r.call(torch.randn(3)) };
  },

  // S1 "model.eval() vs torch.no_grad(): Dropout and BatchNorm change, autograd does not"
  s1_eval_vs_no_grad: () => {
    const model = new nn.Sequential(new nn.Linear(4, 6), new nn.BatchNorm1d(6), new nn.Dropout(0.5), new nn.Linear(6, 2));
    const x = torch.randn(8, 4);
    const trainOut = model.call(x);
    const noGradOut = torch.noGrad(() => model.call(x));
    model.eval();
    const evalOut = model.call(x);
    return { train: trainOut, no_grad: noGradOut, no_grad_requires_grad: noGradOut.requiresGrad, eval: evalOut,
      eval_requires_grad: evalOut.requiresGrad, running_mean: at<nn.BatchNorm1d>(model, 1).running_mean, training: model.modules().map((m) => m.training) };
  },

  // S1 "half precision: model.half() (and model.double(), model.float()) converts parameters and buffers, not integer buffers"
  s1_half: () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3));
    const x = torch.randn(5, 4);
    model.half();
    const outHalf = model.call(x.half());
    const dtypesHalf = Object.values(model.stateDict()).map((v) => v.dtype);
    model.double();
    const outDouble = model.call(x.double());
    model.float();
    return { out_half: outHalf, dtypes_half: dtypesHalf, out_double: outDouble,
      dtypes_float: Object.values(model.stateDict()).map((v) => v.dtype), running_var: at<nn.BatchNorm1d>(model, 1).running_var };
  },

  // S1 "model.zero_grad() clears every parameter's gradient (set_to_none)"
  s1_zero_grad: () => {
    const model = new nn.Sequential(new nn.Linear(3, 3), new nn.Tanh(), new nn.Linear(3, 1));
    model.call(torch.randn(2, 3)).sum().backward();
    const had = model.parameters().map((p) => p.grad !== null);
    model.zeroGrad();
    const none = model.parameters().map((p) => p.grad === null);
    model.call(torch.randn(2, 3)).sum().backward();
    model.zeroGrad({ setToNone: false });
    return { had, none, zeros: grads(model) };
  },

  // S1 "F.one_hot(tensor) and F.one_hot(tensor, num_classes=5)"
  s1_one_hot: () => {
    const tensor = torch.arange(0, 5).remainder(3); // tensor([0, 1, 2, 0, 1])
    const oneHot = F.oneHot(tensor);
    const oneHot5 = F.oneHot(tensor, { numClasses: 5 });
    return { one_hot: oneHot, one_hot5: oneHot5, error: errorOf(() => F.oneHot(tensor, { numClasses: 2 })) };
  },

  // S1 "gradient accumulation: 4 backward passes sum their gradients, scaled_loss += loss.item()"
  s1_grad_accumulation: () => {
    const model = new nn.Linear(3, 1);
    const [xs, ys] = [torch.randn(4, 2, 3), torch.randn(4, 2, 1)];
    model.zeroGrad();
    let scaledLoss = 0;
    for (let accumulatedStepI = 0; accumulatedStepI < 4; accumulatedStepI++) {
      const out = model.call(xs.index(accumulatedStepI));
      const loss = F.mseLoss(out, ys.index(accumulatedStepI));
      loss.backward();
      scaledLoss += loss.item();
    }
    const actualLoss = scaledLoss / 4;
    return { grad: model.weight.grad, bias_grad: model.bias!.grad, actual_loss: actualLoss };
  },

  // S1 "nn.init on a Sequential's layer: init.xavier_uniform(net1[0].weight), then a loop over net1.modules()"
  s1_init_net1: () => {
    const net1 = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    init.xavierUniform_(at<nn.Linear>(net1, 0).weight);
    for (const layer of net1.modules()) if (layer instanceof nn.Linear) init.normal_(layer.bias!, 0, 0.5); // 判断是否是线性层
    return { w0: at<nn.Linear>(net1, 0).weight, b0: at<nn.Linear>(net1, 0).bias, b2: at<nn.Linear>(net1, 2).bias };
  },

  // S1 "optimizer-free checkpoint dict: {'best_acc', 'epoch', 'model': model.state_dict()} saved and resumed"
  s1_resume_checkpoint: () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
    model.call(torch.randn(5, 3));
    let checkpoint: Record<string, unknown> = { best_acc: 0.75, epoch: 3, model: model.stateDict() };
    const modelPath = join(TMP, 'checkpoint.pth.tar');
    torch.save(checkpoint, modelPath);
    const model2 = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
    checkpoint = torch.load(modelPath) as Record<string, unknown>;
    const bestAcc = checkpoint.best_acc;
    const startEpoch = checkpoint.epoch;
    model2.loadStateDict(checkpoint.model as Record<string, Tensor>);
    return { best_acc: bestAcc, start_epoch: startEpoch, running_mean: at<nn.BatchNorm1d>(model2, 1).running_mean,
      weight: at<nn.Linear>(model2, 0).weight, tracked: at<nn.BatchNorm1d>(model2, 1).num_batches_tracked };
  },

  // S1 "tuning tips 7-17 as a model: Embedding + Dropout, 2-layer LSTM/GRU with orthogonal weight_hh, LayerNorm, clip_grad_norm"
  s1_tuning_tips_rnn: () => {
    const tokens = torch.randint(0, 50, [3, 7]);
    const labels = torch.randint(0, 4, [3]);
    const out: Outputs = {};
    let model!: TextRNN;
    for (const rnnType of ['lstm', 'gru']) {
      model = new TextRNN(rnnType);
      const loss = F.crossEntropy(model.call(tokens), labels);
      loss.backward();
      const norm = nn.utils.clipGradNorm_(model.parameters(), 1.0);
      out[rnnType + '_loss'] = loss;
      out[rnnType + '_norm'] = norm;
      out[rnnType + '_grad_emb'] = model.embedding.weight.grad!.index(tokens.index(0, 0));
      out[rnnType + '_weight_hh_l1'] = (model.rnn as unknown as { weight_hh_l1: Tensor }).weight_hh_l1.index(':4');
      out[rnnType + '_keys'] = Object.keys(model.stateDict());
    }
    out.repr = String(model);
    return out;
  },

  // S2 "MNIST Net: conv1, conv2, Dropout2d, fc1, fc2, F.log_softmax; train and eval outputs"
  s2_net: () => {
    const model = new Net();
    const data = torch.randn(3, 1, 28, 28);
    const outTrain = model.call(data);
    model.eval();
    const outEval = model.call(data);
    return { repr: String(model), train: outTrain, eval: outEval, keys: Object.keys(model.stateDict()) };
  },

  // S2 "training step: F.nll_loss(output, target), loss.backward(), train_losses.append(loss.item())"
  s2_train_step: () => {
    const model = new Net();
    const trainLoader = [0, 1].map(() => [torch.randn(4, 1, 28, 28), torch.randint(0, 10, [4])] as const);
    model.train();
    const trainLosses: number[] = [];
    for (const [, [data, target]] of trainLoader.entries()) {
      model.zeroGrad();
      const output = model.call(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      trainLosses.push(loss.item());
    }
    return { train_losses: trainLosses, fc2_grad: model.fc2.weight.grad, conv1_grad: model.conv1.weight.grad!.index(0, 0), fc1_bias_grad: model.fc1.bias!.grad };
  },

  // S2 "test loop: inference_mode, nll_loss(reduction='sum'), argmax(1, keepdim=True), pred.eq(target.view_as(pred))"
  s2_test_loop: () => {
    const model = new Net();
    const testLoader = [0, 1].map(() => [torch.randn(4, 1, 28, 28), torch.randint(0, 10, [4])] as const);
    model.eval();
    let [testLoss, correct] = [0, 0];
    let pred!: Tensor;
    let output!: Tensor;
    torch.inferenceMode(() => {
      for (const [data, target] of testLoader) {
        output = model.call(data);
        testLoss += F.nllLoss(output, target, { reduction: 'sum' }).item();
        pred = output.argmax(1, { keepdim: true });
        correct += pred.eq(target.viewAs(pred)).sum().item();
      }
    });
    testLoss /= 8;
    const acc = correct / 8;
    return { test_loss: testLoss, acc, pred, inference: output.isInference() };
  },

  // S2 "forward with several arguments and control flow: forward(self, x, hx, drop=False)"
  s2_forward_args: () => {
    const model = new RNNNet(true);
    const [x, hx] = [torch.randn(2, 3), torch.randn(2, 4)];
    const big = torch.full([2, 4], 11.0, { dtype: torch.float32 }); // JS cannot tell 11.0 from 11
    return { default: model.call(x, hx), drop: model.call(x, hx, true), big: model.call(x, big), repr: String(model) };
  },

  // S3 "model/submodules.py conv2d_bn_relu + up_conv2d (Upsample nearest) in a model; train.py compute_metrics l1 loss"
  s3_submodules: () => {
    const model = new CustomFcn();
    const img = torch.randn(2, 3, 6, 6);
    const label = torch.randn(2, 2, 8, 8);
    const pred = model.call(img);
    const metrics = computeMetrics(pred, label, true);
    const loss = metrics['train/l1']!;
    loss.backward();
    return { repr: String(model), pred: pred.index(0, 0), l1: loss, metric_keys: Object.keys(metrics),
      grad: at<nn.Conv2d>(model.custom_module, 0).weight.grad!.index(0) };
  },

  // S3 "utils/torch_utils.py load_match_dict: load the keys whose names and shapes match"
  s3_load_match_dict: () => {
    const pretrained = new CustomFcn();
    pretrained.fcn.registerModule('1', new nn.Conv2d(3, 5, 3, { padding: 1 })); // pretrained.fcn[1] = ...
    const sd = Object.fromEntries(Object.entries(pretrained.stateDict()).map(([k, v]) => [k.replace('custom_module.', 'custom_module.module.'), v]));
    torch.save(sd, join(TMP, 'pretrained.pth'));
    const model = new CustomFcn();
    const headBefore = at<nn.Conv2d>(model.fcn, 1).weight.clone();
    loadMatchDict(model, join(TMP, 'pretrained.pth'));
    return { custom_loaded: torch.equal(at<nn.Conv2d>(model.custom_module, 0).weight, at<nn.Conv2d>(pretrained.custom_module, 0).weight),
      bn_loaded: torch.equal(at<nn.BatchNorm2d>(model.custom_module, 1).running_var!, at<nn.BatchNorm2d>(pretrained.custom_module, 1).running_var!),
      head_kept: torch.equal(at<nn.Conv2d>(model.fcn, 1).weight, headBefore), saved_keys: Object.keys(sd) };
  },

  // S4 "hooks: SaveOutput stores the output of every Conv2d of a ResNet via register_forward_hook"
  s4_save_output_hooks: () => {
    const model = new TinyResNet();
    const saveOutput = new SaveOutput();
    const hookHandles: torch.RemovableHandle[] = [];
    for (const layer of model.modules()) {
      if (layer instanceof torch.nn.Conv2d) {
        const handle = layer.registerForwardHook(saveOutput.hook);
        hookHandles.push(handle);
      }
    }
    const image = torch.randn(1, 3, 8, 8);
    const out = model.call(image);
    const count = saveOutput.outputs.length;
    const [first, last] = [saveOutput.outputs[0]!, saveOutput.outputs.at(-1)!];
    for (const handle of hookHandles) handle.remove();
    saveOutput.clear();
    model.call(image);
    return { count, shapes: [first, last].map((o) => o.shape), first: first.index(0, 0), last: last.index(0, ':', 0, 0),
      after_remove: saveOutput.outputs.length, out };
  },

  // S4 "forward pre-hook modifies the input, forward hook the output (the hooks article's idea)"
  s4_pre_hook: () => {
    const layer = new nn.Linear(3, 2);
    const seen: number[] = [];
    const h1 = layer.registerForwardPreHook((_m: nn.Module, inp: Tensor[]) => [inp[0]!.mul(2)]);
    const h2 = layer.registerForwardHook((_m: nn.Module, inp: Tensor[]) => {
      seen.push(inp[0]!.sum().item());
    });
    const x = torch.ones(1, 3);
    const y = layer.call(x);
    h1.remove();
    h2.remove();
    return { y, seen, plain: layer.call(x) };
  },

  // S4 "pruning: prune.random_unstructured(nn.Conv2d(3, 16, 3), 'weight', 0.5)"
  s4_prune_random: () => {
    const conv = new nn.Conv2d(3, 16, 3);
    const module = prune.randomUnstructured(conv, 'weight', 0.5);
    const x = torch.randn(1, 3, 5, 5);
    const pruned = conv as unknown as { weight_mask: Tensor; weight: Tensor };
    const out = conv.call(x).index(0, ':2');
    // The forward pre-hook recomputes weight = weight_orig * weight_mask before every call.
    pruned.weight_mask.index(0).zero_();
    const outZeroMask = conv.call(x).index(0, 0);
    return { same: module === conv, params: conv.namedParameters().map(([n]) => n), buffers: conv.namedBuffers().map(([n]) => n),
      kept: pruned.weight_mask.sum(), mask: pruned.weight_mask.index(1), weight: pruned.weight.index(1, 0), out, out_zero_mask: outZeroMask,
      keys: Object.keys(conv.stateDict()) };
  },

  // S4 "pruning tutorial: l1_unstructured on bias, ln_structured on weight, prune.remove makes it permanent"
  s4_prune_l1_remove: () => {
    const module = new nn.Conv2d(2, 4, 3);
    prune.l1Unstructured(module, 'bias', 3); // name='bias', amount=3
    prune.lnStructured(module, 'weight', 0.5, 2, 0); // name='weight', amount=0.5, n=2, dim=0
    const maskedBias = module.bias!.clone();
    const weightMaskRows = (module as unknown as { weight_mask: Tensor }).weight_mask.sum([1, 2, 3]);
    prune.remove(module, 'weight');
    // The bias is still pruned by its pre-hook: with a mask of ones the next call restores bias_orig.
    const pruned = module as unknown as { bias_mask: Tensor; bias_orig: Tensor };
    pruned.bias_mask.fill_(1);
    module.call(torch.randn(1, 2, 3, 3));
    return { bias: maskedBias, rows: weightMaskRows, params: module.namedParameters().map(([n]) => n), buffers: module.namedBuffers().map(([n]) => n),
      weight: module.weight.index(':', 0, 0), bias_unmasked: module.bias, bias_orig: pruned.bias_orig };
  },
};

function compare(actual: unknown, exp: Enc | ErrorEnc, tol: Tol | undefined, path: string): void {
  if ('error' in exp) {
    expect(actual, `${path}: should be the error PyTorch raised (${exp.errorType}: ${exp.error})`).toBeInstanceOf(Error);
    expect((actual as Error).message, path).toContain(exp.error);
  } else if (tol && 'seq' in exp && Array.isArray(actual)) {
    expect(actual.length, `${path}: length`).toBe(exp.seq.length);
    exp.seq.forEach((e, i) => compare(actual[i], e, tol, `${path}[${i}]`));
  } else if (tol && 'num' in exp && typeof exp.num === 'number' && !Number.isInteger(exp.num)) {
    // A Python float from .item() of a BLAS result (a loss): within the tolerance on another CPU model.
    expect(typeof actual, `${path}: type`).toBe('number');
    expect(Math.abs((actual as number) - exp.num), path).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(exp.num));
  } else {
    check(actual, exp, tol, path);
  }
}

describe('seed snippets ported from Python give PyTorch 2.13 outputs', () => {
  it('has a port for every snippet of the fixture (and at least 40 of them)', () => {
    expect(Object.keys(PORTS).sort()).toEqual(Object.keys(fx.snippets).sort());
    expect(Object.keys(PORTS).length).toBeGreaterThanOrEqual(40);
  });

  for (const [id, snip] of Object.entries(fx.snippets)) {
    it(`${id}: ${snip.title}`, () => {
      const port = PORTS[id];
      expect(port, `no port for ${id}`).toBeTypeOf('function');
      const tol = sameCpu ? undefined : snip.tol;
      torch.tidy(() => {
        torch.manualSeed(0);
        const got = port!();
        expect(Object.keys(got).sort(), `${id}: output names`).toEqual(Object.keys(snip.outputs).sort());
        for (const [name, exp] of Object.entries(snip.outputs)) compare(got[name], exp, tol, `${id}.${name}`);
      });
    });
  }
});
