// The dtype table: every c10::ScalarType of this libtorch with PyTorch's Python names. The JS
// constants (lib/dtype.ts) are built from it at load, so names, codes and sizes have one source.
#pragma once
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace tn {

// 'float32', 'torch.float', 'half', ... -> the scalar type; false if no dtype has that name.
bool ParseScalarType(const std::string& name, c10::ScalarType* out);
// PyTorch's primary name ('float32'), or nullptr for a code that is no dtype here.
const char* DTypeName(c10::ScalarType st);
// Python's dtype.abbr ('f32', 'i64', 'b8', 'bf16', 'f8e4m3fn'), as op logs print tensor types; "" for no dtype.
std::string DTypeAbbr(c10::ScalarType st);
// Whether `code` is a valid ScalarType of this libtorch.
bool IsScalarTypeCode(int64_t code);
// Python's torch.layout / torch.memory_format names ('strided', 'torch.channels_last') -> c10 code.
bool ParseLayout(const std::string& name, int64_t* code);
// The torch.layout name without its prefix ('strided', 'sparse_coo', ...), or 'unknown'.
const char* LayoutName(c10::Layout layout);
bool ParseMemoryFormat(const std::string& name, int64_t* code);
// The torch.memory_format name without its prefix ('contiguous_format', ...), or 'unknown'.
const char* MemoryFormatName(c10::MemoryFormat format);
bool IsLayoutCode(int64_t code);
bool IsMemoryFormatCode(int64_t code);

}  // namespace tn
