"""torchvision's pretrained weights (classification, semantic segmentation and object detection), as lib/vision/models/weights_table.ts: run with .venv/bin/python.

For every model builder torchnode ports, the builder's <Model>_Weights enum: each entry's URL (its file
name carries the SHA-256 prefix that torch.hub checks), its ImageClassification, SemanticSegmentation or
ObjectDetection preset and its meta (parameter count, minimum size, metrics such as ImageNet-1K accuracy or
COCO box mAP, GFLOPS, file size, recipe; the detection entries also their docs), the DEFAULT entry, and the
category names the entries share (ImageNet's, VOC's, COCO's). `--check` exits 1 when the committed file differs.
"""
import json
import os
import sys

import torch

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
import torchvision.models as M  # noqa: E402
from torchvision.models._meta import _COCO_CATEGORIES, _COCO_PERSON_CATEGORIES  # noqa: E402
from torchvision.transforms._presets import ImageClassification, ObjectDetection, SemanticSegmentation  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "vision", "models", "weights_table.ts")

BUILDERS = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "alexnet", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "densenet121", "densenet161", "densenet169",
    "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
    "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
    "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14", "convnext_tiny", "convnext_small", "convnext_base",
    "convnext_large", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "squeezenet1_0", "squeezenet1_1", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf", "regnet_y_32gf",
    "regnet_y_128gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf",
    "regnet_x_32gf", "googlenet", "inception_v3", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b", "maxvit_t",
    "fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101", "deeplabv3_mobilenet_v3_large",
    "lraspp_mobilenet_v3_large",
    "fasterrcnn_resnet50_fpn", "fasterrcnn_resnet50_fpn_v2", "fasterrcnn_mobilenet_v3_large_fpn", "fasterrcnn_mobilenet_v3_large_320_fpn",
    "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2", "keypointrcnn_resnet50_fpn",
    "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2", "fcos_resnet50_fpn", "ssd300_vgg16", "ssdlite320_mobilenet_v3_large",
]
PRESET_DEFAULTS = {"resize_size": 256, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "interpolation": "bilinear", "antialias": True}


def preset(transforms):
    """The entry's preprocessing: ImageClassification's or SemanticSegmentation's keywords in camelCase; ObjectDetection has none."""
    if transforms is ObjectDetection:  # the class itself, not a partial: pil_to_tensor and convert_image_dtype only
        return {"kind": "detection"}
    kind = {ImageClassification: "classification", SemanticSegmentation: "segmentation"}[transforms.func]
    kw = dict(transforms.keywords)
    if "interpolation" in kw:
        kw["interpolation"] = kw["interpolation"].value
    for k in ("mean", "std"):
        if k in kw:
            kw[k] = list(kw[k])
    out = {"cropSize": kw.pop("crop_size")} if kind == "classification" else {"kind": kind, "resizeSize": kw.pop("resize_size")}
    for k, default in PRESET_DEFAULTS.items():
        if k in out or (k == "resize_size" and "resizeSize" in out):
            continue
        v = kw.pop(k, default)
        out[{"resize_size": "resizeSize"}.get(k, k)] = v
    assert not kw, kw
    return out


def entry(w, category_sets):
    m = dict(w.meta)
    own = m.pop("categories")
    # None: VGG16's feature-only weights, no classifier; else one of the shared category lists
    sets = [name for name, cats in category_sets.items() if cats == own]
    assert own is None or sets, w
    nan = lambda v: None if v != v else v  # noqa: E731 (JSON has no NaN: the feature-only weights have no accuracy)
    metrics = {dataset: {k: nan(v) for k, v in values.items()} for dataset, values in m.pop("_metrics").items()}
    meta = {"categories": sets[0] if own is not None else None, "numParams": m.pop("num_params"), "minSize": list(m.pop("min_size")),
            "metrics": metrics, "gflops": m.pop("_ops"), "fileSizeMB": m.pop("_file_size"), "recipe": m.pop("recipe")}
    if "license" in m:
        meta["license"] = m.pop("license")
    if "keypoint_names" in m:
        meta["keypointNames"] = list(m.pop("keypoint_names"))  # Keypoint R-CNN's
    docs = m.pop("_docs", None)
    if own is not None and sets[0] in ("COCO_CATEGORIES", "COCO_PERSON_CATEGORIES") and docs is not None:
        meta["docs"] = docs  # the detection entries keep their docs (the older tables stay as they were)
    assert not m, (w, m)
    return {"url": w.url, "transforms": preset(w.transforms), "meta": meta}


def table():
    # the category lists the entries share: ImageNet's (ResNet18's first entry), VOC's (the segmentation
    # models') and COCO's (the detection models': torchvision's _COCO_CATEGORIES, '__background__' and 'N/A' included)
    category_sets = {"IMAGENET_CATEGORIES": M.ResNet18_Weights.IMAGENET1K_V1.meta["categories"]}
    enums = []
    for builder in BUILDERS:
        enum = M.get_model_weights(builder)
        for w in enum:
            own = w.meta["categories"]
            if own is not None and own not in category_sets.values():
                if own == _COCO_CATEGORIES:
                    assert len(own) == 91, w  # COCO's 80 classes, 10 unused ids ('N/A') and the background
                    category_sets["COCO_CATEGORIES"] = own
                elif own == _COCO_PERSON_CATEGORIES:
                    category_sets["COCO_PERSON_CATEGORIES"] = own  # Keypoint R-CNN's: 'no person', 'person'
                else:
                    assert len(own) == 21, w  # VOC's 20 classes and the background
                    category_sets["VOC_CATEGORIES"] = own
        entries = {w.name: entry(w, category_sets) for w in enum}
        used = {e["meta"]["categories"] for e in entries.values()} - {None}
        assert len(used) <= 1, enum
        enums.append({"name": enum.__name__, "builder": builder, "default": enum.DEFAULT.name, "entries": entries,
                      "categories": used.pop() if used else "IMAGENET_CATEGORIES"})
    return category_sets, enums


def render():
    category_sets, enums = table()
    docs = {"IMAGENET_CATEGORIES": "ImageNet's 1000 class names, in the order of the classifiers' outputs.",
            "VOC_CATEGORIES": "Pascal VOC's 20 classes and the background, in the order of the segmentation models' outputs.",
            "COCO_CATEGORIES": "COCO's labels, in the order of the detection models' outputs: '__background__' (0), then the 80 classes by their COCO id, 'N/A' for the unused ids.",
            "COCO_PERSON_CATEGORIES": "The person keypoint models' labels: 'no person' (0) and 'person'."}
    lines = [
        "// Generated by scripts/make-vision-weights.py from torchvision " + torchvision.__version__ + ": do not edit.",
        "// torchvision's pretrained weights: URL, preprocessing preset and meta of every entry.",
        "import { " + ("detectionWeightsEnum, " if "COCO_CATEGORIES" in category_sets else "") + "segmentationWeightsEnum, weightsEnum, type AnyWeightsEnum } from './weights.js';",
    ]
    for name, cats in category_sets.items():
        lines += ["", f"/** {docs[name]} */", f"export const {name}: readonly string[] = Object.freeze(" + json.dumps(cats) + ");"]
    for e in enums:
        lines.append("")
        # transforms(): SemanticSegmentation, ObjectDetection, else ImageClassification
        make = {"VOC_CATEGORIES": "segmentationWeightsEnum", "COCO_CATEGORIES": "detectionWeightsEnum",
                "COCO_PERSON_CATEGORIES": "detectionWeightsEnum"}.get(e["categories"], "weightsEnum")
        lines.append(f'export const {e["name"]} = {make}({{ name: {json.dumps(e["name"])}, default: {json.dumps(e["default"])}, entries: {{')
        lines += [f"  {name}: {json.dumps(v)}," for name, v in e["entries"].items()]
        lines.append(f'}} }}, {e["categories"]});')
    lines += ["", "/** Each builder's enum (torchvision's get_model_weights). */",
              "export const WEIGHTS_BY_BUILDER: Readonly<Record<string, AnyWeightsEnum>> = Object.freeze({"]
    lines += [f'  {e["builder"]}: {e["name"]},' for e in enums]
    lines += ["});", ""]
    return "\n".join(lines)


def main():
    text = render()
    if "--check" in sys.argv:
        current = open(OUT, encoding="utf8").read() if os.path.exists(OUT) else ""
        if current != text:
            print(f"{OUT} is stale: run .venv/bin/python scripts/make-vision-weights.py")
            sys.exit(1)
        return
    with open(OUT, "w", encoding="utf8") as f:
        f.write(text)
    print(f"wrote {OUT}: {sum(len(e['entries']) for e in table()[1])} entries")


if __name__ == "__main__":
    main()
