"""Fixtures of torchnode's detection datasets (torchvision 0.28): run with .venv/bin/python scripts/make-detection-datasets-fixtures.py

Writes test/fixtures/detection-datasets/: a tiny fake COCO (PNG images, instances and captions JSON with
polygons, an uncompressed RLE crowd, a compressed RLE, images without annotations) and a tiny fake VOC tree
(VOC2012 train/val and VOC2007 trainval: JPEGs, annotation XML with several objects and flags, palette PNG
segmentation masks); and test/fixtures/detection-datasets.json: what torchvision's CocoDetection,
CocoCaptions, VOCDetection, VOCSegmentation and wrap_dataset_for_transforms_v2 read from them (targets,
image sizes and SHA-256 of the RGB pixels, the wrapped boxes, labels and masks) and their error messages.

pycocotools is not in the venv: a stand-in (COCO's index, mask.frPyObjects / merge / decode) transcribed from
cocoapi (PythonAPI/pycocotools/coco.py, common/maskApi.c) is installed in sys.modules, checked first against
masks worked out by hand.
"""
import hashlib
import importlib.util
import json
import math
import os
import shutil
import sys
import types
from collections import defaultdict

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_cpu  # noqa: F401,E402 (torchvision against CPU torch: before any torchvision import)
from torchvision import datasets  # noqa: E402
from torchvision.transforms import v2  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "test", "fixtures", "detection-datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "detection-datasets.json")


# ---- pycocotools stand-in (a transcription of cocoapi, only what torchvision calls) ----

class COCO:
    """pycocotools.coco.COCO: createIndex, getAnnIds(imgIds), loadAnns, loadImgs."""

    def __init__(self, annotation_file):
        with open(annotation_file) as f:
            dataset = json.load(f)
        assert type(dataset) == dict, 'annotation file format {} not supported'.format(type(dataset))
        self.dataset = dataset
        self.anns, self.imgs, self.cats = {}, {}, {}
        self.imgToAnns = defaultdict(list)
        for ann in dataset.get('annotations', []):
            self.imgToAnns[ann['image_id']].append(ann)
            self.anns[ann['id']] = ann
        for img in dataset.get('images', []):
            self.imgs[img['id']] = img
        for cat in dataset.get('categories', []):
            self.cats[cat['id']] = cat

    def getAnnIds(self, imgIds):
        imgIds = imgIds if isinstance(imgIds, list) else [imgIds]
        lists = [self.imgToAnns[i] for i in imgIds if i in self.imgToAnns]
        return [ann['id'] for anns in lists for ann in anns]

    def loadAnns(self, ids):
        return [self.anns[i] for i in ids]

    def loadImgs(self, ids):
        return [self.imgs[i] for i in (ids if isinstance(ids, list) else [ids])]


def c_int(x):
    """C's (int) cast on x86-64: truncation; NaN gives INT_MIN (cvttsd2si)."""
    return -2**31 if x != x else int(math.trunc(x))


def rle_fr_poly(xy, h, w):
    """maskApi.c rleFrPoly."""
    k = len(xy) // 2
    scale = 5.0
    x = [c_int(scale * xy[2 * j] + .5) for j in range(k)] + [0]
    y = [c_int(scale * xy[2 * j + 1] + .5) for j in range(k)] + [0]
    x[k], y[k] = x[0], y[0]
    u, v = [], []
    for j in range(k):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe, ys, ye = xe, xs, ye, ys
        s = ((ye - ys) / dx if dx else math.nan) if dx >= dy else (xe - xs) / dy  # a repeated vertex: C's 0.0 / 0 is NaN
        if dx >= dy:
            for d in range(dx + 1):
                t = dx - d if flip else d
                u.append(t + xs)
                v.append(c_int(ys + s * t + .5))
        else:
            for d in range(dy + 1):
                t = dy - d if flip else d
                v.append(t + ys)
                u.append(c_int(xs + s * t + .5))
    a = []
    for j in range(1, len(u)):
        if u[j] == u[j - 1]:
            continue
        xd = ((u[j] if u[j] < u[j - 1] else u[j] - 1) + .5) / scale - .5
        if math.floor(xd) != xd or xd < 0 or xd > w - 1:
            continue
        yd = ((v[j] if v[j] < v[j - 1] else v[j - 1]) + .5) / scale - .5
        yd = math.ceil(0 if yd < 0 else h if yd > h else yd)
        a.append((int(xd) * h + yd) % 2**32)
    a.append(h * w)
    a.sort()
    p = 0
    for j in range(len(a)):
        a[j], p = a[j] - p, a[j]
    b = [a[0]]
    j = 1
    while j < len(a):
        if a[j] > 0:
            b.append(a[j])
            j += 1
        else:
            j += 1
            if j < len(a):
                b[-1] += a[j]
                j += 1
    return {'size': [h, w], 'counts': b}


def rle_fr_string(s, h, w):
    """maskApi.c rleFrString."""
    cnts = []
    p = 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1f) << 5 * k
            more = c & 0x20
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << 5 * k
        if len(cnts) > 2:
            x += cnts[-2]
        cnts.append(x % 2**32)
    return {'size': [h, w], 'counts': cnts}


def as_counts(rle):
    """An RLE object's counts as a list (compressed strings decoded)."""
    if isinstance(rle['counts'], (str, bytes)):
        s = rle['counts'].decode() if isinstance(rle['counts'], bytes) else rle['counts']
        return rle_fr_string(s, *rle['size'])
    return {'size': list(rle['size']), 'counts': [c % 2**32 for c in rle['counts']]}


def fr_py_objects(pyobj, h, w):
    """pycocotools._mask.frPyObjects (RLEs kept as uncompressed counts: merge and decode read both)."""
    def bbox(bb):
        xs, ys = bb[0], bb[1]
        xe, ye = xs + bb[2], ys + bb[3]
        return rle_fr_poly([xs, ys, xs, ye, xe, ye, xe, ys], h, w)
    if isinstance(pyobj, list) and isinstance(pyobj[0], list) and len(pyobj[0]) == 4:
        return [bbox(bb) for bb in pyobj]
    if isinstance(pyobj, list) and isinstance(pyobj[0], list) and len(pyobj[0]) > 4:
        return [rle_fr_poly(p, h, w) for p in pyobj]
    if isinstance(pyobj, list) and isinstance(pyobj[0], dict) and 'counts' in pyobj[0] and 'size' in pyobj[0]:
        return [as_counts(o) for o in pyobj]
    if isinstance(pyobj, dict) and 'counts' in pyobj and 'size' in pyobj:
        return as_counts(pyobj)
    raise Exception('input type is not supported.')


def merge(rles, intersect=0):
    """maskApi.c rleMerge."""
    rles = [as_counts(r) for r in rles]
    h, w = rles[0]['size']
    cnts = list(rles[0]['counts'])
    for B in rles[1:]:
        if list(B['size']) != [h, w]:
            return {'size': [0, 0], 'counts': []}
        A, out = cnts, []
        ca, cb = A[0], B['counts'][0]
        v = va = vb = 0
        a = b = 1
        cc, ct = 0, 1
        while ct > 0:
            c = min(ca, cb)
            cc += c
            ct = 0
            ca -= c
            if not ca and a < len(A):
                ca = A[a]
                a += 1
                va = not va
            ct += ca
            cb -= c
            if not cb and b < len(B['counts']):
                cb = B['counts'][b]
                b += 1
                vb = not vb
            ct += cb
            vp = v
            v = (va and vb) if intersect else (va or vb)
            if v != vp or ct == 0:
                out.append(cc)
                cc = 0
        cnts = out
    return {'size': [h, w], 'counts': cnts}


def decode(rle_objs):
    """pycocotools.mask.decode: [h, w] (one RLE) or [h, w, n], uint8, filled column-major as rleDecode."""
    single = not isinstance(rle_objs, list)
    masks = []
    for rle in ([rle_objs] if single else rle_objs):
        rle = as_counts(rle)
        h, w = rle['size']
        flat = np.zeros(h * w, dtype=np.uint8)
        at, value = 0, 0
        for run in rle['counts']:
            flat[at:at + run] = value
            at += run
            value ^= 1
        masks.append(flat.reshape(w, h).T)
    out = np.stack(masks, axis=2)
    return out[:, :, 0] if single else out


def install_pycocotools():
    pkg = types.ModuleType('pycocotools')
    coco_mod = types.ModuleType('pycocotools.coco')
    coco_mod.COCO = COCO
    mask_mod = types.ModuleType('pycocotools.mask')
    mask_mod.frPyObjects, mask_mod.merge, mask_mod.decode = fr_py_objects, merge, decode
    pkg.coco, pkg.mask = coco_mod, mask_mod
    sys.modules.update({'pycocotools': pkg, 'pycocotools.coco': coco_mod, 'pycocotools.mask': mask_mod})


def check_stand_in():
    """The stand-in against masks worked out by hand (column-major runs, zeros first)."""
    block = np.zeros((6, 6), np.uint8)
    block[1:4, 1:4] = 1  # a box [1, 1, 3, 3] covers rows and columns 1..3 (area w * h, as pycocotools gives)
    assert (decode(fr_py_objects([[1, 1, 3, 3]], 6, 6)[0]) == block).all()
    assert (decode(merge(fr_py_objects([[1, 1, 4, 1, 4, 4, 1, 4]], 6, 6))) == block).all()
    # runs 1 zero, 2 ones, 3 zeros down the columns of a 3 x 2 mask
    assert (decode(fr_py_objects({'size': [3, 2], 'counts': [1, 2, 3]}, 3, 2)) == np.array([[0, 0], [1, 0], [1, 0]])).all()
    # '2', '3', '4': counts [2, 3, 4] in COCO's 6-bit characters
    assert (decode({'size': [3, 3], 'counts': '234'}) == np.array([[0, 1, 0], [0, 1, 0], [1, 0, 0]])).all()
    # after the second run each character holds the change from two runs back: '2' is +2, 'N' (30 = 0b11110) is -2
    assert rle_fr_string('2342', 1, 14)['counts'] == [2, 3, 4, 5]
    assert rle_fr_string('234N', 1, 10)['counts'] == [2, 3, 4, 1]
    assert rle_to_string([2, 3, 4, 1]) == '234N'
    # union of two disjoint boxes
    two = np.zeros((6, 6), np.uint8)
    two[0:2, 0:2] = 1
    two[4:6, 3:5] = 1
    assert (decode(merge(fr_py_objects([[0, 0, 2, 2], [3, 4, 2, 2]], 6, 6))) == two).all()


# ---- the files ----

def sha(b):
    return hashlib.sha256(bytes(b)).hexdigest()


def smooth_image(w, h, seed, mode='RGB'):
    """A smooth image (JPEG keeps it close; decoders agree on it)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = rng.integers(0, 160, 3)
    rgb = np.stack([(base[c] + xx * (c + 3) + yy * (5 - c)) % 256 for c in range(3)], axis=2).astype(np.uint8)
    img = Image.fromarray(rgb, 'RGB')
    return img.convert(mode) if mode != 'RGB' else img


COCO_IMAGES = [  # (id, file, width, height, mode): listed out of id order
    (42, 'a.png', 16, 12, 'RGB'),
    (7, 'b.png', 12, 10, 'L'),
    (13, 'sub/c.png', 10, 14, 'RGB'),
    (99, 'd.png', 8, 8, 'RGB'),   # no annotations
    (21, 'e.png', 9, 7, 'RGB'),   # a box of integral floats (2.0: float32 boxes, not int64)
]
COCO_ANNOTATIONS = [
    {'id': 1, 'image_id': 42, 'category_id': 3, 'iscrowd': 0, 'area': 30.5, 'bbox': [1.5, 2.0, 6.25, 5.0],
     'segmentation': [[1.5, 2.0, 7.75, 2.0, 7.75, 7.0, 1.5, 7.0]]},
    {'id': 2, 'image_id': 7, 'category_id': 1, 'iscrowd': 0, 'area': 20.0, 'bbox': [0, 1, 5, 4],
     'segmentation': [[0, 1, 5, 1, 2.5, 5], [6, 6, 10, 6, 10, 9, 6, 9]]},
    {'id': 5, 'image_id': 42, 'category_id': 1, 'iscrowd': 1, 'area': 12.0, 'bbox': [9.0, 3.0, 4.0, 3.0],
     'segmentation': {'size': [12, 16], 'counts': [111, 3, 9, 3, 9, 3, 9, 3, 9, 3, 130]}},
    {'id': 3, 'image_id': 13, 'category_id': 2, 'iscrowd': 0, 'area': 40.0, 'bbox': [2.2, 3.3, 5.5, 8.1],
     'segmentation': [[2.2, 3.3, 7.7, 5.0, 6.0, 11.4, 2.5, 9.0, 3.0, 6.0]]},
    {'id': 4, 'image_id': 42, 'category_id': 2, 'iscrowd': 1, 'area': 6.0, 'bbox': [10.0, 8.0, 2.0, 3.0],
     'segmentation': {'size': [12, 16], 'counts': '<compressed>'}},
    {'id': 6, 'image_id': 21, 'category_id': 3, 'iscrowd': 0, 'area': 12.0, 'bbox': [2.0, 1.0, 4.0, 3.0],
     'segmentation': [[2.0, 1.0, 6.0, 1.0, 6.0, 4.0, 2.0, 4.0]]},
]
CAPTIONS = [
    {'id': 11, 'image_id': 13, 'caption': 'A gradient of colour.'},
    {'id': 12, 'image_id': 42, 'caption': 'Stripes, maybe.'},
    {'id': 10, 'image_id': 13, 'caption': 'Small   picture  '},
]


def rle_to_string(cnts):
    """maskApi.c rleToString (to write the compressed RLE of the fixture)."""
    s = []
    for i, x in enumerate(cnts):
        if i > 2:
            x -= cnts[i - 2]
        more = True
        while more:
            c = x & 0x1f
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            s.append(chr(c + 48))
    return ''.join(s)


def write_coco():
    root = os.path.join(DATA, 'coco')
    os.makedirs(os.path.join(root, 'images', 'sub'), exist_ok=True)
    for i, (img_id, name, w, h, mode) in enumerate(COCO_IMAGES):
        smooth_image(w, h, img_id, mode).save(os.path.join(root, 'images', name))
    box = np.zeros((12, 16), np.uint8)
    box[8:11, 10:12] = 1
    flat = box.T.flatten()
    runs, value, count = [], 0, 0
    for px in flat:
        if px != value:
            runs.append(count)
            count, value = 0, px
        count += 1
    runs.append(count)
    anns = [dict(a) for a in COCO_ANNOTATIONS]
    anns[4]['segmentation'] = {'size': [12, 16], 'counts': rle_to_string(runs)}
    images = [{'id': i, 'file_name': n, 'width': w, 'height': h} for i, n, w, h, _ in COCO_IMAGES]
    cats = [{'id': 1, 'name': 'one'}, {'id': 2, 'name': 'two'}, {'id': 3, 'name': 'three'}]
    with open(os.path.join(root, 'instances.json'), 'w') as f:
        json.dump({'images': images, 'annotations': anns, 'categories': cats}, f)
    with open(os.path.join(root, 'captions.json'), 'w') as f:
        json.dump({'images': images, 'annotations': CAPTIONS}, f)
    with open(os.path.join(root, 'list.json'), 'w') as f:
        json.dump([1, 2], f)
    return root


def voc_object(name, box, pose='Unspecified', truncated=0, difficult=0, extra=''):
    xmin, ymin, xmax, ymax = box
    return (f'\t<object>\n\t\t<name>{name}</name>\n\t\t<pose>{pose}</pose>\n\t\t<truncated>{truncated}</truncated>\n'
            f'\t\t<difficult>{difficult}</difficult>\n{extra}\t\t<bndbox>\n\t\t\t<xmin>{xmin}</xmin>\n\t\t\t<ymin>{ymin}</ymin>\n'
            f'\t\t\t<xmax>{xmax}</xmax>\n\t\t\t<ymax>{ymax}</ymax>\n\t\t</bndbox>\n\t</object>\n')


def voc_xml(year, name, w, h, objects, segmented=0):
    return (f'<?xml version="1.0"?>\n<annotation verified="yes">\n\t<folder>VOC{year}</folder>\n\t<filename>{name}.jpg</filename>\n'
            f'\t<source>\n\t\t<database>The VOC{year} Database</database>\n\t\t<annotation>PASCAL VOC{year}</annotation>\n'
            f'\t\t<image>flickr</image>\n\t</source>\n\t<size>\n\t\t<width>{w}</width>\n\t\t<height>{h}</height>\n\t\t<depth>3</depth>\n'
            f'\t</size>\n\t<segmented>{segmented}</segmented>\n\t<owner> </owner>\n\t<note/>\n{"".join(objects)}</annotation>\n')


PARTS = ('\t\t<part>\n\t\t\t<name>head</name>\n\t\t\t<bndbox><xmin>3</xmin><ymin>1</ymin><xmax>5</xmax><ymax>3</ymax></bndbox>\n\t\t</part>\n'
         '\t\t<part>\n\t\t\t<name>hand</name>\n\t\t\t<bndbox><xmin>2</xmin><ymin>4</ymin><xmax>3</xmax><ymax>5</ymax></bndbox>\n\t\t</part>\n'
         '\t\t<actions><jumping>0</jumping><other>1</other></actions>\n')

VOC = {  # year: {sample: (width, height, objects)}
    '2012': {
        '2012_000001': (14, 10, [voc_object('dog', (1, 2, 8, 9), 'Left', 1, 0), voc_object('person', (6, 0, 13, 9), 'Frontal', 0, 1, PARTS),
                                 voc_object('tvmonitor', (0, 0, 3, 3))]),
        '2012_000002': (12, 12, [voc_object('aeroplane', (2, 3, 11, 7), truncated=1)]),
        '2012_000003': (10, 8, [voc_object('cat', (0, 1, 9, 7)), voc_object('cat', (4, 4, 6, 6), difficult=1)]),
    },
    '2007': {
        '000005': (12, 9, [voc_object('chair', (1, 1, 5, 8)), voc_object('bicycle', (4, 2, 11, 8), 'Rear')]),
        '000007': (9, 11, []),  # no objects
    },
}
SETS = {('2012', 'Main', 'train'): ['2012_000001', '2012_000003'], ('2012', 'Main', 'val'): ['2012_000002'],
        ('2012', 'Segmentation', 'train'): ['2012_000001', '2012_000002'], ('2007', 'Main', 'trainval'): ['000005', '000007']}
PALETTE = [0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0] + [0, 0, 0] * 251 + [224, 224, 192]


def write_voc():
    root = os.path.join(DATA, 'voc')
    for year, samples in VOC.items():
        base = os.path.join(root, 'VOCdevkit', f'VOC{year}')
        for sub in ('JPEGImages', 'Annotations', 'SegmentationClass', 'ImageSets/Main', 'ImageSets/Segmentation'):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        for k, (name, (w, h, objects)) in enumerate(samples.items()):
            smooth_image(w, h, 100 + k + len(year)).save(os.path.join(base, 'JPEGImages', name + '.jpg'), quality=95)
            with open(os.path.join(base, 'Annotations', name + '.xml'), 'w') as f:
                f.write(voc_xml(year, name, w, h, objects, segmented=int(year == '2012')))
    for (year, kind, split), names in SETS.items():
        with open(os.path.join(root, 'VOCdevkit', f'VOC{year}', 'ImageSets', kind, split + '.txt'), 'w') as f:
            f.write(''.join(n + '\n' for n in names))
    for name in SETS[('2012', 'Segmentation', 'train')]:
        w, h, _ = VOC['2012'][name]
        yy, xx = np.mgrid[0:h, 0:w]
        idx = ((xx // 3 + yy // 4) % 4).astype(np.uint8)
        idx[0, :] = 255  # VOC's "void" border
        mask = Image.fromarray(idx, 'P')
        mask.putpalette(PALETTE)
        mask.save(os.path.join(root, 'VOCdevkit', 'VOC2012', 'SegmentationClass', name + '.png'))
    return root


def write_palettes():
    """Palette PNGs of 1, 2 and 4 bits a pixel (PIL packs them), interlaced ones of 1 to 8, and the indices PIL reads back."""
    root = os.path.join(DATA, 'palette')
    os.makedirs(root, exist_ok=True)
    out = {}
    for bits in (1, 2, 4):
        yy, xx = np.mgrid[0:5, 0:11]
        idx = ((xx * 3 + yy * 5) % (1 << bits)).astype(np.uint8)
        mask = Image.fromarray(idx, 'P')
        mask.putpalette(PALETTE[:3 << bits])
        path = os.path.join(root, f'p{bits}.png')
        mask.save(path, bits=bits)
        with open(path, 'rb') as f:
            assert f.read()[24] == bits  # IHDR's bit depth: the file really is packed
        out[f'p{bits}.png'] = np.array(Image.open(path)).tolist()
    # Adam7-interlaced ones (PIL reads but does not write them): 13 x 11, so passes end mid-byte
    for bits in (1, 2, 4, 8):
        yy, xx = np.mgrid[0:11, 0:13]
        idx = ((xx * 7 + yy * 3 + xx * yy) % (1 << bits)).astype(np.uint8)
        path = os.path.join(root, f'interlaced{bits}.png')
        write_interlaced_palette_png(path, idx, bits, PALETTE[:3 << bits])
        with Image.open(path) as im:
            assert im.mode == 'P' and im.info.get('interlace') == 1
            read = np.array(im)
        assert (read == idx).all()
        out[f'interlaced{bits}.png'] = read.tolist()
    return out


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_filter(kind, line, prev):
    """PNG's filter `kind` of a row (one byte to the left for pixels of 8 bits or fewer)."""
    out = bytearray(len(line))
    for i, v in enumerate(line):
        left, up, up_left = (line[i - 1] if i else 0), prev[i], (prev[i - 1] if i else 0)
        p = left + up - up_left
        paeth = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - up_left), 2, up_left))[2]
        out[i] = (v - (0, left, up, (left + up) >> 1, paeth)[kind]) & 255
    return bytes(out)


def write_interlaced_palette_png(path, idx, bits, palette):
    """A palette PNG, Adam7-interlaced, its rows cycling through the five filter types."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    raw, row_count = b'', 0
    for x0, y0, dx, dy in ADAM7:
        sub = idx[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        prev = bytes((sub.shape[1] * bits + 7) // 8)
        for r in sub:
            line = bytearray(len(prev))
            for i, v in enumerate(r):
                line[i * bits // 8] |= int(v) << (8 - bits * (i % (8 // bits) + 1))
            raw += bytes([row_count % 5]) + png_filter(row_count % 5, line, prev)
            prev, row_count = bytes(line), row_count + 1
    h, w = idx.shape
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, bits, 3, 0, 0, 1))
                + chunk(b'PLTE', bytes(palette)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


# ---- what torchvision reads ----

def load_tv_tensors_script():
    """scripts/make-tv-tensors-fixtures.py as a module, for its enc_leaf (tensors with their tv_tensor kind)."""
    spec = importlib.util.spec_from_file_location("tv_tensors_fixtures", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-tv-tensors-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tv_enc_leaf = load_tv_tensors_script().enc_leaf


def enc_leaf(sample):
    """A sample as the tv_tensors fixtures encode it, a PIL image first by its size and pixel hash."""
    if isinstance(sample, tuple) and isinstance(sample[0], Image.Image):
        return {"list": [{"image": plain_image(sample[0])}, tv_enc_leaf(sample[1])]}
    return tv_enc_leaf(sample)


def plain_image(img):
    return {"mode": img.mode, "size": list(img.size), "sha256": sha(img.tobytes())}


def items(ds, target=lambda t: t):
    return [{"image": plain_image(img), "target": target(t)} for img, t in (ds[i] for i in range(len(ds)))]


def wrapped_items(ds, **kw):
    w = datasets.wrap_dataset_for_transforms_v2(ds, **kw)
    out = []
    for i in range(len(w)):
        try:
            out.append(enc_leaf(w[i]))
        except Exception as e:  # noqa: BLE001 (torchvision's own error for this sample)
            out.append({"error": f"{type(e).__name__}: {e}"})
    return out


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


def mask_target(m):
    t = torch.from_numpy(np.array(m))
    return {"mode": m.mode, "size": list(m.size), "data": t.flatten().tolist()}


def random_masks():
    """rleFrPoly, rleMerge and rleFrString on random inputs (repeated vertices, points off the canvas, fractions)."""
    rng = np.random.default_rng(20261205)
    polygons, merges, strings = [], [], []
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(1, 13, 2))
        n = int(rng.integers(3, 9))
        xy = np.round(rng.uniform(-3, max(h, w) + 3, 2 * n) * 4) / 4
        if rng.random() < 0.2:
            xy[2:4] = xy[0:2]  # a repeated vertex
        xy = [float(v) for v in xy]
        polygons.append({"h": h, "w": w, "xy": xy, "counts": rle_fr_poly(xy, h, w)["counts"]})
    for k in range(20):
        group = polygons[3 * k:3 * k + 3]
        h, w = group[0]["h"], group[0]["w"]
        rles = [rle_fr_poly(p["xy"], h, w) for p in group]
        merges.append({"h": h, "w": w, "polygons": [p["xy"] for p in group], "counts": merge(rles)["counts"],
                       "mask": decode(merge(rles)).flatten().tolist()})
    for _ in range(20):
        counts = [int(c) for c in rng.integers(0, 40, int(rng.integers(1, 9)))]
        strings.append({"string": rle_to_string(counts), "counts": counts})
    return {"polygons": polygons, "merges": merges, "strings": strings}


def PIPELINE():
    return v2.Compose([v2.ToImage(), v2.RandomHorizontalFlip(p=1.0), v2.ConvertBoundingBoxFormat("CXCYWH")])


def main():
    check_stand_in()
    install_pycocotools()
    shutil.rmtree(DATA, ignore_errors=True)
    coco_root, voc_root = write_coco(), write_voc()
    rel = lambda p: os.path.relpath(p, DATA)  # noqa: E731
    images, instances, captions = os.path.join(coco_root, 'images'), os.path.join(coco_root, 'instances.json'), os.path.join(coco_root, 'captions.json')
    coco = datasets.CocoDetection(images, instances)
    caps = datasets.CocoCaptions(images, captions)
    out = {"coco": {
        "root": rel(images), "annFile": rel(instances), "captionsFile": rel(captions), "ids": coco.ids,
        "items": items(coco), "captions": items(caps),
        "wrapped": {"default": wrapped_items(datasets.CocoDetection(images, instances)),
                    "all": wrapped_items(datasets.CocoDetection(images, instances), target_keys="all"),
                    "masks_boxes": wrapped_items(datasets.CocoDetection(images, instances), target_keys=["masks", "boxes", "area"]),
                    # a v2 pipeline as the dataset's transforms: it runs on the wrapped sample
                    "pipeline": wrapped_items(datasets.CocoDetection(images, instances, transforms=PIPELINE()), target_keys=["boxes", "masks", "labels"])},
        "captionsWrapped": wrapped_items(datasets.CocoCaptions(images, captions)),
        "errors": {
            "unknownKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(coco, target_keys=["boxes", "foo", "bar"])),
            "stringKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(coco, target_keys="boxes")),
            "badKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(coco, target_keys=5)),
            "captionsKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(caps, target_keys=["boxes"])),
            "fakeData": error(lambda: datasets.wrap_dataset_for_transforms_v2(datasets.FakeData(size=2))),
            "notVision": error(lambda: datasets.wrap_dataset_for_transforms_v2(torch.utils.data.TensorDataset(torch.zeros(2)))),
            "listFile": error(lambda: datasets.CocoDetection(images, os.path.join(coco_root, 'list.json'))),
            "index": error(lambda: coco[len(coco)]),
            "floatIndex": error(lambda: coco[1.5]),
            "bothTransforms": error(lambda: datasets.CocoDetection(images, instances, transform=lambda x: x, transforms=lambda a, b: (a, b))),
        },
    }}
    voc = {}
    for year, split in (('2012', 'train'), ('2012', 'val'), ('2007', 'trainval')):
        det = datasets.VOCDetection(voc_root, year=year, image_set=split)
        voc[f"{year}-{split}"] = {
            "items": items(det),
            "wrapped": {"default": wrapped_items(datasets.VOCDetection(voc_root, year=year, image_set=split)),
                        "all": wrapped_items(datasets.VOCDetection(voc_root, year=year, image_set=split), target_keys="all"),
                        "boxes": wrapped_items(datasets.VOCDetection(voc_root, year=year, image_set=split), target_keys={"boxes"})},
        }
    seg = datasets.VOCSegmentation(voc_root, year='2012', image_set='train')
    out["palettes"] = write_palettes()
    out["masks"] = random_masks()
    out["voc"] = {
        "root": rel(voc_root), "detection": voc,
        "segmentation": {"items": items(seg, mask_target), "wrapped": wrapped_items(datasets.VOCSegmentation(voc_root, year='2012', image_set='train'))},
        "errors": {
            "year": error(lambda: datasets.VOCDetection(voc_root, year='2013')),
            "imageSet": error(lambda: datasets.VOCDetection(voc_root, year='2012', image_set='test')),
            "notFound": error(lambda: datasets.VOCDetection(voc_root, year='2010')),
            "segmentationKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(seg, target_keys=["boxes"])),
            "vocUnknownKeys": error(lambda: datasets.wrap_dataset_for_transforms_v2(datasets.VOCDetection(voc_root), target_keys=["masks"])),
        },
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(DATA) for f in fs)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes) and {DATA} ({size} bytes)")


if __name__ == "__main__":
    main()
