// torch.Stream, torch.Event and torch.accelerator on any device type, through c10's device-generic
// guard interface (VirtualGuardImpl, c10::Event, at::accelerator): libtorch_cuda registers CUDA's
// implementation when it loads, so this file needs no CUDA headers and is the same code on every build.
// Streams and events reach JS only as type-tagged Externals made here, never as raw ids: a CUDA stream id
// can be a cudaStream_t pointer, so one forged from numbers would be a wild pointer.
#include <ATen/Context.h>
#include <ATen/DeviceAccelerator.h>
#include <c10/core/DeviceGuard.h>
#include <c10/core/Event.h>
#include <c10/core/Stream.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <limits>

#include "compat.h"
#include "convert.h"
#include "handle.h"
#include "napi_util.h"

namespace tn {
namespace {

constexpr napi_type_tag kStreamTag = {0x5d2f8a6c1e7b4390ULL, 0x9b3e7c1d0a4f6e25ULL};
constexpr napi_type_tag kEventTag = {0x7e1c4b9a3d6f2058ULL, 0xc2a95d8e1b7f4036ULL};

using StreamExternal = Napi::External<c10::Stream>;
using EventExternal = Napi::External<c10::Event>;

Napi::Value WrapStream(Napi::Env env, const c10::Stream& stream) {
  // A basic finalizer: it runs inside GC and only frees native memory.
  StreamExternal out = StreamExternal::New(env, new c10::Stream(stream), [](Napi::BasicEnv, c10::Stream* s) { delete s; });
  out.TypeTag(&kStreamTag);
  return out;
}

const c10::Stream& StreamOf(const Napi::Value& v, const char* what = "stream") {
  if (!v.IsExternal() || !v.As<StreamExternal>().CheckTypeTag(&kStreamTag)) ThrowType(std::string(what) + " must be a torch.Stream");
  return *v.As<StreamExternal>().Data();
}

c10::Event& EventOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<EventExternal>().CheckTypeTag(&kEventTag)) ThrowType("event must be a torch.Event");
  return *v.As<EventExternal>().Data();
}

// The device-generic implementation for a device type; libtorch's "PyTorch is not linked with support for
// <type> devices" where none is registered. Accelerators start lazily, as their first tensor would.
c10::impl::VirtualGuardImpl GuardFor(c10::DeviceType type) {
  c10::impl::VirtualGuardImpl impl(type);
  if (at::isAccelerator(type)) at::globalContext().lazyInitDevice(type);
  return impl;
}

// streamNew(device, priority): a new stream on device (its current index when it has none), as torch.Stream(device).
Napi::Value StreamNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::Device device = ToDevice(info[0]);
  const int64_t priority = ToInt64(env, info[1], "priority");
  if (priority < INT32_MIN || priority > INT32_MAX) ThrowRange("priority out of range: " + std::to_string(priority));
  c10::impl::VirtualGuardImpl impl = GuardFor(device.type());
  c10::OptionalDeviceGuard guard;
  if (device.has_index()) guard.reset_device(device);
  return WrapStream(env, impl.getNewStream(device.has_index() ? device : impl.getDevice(), static_cast<int>(priority)));
}

// streamCurrent(device) / streamDefault(device): this thread's current stream on device, or its default stream.
Napi::Value StreamCurrent(const Napi::CallbackInfo& info) {
  const c10::Device device = ToDevice(info[0]);
  c10::impl::VirtualGuardImpl impl = GuardFor(device.type());
  return WrapStream(info.Env(), impl.getStream(device.has_index() ? device : impl.getDevice()));
}

Napi::Value StreamDefault(const Napi::CallbackInfo& info) {
  const c10::Device device = ToDevice(info[0]);
  c10::impl::VirtualGuardImpl impl = GuardFor(device.type());
  return WrapStream(info.Env(), impl.getDefaultStream(device.has_index() ? device : impl.getDevice()));
}

// streamExchange(stream): makes stream current on its device for this thread; returns the one it replaced.
// The current device is not changed (the JS scopes change it first, as Python's do).
Napi::Value StreamExchange(const Napi::CallbackInfo& info) {
  const c10::Stream stream = StreamOf(info[0]);
  c10::impl::VirtualGuardImpl impl = GuardFor(stream.device_type());
  return WrapStream(info.Env(), impl.exchangeStream(stream));
}

// streamInfo(stream): [streamId, deviceIndex, deviceType, deviceTypeCode]: Python's stream_id, device_index,
// device.type and device_type (c10::DeviceType's number).
Napi::Value StreamInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::Stream& stream = StreamOf(info[0]);
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, Napi::Value(env, FromInt64(env, stream.id())));
  out.Set(1u, Napi::Number::New(env, stream.device_index()));
  out.Set(2u, Napi::String::New(env, c10::DeviceTypeName(stream.device_type(), /*lower_case=*/true)));
  out.Set(3u, Napi::Number::New(env, static_cast<int>(stream.device_type())));
  return out;
}

Napi::Value StreamQuery(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), StreamOf(info[0]).query()); }

Napi::Value StreamSynchronize(const Napi::CallbackInfo& info) {
  StreamOf(info[0]).synchronize();
  return info.Env().Undefined();
}

template <typename Impl>
bool IsCapturing(const Impl& impl, const c10::Stream& stream) {
  if constexpr (HasStreamCapturingQuery<Impl>::value) return impl.isStreamCapturing(stream);
  return false;  // a release without the query: torchnode has no CUDA graphs, so nothing captures
}

Napi::Value StreamIsCapturing(const Napi::CallbackInfo& info) {
  const c10::Stream& stream = StreamOf(info[0]);
  return Napi::Boolean::New(info.Env(), IsCapturing(c10::impl::VirtualGuardImpl(stream.device_type()), stream));
}

template <typename Impl>
void* NativeHandle(const Impl& impl, const c10::Stream& stream) {
  if constexpr (HasStreamNativeHandle<Impl>::value) return impl.getStreamNativeHandle(stream);
  ThrowError("this libtorch has no device-generic stream handle (DeviceGuardImplInterface::getStreamNativeHandle)");
}

// streamNativeHandle(stream): the backend's own handle (a cudaStream_t's address), as Stream.native_handle.
Napi::Value StreamNativeHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::Stream& stream = StreamOf(info[0]);
  void* handle = NativeHandle(c10::impl::VirtualGuardImpl(stream.device_type()), stream);
  return Napi::Value(env, FromInt64(env, static_cast<int64_t>(reinterpret_cast<intptr_t>(handle))));
}

// streamWaitEvent(stream, event): work queued on stream from now on waits for event (Event.wait(stream) too).
Napi::Value StreamWaitEvent(const Napi::CallbackInfo& info) {
  const c10::Stream stream = StreamOf(info[0]);
  EventOf(info[1]).block(stream);
  return info.Env().Undefined();
}

// streamWaitStream(stream, other): stream waits for the work queued on other so far, through a fresh event.
Napi::Value StreamWaitStream(const Napi::CallbackInfo& info) {
  const c10::Stream stream = StreamOf(info[0]);
  const c10::Stream other = StreamOf(info[1], "other");
  c10::Event event(other.device_type(), c10::EventFlag::PYTORCH_DEFAULT);
  event.record(other);
  event.block(stream);
  return info.Env().Undefined();
}

// eventNew(device, enableTiming): an unrecorded event for device's type; timing events can measure elapsed time.
Napi::Value EventNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::Device device = ToDevice(info[0]);
  const bool timing = ToBool(env, info[1], "enableTiming");
  GuardFor(device.type());
  auto event = std::make_unique<c10::Event>(device.type(), timing ? c10::EventFlag::BACKEND_DEFAULT : c10::EventFlag::PYTORCH_DEFAULT);
  // A basic finalizer: it only frees the event (destroyEvent hands a backend event back to its pool).
  EventExternal out = EventExternal::New(env, event.get(), [](Napi::BasicEnv, c10::Event* e) { delete e; });
  event.release();  // the External owns it now
  out.TypeTag(&kEventTag);
  return out;
}

// eventRecord(event, stream): marks the point stream has reached; later queries and waits refer to it.
Napi::Value EventRecord(const Napi::CallbackInfo& info) {
  c10::Event& event = EventOf(info[0]);
  event.record(StreamOf(info[1]));
  return info.Env().Undefined();
}

Napi::Value EventQuery(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), EventOf(info[0]).query()); }

Napi::Value EventSynchronize(const Napi::CallbackInfo& info) {
  EventOf(info[0]).synchronize();
  return info.Env().Undefined();
}

// eventElapsedTime(start, end): milliseconds between two recorded timing events.
Napi::Value EventElapsedTime(const Napi::CallbackInfo& info) {
  const c10::Event& start = EventOf(info[0]);
  return Napi::Number::New(info.Env(), start.elapsedTime(EventOf(info[1])));
}

// eventInfo(event): [deviceType, deviceIndex, timing, eventId] (Python's event_id: the backend event's address, 0 until recorded).
Napi::Value EventInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::Event& event = EventOf(info[0]);
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, Napi::String::New(env, c10::DeviceTypeName(event.device_type(), /*lower_case=*/true)));
  out.Set(1u, Napi::Number::New(env, event.device_index()));
  out.Set(2u, Napi::Boolean::New(env, event.flag() == c10::EventFlag::BACKEND_DEFAULT));
  out.Set(3u, Napi::Value(env, FromInt64(env, static_cast<int64_t>(reinterpret_cast<intptr_t>(event.eventId())))));
  return out;
}

// tensorRecordStream(tensor, stream): the caching allocator keeps the tensor's block until stream's work so far is done.
Napi::Value TensorRecordStream(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorOf(info.Env(), info[0], "self");
  t.record_stream(StreamOf(info[1], "s"));
  return info.Env().Undefined();
}

// The accelerator this libtorch was built for ('cuda', ...), after libtorch's "Cannot access accelerator
// device when none is available." check, started lazily as Python's torch._C._accelerator_* functions do.
c10::DeviceType Accelerator() {
  const c10::DeviceType type = at::getAccelerator(/*checked=*/true).value();
  at::globalContext().lazyInitDevice(type);
  return type;
}

// acceleratorType(): 'cuda' (or another accelerator's type) this libtorch was built with, else null.
Napi::Value AcceleratorType(const Napi::CallbackInfo& info) {
  std::optional<c10::DeviceType> type = at::getAccelerator(/*checked=*/false);
  if (!type) return info.Env().Null();
  return Napi::String::New(info.Env(), c10::DeviceTypeName(*type, /*lower_case=*/true));
}

Napi::Value AcceleratorGetDeviceIndex(const Napi::CallbackInfo& info) {
  Accelerator();
  return Napi::Number::New(info.Env(), at::accelerator::getDeviceIndex());
}

c10::DeviceIndex DeviceIndexArg(Napi::Env env, const Napi::Value& v) {
  const int64_t index = ToInt64(env, v, "device index");
  if (index < -1 || index > std::numeric_limits<c10::DeviceIndex>::max()) ThrowRange("device index out of range: " + std::to_string(index));
  return static_cast<c10::DeviceIndex>(index);
}

// acceleratorExchangeDevice(index): makes index this thread's current device; returns the previous one (a
// negative index changes nothing and returns -1, as Python's torch.accelerator.device_index).
Napi::Value AcceleratorExchangeDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::DeviceIndex index = DeviceIndexArg(env, info[0]);
  if (index < 0) return Napi::Number::New(env, -1);
  Accelerator();
  return Napi::Number::New(env, at::accelerator::exchangeDevice(index));
}

// acceleratorSetStream(stream): the stream's device becomes current, then the stream (torch.accelerator.set_stream).
Napi::Value AcceleratorSetStream(const Napi::CallbackInfo& info) {
  const c10::Stream stream = StreamOf(info[0]);
  const c10::DeviceType type = Accelerator();
  if (stream.device_type() != type)
    ThrowError(std::string("set_stream: the stream is on '") + c10::DeviceTypeName(stream.device_type(), true) +
               "', not on the current accelerator '" + c10::DeviceTypeName(type, true) + "'");
  if (at::accelerator::getDeviceIndex() != stream.device_index()) at::accelerator::setDeviceIndex(stream.device_index());
  at::accelerator::setCurrentStream(stream);
  return info.Env().Undefined();
}

// acceleratorCurrentStream(index): this thread's current stream on the accelerator's device index (-1: the current device).
Napi::Value AcceleratorCurrentStream(const Napi::CallbackInfo& info) {
  const c10::DeviceIndex index = DeviceIndexArg(info.Env(), info[0]);
  Accelerator();
  return WrapStream(info.Env(), at::accelerator::getCurrentStream(index));
}

// acceleratorSynchronize(index): waits for all work on the device (-1: the current one).
Napi::Value AcceleratorSynchronize(const Napi::CallbackInfo& info) {
  const c10::DeviceIndex index = DeviceIndexArg(info.Env(), info[0]);
  Accelerator();
  at::accelerator::synchronizeDevice(index);
  return info.Env().Undefined();
}

}  // namespace

void RegisterStreams(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"streamNew", StreamNew, "Stream"},
      {"streamCurrent", StreamCurrent, "currentStream"},
      {"streamDefault", StreamDefault, "defaultStream"},
      {"streamExchange", StreamExchange, "setStream"},
      {"streamInfo", StreamInfo},
      {"streamQuery", StreamQuery, "Stream.query"},
      {"streamSynchronize", StreamSynchronize, "Stream.synchronize"},
      {"streamIsCapturing", StreamIsCapturing, "Stream.isCapturing"},
      {"streamNativeHandle", StreamNativeHandle, "Stream.nativeHandle"},
      {"streamWaitEvent", StreamWaitEvent, "Stream.waitEvent"},
      {"streamWaitStream", StreamWaitStream, "Stream.waitStream"},
      {"eventNew", EventNew, "Event"},
      {"eventRecord", EventRecord, "Event.record"},
      {"eventQuery", EventQuery, "Event.query"},
      {"eventSynchronize", EventSynchronize, "Event.synchronize"},
      {"eventElapsedTime", EventElapsedTime, "Event.elapsedTime"},
      {"eventInfo", EventInfo},
      {"tensorRecordStream", TensorRecordStream, "recordStream"},
      {"acceleratorType", AcceleratorType},
      {"acceleratorGetDeviceIndex", AcceleratorGetDeviceIndex, "accelerator.currentDeviceIndex"},
      {"acceleratorExchangeDevice", AcceleratorExchangeDevice, "accelerator.setDeviceIndex"},
      {"acceleratorSetStream", AcceleratorSetStream, "accelerator.setStream"},
      {"acceleratorCurrentStream", AcceleratorCurrentStream, "accelerator.currentStream"},
      {"acceleratorSynchronize", AcceleratorSynchronize, "accelerator.synchronize"},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
