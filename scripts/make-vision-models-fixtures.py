"""Fixtures of torchnode's vision.models (torchvision 0.28 on torch 2.13): run with .venv/bin/python.

Writes test/fixtures/vision-models.json: for each architecture, built right after torch.manual_seed(0)
as torchvision builds it, the state dict (names, shapes, dtypes, and a SHA-256 of each tensor's bytes,
so every weight is compared bit for bit without committing megabytes), the module tree, and the eval-
and train-mode outputs on a seeded input (dropout draws included; a list where the model returns a tuple, as
GoogLeNet and Inception v3 with their auxiliary logits), with the hashes of the input gradient and of every
seventh parameter gradient after backward of the train output's sum (of all its parts), and of every fifth
buffer after the train step. Outputs run oneDNN convolutions: bit-exact on the CPU model that made them (meta.cpuModel).
"""
import hashlib
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision import models  # noqa: E402
import torchvision.models._utils  # noqa: E402,F401 (models._utils.IntermediateLayerGetter in CASES)
import torchvision.models.segmentation  # noqa: E402,F401
from cpu_identity import cpu_model  # noqa: E402 (meta.cpuModel: model name and oneDNN ISA)

OUT = os.path.join(HERE, "..", "test", "fixtures", "vision-models.json")

# name: (python constructor call, input shape)
CASES = {
    "resnet18": ("models.resnet18(num_classes=10)", [2, 3, 64, 64]),
    "resnet34": ("models.resnet34(num_classes=7)", [2, 3, 48, 40]),
    "resnet50": ("models.resnet50(num_classes=10)", [2, 3, 64, 64]),
    "resnet18_zero_init": ("models.resnet18(num_classes=5, zero_init_residual=True)", [2, 3, 32, 32]),
    "resnet50_zero_init_dilated": ("models.resnet50(num_classes=4, zero_init_residual=True, replace_stride_with_dilation=[False, True, True])", [2, 3, 40, 40]),
    "resnext50_32x4d": ("models.resnext50_32x4d(num_classes=6)", [2, 3, 32, 32]),
    "wide_resnet50_2": ("models.wide_resnet50_2(num_classes=3)", [2, 3, 32, 32]),
    "resnet101": ("models.resnet101()", [2, 3, 32, 32]),
    "resnet18_groupnorm": ("models.resnet18(num_classes=10, norm_layer=lambda c: torch.nn.GroupNorm(8, c))", [2, 3, 32, 32]),
    "vgg11_bn": ("models.vgg11_bn(num_classes=10)", [2, 3, 32, 32]),
    "vgg13_no_init": ("models.vgg13(num_classes=3, init_weights=False, dropout=0.2)", [2, 3, 32, 32]),
    "alexnet": ("models.alexnet(num_classes=10)", [2, 3, 64, 64]),
    "mobilenet_v2": ("models.mobilenet_v2(num_classes=10)", [2, 3, 64, 64]),
    "mobilenet_v2_half": ("models.mobilenet_v2(num_classes=4, width_mult=0.5, dropout=0.3)", [2, 3, 48, 48]),
    "mobilenet_v3_large": ("models.mobilenet_v3_large(num_classes=10)", [2, 3, 64, 64]),
    "densenet121": ("models.densenet121(num_classes=10)", [2, 3, 64, 64]),
    "densenet_small_efficient": ("models.DenseNet(growth_rate=12, block_config=(2, 3), num_init_features=16, drop_rate=0.2, memory_efficient=True, num_classes=5)", [2, 3, 32, 32]),
    "efficientnet_b0": ("models.efficientnet_b0(num_classes=10)", [2, 3, 64, 64]),
    "efficientnet_b3_opts": ("models.efficientnet_b3(num_classes=4, dropout=0.1, stochastic_depth_prob=0.5)", [2, 3, 48, 48]),
    "efficientnet_b5": ("models.efficientnet_b5(num_classes=3)", [2, 3, 32, 32]),
    "efficientnet_v2_s": ("models.efficientnet_v2_s(num_classes=10)", [2, 3, 64, 64]),
    "vit_small": ("models.VisionTransformer(32, 8, 2, 4, 64, 128, num_classes=10, dropout=0.1, attention_dropout=0.1)", [2, 3, 32, 32]),
    "vit_representation": ("models.VisionTransformer(32, 16, 1, 2, 32, 64, representation_size=48, num_classes=3)", [2, 3, 32, 32]),
    "vit_b_32": ("models.vit_b_32(image_size=64, num_classes=10)", [2, 3, 64, 64]),
    "convnext_tiny": ("models.convnext_tiny(num_classes=10)", [2, 3, 64, 64]),
    "convnext_small_custom": ("models.convnext.ConvNeXt([models.convnext.CNBlockConfig(16, 32, 2), models.convnext.CNBlockConfig(32, None, 2)], "
                              "stochastic_depth_prob=0.3, layer_scale=0.5, num_classes=4)", [2, 3, 32, 32]),
    "shufflenet_v2_x0_5": ("models.shufflenet_v2_x0_5(num_classes=10)", [2, 3, 64, 64]),
    "shufflenet_v2_x1_0": ("models.shufflenet_v2_x1_0(num_classes=5)", [2, 3, 32, 32]),
    "squeezenet1_0": ("models.squeezenet1_0(num_classes=10)", [2, 3, 64, 64]),
    "squeezenet1_1": ("models.squeezenet1_1(num_classes=4, dropout=0.2)", [2, 3, 48, 48]),
    "mnasnet1_0": ("models.mnasnet1_0(num_classes=10)", [2, 3, 64, 64]),
    "mnasnet0_75": ("models.mnasnet0_75(num_classes=3, dropout=0.4)", [2, 3, 32, 32]),
    "mobilenet_v3_small_reduced": ("models.mobilenet_v3_small(num_classes=5, reduced_tail=True, dilated=True, width_mult=0.75)", [2, 3, 64, 64]),
    "regnet_y_400mf": ("models.regnet_y_400mf(num_classes=10)", [2, 3, 64, 64]),
    "regnet_x_400mf": ("models.regnet_x_400mf(num_classes=5)", [2, 3, 32, 32]),
    "regnet_custom_se": ("models.RegNet(models.regnet.BlockParams.from_init_params(depth=7, w_0=16, w_a=12.3, w_m=2.5, group_width=12, "
                         "bottleneck_multiplier=1.5, se_ratio=0.25), num_classes=4, stem_width=18)", [2, 3, 32, 32]),
    "regnet_direct_groupnorm_silu": ("models.RegNet(models.regnet.BlockParams([1, 2], [15, 27], [4, 8], [0.5, 1.5], [2, 2], 0.3), num_classes=3, "
                                     "stem_width=18, norm_layer=lambda c: torch.nn.GroupNorm(1, c), activation=torch.nn.SiLU)", [2, 3, 32, 32]),
    "googlenet": ("models.googlenet(num_classes=10, aux_logits=False, init_weights=True)", [2, 3, 32, 32]),
    "googlenet_aux_ti": ("models.googlenet(num_classes=5, transform_input=True, init_weights=True, dropout=0.3, dropout_aux=0.5)", [2, 3, 24, 24]),
    "inception_v3": ("models.inception_v3(num_classes=10, aux_logits=False, init_weights=True)", [2, 3, 80, 80]),
    "inception_v3_ti": ("models.inception_v3(num_classes=3, aux_logits=False, transform_input=True, init_weights=True, dropout=0.2)", [2, 3, 75, 75]),
    "swin_small_padded": ("models.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4], stochastic_depth_prob=0.2, num_classes=5)", [2, 3, 40, 40]),
    "swin_v2_small_padded": ("models.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4], stochastic_depth_prob=0.2, num_classes=5, "
                             "block=models.swin_transformer.SwinTransformerBlockV2, downsample_layer=models.swin_transformer.PatchMergingV2)", [2, 3, 40, 40]),
    "swin_rect_opts": ("models.SwinTransformer([2, 3], 12, [1, 2, 2], [3, 3, 6], [3, 5], mlp_ratio=2.5, dropout=0.1, attention_dropout=0.2, "
                       "stochastic_depth_prob=0.3, num_classes=4, norm_layer=lambda c: torch.nn.LayerNorm(c, eps=1e-6))", [2, 3, 40, 12]),
    "swin_v2_t": ("models.swin_v2_t(num_classes=10)", [2, 3, 32, 32]),
    "maxvit_small": ("models.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[16, 32], block_layers=[1, 2], head_dim=8, "
                     "stochastic_depth_prob=0.2, num_classes=5)", [2, 3, 32, 32]),
    "maxvit_opts": ("models.MaxVit(input_size=(64, 64), stem_channels=8, partition_size=4, block_channels=[8, 16], block_layers=[2, 1], head_dim=4, "
                    "stochastic_depth_prob=0.5, squeeze_ratio=0.5, expansion_ratio=2, mlp_ratio=2, mlp_dropout=0.1, attention_dropout=0.2, num_classes=3, "
                    "activation_layer=torch.nn.SiLU, norm_layer=lambda c: torch.nn.BatchNorm2d(c, eps=1e-5))", [2, 3, 64, 64]),
    "fcn_resnet50_aux": ("models.segmentation.fcn_resnet50(num_classes=5, aux_loss=True, weights_backbone=None)", [2, 3, 32, 32]),
    "deeplabv3_resnet50": ("models.segmentation.deeplabv3_resnet50(num_classes=4, weights_backbone=None)", [2, 3, 32, 32]),
    "deeplabv3_mobilenet_v3_large_aux": ("models.segmentation.deeplabv3_mobilenet_v3_large(num_classes=3, aux_loss=True, weights_backbone=None)", [2, 3, 64, 64]),
    "lraspp_mobilenet_v3_large_odd": ("models.segmentation.lraspp_mobilenet_v3_large(num_classes=6, weights_backbone=None)", [2, 3, 37, 45]),
    "intermediate_layer_getter": ("models._utils.IntermediateLayerGetter(models.resnet18(num_classes=10), {'layer2': 'a', 'layer4': 'b'})", [2, 3, 64, 64]),
    "maxvit_three_blocks": ("models.MaxVit(input_size=(48, 48), stem_channels=6, partition_size=3, block_channels=[12, 12, 24], block_layers=[1, 1, 1], "
                            "head_dim=6, stochastic_depth_prob=0.3, mlp_dropout=0.1, num_classes=4)", [2, 3, 48, 48]),
}


def sha(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


def main():
    out = {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": 1, "cpuModel": cpu_model()}, "cases": []}
    for name, (src, shape) in CASES.items():
        torch.manual_seed(0)
        model = eval(src)
        state = [[k, list(v.shape), str(v.dtype)[6:], sha(v)] for k, v in model.state_dict().items()]
        torch.manual_seed(1)
        x = torch.randn(*shape)
        model.eval()
        with torch.no_grad():
            evaluated = model(x)
        model.train()
        xg = x.clone().requires_grad_(True)
        trained = model(xg)
        # GoogLeNet's and Inception's outputs with aux logits (tuples), the segmentation models' (dicts)
        parts = list(trained.values()) if isinstance(trained, dict) else list(trained) if isinstance(trained, tuple) else [trained]
        sum(p.sum() for p in parts).backward()
        out["cases"].append({
            "name": name, "py": src, "input": shape,
            "state": state,
            "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
            "eval": mf.enc(evaluated), "train": mf.enc(trained),
            "inputGrad": sha(xg.grad),
            "grads": [[k, sha(p.grad)] for k, p in model.named_parameters()][::7],
            "buffers": [[k, sha(b)] for k, b in model.named_buffers()][::5],
            "numParams": sum(p.numel() for p in model.parameters()),
        })
        print(f"{name:28s} {out['cases'][-1]['numParams']:>10d} parameters")
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
