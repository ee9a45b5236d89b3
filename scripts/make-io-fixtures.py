# Image files and the tensors torchvision.io's decoders return for them -> test/fixtures/io/.
#   .venv/bin/python scripts/make-io-fixtures.py
# torchvision's image extension (_C/image.so) is a CUDA build that does not load against CPU torch here,
# so the expected tensors are PIL's decoding of the same files (PIL uses the same libjpeg-turbo/zlib
# decoding) laid out as torchvision's decode_image lays them out: (C, H, W), uint8 (uint16 for 16-bit
# PNG), gray replicated for RGB modes, an opaque alpha channel added for *_ALPHA modes.
import json
import os

import numpy as np
from PIL import Image, ImageOps

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'io')


def chw(a):
    a = np.asarray(a)
    return (a[:, :, None] if a.ndim == 2 else a).transpose(2, 0, 1)


def expected(path, mode):
    img = Image.open(path)
    img = ImageOps.exif_transpose(img) if mode.endswith('+exif') else img
    mode = mode.replace('+exif', '')
    sixteen = img.mode in ('I;16', 'I')
    if img.mode == 'P' and mode == 'UNCHANGED':
        # libpng without the palette applied: the indices, one channel (8-bit files only; see main)
        return {'dtype': 'uint8', 'shape': [1, *img.size[::-1]], 'data': np.asarray(img).reshape(-1).tolist()}
    if img.mode == 'P':
        img = img.convert('RGBA' if 'transparency' in img.info else 'RGB')
    a = chw(np.asarray(img).astype(np.uint16) if sixteen else np.asarray(img))
    top = 65535 if sixteen else 255
    c = a.shape[0]
    gray, alpha = c in (1, 2), c in (2, 4)
    if mode == 'UNCHANGED':
        out = a
    elif mode == 'RGB':
        out = np.repeat(a[:1], 3, 0) if gray else a[:3]
    elif mode == 'RGB_ALPHA':
        rgb = np.repeat(a[:1], 3, 0) if gray else a[:3]
        out = np.concatenate([rgb, a[-1:] if alpha else np.full_like(a[:1], top)])
    elif mode == 'GRAY':
        out = a[:1]
    elif mode == 'GRAY_ALPHA':
        out = np.concatenate([a[:1], a[-1:] if alpha else np.full_like(a[:1], top)])
    return {'dtype': 'uint16' if sixteen else 'uint8', 'shape': list(out.shape), 'data': out.reshape(-1).tolist()}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    smooth = lambda c: (np.linspace(0, 255, 7 * 5 * c).reshape(5, 7, c) + rng.integers(0, 40, (5, 7, c))).clip(0, 255).astype(np.uint8)
    Image.fromarray(rng.integers(0, 256, (5, 7), dtype=np.uint8), 'L').save(os.path.join(OUT, 'gray.png'))
    Image.fromarray(rng.integers(0, 256, (5, 7, 2), dtype=np.uint8), 'LA').save(os.path.join(OUT, 'gray_alpha.png'))
    Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), 'RGB').save(os.path.join(OUT, 'rgb.png'))
    Image.fromarray(rng.integers(0, 256, (5, 7, 4), dtype=np.uint8), 'RGBA').save(os.path.join(OUT, 'rgba.png'))
    Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=16).save(os.path.join(OUT, 'palette.png'))
    Image.fromarray(rng.integers(0, 65536, (5, 7), dtype=np.uint16)).save(os.path.join(OUT, 'gray16.png'))
    # a gray PNG with a tRNS colour key: torchvision ignores tRNS outside palettes (no alpha channel)
    keyed = rng.integers(0, 256, (5, 7), dtype=np.uint8)
    Image.fromarray(keyed, 'L').save(os.path.join(OUT, 'gray_trns.png'), transparency=int(keyed[0, 0]))
    Image.fromarray(smooth(3), 'RGB').save(os.path.join(OUT, 'rgb.jpg'), quality=90)
    Image.fromarray(smooth(1)[:, :, 0], 'L').save(os.path.join(OUT, 'gray.jpg'), quality=85)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    Image.fromarray(smooth(3), 'RGB').save(os.path.join(OUT, 'rotated.jpg'), quality=90, exif=exif)
    Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), 'RGB').save(os.path.join(OUT, 'lossless.webp'), lossless=True)
    # 8-bit palette PNGs (more than 16 colours, so PIL does not pack them), one with a tRNS entry, and
    # ones with an EXIF orientation in an eXIf chunk: UNCHANGED gives the indices, turned upright with +exif
    palette8 = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=40)
    palette8.save(os.path.join(OUT, 'palette8.png'))
    palette8.save(os.path.join(OUT, 'palette8_trns.png'), transparency=3)
    for orientation in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        palette8.save(os.path.join(OUT, f'palette8_exif{orientation}.png'), exif=exif)
    for name in ['palette8.png', 'palette8_trns.png'] + [f'palette8_exif{o}.png' for o in range(2, 9)]:
        with open(os.path.join(OUT, name), 'rb') as f:
            head = f.read(29)
        assert head[24] == 8 and head[25] == 3, name  # an 8-bit palette file
    cases = {}
    for name, modes in [('gray.png', ['UNCHANGED', 'GRAY', 'GRAY_ALPHA', 'RGB', 'RGB_ALPHA']),
                        ('gray_alpha.png', ['UNCHANGED', 'GRAY', 'GRAY_ALPHA', 'RGB', 'RGB_ALPHA']),
                        ('rgb.png', ['UNCHANGED', 'RGB', 'RGB_ALPHA']), ('rgba.png', ['UNCHANGED', 'RGB', 'RGB_ALPHA']),
                        ('palette.png', ['RGB']), ('gray16.png', ['UNCHANGED', 'GRAY', 'RGB']),
                        ('gray_trns.png', ['UNCHANGED', 'GRAY_ALPHA', 'RGB_ALPHA']),
                        ('rgb.jpg', ['UNCHANGED', 'RGB']), ('gray.jpg', ['UNCHANGED', 'GRAY', 'RGB']),
                        ('rotated.jpg', ['UNCHANGED', 'RGB+exif']), ('lossless.webp', ['UNCHANGED', 'RGB', 'RGB_ALPHA']),
                        ('palette8.png', ['UNCHANGED', 'RGB', 'RGB_ALPHA']), ('palette8_trns.png', ['UNCHANGED', 'RGB', 'RGB_ALPHA']),
                        *[(f'palette8_exif{o}.png', ['UNCHANGED', 'UNCHANGED+exif', 'RGB+exif']) for o in range(2, 9)]]:
        cases[name] = {mode: expected(os.path.join(OUT, name), mode) for mode in modes}
    import PIL
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'pillow': PIL.__version__, 'cases': cases}, f)
        f.write('\n')
    print(f'wrote {len(cases)} files to {OUT}')


if __name__ == '__main__':
    main()
