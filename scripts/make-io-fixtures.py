# Image files and the tensors torchvision.io's decoders return for them -> test/fixtures/io/.
#   .venv/bin/python scripts/make-io-fixtures.py
# torchvision's image extension (_C/image.so) is a CUDA build that does not load against CPU torch here,
# so the expected tensors are PIL's decoding of the same files (PIL uses the same libjpeg-turbo/zlib
# decoding) laid out as torchvision's decode_image lays them out: (C, H, W), uint8 (uint16 for 16-bit
# PNG), gray replicated for RGB modes, an opaque alpha channel added for *_ALPHA modes.
import io
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


# ---- GIF: torchvision's decode_gif composition over giflib's frames ----

def lzw_literal_codes(indices, min_code_size):
    """GIF LZW data that sends every pixel as its own literal code (clear first, end last), tracking the
    decoder's table so the code width grows as the decoder's does; PIL's files cover real compression."""
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    size, nxt, first, out, acc, nbits = min_code_size + 1, clear + 2, True, bytearray(), 0, 0

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 255)
            acc >>= 8
            nbits -= 8

    emit(clear)
    for v in indices:
        emit(int(v))
        if first:
            first = False
            continue
        if nxt < 4096:
            nxt += 1
            if nxt == 1 << size and size < 12:
                size += 1
        if nxt >= 4000:  # start over before the table fills
            emit(clear)
            size, nxt, first = min_code_size + 1, clear + 2, True
    emit(end)
    if nbits:
        out.append(acc & 255)
    return bytes(out)


def sub_blocks(data):
    return b''.join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b'\x00'


def interlaced_rows(a):
    return np.concatenate([a[s::k] for s, k in [(0, 8), (4, 8), (2, 4), (1, 2)]])


def write_gif(path, screen, gct, bg, frames):
    """A GIF by hand: screen (w, h); gct a (n, 3) table or None; frames as dicts of left, top, indices
    (h, w), local table, disposal, transparent index (None: no graphic control extension), interlaced."""
    import struct

    def table_bits(t):
        return max(int(np.ceil(np.log2(len(t)))), 1) - 1

    head = b'GIF89a' + struct.pack('<HHBBB', screen[0], screen[1], (0x80 | 0x70 | table_bits(gct)) if gct is not None else 0x70, bg, 0)
    if gct is not None:
        head += bytes(np.asarray(gct, np.uint8).reshape(-1))
    body = b''
    for f in frames:
        if f.get('gce', True):
            t = f.get('transparent')
            body += b'\x21\xf9\x04' + bytes([(f.get('disposal', 0) << 2) | (t is not None), 10, 0, t or 0, 0])
        idx = np.asarray(f['indices'], np.uint8)
        h, w = idx.shape
        lct = f.get('lct')
        flags = (0x80 | table_bits(lct) if lct is not None else 0) | (0x40 if f.get('interlaced') else 0)
        body += b'\x2c' + struct.pack('<HHHHB', f.get('left', 0), f.get('top', 0), w, h, flags)
        if lct is not None:
            body += bytes(np.asarray(lct, np.uint8).reshape(-1))
        rows = interlaced_rows(idx) if f.get('interlaced') else idx
        body += bytes([8]) + sub_blocks(lzw_literal_codes(rows.reshape(-1), 8))
    with open(path, 'wb') as fh:
        fh.write(head + body + b'\x3b')


def torchvision_gif(screen, gct, bg, frames):
    """decode_gif.cpp's loop over the frames, transcribed: (N, 3, H, W), or (3, H, W) for one frame."""
    H = max(screen[1], np.asarray(frames[0]['indices']).shape[0])
    W = max(screen[0], np.asarray(frames[0]['indices']).shape[1])
    bgc = np.asarray(gct, np.uint8)[bg] if gct is not None else np.zeros(3, np.uint8)
    out = np.zeros((len(frames), H, W, 3), np.uint8)  # torch::empty: only reached where a frame writes (see main)
    for i, f in enumerate(frames):
        if i > 0 and f.get('gce', True) and f.get('disposal', 0) == 1:
            out[i] = out[i - 1]
        else:
            out[i, :screen[1], :screen[0]] = bgc
        idx = np.asarray(f['indices'], np.uint8)
        cmap = np.asarray(f['lct'] if f.get('lct') is not None else gct, np.uint8)
        t = f.get('transparent') if f.get('gce', True) else None
        h, w = idx.shape
        top, left = f.get('top', 0), f.get('left', 0)
        for y in range(h):
            for x in range(w):
                if t is not None and idx[y, x] == t:
                    continue
                out[i, top + y, left + x] = cmap[idx[y, x]]
    out = out.transpose(0, 3, 1, 2)
    return out[0] if len(frames) == 1 else out


def write_gifs(rng):
    """GIF files and what torchvision's decode_gif returns for them."""
    cases = {}
    # PIL's own encoder (real LZW compression), one frame covering the screen: PIL's RGB is torchvision's
    for name, interlace in [('pil.gif', False), ('pil_interlaced.gif', True)]:
        a = np.zeros((21, 34), np.uint8)
        a[3:15, 5:30] = 3
        a[15:, :] = rng.integers(0, 200, (6, 34))
        im = Image.fromarray(a, 'P')
        im.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tolist())
        im.save(os.path.join(OUT, name), interlace=interlace)
        with open(os.path.join(OUT, name), 'rb') as fh:
            v = fh.read()
        assert bool(v[v.index(b',', 13) + 9] & 0x40) == interlace, name
        with Image.open(os.path.join(OUT, name)) as g:
            cases[name] = chw(np.asarray(g.convert('RGB')))
    gct = rng.integers(0, 256, (16, 3), dtype=np.uint8)
    lct = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    f = lambda h, w, hi=16: rng.integers(0, hi, (h, w), dtype=np.uint8)
    animations = {
        # frames smaller than the screen at offsets; every disposal method; transparency; a local table; interlacing
        'animated.gif': ((12, 9), gct, 5, [
            dict(indices=f(9, 12), disposal=1),
            dict(indices=f(4, 5), left=3, top=2, disposal=1, transparent=7),
            dict(indices=f(5, 6), left=6, top=4, disposal=2),
            dict(indices=f(9, 12), disposal=1, transparent=0, interlaced=True),
            dict(indices=f(3, 4, 4), left=1, top=5, disposal=3, lct=lct),
            dict(indices=f(9, 12), disposal=1, transparent=3),
            dict(indices=f(2, 2), left=10, top=7, gce=False),
        ]),
        # only local tables (the background is black); the first image larger than the screen
        'local_only.gif': ((5, 4), None, 9, [
            dict(indices=f(6, 8, 4), lct=lct),
            dict(indices=f(6, 8, 4), lct=lct[::-1], disposal=1, transparent=2),
        ]),
        'one_interlaced.gif': ((13, 11), gct, 0, [dict(indices=f(11, 13), interlaced=True, transparent=None)]),
    }
    for name, (screen, table, bg, frames) in animations.items():
        write_gif(os.path.join(OUT, name), screen, table, bg, frames)
        out = torchvision_gif(screen, table, bg, frames)
        cases[name] = out
    with Image.open(os.path.join(OUT, 'one_interlaced.gif')) as g:  # PIL decodes the hand-written LZW alike
        assert (chw(np.asarray(g.convert('RGB'))) == cases['one_interlaced.gif']).all()
    return {k: {'dtype': 'uint8', 'shape': list(v.shape), 'data': v.reshape(-1).tolist()} for k, v in cases.items()}


def bmp_pnm_files():
    """BMP and Netpbm files (sharp reads neither; ImageFolder lists them) and a 16-bit gray PNG: what Pillow's Image.open gives,
    as its mode and as convert('RGB') (ImageFolder's loader), per file."""
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    gray = rng.integers(0, 256, (5, 7), dtype=np.uint8)
    files = {
        'rgb24.bmp': lambda p: Image.fromarray(rgb, 'RGB').save(p),
        'gray8.bmp': lambda p: Image.fromarray(gray, 'L').save(p),
        'palette8.bmp': lambda p: Image.fromarray(rgb, 'RGB').convert('P', palette=Image.ADAPTIVE, colors=20).save(p),
        'bits1.bmp': lambda p: Image.fromarray(gray > 128).save(p),
        'rgba32.bmp': lambda p: Image.fromarray(np.dstack([rgb, gray]), 'RGBA').save(p),
        'rgb.ppm': lambda p: Image.fromarray(rgb, 'RGB').save(p),
        'gray.pgm': lambda p: Image.fromarray(gray, 'L').save(p),
        'bits.pbm': lambda p: Image.fromarray(gray > 100).save(p),
        # 16-bit gray PNG: PIL's mode I;16, whose convert clips at 255 (sharp would scale)
        'gray16_small.png': lambda p: Image.fromarray((np.arange(35, dtype=np.uint16) * 9).reshape(5, 7)).save(p),
    }
    raw = {  # written by hand: Pillow writes maxval 255 only
        'maxval100.pgm': b'P5\n# a comment\n3 2\n100\n' + bytes([0, 50, 100, 10, 20, 30]),
        'wide.pgm': b'P5 3 1 65535 ' + bytes([0, 1, 0, 255, 255, 255]),
        'plain.ppm': b'P3\n2 2\n15\n0 5 10  15 0 5\n10 15 0  5 10 15\n',
        'plain.pbm': b'P1\n3 2\n101\n0 1 0\n',
    }
    out = {}
    for name, write in list(files.items()) + [(n, None) for n in raw]:
        path = os.path.join(OUT, name)
        if write is None:
            with open(path, 'wb') as f:
                f.write(raw[name])
        else:
            write(path)
        with Image.open(path) as im:
            out[name] = {'mode': im.mode, 'rgb': chw(np.asarray(im.convert('RGB'))).tolist()}
    return out


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
    gifs = write_gifs(rng)
    # PNG file sizes of a noisy gradient, as Pillow writes it (filtered rows, as libpng and torchvision's encode_png)
    grad = np.random.default_rng(11)
    noisy = (np.linspace(0, 255, 64)[None, :, None] + np.linspace(0, 60, 48)[:, None, None] + grad.integers(0, 24, (48, 64, 3))).clip(0, 255).astype(np.uint8)
    png_sizes = {}
    for level in (1, 6, 9):
        buf = io.BytesIO()
        Image.fromarray(noisy, 'RGB').save(buf, format='PNG', compress_level=level)
        png_sizes[str(level)] = len(buf.getvalue())
    pil_only = bmp_pnm_files()
    import PIL
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'pillow': PIL.__version__, 'cases': cases, 'gifs': gifs, 'pngSizes': {'image': chw(noisy).tolist(), 'bytes': png_sizes},
                   'pilOnly': pil_only}, f)
        f.write('\n')
    print(f'wrote {len(cases)} files to {OUT}')


if __name__ == '__main__':
    main()
