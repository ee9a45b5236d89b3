// Storage-level helpers shared by storage.cc (x.untypedStorage()) and serialize.cc (torch.save).
#pragma once

#include <ATen/core/Tensor.h>

namespace tn {

// Whether a JS array made by toTypedArray({ share: true }) still views the storage's memory.
bool SharedWithArrays(const c10::StorageImpl* impl);

// A uint8 tensor over every byte of t's storage (offset 0), on the storage's device.
at::Tensor StorageByteView(const at::Tensor& t);

}  // namespace tn
