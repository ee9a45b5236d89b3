#!/usr/bin/env python3
"""Golden fixtures for test/seeds.test.ts: model and layer snippets of the five PyTorch articles in
/work/shared/seeds, run by Python torch 2.13. test/seeds.test.ts ports each snippet line by line to
torchnode and compares its outputs with what is recorded here.

Usage: .venv/bin/python scripts/make-seed-fixtures.py   (writes test/fixtures/seeds.json; deterministic)

The articles (ids are the seed file names):
  S0 000_3098c34d45a31159  PyTorch style guide (IgorSusmelj/pytorch-styleguide; its code blocks were lost in
                           the copy, so the snippets come from the original README, with `...` filled in)
  S1 001_4ed5124103ac7420  "DL专栏1-PyTorch Tricks": training template, common code snippets, tricks
  S2 002_a821ad60f72b7395  Hitchhiker's/Grokking PyTorch MNIST walkthrough (Kaixhin/grokking-pytorch README)
  S3 003_dedece4adb0a2d38  torch_base project template (ahangchen/torch_base: model/submodules.py, utils/torch_utils.py)
  S4 004_284b2d444b3656ad  5 advanced PyTorch tools: hooks, pruning

Each snippet runs right after torch.manual_seed(0) and returns a dict of named outputs: tensors
(dtype/shape/values), strings (reprs), key lists, counts, and errors ({"error": message}). Where an
article's code cannot run as printed (typos, pretrained torchvision weights, a 28th parameter of a
model with 10), the snippet is the smallest fix, and its `note` says what changed: the TS port makes
the same change. Outputs of snippets that run BLAS/oneDNN kernels (Linear, Conv) are bit-exact on the
CPU model that made them (meta.cpuModel); elsewhere the test allows float rounding (`tol`).
"""
import collections
import importlib.util
import os
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn import init  # noqa: E402
from torch.nn.utils import prune  # noqa: E402
from cpu_identity import cpu_model  # noqa: E402 (meta.cpuModel: model name and oneDNN ISA)

OUT = os.path.join(HERE, "..", "test", "fixtures", "seeds.json")
BLAS_TOL = {"rtol": 1e-5, "atol": 1e-6}  # for other CPU models only (see the docstring)
SOURCES = {
    "S0": "000_3098c34d45a31159.txt (PyTorch style guide)",
    "S1": "001_4ed5124103ac7420.txt (PyTorch Tricks collection)",
    "S2": "002_a821ad60f72b7395.txt (MNIST walkthrough, Grokking PyTorch)",
    "S3": "003_dedece4adb0a2d38.txt (torch_base project template)",
    "S4": "004_284b2d444b3656ad.txt (hooks, quantization, pruning, TorchScript)",
}
SNIPPETS = []
TMP = tempfile.mkdtemp(prefix="seed-fixtures-")


def snippet(source, title, blas=True, note=None):
    def deco(fn):
        SNIPPETS.append({"id": fn.__name__, "source": source, "title": title, "blas": blas, "note": note, "fn": fn})
        return fn
    return deco


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the expectation
        msg = e.args[0] if isinstance(e, KeyError) else str(e)
        return {"error": msg, "errorType": type(e).__name__}
    raise AssertionError("expected an error")


def enc(v):
    if isinstance(v, dict) and "error" in v:
        return v
    if isinstance(v, torch.Size):
        return {"seq": [{"num": n} for n in v]}
    if isinstance(v, (tuple, list)):
        return {"seq": [enc(e) for e in v]}
    if isinstance(v, torch.Tensor):
        return mf.enc_tensor(v)
    return mf.enc(v)


def grads(model):
    """Every parameter's .grad in named_parameters order (None where it has none)."""
    return [p.grad for _, p in model.named_parameters()]


# =============================================================================================
# S0: the style guide


class ConvBlock(nn.Module):
    def __init__(self):
        super(ConvBlock, self).__init__()
        self.block = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.BatchNorm2d(8)
        )

    def forward(self, x):
        return self.block(x)


class ResnetBlock(nn.Module):
    def __init__(self, dim, padding_type, norm_layer, use_dropout, use_bias):
        super(ResnetBlock, self).__init__()
        self.conv_block = self.build_conv_block(dim, padding_type, norm_layer, use_dropout, use_bias)

    def build_conv_block(self, dim, padding_type, norm_layer, use_dropout, use_bias):
        conv_block = []
        pad = {"reflect": [nn.ReflectionPad2d(1)], "replicate": [nn.ReplicationPad2d(1)], "zero": []}[padding_type]
        p = 1 if padding_type == "zero" else 0

        conv_block += pad + [nn.Conv2d(dim, dim, kernel_size=3, padding=p, bias=use_bias),
                             norm_layer(dim),
                             nn.ReLU()]
        if use_dropout:
            conv_block += [nn.Dropout(0.5)]

        conv_block += pad + [nn.Conv2d(dim, dim, kernel_size=3, padding=p, bias=use_bias),
                             norm_layer(dim)]

        return nn.Sequential(*conv_block)

    def forward(self, x):
        out = x + self.conv_block(x)
        return out


class SimpleNetwork(nn.Module):
    def __init__(self, num_resnet_blocks=6):
        super(SimpleNetwork, self).__init__()
        # here we add the individual layers
        layers = [ConvBlock()]
        for i in range(num_resnet_blocks):
            layers += [ResnetBlock(8, "zero", nn.BatchNorm2d, False, True)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


@snippet("S0", "ConvBlock + SimpleNetwork: layers in a list, nn.Sequential(*layers)",
         note="ConvBlock(...) filled in as Conv2d(3, 8, 3, padding=1); ResBlock(...) is the guide's ResnetBlock(8, 'zero', BatchNorm2d, False, True)")
def s0_simple_network():
    net = SimpleNetwork(num_resnet_blocks=2)
    x = torch.randn(2, 3, 8, 8)
    output = net(x)
    return {"repr": repr(net), "keys": list(net.state_dict().keys()), "output": output,
            "running_mean": net.net[1].conv_block[1].running_mean}


@snippet("S0", "ResnetBlock: skip connection in forward, reflection padding, InstanceNorm, dropout",
         note="build_conv_block(...) takes the pix2pix arguments (dim, padding_type, norm_layer, use_dropout, use_bias)")
def s0_resnet_block():
    block = ResnetBlock(4, "reflect", nn.InstanceNorm2d, True, False)
    x = torch.randn(2, 4, 6, 6, requires_grad=True)
    out = block(x)
    out.sum().backward()
    block.eval()
    out_eval = block(x)
    return {"repr": repr(block), "out": out, "x_grad": x.grad, "out_eval": out_eval,
            "conv_grad": block.conv_block[1].weight.grad}


def make_vgg_features(cfg):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


VGG_CFG = [4, 4, "M", 8, 8, "M", 8, 8, 8, 8, "M", 16, 16, 16, 16, "M", 16, 16, 16, 16, "M"]


class Vgg19(nn.Module):
    def __init__(self, requires_grad=False):
        super(Vgg19, self).__init__()
        vgg_pretrained_features = make_vgg_features(VGG_CFG)
        self.slice1 = torch.nn.Sequential()
        self.slice2 = torch.nn.Sequential()
        self.slice3 = torch.nn.Sequential()

        for x in range(7):
            self.slice1.add_module(str(x), vgg_pretrained_features[x])
        for x in range(7, 21):
            self.slice2.add_module(str(x), vgg_pretrained_features[x])
        for x in range(21, 30):
            self.slice3.add_module(str(x), vgg_pretrained_features[x])
        if not requires_grad:
            for param in self.parameters():
                param.requires_grad = False

    def forward(self, x):
        h_relu1 = self.slice1(x)
        h_relu2 = self.slice2(h_relu1)
        h_relu3 = self.slice3(h_relu2)
        out = [h_relu1, h_relu2, h_relu3]
        return out


@snippet("S0", "Vgg19: a network with several outputs, slices built with add_module, frozen weights",
         note="models.vgg19(pretrained=True).features is the VGG-19 layer list with 1/16 of the channels, randomly initialised")
def s0_vgg_slices():
    vgg = Vgg19()
    out = vgg(torch.randn(1, 3, 32, 32))
    return {"out": out, "slice1": repr(vgg.slice1), "trainable": sum(p.requires_grad for p in vgg.parameters()),
            "keys": list(vgg.state_dict().keys())}


class CustomLoss(nn.Module):

    def __init__(self):
        super(CustomLoss, self).__init__()

    def forward(self, x, y):
        loss = torch.mean((x - y)**2)
        return loss


@snippet("S0", "CustomLoss(nn.Module)", blas=False)
def s0_custom_loss():
    criterion = CustomLoss()
    x = torch.randn(4, 3, requires_grad=True)
    y = torch.randn(4, 3)
    loss = criterion(x, y)
    loss.backward()
    return {"loss": loss, "grad": x.grad, "repr": repr(criterion), "equals_mse": torch.equal(loss, F.mse_loss(x, y))}


@snippet("S0", "call the module (self.net(input)), not forward: hooks only run through __call__")
def s0_call_not_forward():
    net = nn.Linear(3, 2)
    net.register_forward_hook(lambda module, inp, out: out * 10)
    x = torch.randn(1, 3)
    return {"called": net(x), "forward": net.forward(x)}


# =============================================================================================
# S1: the tricks collection


class EarlyStopping():
    def __init__(self, patience=7, verbose=False, delta=0):
        self.patience = patience
        self.verbose = verbose
        self.counter = 0
        self.best_score = None
        self.early_stop = False
        self.val_loss_min = float("inf")
        self.delta = delta

    def __call__(self, val_loss, model, path):
        score = -val_loss
        if self.best_score is None:
            self.best_score = score
            self.save_checkpoint(val_loss, model, path)
        elif score < self.best_score + self.delta:
            self.counter += 1
            if self.counter >= self.patience:
                self.early_stop = True
        else:
            self.best_score = score
            self.save_checkpoint(val_loss, model, path)
            self.counter = 0

    def save_checkpoint(self, val_loss, model, path):
        torch.save(model.state_dict(), path + '/' + 'model_checkpoint.pth')
        self.val_loss_min = val_loss


@snippet("S1", "training template: EarlyStopping saves model.state_dict() at the best val_loss", blas=False,
         note="np.Inf is float('inf'); the prints are left out; the model is nn.Linear(30, 40) (the template's Your_model is empty)")
def s1_early_stopping():
    model = nn.Linear(30, 40)
    early_stopping = EarlyStopping(patience=2, verbose=True)
    stopped_at = -1
    for epoch, val_loss in enumerate([0.5, 0.4, 0.45, 0.3, 0.35, 0.36, 0.2]):
        with torch.no_grad():
            model.weight.add_(1)
        early_stopping(val_loss, model=model, path=TMP)
        if early_stopping.early_stop:
            stopped_at = epoch
            break
    saved = torch.load(TMP + '/model_checkpoint.pth')
    return {"stopped_at": stopped_at, "counter": early_stopping.counter, "val_loss_min": early_stopping.val_loss_min,
            "saved_keys": list(saved.keys()), "saved_weight": saved["weight"][0, :3]}


class Args():
    pass


class Your_model(nn.Module):
    def __init__(self, args):
        super(Your_model, self).__init__()
        self.net = nn.Sequential(nn.Linear(args.input_size, args.hidden_size), nn.ReLU(), nn.Linear(args.hidden_size, 1))

    def forward(self, x):
        x = self.net(x)
        return x


@snippet("S1", "training template: hyper-parameters as a class, Your_model, MSELoss, train/valid epochs with loss.item()",
         note="argparse() is Args(); Your_model's empty body is a 30-40-1 MLP; the Adam step and lr_adjust are issue 11; "
              "data comes from torch.randn instead of a Dataset; criterion(data_y, outputs) keeps the article's argument order")
def s1_template_training():
    args = Args()
    args.epochs, args.learning_rate, args.patience = [2, 0.001, 4]
    args.hidden_size, args.input_size = [40, 30]
    model = Your_model(args)
    criterion = torch.nn.MSELoss()
    train_dataloader = [(torch.randn(8, 30, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64)) for _ in range(2)]
    valid_dataloader = [(torch.randn(8, 30, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64))]
    train_loss, train_epochs_loss, valid_epochs_loss = [], [], []
    for epoch in range(args.epochs):
        model.train()
        train_epoch_loss = []
        for idx, (data_x, data_y) in enumerate(train_dataloader, 0):
            data_x = data_x.to(torch.float32)
            data_y = data_y.to(torch.float32)
            outputs = model(data_x)
            model.zero_grad()
            loss = criterion(data_y, outputs)
            loss.backward()
            train_epoch_loss.append(loss.item())
            train_loss.append(loss.item())
        train_epochs_loss.append(sum(train_epoch_loss) / len(train_epoch_loss))
        model.eval()
        valid_epoch_loss = []
        for idx, (data_x, data_y) in enumerate(valid_dataloader, 0):
            data_x = data_x.to(torch.float32)
            data_y = data_y.to(torch.float32)
            outputs = model(data_x)
            loss = criterion(outputs, data_y)
            valid_epoch_loss.append(loss.item())
        valid_epochs_loss.append(sum(valid_epoch_loss) / len(valid_epoch_loss))
    return {"train_loss": train_loss, "train_epochs_loss": train_epochs_loss, "valid_epochs_loss": valid_epochs_loss,
            "grad": model.net[2].weight.grad, "repr": repr(model)}


class ConvNet(nn.Module):
    def __init__(self, num_classes=10):
        super(ConvNet, self).__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer2 = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Linear(7*7*32, num_classes)

    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.reshape(out.size(0), -1)
        out = self.fc(out)
        return out


@snippet("S1", "ConvNet: two conv layers (Conv2d, BatchNorm2d, ReLU, MaxPool2d in Sequential) + Linear")
def s1_convnet():
    model = ConvNet(10)
    x = torch.randn(2, 1, 28, 28)
    out = model(x)
    model.eval()
    out_eval = model(x)
    return {"repr": repr(model), "out": out, "out_eval": out_eval, "running_var": model.layer2[1].running_var,
            "num_batches_tracked": model.layer1[1].num_batches_tracked}


@snippet("S1", "bilinear pooling + signed sqrt + F.normalize",
         note="torch.reshape(N, D, H * W) is torch.reshape(X, (N, D, H * W))")
def s1_bilinear_pooling():
    N, D, H, W = 2, 3, 4, 4
    X = torch.randn(N, D, H, W)
    X = torch.reshape(X, (N, D, H * W))                   # Assume X has shape N*D*H*W
    X = torch.bmm(X, torch.transpose(X, 1, 2)) / (H * W)  # Bilinear pooling
    assert X.size() == (N, D, D)
    X = torch.reshape(X, (N, D * D))
    X = torch.sign(X) * torch.sqrt(torch.abs(X) + 1e-5)   # Signed-sqrt normalization
    X = torch.nn.functional.normalize(X)                  # L2 normalization
    return {"X": X}


@snippet("S1", "nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats): one process = BatchNorm")
def s1_sync_bn():
    num_features = 4
    sync_bn = torch.nn.SyncBatchNorm(num_features, eps=1e-05, momentum=0.1, affine=True,
                                     track_running_stats=True)
    x = torch.randn(2, num_features, 3, 3)
    y = sync_bn(x)
    return {"repr": repr(sync_bn), "y": y, "running_mean": sync_bn.running_mean, "same_as_bn": torch.equal(y, F.batch_norm(x, None, None, training=True))}


def convertBNtoSyncBN(module, process_group=None):
    '''Recursively replace all BN layers to SyncBN layer.'''
    if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
        sync_bn = torch.nn.SyncBatchNorm(module.num_features, module.eps, module.momentum,
                                         module.affine, module.track_running_stats, process_group)
        sync_bn.running_mean = module.running_mean
        sync_bn.running_var = module.running_var
        if module.affine:
            sync_bn.weight = torch.nn.Parameter(module.weight.clone().detach())
            sync_bn.bias = torch.nn.Parameter(module.bias.clone().detach())
        return sync_bn
    else:
        for name, child_module in module.named_children():
            setattr(module, name, convertBNtoSyncBN(child_module, process_group=process_group))
        return module


@snippet("S1", "convertBNtoSyncBN: replace every BN layer recursively with setattr",
         note="setattr(module, name) = convert_syncbn_model(...) is setattr(module, name, convertBNtoSyncBN(...)); weight/bias wrapped in nn.Parameter (a plain tensor cannot replace a parameter)")
def s1_convert_bn_to_sync_bn():
    model = ConvNet(10)
    model.layer1[1].running_mean.add_(0.5)
    bn_mean = model.layer1[1].running_mean
    model = convertBNtoSyncBN(model)
    x = torch.randn(2, 1, 28, 28)
    model.eval()
    return {"repr": repr(model), "shares_running_mean": model.layer1[1].running_mean is bn_mean,
            "keys": list(model.state_dict().keys()), "out": model(x)}


class BN(torch.nn.Module):
    def __init__(self, num_features, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('running_mean', torch.zeros(num_features))

    def forward(self, X):
        current = X.mean(dim=0)
        self.running_mean += self.momentum * (current - self.running_mean)
        return X - current


@snippet("S1", "BN-like moving average: register_buffer + in-place update in forward", blas=False,
         note="the elided parts (...) are filled with a mean over the batch")
def s1_bn_moving_average():
    bn = BN(3)
    for _ in range(3):
        out = bn(torch.randn(4, 3))
    return {"running_mean": bn.running_mean, "out": out, "keys": list(bn.state_dict().keys()),
            "buffers": [n for n, _ in bn.named_buffers()]}


@snippet("S1", "count parameters: sum(torch.numel(parameter) for parameter in model.parameters())", blas=False)
def s1_count_parameters():
    model = ConvNet(10)
    num_parameters = sum(torch.numel(parameter) for parameter in model.parameters())
    return {"num_parameters": num_parameters, "count": len(list(model.parameters()))}


@snippet("S1", "list(model.named_parameters()): (name, param) = params[i], param.grad",
         note="ConvNet has 10 parameters: indexes 28, 29, 30 are 4, 5, 8")
def s1_named_parameters_grad():
    model = ConvNet(10)
    model(torch.randn(2, 1, 28, 28)).sum().backward()
    params = list(model.named_parameters())
    (name, param) = params[4]
    (name2, param2) = params[5]
    (name1, param1) = params[8]
    return {"names": [name, name2, name1], "grads": [param.grad[0, 0], param2.grad, param1.grad[:, :6]]}


@snippet("S1", "weight init loop over model.modules(): kaiming_normal_ (fan_out, relu), constant_, xavier_normal_", blas=False)
def s1_init_loop():
    model = ConvNet(10)
    # Common practise for initialization.
    for layer in model.modules():
        if isinstance(layer, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(layer.weight, mode='fan_out',
                                          nonlinearity='relu')
            if layer.bias is not None:
                torch.nn.init.constant_(layer.bias, val=0.0)
        elif isinstance(layer, torch.nn.BatchNorm2d):
            torch.nn.init.constant_(layer.weight, val=1.0)
            torch.nn.init.constant_(layer.bias, val=0.0)
        elif isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_normal_(layer.weight)
            if layer.bias is not None:
                torch.nn.init.constant_(layer.bias, val=0.0)
    sd = model.state_dict()
    return {"conv1": sd["layer1.0.weight"], "conv1_bias": sd["layer1.0.bias"], "bn_weight": sd["layer2.1.weight"],
            "fc": sd["fc.weight"][:2, :64], "fc_std": sd["fc.weight"].std()}


@snippet("S1", "initialization with a given tensor: layer.weight = torch.nn.Parameter(tensor)", blas=False)
def s1_init_given_tensor():
    layer = nn.Linear(3, 2)
    tensor = torch.arange(6.0).reshape(2, 3)
    # Initialization with given tensor.
    layer.weight = torch.nn.Parameter(tensor)
    return {"weight": layer.state_dict()["weight"], "is_param": isinstance(layer.weight, nn.Parameter),
            "requires_grad": layer.weight.requires_grad, "count": len(list(layer.parameters())),
            "out": layer(torch.ones(1, 3))}


@snippet("S1", "first two layers: nn.Sequential(*list(model.children())[:2])",
         note="the missing closing parenthesis is added")
def s1_first_two_layers():
    model = ConvNet(10)
    new_model = nn.Sequential(*list(model.children())[:2])
    out = new_model(torch.randn(1, 1, 28, 28))
    return {"repr": repr(new_model), "out": out[0, 0], "shape": out.shape, "shares": new_model[0] is model.layer1}


@snippet("S1", "collect conv layers: conv_model.add_module(layer[0], layer[1]) over model.named_modules()",
         note="as printed it raises (names have dots); the fixed loop replaces '.' with '_'")
def s1_collect_conv_layers():
    model = ConvNet(10)
    conv_model = nn.Sequential()

    def as_printed():
        for layer in model.named_modules():
            if isinstance(layer[1], nn.Conv2d):
                conv_model.add_module(layer[0], layer[1])
    err = error_of(as_printed)
    for layer in model.named_modules():
        if isinstance(layer[1], nn.Conv2d):
            conv_model.add_module(layer[0].replace('.', '_'), layer[1])
    return {"error": err, "repr": repr(conv_model), "names": [n for n, _ in conv_model.named_children()]}


@snippet("S1", "partial pretrained weights: model.load_state_dict(torch.load('model.pth'), strict=False)",
         note="model.pth holds the ConvNet state_dict without fc.bias and with one extra key")
def s1_load_strict_false():
    pretrained = ConvNet(10)
    sd = pretrained.state_dict()
    del sd["fc.bias"]
    sd["head.weight"] = torch.ones(2)
    torch.save(sd, os.path.join(TMP, "model.pth"))
    model = ConvNet(10)
    bias_before = model.fc.bias.clone()
    result = model.load_state_dict(torch.load(os.path.join(TMP, "model.pth")), strict=False)
    return {"missing": result.missing_keys, "unexpected": result.unexpected_keys,
            "loaded": torch.equal(model.layer1[0].weight, pretrained.layer1[0].weight),
            "bias_kept": torch.equal(model.fc.bias, bias_before),
            "strict_error": error_of(lambda: model.load_state_dict(torch.load(os.path.join(TMP, "model.pth"))))}


@snippet("S1", "classification test code: model.eval(), torch.no_grad(), torch.max(outputs.data, 1)")
def s1_test_accuracy():
    model = ConvNet(10)
    test_loader = [(torch.randn(4, 1, 28, 28), torch.randint(0, 10, (4,))) for _ in range(2)]
    model.eval()
    with torch.no_grad():
        correct = 0
        total = 0
        for images, labels in test_loader:
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return {"total": total, "correct": correct, "accuracy": 100 * correct / total, "predicted": predicted,
            "requires_grad": outputs.requires_grad}


class MyLoss(torch.nn.Module):
    def __init__(self):
        super(MyLoss, self).__init__()

    def forward(self, x, y):
        loss = torch.mean((x - y) ** 2)
        return loss


@snippet("S1", "classification training step: nn.CrossEntropyLoss, forward, backward (optimizer left out)")
def s1_train_step():
    model = ConvNet(10)
    criterion = nn.CrossEntropyLoss()
    images, labels = torch.randn(4, 1, 28, 28), torch.randint(0, 10, (4,))
    outputs = model(images)
    loss = criterion(outputs, labels)
    model.zero_grad()
    loss.backward()
    return {"loss": loss, "fc_grad": model.fc.weight.grad[:, :8], "conv_grad": model.layer1[0].weight.grad[0],
            "bias_grad": model.layer2[0].bias.grad}


@snippet("S1", "custom loss: class MyLoss(torch.nn.Module)", blas=False,
         note="torch.nn.Moudle is torch.nn.Module")
def s1_my_loss():
    x = torch.randn(3, 4, requires_grad=True)
    y = torch.randn(3, 4)
    loss = MyLoss()(x, y)
    loss.backward()
    return {"loss": loss, "grad": x.grad}


class LSR(nn.Module):

    def __init__(self, e=0.1, reduction='mean'):
        super().__init__()

        self.log_softmax = nn.LogSoftmax(dim=1)
        self.e = e
        self.reduction = reduction

    def _one_hot(self, labels, classes, value=1):
        one_hot = torch.zeros(labels.size(0), classes)

        # labels and value_added  size must match
        labels = labels.view(labels.size(0), -1)
        value_added = torch.Tensor(labels.size(0), 1).fill_(value)

        value_added = value_added.to(labels.device)
        one_hot = one_hot.to(labels.device)

        one_hot.scatter_add_(1, labels, value_added)

        return one_hot

    def _smooth_label(self, target, length, smooth_factor):
        one_hot = self._one_hot(target, length, value=1 - smooth_factor)
        one_hot += smooth_factor / (length - 1)

        return one_hot.to(target.device)

    def forward(self, x, target):

        if x.size(0) != target.size(0):
            raise ValueError('Expected input batchsize ({}) to match target batch_size({})'
                             .format(x.size(0), target.size(0)))

        if x.dim() < 2:
            raise ValueError('Expected input tensor to have least 2 dimensions(got {})'
                             .format(x.size(0)))

        if x.dim() != 2:
            raise ValueError('Only 2 dimension tensor are implemented, (got {})'
                             .format(x.size()))

        smoothed_target = self._smooth_label(target, x.size(1), self.e)
        x = self.log_softmax(x)
        loss = torch.sum(- x * smoothed_target, dim=1)

        if self.reduction == 'none':
            return loss

        elif self.reduction == 'sum':
            return torch.sum(loss)

        elif self.reduction == 'mean':
            return torch.mean(loss)

        else:
            raise ValueError('unrecognized option, expect reduction to be one of none, mean, sum')


@snippet("S1", "label smoothing module LSR (label_smoothing.py)", blas=False)
def s1_label_smoothing_lsr():
    x = torch.randn(4, 5, requires_grad=True)
    target = torch.randint(0, 5, (4,))
    loss = LSR()(x, target)
    loss.backward()
    return {"mean": loss, "grad": x.grad, "none": LSR(reduction='none')(x, target), "sum": LSR(0.2, 'sum')(x, target),
            "batch_error": error_of(lambda: LSR()(x, target[:3])),
            "dim_error": error_of(lambda: LSR()(x.reshape(4, 5, 1), target)),
            "reduction_error": error_of(lambda: LSR(reduction='max')(x, target))}


@snippet("S1", "label smoothing inside the training loop: torch.full + scatter_ + log_softmax",
         note="model is nn.Linear(6, C); .cuda() left out")
def s1_label_smoothing_inline():
    C = 5
    model = nn.Linear(6, C)
    train_loader = [(torch.randn(4, 6), torch.randint(0, C, (4,)))]
    for images, labels in train_loader:
        N = labels.size(0)
        # C is the number of classes.
        smoothed_labels = torch.full(size=(N, C), fill_value=0.1 / (C - 1))
        smoothed_labels.scatter_(dim=1, index=torch.unsqueeze(labels, dim=1), value=0.9)

        score = model(images)
        log_prob = torch.nn.functional.log_softmax(score, dim=1)
        loss = -torch.sum(log_prob * smoothed_labels) / N
        model.zero_grad()
        loss.backward()
    return {"smoothed_labels": smoothed_labels, "loss": loss, "weight_grad": model.weight.grad, "bias_grad": model.bias.grad}


@snippet("S1", "mixup training: mixed images, loss = lambda * loss(a) + (1 - lambda) * loss(b)",
         note="lambda_ = beta_distribution.sample([]).item() is fixed at 0.3 (torch.distributions is not in torchnode yet)")
def s1_mixup():
    model = nn.Linear(6, 3)
    loss_function = nn.CrossEntropyLoss()
    images, labels = torch.randn(4, 6), torch.randint(0, 3, (4,))
    # Mixup images and labels.
    lambda_ = 0.3
    index = torch.randperm(images.size(0))
    mixed_images = lambda_ * images + (1 - lambda_) * images[index, :]
    label_a, label_b = labels, labels[index]

    # Mixup loss.
    scores = model(mixed_images)
    loss = (lambda_ * loss_function(scores, label_a)
            + (1 - lambda_) * loss_function(scores, label_b))
    model.zero_grad()
    loss.backward()
    return {"index": index, "mixed": mixed_images, "loss": loss, "grad": model.weight.grad}


@snippet("S1", "L1 regularization: loss += torch.sum(torch.abs(param)) for every parameter",
         note="loss is the cross-entropy of nn.Linear(5, 3); l1_regularization (unused in the article) is left in")
def s1_l1_regularization():
    model = nn.Linear(5, 3)
    x, y = torch.randn(4, 5), torch.randint(0, 3, (4,))
    l1_regularization = torch.nn.L1Loss(reduction='sum')
    loss = F.cross_entropy(model(x), y)  # Standard cross-entropy loss
    for param in model.parameters():
        loss += torch.sum(torch.abs(param))
    loss.backward()
    return {"loss": loss, "weight_grad": model.weight.grad, "bias_grad": model.bias.grad, "l1": repr(l1_regularization)}


@snippet("S1", "no weight decay on biases: split named_parameters by name[-4:] == 'bias'", blas=False,
         note="the SGD step is issue 11; the groups' contents are compared")
def s1_no_bias_decay():
    model = ConvNet(10)
    bias_list = (param for name, param in model.named_parameters() if name[-4:] == 'bias')
    others_list = (param for name, param in model.named_parameters() if name[-4:] != 'bias')
    parameters = [{'parameters': list(bias_list), 'weight_decay': 0},
                  {'parameters': list(others_list)}]
    return {"bias_shapes": [list(p.shape) for p in parameters[0]["parameters"]],
            "other_shapes": [list(p.shape) for p in parameters[1]["parameters"]]}


@snippet("S1", "gradient clipping: torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=20)")
def s1_clip_grad_norm():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    (model(torch.randn(3, 4)) * 1000).sum().backward()
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=20)
    after = torch.sqrt(sum(p.grad.pow(2).sum() for p in model.parameters()))
    return {"total_norm": total_norm, "grads": grads(model), "after": after}


@snippet("S1", "gradient clipping with norm_type=2 and inf (nn.utils.clip_grad_norm_ arguments)")
def s1_clip_grad_norm_type():
    model = nn.Linear(4, 3)
    loss_fn = nn.MSELoss()
    outputs = model(torch.randn(5, 4))
    loss = loss_fn(outputs, torch.randn(5, 3) * 100)
    loss.backward()
    n2 = nn.utils.clip_grad_norm_(model.parameters(), max_norm=20, norm_type=2)
    g2 = [p.grad.clone() for p in model.parameters()]
    ninf = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1, norm_type=float('inf'))
    return {"norm2": n2, "grads2": g2, "norminf": ninf, "gradsinf": grads(model)}


@snippet("S1", "ResNet GAP feature: nn.Sequential(collections.OrderedDict(list(model.named_children())[:-1]))",
         note="resnet18(pretrained=True) is the ConvNet above")
def s1_feature_sequential():
    model = ConvNet(10)
    model = torch.nn.Sequential(collections.OrderedDict(
        list(model.named_children())[:-1]))
    image = torch.randn(1, 1, 28, 28)
    with torch.no_grad():
        model.eval()
        conv_representation = model(image)
    return {"repr": repr(model), "out": conv_representation[0, :4], "shape": conv_representation.shape,
            "keys": list(model.state_dict().keys())[:4]}


class FeatureExtractor(torch.nn.Module):
    """Helper class to extract several convolution features from the given pre-trained model."""
    def __init__(self, pretrained_model, layers_to_extract):
        torch.nn.Module.__init__(self)
        self._model = pretrained_model
        self._model.eval()
        self._layers_to_extract = set(layers_to_extract)

    def forward(self, x):
        with torch.no_grad():
            conv_representation = []
            for name, layer in self._model.named_children():
                x = layer(x)
                if name in self._layers_to_extract:
                    conv_representation.append(x)
            return conv_representation


@snippet("S1", "FeatureExtractor: run named_children in order, keep the outputs of chosen layers",
         note="the pretrained model is the ConvNet without fc, as above")
def s1_feature_extractor():
    model = ConvNet(10)
    model = torch.nn.Sequential(collections.OrderedDict(list(model.named_children())[:-1]))
    conv_representation = FeatureExtractor(
        pretrained_model=model,
        layers_to_extract={'layer1', 'layer2'})(torch.randn(1, 1, 28, 28))
    return {"count": len(conv_representation), "layer1": conv_representation[0][0, 0, :2],
            "layer2": conv_representation[1][0, :2, 0], "training": model.training}


@snippet("S1", "fine-tune the last layer: freeze all, model.fc = nn.Linear(512, 100)",
         note="resnet18 is the ConvNet; fc = nn.Linear(7*7*32, 100); the SGD step is issue 11")
def s1_finetune_fc():
    model = ConvNet(10)
    for param in model.parameters():
        param.requires_grad = False
    model.fc = nn.Linear(7*7*32, 100)  # Replace the last fc layer
    model(torch.randn(2, 1, 28, 28)).sum().backward()
    return {"requires_grad": [p.requires_grad for p in model.parameters()],
            "has_grad": [p.grad is not None for p in model.parameters()],
            "fc_bias_grad": model.fc.bias.grad, "trainable": [n for n, p in model.named_parameters() if p.requires_grad],
            "keys": list(model.state_dict().keys())}


@snippet("S1", "bigger lr for fc: finetuned_parameters = list(map(id, model.fc.parameters())); conv_parameters", blas=False,
         note="id(p) is the parameter object itself (a Set) in JS")
def s1_fc_param_groups():
    model = ConvNet(10)
    finetuned_parameters = list(map(id, model.fc.parameters()))
    conv_parameters = (p for p in model.parameters() if id(p) not in finetuned_parameters)
    parameters = [{'params': list(conv_parameters), 'lr': 1e-3},
                  {'params': list(model.fc.parameters())}]
    return {"sizes": [len(g["params"]) for g in parameters], "numels": [sum(p.numel() for p in g["params"]) for g in parameters]}


class VGG16Part(nn.Module):
    def __init__(self):
        super().__init__()
        self.convolution1_1 = nn.Conv2d(3, 4, 3)
        self.convolution1_2 = nn.Conv2d(4, 4, 3)
        self.convolution2_1 = nn.Conv2d(4, 8, 3)
        self.convolution2_2 = nn.Conv2d(8, 8, 3)


class CNNPart(nn.Module):
    def __init__(self):
        super().__init__()
        self.VGG_16 = VGG16Part()


class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.cnn = CNNPart()


@snippet("S1", "freeze layers by name: value.requires_grad = False for names in no_grad; filter(lambda p: p.requires_grad)", blas=False,
         note="Network() is a model with the article's parameter names (cnn.VGG_16.convolution1_1 ...)")
def s1_freeze_by_name():
    net = Network()
    no_grad = [
        'cnn.VGG_16.convolution1_1.weight',
        'cnn.VGG_16.convolution1_1.bias',
        'cnn.VGG_16.convolution1_2.weight',
        'cnn.VGG_16.convolution1_2.bias']
    for name, value in net.named_parameters():
        if name in no_grad:
            value.requires_grad = False
        else:
            value.requires_grad = True
    lines = ['name: {0},\t grad: {1}'.format(name, value.requires_grad) for name, value in net.named_parameters()]
    trainable = list(filter(lambda p: p.requires_grad, net.parameters()))
    return {"lines": lines, "trainable": len(trainable), "repr": repr(net)}


@snippet("S1", "different lr per layer: split named_parameters on 'convolution1' in name", blas=False)
def s1_layer_lr_split():
    net = Network()
    conv1_params = []
    conv2_params = []

    for name, parms in net.named_parameters():
        if "convolution1" in name:
            conv1_params += [parms]
        else:
            conv2_params += [parms]
    return {"conv1": [list(p.shape) for p in conv1_params], "conv2": [list(p.shape) for p in conv2_params],
            "names": [name for name, _ in net.named_parameters()]}


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 8, 5)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.bn(x)
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


@snippet("S1", "TheModelClass: print each state_dict key and size; forward reaches the undefined self.fc3",
         note="the forward error is checked as any error (Python: AttributeError naming fc3; JS: TypeError reading undefined)")
def s1_state_dict_sizes():
    model = TheModelClass()
    lines = [f"{param_tensor}\t{list(model.state_dict()[param_tensor].size())}" for param_tensor in model.state_dict()]
    err = error_of(lambda: model(torch.randn(1, 3, 32, 32)))
    return {"lines": lines, "forward_error": {"error": "", "errorType": err["errorType"]},
            "bn_after_failed_forward": model.bn.num_batches_tracked}


class ModuleWithCustomValues(nn.Module):
    def __init__(self, weights, alpha):
        super().__init__()
        self.register_buffer("weights", torch.tensor(weights))
        self.register_buffer("alpha", torch.tensor(alpha))

    def forward(self, x):
        return x * self.weights + self.alpha


@snippet("S1", "register_buffer: ModuleWithCustomValues(weights=[1.0, 2.0], alpha=1e-4)", blas=False)
def s1_register_buffer():
    m = ModuleWithCustomValues(
        weights=[1.0, 2.0], alpha=1e-4
    )
    out = m(torch.tensor([1.23, 4.56]))
    return {"out": out, "keys": list(m.state_dict().keys()), "params": len(list(m.parameters())),
            "double": m.double()(torch.tensor([1.23, 4.56], dtype=torch.float64))}


@snippet("S1", "nn.Identity(): model.fc = nn.Identity() to get the features before the classifier",
         note="resnet50 is the ConvNet; the input is 1x1x28x28")
def s1_identity_fc():
    model = ConvNet(10)
    model.fc = nn.Identity()
    last_layer_output = model(torch.rand((1, 1, 28, 28)))
    return {"shape": last_layer_output.shape, "head": last_layer_output[0, :6], "repr": repr(model.fc),
            "keys": list(model.state_dict().keys())[-3:]}


@snippet("S1", "F.cosine_similarity of two vectors and of a batch (similarity matrix)", blas=False)
def s1_cosine_similarity():
    vector1 = torch.tensor([0.0, 1.0])
    vector2 = torch.tensor([0.05, 1.0])
    a = F.cosine_similarity(vector1, vector2, dim=0)
    vector3 = torch.tensor([0.0, -1.0])
    b = F.cosine_similarity(vector1, vector3, dim=0)
    batch_of_vectors = torch.rand((4, 64))
    similarity_matrix = F.cosine_similarity(batch_of_vectors.unsqueeze(1), batch_of_vectors.unsqueeze(0), dim=2)
    return {"a": a, "b": b, "similarity_matrix": similarity_matrix}


@snippet("S1", "F.normalize(vector, p=2.0, dim=0) and of a batch, vs vector / torch.norm(vector)", blas=False)
def s1_normalize():
    vector = torch.tensor([99.0, -512.0, 123.0, 0.1, 6.66])
    normalized_vector = F.normalize(vector, p=2.0, dim=0)
    old = vector / torch.norm(vector, p=2.0)
    batch_of_vectors = torch.rand((4, 64))
    normalized_batch_of_vectors = F.normalize(batch_of_vectors, p=2.0, dim=1)
    return {"normalized": normalized_vector, "old": old, "batch": normalized_batch_of_vectors[:, :5],
            "norms": torch.norm(normalized_batch_of_vectors, dim=1)}


@snippet("S1", "one Linear + torch.chunk instead of three Linear layers")
def s1_linear_chunk():
    d = 1024
    batch = torch.rand((8, d))
    layers = nn.Linear(d, 128, bias=False), nn.Linear(d, 128, bias=False), nn.Linear(d, 128, bias=False)
    one_layer = nn.Linear(d, 128 * 3, bias=False)
    o1 = layers[0](batch)
    o2 = layers[1](batch)
    o3 = layers[2](batch)
    p1, p2, p3 = torch.chunk(one_layer(batch), 3, dim=1)
    return {"o": [o1[:2, :8], o2[:2, :8], o3[:2, :8]], "p": [p1[:2, :8], p2[:2, :8], p3[:2, :8]],
            "shapes": [p1.shape, p2.shape, p3.shape], "contiguous": p1.is_contiguous()}


@snippet("S1", "F.interpolate in the forward pass: bilinear and bicubic, scale_factor=2.0, gradients flow", blas=False,
         note="to_tensor(img) of the cat picture is torch.rand(3, 6, 6)")
def s1_interpolate():
    img = torch.rand(3, 6, 6)
    up = F.interpolate(img.unsqueeze(0), mode="bilinear", scale_factor=2.0, align_corners=False).squeeze(0)
    x = img.unsqueeze(0).requires_grad_()
    bicubic = F.interpolate(x, mode="bicubic", scale_factor=2.0, align_corners=False)
    (bicubic * torch.arange(12.0)).sum().backward()
    return {"bilinear": up, "bicubic": bicubic, "grad": x.grad, "grad_fn": type(bicubic.grad_fn).__name__}


@snippet("S1", "nn.CrossEntropyLoss == F.log_softmax + nn.NLLLoss", blas=False)
def s1_cross_entropy_equivalence():
    x = torch.randn(5, 4)
    y = torch.randint(0, 4, (5,))
    ce = nn.CrossEntropyLoss()(x, y)
    nll = nn.NLLLoss()(F.log_softmax(x, dim=1), y)
    return {"ce": ce, "nll": nll, "equal": torch.equal(ce, nll)}


@snippet("S1", "in-place activation: x = torch.nn.functional.relu(x, inplace=True)", blas=False)
def s1_relu_inplace():
    x = torch.randn(2, 5)
    x0 = x
    x = torch.nn.functional.relu(x, inplace=True)
    r = nn.ReLU(inplace=True)
    return {"x": x, "same": x is x0, "repr": repr(r), "module_out": r(torch.randn(3))}


@snippet("S1", "model.eval() vs torch.no_grad(): Dropout and BatchNorm change, autograd does not",
         note="model: Linear(4, 6), BatchNorm1d(6), Dropout(0.5), Linear(6, 2)")
def s1_eval_vs_no_grad():
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Dropout(0.5), nn.Linear(6, 2))
    x = torch.randn(8, 4)
    train_out = model(x)
    with torch.no_grad():
        no_grad_out = model(x)
    model.eval()
    eval_out = model(x)
    return {"train": train_out, "no_grad": no_grad_out, "no_grad_requires_grad": no_grad_out.requires_grad,
            "eval": eval_out, "eval_requires_grad": eval_out.requires_grad, "running_mean": model[1].running_mean,
            "training": [m.training for m in model.modules()]}


@snippet("S1", "half precision: model.half() (and model.double(), model.float()) converts parameters and buffers, not integer buffers")
def s1_half():
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    x = torch.randn(5, 4)
    model.half()
    out_half = model(x.half())
    dtypes_half = [v.dtype for v in model.state_dict().values()]
    model.double()
    out_double = model(x.double())
    model.float()
    return {"out_half": out_half, "dtypes_half": dtypes_half, "out_double": out_double,
            "dtypes_float": [v.dtype for v in model.state_dict().values()], "running_var": model[1].running_var}


@snippet("S1", "model.zero_grad() clears every parameter's gradient (set_to_none)")
def s1_zero_grad():
    model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))
    model(torch.randn(2, 3)).sum().backward()
    had = [p.grad is not None for p in model.parameters()]
    model.zero_grad()
    none = [p.grad is None for p in model.parameters()]
    model(torch.randn(2, 3)).sum().backward()
    model.zero_grad(set_to_none=False)
    return {"had": had, "none": none, "zeros": grads(model)}


@snippet("S1", "F.one_hot(tensor) and F.one_hot(tensor, num_classes=5)", blas=False)
def s1_one_hot():
    tensor = torch.arange(0, 5) % 3  # tensor([0, 1, 2, 0, 1])
    one_hot = F.one_hot(tensor)
    one_hot5 = F.one_hot(tensor, num_classes=5)
    return {"one_hot": one_hot, "one_hot5": one_hot5, "error": error_of(lambda: F.one_hot(tensor, num_classes=2))}


@snippet("S1", "gradient accumulation: 4 backward passes sum their gradients, scaled_loss += loss.item()",
         note="16 steps are 4; out = model.forward() is model(x_i); some_loss is F.mse_loss")
def s1_grad_accumulation():
    model = nn.Linear(3, 1)
    xs, ys = torch.randn(4, 2, 3), torch.randn(4, 2, 1)
    model.zero_grad()
    scaled_loss = 0
    for accumulated_step_i in range(4):
        out = model(xs[accumulated_step_i])
        loss = F.mse_loss(out, ys[accumulated_step_i])
        loss.backward()
        scaled_loss += loss.item()
    actual_loss = scaled_loss / 4
    return {"grad": model.weight.grad, "bias_grad": model.bias.grad, "actual_loss": actual_loss}


@snippet("S1", "nn.init on a Sequential's layer: init.xavier_uniform(net1[0].weight), then a loop over net1.modules()", blas=False,
         note="xavier_uniform (deprecated) is xavier_uniform_; np.random.normal(0, 0.5) is nn.init.normal_(std=0.5)")
def s1_init_net1():
    net1 = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    init.xavier_uniform_(net1[0].weight)
    for layer in net1.modules():
        if isinstance(layer, nn.Linear):  # 判断是否是线性层
            init.normal_(layer.bias, 0, 0.5)
    return {"w0": net1[0].weight, "b0": net1[0].bias, "b2": net1[2].bias}


@snippet("S1", "optimizer-free checkpoint dict: {'best_acc', 'epoch', 'model': model.state_dict()} saved and resumed", blas=False,
         note="the optimizer entry is issue 11 (test/checkpoint.test.ts covers a real SGD state_dict)")
def s1_resume_checkpoint():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model(torch.randn(5, 3))
    checkpoint = {'best_acc': 0.75, 'epoch': 3, 'model': model.state_dict()}
    model_path = os.path.join(TMP, 'checkpoint.pth.tar')
    torch.save(checkpoint, model_path)
    model2 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    checkpoint = torch.load(model_path)
    best_acc = checkpoint['best_acc']
    start_epoch = checkpoint['epoch']
    model2.load_state_dict(checkpoint['model'])
    return {"best_acc": best_acc, "start_epoch": start_epoch, "running_mean": model2[1].running_mean,
            "weight": model2[0].weight, "tracked": model2[1].num_batches_tracked}


class TextRNN(nn.Module):
    """The tuning tips as a model: embedding 64 then dropout (tip 10), a 2-layer LSTM or GRU (tips 14, 17),
    LayerNorm for the RNN (tip 10), orthogonal recurrent weights, xavier elsewhere (tip 8)."""
    def __init__(self, rnn_type="lstm", vocab=50, embed_size=64, hidden_size=32, num_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed_size)
        self.dropout = nn.Dropout(0.2)
        rnn = nn.LSTM if rnn_type == "lstm" else nn.GRU
        self.rnn = rnn(embed_size, hidden_size, num_layers=2, batch_first=True)
        self.norm = nn.LayerNorm(hidden_size)
        self.fc = nn.Linear(hidden_size, num_classes)
        for name, param in self.rnn.named_parameters():
            if "weight_hh" in name:
                nn.init.orthogonal_(param)
            elif "weight_ih" in name:
                nn.init.xavier_uniform_(param)
            else:
                nn.init.zeros_(param)

    def forward(self, tokens):
        x = self.dropout(self.embedding(tokens))
        out, _ = self.rnn(x)
        return self.fc(self.norm(out[:, -1]))


@snippet("S1", "tuning tips 7-17 as a model: Embedding + Dropout, 2-layer LSTM/GRU with orthogonal weight_hh, LayerNorm, clip_grad_norm",
         note="the tips are prose: the model puts tips 7, 8, 10, 13, 14 and 17 together (sizes reduced)")
def s1_tuning_tips_rnn():
    tokens = torch.randint(0, 50, (3, 7))
    labels = torch.randint(0, 4, (3,))
    out = {}
    for rnn_type in ("lstm", "gru"):
        model = TextRNN(rnn_type)
        loss = F.cross_entropy(model(tokens), labels)
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        out[rnn_type + "_loss"] = loss
        out[rnn_type + "_norm"] = norm
        out[rnn_type + "_grad_emb"] = model.embedding.weight.grad[tokens[0, 0]]
        out[rnn_type + "_weight_hh_l1"] = model.rnn.weight_hh_l1[:4]
        out[rnn_type + "_keys"] = list(model.state_dict().keys())
    out["repr"] = repr(model)
    return out


# =============================================================================================
# S2: the MNIST walkthrough (Grokking PyTorch)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


@snippet("S2", "MNIST Net: conv1, conv2, Dropout2d, fc1, fc2, F.log_softmax; train and eval outputs")
def s2_net():
    model = Net()
    data = torch.randn(3, 1, 28, 28)
    out_train = model(data)
    model.eval()
    out_eval = model(data)
    return {"repr": repr(model), "train": out_train, "eval": out_eval, "keys": list(model.state_dict().keys())}


@snippet("S2", "training step: F.nll_loss(output, target), loss.backward(), train_losses.append(loss.item())",
         note="the optimiser step is issue 11; two batches, zero_grad between them as optimiser.zero_grad() would")
def s2_train_step():
    model = Net()
    train_loader = [(torch.randn(4, 1, 28, 28), torch.randint(0, 10, (4,))) for _ in range(2)]
    model.train()
    train_losses = []

    for i, (data, target) in enumerate(train_loader):
        model.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        train_losses.append(loss.item())
    return {"train_losses": train_losses, "fc2_grad": model.fc2.weight.grad, "conv1_grad": model.conv1.weight.grad[0, 0],
            "fc1_bias_grad": model.fc1.bias.grad}


@snippet("S2", "test loop: inference_mode, nll_loss(reduction='sum'), argmax(1, keepdim=True), pred.eq(target.view_as(pred))")
def s2_test_loop():
    model = Net()
    test_loader = [(torch.randn(4, 1, 28, 28), torch.randint(0, 10, (4,))) for _ in range(2)]
    model.eval()
    test_loss, correct = 0, 0

    with torch.inference_mode():
        for data, target in test_loader:
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= 8
    acc = correct / 8
    return {"test_loss": test_loss, "acc": acc, "pred": pred, "inference": output.is_inference()}


class RNNNet(nn.Module):
    def __init__(self, can_drop):
        super().__init__()
        self.rnn = nn.RNNCell(3, 4)
        self.can_drop = can_drop

    def forward(self, x, hx, drop=False):
        hx2 = self.rnn(x, hx)
        # print(hx.mean().item(), hx.var().item())
        if hx.max().item() > 10 or self.can_drop and drop:
            return hx
        else:
            return hx2


@snippet("S2", "forward with several arguments and control flow: forward(self, x, hx, drop=False)",
         note="hx.max.item() is hx.max().item(); the print is left out; self.rnn is nn.RNNCell(3, 4)")
def s2_forward_args():
    model = RNNNet(can_drop=True)
    x, hx = torch.randn(2, 3), torch.randn(2, 4)
    big = torch.full((2, 4), 11.0)
    return {"default": model(x, hx), "drop": model(x, hx, drop=True), "big": model(x, big),
            "repr": repr(model)}


# =============================================================================================
# S3: the project template (torch_base)


def conv2d_bn_relu(in_dim, out_dim, kernel, stride=1, pad=0, dilate=1, group=1, bias=True):
    return nn.Sequential(
        nn.Conv2d(in_dim, out_dim, kernel, stride, pad, dilate, group),
        nn.BatchNorm2d(out_dim),
        nn.ReLU()
    )


def up_conv2d(in_dim, out_dim, kernel=3, pad=1, up_scale=2):
    return nn.Sequential(
        nn.Upsample(scale_factor=up_scale, mode='nearest'),
        nn.Conv2d(in_dim, out_dim, kernel, padding=pad)
    )


class CustomFcn(nn.Module):
    def __init__(self):
        super().__init__()
        self.custom_module = conv2d_bn_relu(3, 3, 3)
        self.fcn = up_conv2d(3, 2)

    def forward(self, img):
        x = self.custom_module(img)
        y = self.fcn(x)
        return y


def compute_metrics(pred, gt, is_train):
    # you can call functions in metrics.py
    l1 = (pred - gt).abs().mean()
    prefix = 'train/' if is_train else 'val/'
    metrics = {
        prefix + 'l1': l1
    }
    return metrics


@snippet("S3", "model/submodules.py conv2d_bn_relu + up_conv2d (Upsample nearest) in a model; train.py compute_metrics l1 loss",
         note="torchvision's fcn_resnet50 is replaced by up_conv2d(3, 2)")
def s3_submodules():
    model = CustomFcn()
    img = torch.randn(2, 3, 6, 6)
    label = torch.randn(2, 2, 8, 8)
    pred = model(img)
    metrics = compute_metrics(pred, label, is_train=True)
    loss = metrics['train/l1']
    loss.backward()
    return {"repr": repr(model), "pred": pred[0, 0], "l1": loss, "metric_keys": list(metrics.keys()),
            "grad": model.custom_module[0].weight.grad[0]}


def load_match_dict(model, model_path):
    # model: single gpu model, please load dict before warp with nn.DataParallel
    pretrain_dict = torch.load(model_path)
    model_dict = model.state_dict()
    # the pretrain dict may be multi gpus, cleaning
    pretrain_dict = {k.replace('.module', ''): v for k, v in pretrain_dict.items()}
    # 1. filter out unnecessary keys
    pretrain_dict = {k: v for k, v in pretrain_dict.items() if
                     k in model_dict and v.shape == model_dict[k].shape}
    # 2. overwrite entries in the existing state dict
    model_dict.update(pretrain_dict)
    # 3. load the new state dict
    model.load_state_dict(model_dict)


@snippet("S3", "utils/torch_utils.py load_match_dict: load the keys whose names and shapes match",
         note="the pretrained file has DataParallel-style '.module' keys and a head of another size")
def s3_load_match_dict():
    pretrained = CustomFcn()
    pretrained.fcn[1] = nn.Conv2d(3, 5, 3, padding=1)
    sd = {k.replace('custom_module.', 'custom_module.module.'): v for k, v in pretrained.state_dict().items()}
    torch.save(sd, os.path.join(TMP, 'pretrained.pth'))
    model = CustomFcn()
    head_before = model.fcn[1].weight.clone()
    load_match_dict(model, os.path.join(TMP, 'pretrained.pth'))
    return {"custom_loaded": torch.equal(model.custom_module[0].weight, pretrained.custom_module[0].weight),
            "bn_loaded": torch.equal(model.custom_module[1].running_var, pretrained.custom_module[1].running_var),
            "head_kept": torch.equal(model.fcn[1].weight, head_before), "saved_keys": list(sd.keys())}


# =============================================================================================
# S4: hooks, pruning


class SaveOutput:
    def __init__(self):
        self.outputs = []

    def __call__(self, module, module_in, module_out):
        self.outputs.append(module_out)

    def clear(self):
        self.outputs = []


class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(BasicBlock(4), BasicBlock(4))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer1(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


@snippet("S4", "hooks: SaveOutput stores the output of every Conv2d of a ResNet via register_forward_hook",
         note="the ResNet is a two-block ResNet with 4 channels")
def s4_save_output_hooks():
    model = TinyResNet()
    save_output = SaveOutput()
    hook_handles = []
    for layer in model.modules():
        if isinstance(layer, torch.nn.modules.conv.Conv2d):
            handle = layer.register_forward_hook(save_output)
            hook_handles.append(handle)
    image = torch.randn(1, 3, 8, 8)
    out = model(image)
    count = len(save_output.outputs)
    first, last = save_output.outputs[0], save_output.outputs[-1]
    for handle in hook_handles:
        handle.remove()
    save_output.clear()
    model(image)
    return {"count": count, "shapes": [list(o.shape) for o in [first, last]], "first": first[0, 0],
            "last": last[0, :, 0, 0], "after_remove": len(save_output.outputs), "out": out}


@snippet("S4", "forward pre-hook modifies the input, forward hook the output (the hooks article's idea)", blas=True)
def s4_pre_hook():
    layer = nn.Linear(3, 2)
    seen = []
    h1 = layer.register_forward_pre_hook(lambda m, inp: (inp[0] * 2,))
    h2 = layer.register_forward_hook(lambda m, inp, out: seen.append(inp[0].sum().item()))
    x = torch.ones(1, 3)
    y = layer(x)
    h1.remove()
    h2.remove()
    return {"y": y, "seen": seen, "plain": layer(x)}


@snippet("S4", "pruning: prune.random_unstructured(nn.Conv2d(3, 16, 3), 'weight', 0.5)",
         note="the pruned conv is kept in a variable to look at its mask, parameters and hooks")
def s4_prune_random():
    conv = nn.Conv2d(3, 16, 3)
    module = prune.random_unstructured(conv, "weight", 0.5)
    x = torch.randn(1, 3, 5, 5)
    out = conv(x)[0, :2]
    # The forward pre-hook recomputes weight = weight_orig * weight_mask before every call.
    conv.weight_mask[0].zero_()
    out_zero_mask = conv(x)[0, 0]
    return {"same": module is conv, "params": [n for n, _ in conv.named_parameters()],
            "buffers": [n for n, _ in conv.named_buffers()], "kept": conv.weight_mask.sum(),
            "mask": conv.weight_mask[1], "weight": conv.weight[1, 0], "out": out, "out_zero_mask": out_zero_mask,
            "keys": list(conv.state_dict().keys())}


@snippet("S4", "pruning tutorial: l1_unstructured on bias, ln_structured on weight, prune.remove makes it permanent",
         note="from the PyTorch pruning tutorial the article links to")
def s4_prune_l1_remove():
    module = nn.Conv2d(2, 4, 3)
    prune.l1_unstructured(module, name="bias", amount=3)
    prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
    masked_bias = module.bias.clone()
    weight_mask_rows = module.weight_mask.sum(dim=(1, 2, 3))
    prune.remove(module, "weight")
    # The bias is still pruned by its pre-hook: with a mask of ones the next call restores bias_orig.
    module.bias_mask.fill_(1)
    module(torch.randn(1, 2, 3, 3))
    return {"bias": masked_bias, "rows": weight_mask_rows, "params": [n for n, _ in module.named_parameters()],
            "buffers": [n for n, _ in module.named_buffers()], "weight": module.weight[:, 0, 0],
            "bias_unmasked": module.bias, "bias_orig": module.bias_orig}


# =============================================================================================
# Checkpoints, Python -> Node: test/fixtures/checkpoints/*.pt and expected.json (test/checkpoint.test.ts).
# The same three models are defined in JS in test/checkpoint-models.ts.

CKPT_DIR = os.path.join(HERE, "..", "test", "fixtures", "checkpoints")


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(5, 8)
        self.heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "reg": nn.Linear(8, 1)})

    def forward(self, x, head):
        return self.heads[head](torch.relu(self.trunk(x)))


def checkpoint_inputs():
    g = torch.Generator().manual_seed(7)
    return {"mlp": torch.randn(4, 6, generator=g), "cnn": torch.randn(3, 1, 8, 8, generator=g),
            "heads": torch.randn(2, 5, generator=g)}


def train_bn(cnn, seed):
    """A few train-mode forwards so running_mean/var and num_batches_tracked are not their initial values."""
    g = torch.Generator().manual_seed(seed)
    cnn.train()
    for _ in range(3):
        cnn(torch.randn(6, 1, 8, 8, generator=g))
    cnn.eval()


def model_outputs(models, inputs):
    with torch.no_grad():
        return {"mlp": models["mlp"](inputs["mlp"]), "cnn": models["cnn"](inputs["cnn"]),
                "heads_cls": models["heads"](inputs["heads"], "cls"), "heads_reg": models["heads"](inputs["heads"], "reg")}


def sgd_state(model, inputs):
    """A real SGD state_dict (momentum buffers) after two steps on the CNN."""
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    for _ in range(2):
        opt.zero_grad()
        model.train()
        model(inputs["cnn"]).sum().backward()
        opt.step()
    model.eval()
    return opt.state_dict()


def error_text(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the expectation
        return str(e)
    raise AssertionError("expected an error")


def make_checkpoints():
    os.makedirs(CKPT_DIR, exist_ok=True)
    torch.manual_seed(1)
    models = {"mlp": MLP(), "cnn": CNN(), "heads": Heads()}
    train_bn(models["cnn"], 11)
    inputs = checkpoint_inputs()
    for name, m in models.items():
        m.eval()
        torch.save(m.state_dict(), os.path.join(CKPT_DIR, f"{name}_state_dict.pt"))
    outputs = model_outputs(models, inputs)
    # A full checkpoint of a run: model, optimizer, epoch, metrics (the CNN is trained two SGD steps first).
    optimizer = sgd_state(models["cnn"], inputs)
    torch.save({"model": models["cnn"].state_dict(), "optimizer": optimizer, "epoch": 7,
                "metrics": {"loss": 0.25, "acc": [0.5, 0.75], "best": True}},
               os.path.join(CKPT_DIR, "full_checkpoint.pt"))
    # DataParallel-style keys ('module.' prefix), to be renamed by a mapping on load.
    torch.save({"module." + k: v for k, v in models["mlp"].state_dict().items()}, os.path.join(CKPT_DIR, "mlp_dataparallel.pt"))
    # A partial state dict: one key missing, one key that the model does not have.
    partial = models["heads"].state_dict()
    del partial["heads.reg.bias"]
    partial["heads.aux.weight"] = torch.ones(2, 8)
    torch.save(partial, os.path.join(CKPT_DIR, "heads_partial.pt"))
    # A state dict whose fc1 has 7 inputs (shape mismatch).
    wrong = models["mlp"].state_dict()
    wrong["fc1.weight"] = torch.zeros(16, 7)
    torch.save(wrong, os.path.join(CKPT_DIR, "mlp_wrong_shape.pt"))
    # A state dict saved from 'cuda:0' (made on a CPU-only machine through a location tagger): needs map_location.
    torch.serialization.register_package(0, lambda s: "cuda:0" if s.device.type == "cpu" else None, lambda s, loc: None)
    torch.save(models["mlp"].state_dict(), os.path.join(CKPT_DIR, "mlp_cuda.pt"))
    torch.serialization._package_registry.pop(0)

    # The whole model pickled (the tricks article's torch.save(model, 'net.pkl')): a class of this script.
    torch.save(models["mlp"], os.path.join(CKPT_DIR, "whole_model.pt"))

    # What Python does with these files: the numbers and messages Node must reproduce.
    fresh = Heads()
    missing = fresh.load_state_dict(torch.load(os.path.join(CKPT_DIR, "heads_partial.pt")), strict=False)
    strict_partial = error_text(lambda: Heads().load_state_dict(torch.load(os.path.join(CKPT_DIR, "heads_partial.pt"))))
    wrong_shape = error_text(lambda: MLP().load_state_dict(torch.load(os.path.join(CKPT_DIR, "mlp_wrong_shape.pt"))))
    wrong_shape_nonstrict = error_text(lambda: MLP().load_state_dict(torch.load(os.path.join(CKPT_DIR, "mlp_wrong_shape.pt")), strict=False))
    dataparallel_strict = error_text(lambda: MLP().load_state_dict(torch.load(os.path.join(CKPT_DIR, "mlp_dataparallel.pt"))))
    no_map = error_text(lambda: torch.load(os.path.join(CKPT_DIR, "mlp_cuda.pt")))
    whole_model = error_text(lambda: torch.load(os.path.join(CKPT_DIR, "whole_model.pt")))
    ckpt = torch.load(os.path.join(CKPT_DIR, "full_checkpoint.pt"))
    expected = {
        "cpuModel": cpu_model(),
        "inputs": {k: mf.enc_tensor(v) for k, v in inputs.items()},
        "outputs": {k: mf.enc_tensor(v) for k, v in outputs.items()},
        "keys": {name: list(m.state_dict().keys()) for name, m in models.items()},
        "partial": {"missing": missing.missing_keys, "unexpected": missing.unexpected_keys,
                    "cls_output": mf.enc_tensor(fresh(inputs["heads"], "cls").detach()),
                    "strict_error": strict_partial},
        "errors": {"dataparallel_strict": dataparallel_strict, "wrong_shape": wrong_shape, "wrong_shape_nonstrict": wrong_shape_nonstrict, "no_map_location": no_map, "whole_model": whole_model},
        "optimizer": {"param_groups": ckpt["optimizer"]["param_groups"],
                      "state_keys": sorted(ckpt["optimizer"]["state"].keys()),
                      "momentum_buffer_0": mf.enc_tensor(ckpt["optimizer"]["state"][0]["momentum_buffer"])},
        "epoch": ckpt["epoch"], "metrics": ckpt["metrics"],
        "cnn_after_sgd": mf.enc_tensor(model_outputs(models, inputs)["cnn"]),
    }
    mf.write_json(os.path.join(CKPT_DIR, "expected.json"), expected)
    print(f"wrote checkpoints to {os.path.relpath(CKPT_DIR)}")


def main():
    cases = {}
    for s in SNIPPETS:
        torch.manual_seed(0)
        outputs = s["fn"]()
        case = {"source": SOURCES[s["source"]], "title": s["title"], "outputs": {k: enc(v) for k, v in outputs.items()}}
        if s["note"]:
            case["note"] = s["note"]
        if s["blas"]:
            case["tol"] = BLAS_TOL
        cases[s["id"]] = case
    meta = {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY.upper(), "threads": 1, "cpuModel": cpu_model(),
            "generator": "scripts/make-seed-fixtures.py"}
    mf.write_json(OUT, {"meta": meta, "snippets": cases})
    print(f"wrote {len(cases)} snippets to {os.path.relpath(OUT)}")
    make_checkpoints()


if __name__ == "__main__":
    main()
