"""Legacy zip checkpoints for torch.hub.loadStateDictFromUrl (torch 2.13): run with
.venv/bin/python scripts/make-hub-fixtures.py.

Before PyTorch 1.6, torch.save wrote no zip of its own, and checkpoints were published as a zip
holding the one saved file; Python's torch.hub._is_legacy_zip_format / _legacy_zip_load read them.
Writes test/fixtures/hub/ (read by test/testing-parity.test.ts):
  legacy-stored.zip    legacy_inner.pth (torch.save(..., _use_new_zipfile_serialization=False)), stored
  legacy-deflated.zip  the same file, deflated
  legacy-slip.zip      the same file named ../escape.pth (hub's zip-slip check refuses it)
The saved object is {'w': torch.arange(3.), 'step': 7}. The legacy format names storages by their
address in memory, so a rerun writes other bytes for the same content.
"""
import io
import os
import zipfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "hub")
os.makedirs(OUT, exist_ok=True)

buf = io.BytesIO()
torch.save({"w": torch.arange(3.0), "step": 7}, buf, _use_new_zipfile_serialization=False)
inner = buf.getvalue()


def write(name, entry, compression):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", compression) as z:
        info = zipfile.ZipInfo(entry, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = compression
        info.external_attr = 0o644 << 16
        z.writestr(info, inner)


write("legacy-stored.zip", "legacy_inner.pth", zipfile.ZIP_STORED)
write("legacy-deflated.zip", "legacy_inner.pth", zipfile.ZIP_DEFLATED)
write("legacy-slip.zip", "../escape.pth", zipfile.ZIP_STORED)
