// torch.save / torch.load, native half: PyTorch's zip container (caffe2::serialize::PyTorchStreamReader
// and PyTorchStreamWriter, the classes Python's torch.save/torch.load use) and storages <-> tensors.
// The pickle (data.pkl) is read and written in TS (lib/serialize.ts); see that file for why.
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "convert.h"
#include "handle.h"
#include "ops.h"
#include "storage.h"

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

// The reader a zipOpen External holds, or a TypeError for any other value (another addon's External).
caffe2::serialize::PyTorchStreamReader& ReaderOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<Napi::External<ZipReaderBox>>().CheckTypeTag(&kZipReaderTag)) ThrowType("expected a zip reader");
  ZipReaderBox* box = v.As<Napi::External<ZipReaderBox>>().Data();
  if (!box->reader) ThrowError("the archive was already closed");
  return *box->reader;
}

// The bytes of a Uint8Array/Buffer argument (pointer valid during the call).
std::pair<const char*, size_t> BytesOf(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowType(std::string(what) + " must be a Uint8Array");
  Napi::Uint8Array bytes = v.As<Napi::Uint8Array>();
  return {reinterpret_cast<const char*>(bytes.Data()), bytes.ElementLength()};
}

Napi::Value BufferFrom(Napi::Env env, const void* data, size_t n) {
  return Napi::Buffer<char>::Copy(env, static_cast<const char*>(n ? data : ""), n);
}

// A byte view over the whole storage of t, on the CPU.
at::Tensor StorageBytes(const at::Tensor& t) {
  // Autograd's ZeroTensor has no memory behind its storage; Python refuses to save it with this message.
  if (t._is_zerotensor()) ThrowError("ZeroTensor is not serializable, please file an issue if required.");
  at::Tensor bytes = StorageByteView(t);
  return bytes.device().is_cpu() ? bytes : bytes.cpu();
}

// zipWrite(records: [name, Uint8Array | tensor handle][], path?): writes the archive to path
// (streamed: no copy of the whole file in memory; the archive folder is the file's base name, as
// Python's), or returns its bytes as a Buffer. A tensor record holds its tensor's whole storage.
Napi::Value ZipWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) ThrowType("records must be an array");
  Napi::Array records = info[0].As<Napi::Array>();
  const uint32_t n = records.Length();
  std::vector<char> out;
  const bool toFile = !IsNullish(env, info[1]);
  auto made = toFile ? std::make_unique<caffe2::serialize::PyTorchStreamWriter>(ToString(env, info[1], "path"))
                     : std::make_unique<caffe2::serialize::PyTorchStreamWriter>([&](const void* p, size_t len) {
                         out.insert(out.end(), static_cast<const char*>(p), static_cast<const char*>(p) + len);
                         return len;
                       });
  caffe2::serialize::PyTorchStreamWriter& writer = *made;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value record = records.Get(i);
    if (!record.IsArray()) ThrowType("records must be [name, data] pairs");
    Napi::Value data = record.As<Napi::Array>().Get(1u);
    std::string name = ToString(env, record.As<Napi::Array>().Get(0u), "record name");
    if (Box* b = BoxOf(env, data)) {
      at::Tensor bytes = StorageBytes(LiveTensor(env, b, "tensor"));
      writer.writeRecord(name, bytes.data_ptr(), static_cast<size_t>(bytes.numel()));
    } else {
      auto [p, len] = BytesOf(data, "record data");
      writer.writeRecord(name, p, len);
    }
  }
  writer.writeEndOfFile();
  return toFile ? env.Undefined() : BufferFrom(env, out.data(), out.size());
}

// tensorStorage(h): [storage key (unique while the storage lives), storage bytes, element offset,
// device, conj bit, neg bit] — what torch.save needs to write a tensor and share its storage.
Napi::Value TensorStorage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = TensorOf(env, info[0], "tensor");
  if (t.is_quantized()) ThrowType("quantized tensors cannot be saved by torchnode (PyTorch's _rebuild_qtensor is not supported)");
  if (!t.has_storage() || t.layout() != c10::kStrided) {
    std::ostringstream layout;
    layout << t.layout();  // c10::toString(Layout) would print a whole TensorOptions
    ThrowType("only strided dense tensors can be saved, got layout " + layout.str());
  }
  char key[32];
  std::snprintf(key, sizeof key, "%p", static_cast<void*>(t.storage().unsafeGetStorageImpl()));
  Napi::Array out = Napi::Array::New(env, 6);
  out.Set(0u, Napi::String::New(env, key));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(t.storage().nbytes())));
  out.Set(2u, Napi::Value(env, FromInt64(env, t.storage_offset())));
  out.Set(3u, Napi::String::New(env, t.device().str()));
  out.Set(4u, Napi::Boolean::New(env, t.is_conj()));
  out.Set(5u, Napi::Boolean::New(env, t.is_neg()));
  return out;
}

// zipOpen(path | Uint8Array): a reader External (closed by zipClose or at GC).
Napi::Value ZipOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto box = std::make_unique<ZipReaderBox>();
  if (info[0].IsString()) {
    box->reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(ToString(env, info[0], "path"));
  } else {
    auto [p, len] = BytesOf(info[0], "source");
    auto adapter = std::make_shared<OwnedBytesAdapter>(std::vector<char>(p, p + len));
    box->reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(adapter);
  }
  // A basic finalizer (runs inside GC): closing the reader touches no JS value.
  auto external = Napi::External<ZipReaderBox>::New(env, box.get(), [](Napi::BasicEnv, ZipReaderBox* b) { delete b; });
  box.release();  // the External owns it now
  external.TypeTag(&kZipReaderTag);
  return external;
}

// zipClose(reader): closes the archive now (a no-op for anything but an open reader).
Napi::Value ZipClose(const Napi::CallbackInfo& info) {
  Napi::Value v = info[0];
  if (v.IsExternal() && v.As<Napi::External<ZipReaderBox>>().CheckTypeTag(&kZipReaderTag))
    v.As<Napi::External<ZipReaderBox>>().Data()->reader.reset();
  return info.Env().Undefined();
}

// zipRecords(reader): the record names without the archive folder ('data.pkl', 'data/0', ...).
Napi::Value ZipRecords(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (const std::string& name : ReaderOf(info[0]).getAllRecords()) names.Set(i++, name);
  return names;
}

// zipRecord(reader, name): a record's bytes (Buffer), or null when the archive has no such record.
Napi::Value ZipRecord(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& reader = ReaderOf(info[0]);
  std::string name = ToString(env, info[1], "record name");
  if (!reader.hasRecord(name)) return env.Null();
  auto [data, size] = reader.getRecord(name);
  return BufferFrom(env, data.get(), size);
}

// zipStorage(reader, name, nbytes): a 1-D uint8 CPU tensor over a record that must hold nbytes.
Napi::Value ZipStorage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& reader = ReaderOf(info[0]);
  std::string name = ToString(env, info[1], "record name");
  int64_t nbytes = ToInt64(env, info[2], "nbytes");
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
  return Napi::Value(env, WrapTensor(env, at::empty({0}, at::TensorOptions().dtype(c10::kByte)).set_(storage)));
}

// storageView(bytes, dtype, offset, size, stride, conj, neg): a tensor of dtype over the storage of
// the uint8 tensor `bytes`, checked to lie inside it (the file is untrusted).
Napi::Value StorageView(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& bytes = TensorOf(env, info[0], "storage");
  c10::ScalarType st = ToScalarType(info[1]);
  if (c10::isQIntType(st)) ThrowType(std::string("quantized tensors (") + c10::toString(st) + ") are not supported");
  int64_t offset = ToInt64(env, info[2], "storage offset");
  std::vector<int64_t> size = ToIntList(env, info[3], "size");
  std::vector<int64_t> stride = ToIntList(env, info[4], "stride");
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
  if (ToBool(env, info[5], "conj")) t._set_conj(true);
  if (ToBool(env, info[6], "neg")) t._set_neg(true);
  return Napi::Value(env, WrapTensor(env, t));
}

// storageTo(bytes, device): the uint8 storage tensor moved to a device (map_location).
Napi::Value StorageTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& bytes = TensorOf(env, info[0], "storage");
  c10::Device device(ToString(env, info[1], "device"));
  return Napi::Value(env, WrapTensor(env, bytes.to(device)));
}

}  // namespace

void RegisterSerialize(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"zipWrite", ZipWrite, "torch.save"},     {"tensorStorage", TensorStorage, "torch.save"},
      {"zipOpen", ZipOpen, "torch.load"},       {"zipClose", ZipClose, "torch.load"},
      {"zipRecords", ZipRecords, "torch.load"}, {"zipRecord", ZipRecord, "torch.load"},
      {"zipStorage", ZipStorage, "torch.load"}, {"storageView", StorageView, "torch.load"},
      {"storageTo", StorageTo, "torch.load"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
