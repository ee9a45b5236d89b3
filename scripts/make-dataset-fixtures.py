# Small stand-ins for the files torchvision downloads, and what torchvision 0.28 reads from them
# -> test/fixtures/datasets/. Run: .venv/bin/python scripts/make-dataset-fixtures.py
#   cifar-10-batches-py/, cifar-100-python/: batches pickled as the real ones are (Python 2 pickles:
#     str as BINSTRING, numpy uint8 arrays), and their .tar.gz archives (what download: true fetches);
#   mnist/*.gz: IDX files, gzipped as on the MNIST mirrors;
#   traversal.tar: an archive with a '../' entry, which extraction must refuse;
#   expected.json: each dataset as torchvision reads it (lengths, targets, classes, SHA-256 of the
#     HWC pixels and of item 1's image), with the MD5s a test subclass declares.
import gzip
import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import sys
import tarfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'datasets')


class Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2's str (BINSTRING), as cPickle wrote the real CIFAR batches."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        n = len(obj)
        self.write((pickle.SHORT_BINSTRING + bytes([n]) if n < 256 else pickle.BINSTRING + struct.pack('<i', n)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def py2_pickle(obj, path):
    buf = io.BytesIO()
    Py2Pickler(buf, protocol=2).dump(obj)
    with open(path, 'wb') as f:
        f.write(buf.getvalue())


def md5(path):
    return hashlib.md5(open(path, 'rb').read()).hexdigest()


def sha(b):
    return hashlib.sha256(bytes(b)).hexdigest()


def tar_gz(folder, name, path):
    """A reproducible .tar.gz of OUT/folder (fixed mtimes, sorted entries)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        def reset(info):
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, '', ''
            return info
        tar.add(os.path.join(OUT, folder), arcname=name, filter=reset, recursive=False)
        for f in sorted(os.listdir(os.path.join(OUT, folder))):
            tar.add(os.path.join(OUT, folder, f), arcname=f'{name}/{f}', filter=reset)
    with open(path, 'wb') as f, gzip.GzipFile(fileobj=f, mode='wb', mtime=0, filename='') as gz:
        gz.write(raw.getvalue())


def cifar(rng, folder, files, label_keys, meta_name, meta):
    os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    for name, n in files:
        entry = {b'batch_label': b'fake ' + name.encode(), b'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 b'filenames': [f'img_{i}.png'.encode() for i in range(n)]}
        for key, classes in label_keys:
            entry[key] = [int(x) for x in rng.integers(0, classes, n)]
        py2_pickle(entry, os.path.join(OUT, folder, name))
    py2_pickle(meta, os.path.join(OUT, folder, meta_name))


def describe(ds):
    _, _ = ds[1]
    img = ds[1][0]
    return {'length': len(ds), 'targets': [int(t) for t in ds.targets], 'classes': list(ds.classes),
            'data_sha256': sha(np.ascontiguousarray(np.asarray(ds.data)).tobytes()), 'item1_sha256': sha(img.tobytes()),
            'item1_mode': img.mode, 'item1_size': list(img.size)}


def idx(path, magic_dims, arr):
    with open(path, 'wb') as f, gzip.GzipFile(fileobj=f, mode='wb', mtime=0, filename='') as gz:
        gz.write(struct.pack('>I', 0x800 | magic_dims) + b''.join(struct.pack('>I', d) for d in arr.shape) + arr.tobytes())


def main():
    import torch
    # torchvision's _C.so is a CUDA build that fails to load against CPU torch; the Python modules only
    # need its operator schemas to exist, so define placeholders before the import.
    lib = torch.library.Library('torchvision', 'DEF')
    for op in ['nms', 'qnms', 'roi_align', '_roi_align_backward', 'ps_roi_align', '_ps_roi_align_backward', 'roi_pool',
               '_roi_pool_backward', 'ps_roi_pool', '_ps_roi_pool_backward', 'qroi_align', 'deform_conv2d',
               '_deform_conv2d_backward']:
        lib.define(f'{op}(Tensor x) -> Tensor')
    import torchvision
    from torchvision import datasets

    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    rng = np.random.default_rng(0)
    expected = {'torchvision': torchvision.__version__}

    names10 = [b'airplane', b'automobile', b'bird', b'cat', b'deer', b'dog', b'frog', b'horse', b'ship', b'truck']
    cifar(rng, 'cifar-10-batches-py', [(f'data_batch_{i}', 2 + i % 2) for i in range(1, 6)] + [('test_batch', 3)],
          [(b'labels', 10)], 'batches.meta', {b'num_cases_per_batch': 10000, b'label_names': names10, b'num_vis': 3072})
    tar_gz('cifar-10-batches-py', 'cifar-10-batches-py', os.path.join(OUT, 'cifar-10-python.tar.gz'))
    fine = [f'fine_{i}'.encode() for i in range(100)]
    coarse = [f'coarse_{i}'.encode() for i in range(20)]
    cifar(rng, 'cifar-100-python', [('train', 4), ('test', 2)], [(b'fine_labels', 100), (b'coarse_labels', 20)],
          'meta', {b'fine_label_names': fine, b'coarse_label_names': coarse})
    tar_gz('cifar-100-python', 'cifar-100-python', os.path.join(OUT, 'cifar-100-python.tar.gz'))

    for cls, folder, archive in [(datasets.CIFAR10, 'cifar-10-batches-py', 'cifar-10-python.tar.gz'),
                                 (datasets.CIFAR100, 'cifar-100-python', 'cifar-100-python.tar.gz')]:
        lists = {k: [[f, md5(os.path.join(OUT, folder, f))] for f, _ in getattr(cls, k)] for k in ('train_list', 'test_list')}
        meta = dict(cls.meta, md5=md5(os.path.join(OUT, folder, cls.meta['filename'])))
        Fake = type('Fake' + cls.__name__, (cls,), dict(lists, meta=meta))
        expected[cls.__name__] = {
            'tgz_md5': md5(os.path.join(OUT, archive)), 'train_list': lists['train_list'], 'test_list': lists['test_list'],
            'meta_md5': meta['md5'], 'train': describe(Fake(OUT, train=True)), 'test': describe(Fake(OUT, train=False))}

    os.makedirs(os.path.join(OUT, 'mnist'))
    resources = []
    for split, n in [('train', 5), ('t10k', 3)]:
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        for kind, dims, arr in [('images-idx3-ubyte', 3, images), ('labels-idx1-ubyte', 1, labels)]:
            name = f'{split}-{kind}.gz'
            idx(os.path.join(OUT, 'mnist', name), dims, arr)
            resources.append([name, md5(os.path.join(OUT, 'mnist', name))])
    # torchvision reads them from root/MNIST/raw once extracted.
    root = os.path.join(OUT, '_mnist_root')
    os.makedirs(os.path.join(root, 'MNIST', 'raw'))
    for name, _ in resources:
        with gzip.open(os.path.join(OUT, 'mnist', name)) as src, open(os.path.join(root, 'MNIST', 'raw', name[:-3]), 'wb') as dst:
            dst.write(src.read())
    expected['MNIST'] = {'resources': resources, 'train': describe(datasets.MNIST(root, train=True)),
                         'test': describe(datasets.MNIST(root, train=False))}
    # KMNIST reads the same layout under root/KMNIST/raw.
    os.makedirs(os.path.join(root, 'KMNIST'))
    shutil.move(os.path.join(root, 'MNIST', 'raw'), os.path.join(root, 'KMNIST', 'raw'))
    expected['KMNIST'] = {'train': describe(datasets.KMNIST(root, train=True)), 'test': describe(datasets.KMNIST(root, train=False))}
    shutil.rmtree(root)

    # FakeData: each item from the default generator seeded index + random_offset, whose state is restored.
    expected['FakeData'] = []
    for kwargs in [dict(size=4, image_size=(3, 6, 5), num_classes=7, random_offset=3), dict(size=3, image_size=(1, 4, 9)),
                   dict(size=2, image_size=(3, 2, 2), num_classes=1)]:
        ds = datasets.FakeData(**kwargs)
        torch.manual_seed(123)
        items = [ds[i] for i in range(len(ds))] + [ds[-1]]
        expected['FakeData'].append({
            'kwargs': {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
            'items': [{'sha256': sha(img.tobytes()), 'mode': img.mode, 'size': list(img.size), 'target': t} for img, t in items],
            'rand_after': torch.rand(1).item()})

    with tarfile.open(os.path.join(OUT, 'traversal.tar'), 'w', format=tarfile.USTAR_FORMAT) as tar:
        data = b'must not be written outside the target folder\n'
        info = tarfile.TarInfo('../escaped.txt')
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT} with torchvision {torchvision.__version__}, numpy {np.__version__}', file=sys.stderr)


if __name__ == '__main__':
    main()
