// torch.save / torch.load, native half: PyTorch's zip container (caffe2::serialize::PyTorchStreamReader
// and PyTorchStreamWriter, the classes Python's torch.save/torch.load use) and storages <-> tensors.
// The pickle (data.pkl) is read and written in TS (lib/serialize.ts); see that file for why.
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "convert.h"
#include "handle.h"
#include "ops.h"

namespace tn {
namespace {

constexpr napi_type_tag kZipReaderTag = {0x5a1f0c2d9e7b4a63ULL, 0x8b3e6f1d2c4a9e05ULL};

// A reader over bytes copied from a JS buffer (the reader outlives the call that opened it).
class OwnedBytesAdapter final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit OwnedBytesAdapter(std::vector<char> bytes) : bytes_(std::move(bytes)) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= bytes_.size()) return 0;
    size_t left = bytes_.size() - static_cast<size_t>(pos);
    if (n > left) n = left;
    std::memcpy(buf, bytes_.data() + pos, n);
    return n;
  }

 private:
  std::vector<char> bytes_;
};

struct ZipReaderBox {
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
};

void FinalizeZipReader(node_api_basic_env /*env*/, void* data, void* /*hint*/) { delete static_cast<ZipReaderBox*>(data); }

caffe2::serialize::PyTorchStreamReader& ReaderOf(napi_env env, napi_value v) {
  void* p = nullptr;
  bool ours = false;
  if (napi_get_value_external(env, v, &p) != napi_ok || napi_check_object_type_tag(env, v, &kZipReaderTag, &ours) != napi_ok ||
      !ours)
    ThrowType("expected a zip reader");
  auto* box = static_cast<ZipReaderBox*>(p);
  if (!box->reader) ThrowError("the archive was already closed");
  return *box->reader;
}

// The bytes of a Uint8Array/Buffer argument (pointer valid during the call).
std::pair<const char*, size_t> BytesOf(napi_env env, napi_value v, const char* what) {
  bool typed = false;
  Check(napi_is_typedarray(env, v, &typed));
  if (!typed) ThrowType(std::string(what) + " must be a Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void* data;
  Check(napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr));
  if (type != napi_uint8_array) ThrowType(std::string(what) + " must be a Uint8Array");
  return {static_cast<const char*>(data), length};
}

napi_value BufferFrom(napi_env env, const void* data, size_t n) {
  napi_value out;
  void* copy = nullptr;
  Check(napi_create_buffer_copy(env, n, n ? data : "", &copy, &out));
  return out;
}

// A byte view over the whole storage of t, on the CPU.
at::Tensor StorageBytes(const at::Tensor& t) {
  const at::Storage& s = t.storage();
  at::Tensor bytes = at::empty({0}, t.options().dtype(c10::kByte)).set_(s, 0, {static_cast<int64_t>(s.nbytes())}, {1});
  return bytes.device().is_cpu() ? bytes : bytes.cpu();
}

// zipWrite(records: [name, Uint8Array | tensor handle][], path?): writes the archive to path
// (streamed: no copy of the whole file in memory; the archive folder is the file's base name, as
// Python's), or returns its bytes as a Buffer. A tensor record holds its tensor's whole storage.
napi_value ZipWrite(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.save", [&] {
    Args<2> a(env, info);
    if (!IsArray(env, a[0])) ThrowType("records must be an array");
    uint32_t n = 0;
    Check(napi_get_array_length(env, a[0], &n));
    std::vector<char> out;
    const bool toFile = !IsNullish(env, a[1]);
    auto made = toFile ? std::make_unique<caffe2::serialize::PyTorchStreamWriter>(ToString(env, a[1], "path"))
                       : std::make_unique<caffe2::serialize::PyTorchStreamWriter>([&](const void* p, size_t len) {
                           out.insert(out.end(), static_cast<const char*>(p), static_cast<const char*>(p) + len);
                           return len;
                         });
    caffe2::serialize::PyTorchStreamWriter& writer = *made;
    for (uint32_t i = 0; i < n; ++i) {
      napi_value rec, nameV, dataV;
      Check(napi_get_element(env, a[0], i, &rec));
      Check(napi_get_element(env, rec, 0, &nameV));
      Check(napi_get_element(env, rec, 1, &dataV));
      std::string name = ToString(env, nameV, "record name");
      if (Box* b = BoxOf(env, dataV)) {
        at::Tensor bytes = StorageBytes(LiveTensor(env, b, "tensor"));
        writer.writeRecord(name, bytes.data_ptr(), static_cast<size_t>(bytes.numel()));
      } else {
        auto [p, len] = BytesOf(env, dataV, "record data");
        writer.writeRecord(name, p, len);
      }
    }
    writer.writeEndOfFile();
    return toFile ? Undefined(env) : BufferFrom(env, out.data(), out.size());
  });
}

// tensorStorage(h): [storage key (unique while the storage lives), storage bytes, element offset,
// device, conj bit, neg bit] — what torch.save needs to write a tensor and share its storage.
napi_value TensorStorage(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.save", [&] {
    Args<1> a(env, info);
    const at::Tensor& t = TensorOf(env, a[0], "tensor");
    if (!t.has_storage() || t.layout() != c10::kStrided || t.is_quantized())
      ThrowType(std::string("only strided dense tensors can be saved, got layout ") + c10::toString(t.layout()));
    char key[32];
    std::snprintf(key, sizeof key, "%p", static_cast<void*>(t.storage().unsafeGetStorageImpl()));
    napi_value out;
    Check(napi_create_array_with_length(env, 6, &out));
    napi_value items[] = {FromString(env, key), FromDouble(env, static_cast<double>(t.storage().nbytes())),
                          FromInt64(env, t.storage_offset()), FromString(env, t.device().str()),
                          FromBool(env, t.is_conj()), FromBool(env, t.is_neg())};
    for (uint32_t i = 0; i < 6; ++i) Check(napi_set_element(env, out, i, items[i]));
    return out;
  });
}

// zipOpen(path | Uint8Array): a reader External (closed by zipClose or at GC).
napi_value ZipOpen(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<1> a(env, info);
    auto box = std::make_unique<ZipReaderBox>();
    if (TypeOf(env, a[0]) == napi_string) {
      box->reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(ToString(env, a[0], "path"));
    } else {
      auto [p, len] = BytesOf(env, a[0], "source");
      auto adapter = std::make_shared<OwnedBytesAdapter>(std::vector<char>(p, p + len));
      box->reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(adapter);
    }
    napi_value out;
    Check(napi_create_external(env, box.get(), FinalizeZipReader, nullptr, &out));
    box.release();  // the External owns it now
    Check(napi_type_tag_object(env, out, &kZipReaderTag));
    return out;
  });
}

napi_value ZipClose(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<1> a(env, info);
    void* p = nullptr;
    bool ours = false;
    if (napi_get_value_external(env, a[0], &p) == napi_ok && napi_check_object_type_tag(env, a[0], &kZipReaderTag, &ours) == napi_ok &&
        ours)
      static_cast<ZipReaderBox*>(p)->reader.reset();
    return Undefined(env);
  });
}

// zipRecords(reader): the record names without the archive folder ('data.pkl', 'data/0', ...).
napi_value ZipRecords(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<1> a(env, info);
    Napi::Array names = Napi::Array::New(env);
    uint32_t i = 0;
    for (const std::string& name : ReaderOf(env, a[0]).getAllRecords()) names.Set(i++, name);
    return static_cast<napi_value>(names);
  });
}

// zipRecord(reader, name): a record's bytes (Buffer), or null when the archive has no such record.
napi_value ZipRecord(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<2> a(env, info);
    auto& reader = ReaderOf(env, a[0]);
    std::string name = ToString(env, a[1], "record name");
    if (!reader.hasRecord(name)) return Null(env);
    auto [data, size] = reader.getRecord(name);
    return BufferFrom(env, data.get(), size);
  });
}

// zipStorage(reader, name, nbytes): a 1-D uint8 CPU tensor over a record that must hold nbytes.
napi_value ZipStorage(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<3> a(env, info);
    auto& reader = ReaderOf(env, a[0]);
    std::string name = ToString(env, a[1], "record name");
    int64_t nbytes = ToInt64(env, a[2], "nbytes");
    if (nbytes < 0) ThrowRange("negative storage size");
    at::DataPtr data;
    if (nbytes > 0 || reader.hasRecord(name)) {
      if (!reader.hasRecord(name)) ThrowError("the archive has no record '" + name + "'");
      size_t size = reader.getRecordSize(name);
      if (size != static_cast<size_t>(nbytes))
        ThrowError("record '" + name + "' holds " + std::to_string(size) + " bytes, its storage needs " + std::to_string(nbytes));
      if (nbytes > 0) data = std::get<0>(reader.getRecord(name));
    }
    at::Storage storage(c10::Storage::use_byte_size_t(), static_cast<size_t>(nbytes), std::move(data), /*allocator=*/nullptr,
                        /*resizable=*/false);
    return WrapTensor(env, at::empty({0}, at::TensorOptions().dtype(c10::kByte)).set_(storage));
  });
}

// storageView(bytes, dtype, offset, size, stride, conj, neg): a tensor of dtype over the storage of
// the uint8 tensor `bytes`, checked to lie inside it (the file is untrusted).
napi_value StorageView(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<7> a(env, info);
    const at::Tensor& bytes = TensorOf(env, a[0], "storage");
    c10::ScalarType st = ToScalarType(env, a[1]);
    if (c10::isQIntType(st)) ThrowType(std::string("quantized tensors (") + c10::toString(st) + ") are not supported");
    int64_t offset = ToInt64(env, a[2], "storage offset");
    std::vector<int64_t> size = ToIntList(env, a[3], "size");
    std::vector<int64_t> stride = ToIntList(env, a[4], "stride");
    if (size.size() != stride.size()) ThrowError("size and stride have different lengths");
    const int64_t item = static_cast<int64_t>(c10::elementSize(st));
    const int64_t capacity = static_cast<int64_t>(bytes.storage().nbytes()) / item;
    if (offset < 0) ThrowError("negative storage offset");
    // The largest element index the view reaches, with overflow checks (sizes come from the file).
    int64_t last = offset;
    bool empty = false;
    for (size_t d = 0; d < size.size(); ++d) {
      if (size[d] < 0 || stride[d] < 0) ThrowError("negative size or stride");
      if (size[d] == 0) empty = true;
    }
    if (!empty) {
      for (size_t d = 0; d < size.size(); ++d) {
        int64_t span = 0;
        if (__builtin_mul_overflow(size[d] - 1, stride[d], &span) || __builtin_add_overflow(last, span, &last))
          ThrowError("size and stride overflow");
      }
      if (last >= capacity)
        ThrowError("a tensor reaches element " + std::to_string(last) + " of a storage of " + std::to_string(capacity) + " elements");
    }
    at::Tensor t = at::empty({0}, bytes.options().dtype(st)).set_(bytes.storage(), offset, size, stride);
    if (ToBool(env, a[5], "conj")) t._set_conj(true);
    if (ToBool(env, a[6], "neg")) t._set_neg(true);
    return WrapTensor(env, t);
  });
}

// storageTo(bytes, device): the uint8 storage tensor moved to a device (map_location).
napi_value StorageTo(napi_env env, napi_callback_info info) {
  return Guard(env, "torch.load", [&] {
    Args<2> a(env, info);
    const at::Tensor& bytes = TensorOf(env, a[0], "storage");
    c10::Device device(ToString(env, a[1], "device"));
    return WrapTensor(env, bytes.to(device));
  });
}

}  // namespace

void RegisterSerialize(napi_env env, napi_value exports) {
  static const ExportEntry entries[] = {
      {"zipWrite", ZipWrite},     {"tensorStorage", TensorStorage}, {"zipOpen", ZipOpen},         {"zipClose", ZipClose},
      {"zipRecords", ZipRecords}, {"zipRecord", ZipRecord},         {"zipStorage", ZipStorage}, {"storageView", StorageView},
      {"storageTo", StorageTo},
  };
  ExportAll(env, exports, entries);
}

}  // namespace tn
