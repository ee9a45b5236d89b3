// What differs between the libtorch releases torchnode builds against (2.x), as feature checks in
// one place: code elsewhere tests these macros, never version numbers.
#pragma once
#include <c10/core/AutogradState.h>
#include <c10/core/Stream.h>
#include <torch/csrc/autograd/edge.h>
#include <torch/csrc/autograd/function.h>

#include <memory>
#include <type_traits>
#include <utility>

#if __has_include(<torch/headeronly/version.h>)
#include <torch/headeronly/version.h>
#else
#include <torch/csrc/api/include/torch/version.h>
#endif

#if TORCH_VERSION_MAJOR < 2
#error "torchnode needs libtorch 2.x (found 1.x): install PyTorch 2 (pip install torch) or point LIBTORCH at a 2.x libtorch"
#endif

// Named tensors (Dimname, has_names) were removed from libtorch in 2.13. A version check, not
// __has_include: a header gone from 2.13 would still be found in a system libtorch's /usr/include.
#if TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR < 13
#define TN_HAS_NAMED_TENSORS 1
#include <ATen/NamedTensorUtils.h>
#else
#define TN_HAS_NAMED_TENSORS 0
#endif

// From 2.14, custom-Function outputs report the node they were attached to (_wrap_outputs'
// attached_node), and node-creation hooks fire on it once its saved tensors are stored.
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 14
#define TN_HAS_NODE_CREATION_HOOKS 1
#else
#define TN_HAS_NODE_CREATION_HOOKS 0
#endif

namespace tn {

// Autograd graph nodes are held by shared_ptr (with deleteNode, which frees long chains without
// recursion) before 2.13 and by intrusive_ptr from 2.13 on; Edge::function says which.
using NodePtr = decltype(torch::autograd::Edge::function);

template <class N, class... A>
NodePtr MakeNode(A&&... args) {
  if constexpr (std::is_same_v<NodePtr, std::shared_ptr<torch::autograd::Node>>) {
    // deleteNode is found by argument-dependent lookup at instantiation (it is gone in 2.13).
    return std::shared_ptr<N>(new N(std::forward<A>(args)...), [](N* p) { deleteNode(p); });
  } else {
    return c10::make_intrusive<N>(std::forward<A>(args)...);
  }
}

// The device-generic stream queries behind torch.Stream.is_capturing and native_handle
// (DeviceGuardImplInterface::isStreamCapturing, getStreamNativeHandle) of newer releases: detected by
// their presence, as the switch below.
template <typename Impl, typename = void>
struct HasStreamCapturingQuery : std::false_type {};
template <typename Impl>
struct HasStreamCapturingQuery<Impl, std::void_t<decltype(std::declval<const Impl&>().isStreamCapturing(std::declval<const c10::Stream&>()))>>
    : std::true_type {};
template <typename Impl, typename = void>
struct HasStreamNativeHandle : std::false_type {};
template <typename Impl>
struct HasStreamNativeHandle<Impl, std::void_t<decltype(std::declval<const Impl&>().getStreamNativeHandle(std::declval<c10::Stream>()))>>
    : std::true_type {};

// The grad layout enforcement switch (torch.autograd.enforce_grad_layout_policy) of newer releases:
// detected by its presence in AutogradState, so no release number has to be guessed.
template <typename State, typename = void>
struct HasGradLayoutSwitch : std::false_type {};
template <typename State>
struct HasGradLayoutSwitch<State, std::void_t<decltype(std::declval<State&>().set_grad_layout_enforcement_enabled(true))>> : std::true_type {};
inline constexpr bool kHasGradLayoutSwitch = HasGradLayoutSwitch<c10::AutogradState>::value;

// Storages materialized on first access (StorageImpl::has_materializer) are newer than 2.11, whose
// compiler said so on the GPU machine: without the member there are none.
template <typename Storage, typename = void>
struct HasMaterializerMember : std::false_type {};
template <typename Storage>
struct HasMaterializerMember<Storage, std::void_t<decltype(std::declval<Storage&>().has_materializer())>> : std::true_type {};
template <typename Storage>
bool HasMaterializer(Storage& impl) {
  if constexpr (HasMaterializerMember<Storage>::value)
    return impl.has_materializer();
  else
    return false;
}

// Whether a device allocator has set itself up (DeviceAllocator::initialized in 2.13; read in 2.13's
// headers only, so detected): without the member, true, and the stats call reports for itself.
template <typename Allocator, typename = void>
struct HasInitializedMember : std::false_type {};
template <typename Allocator>
struct HasInitializedMember<Allocator, std::void_t<decltype(std::declval<Allocator&>().initialized())>> : std::true_type {};
template <typename Allocator>
bool AllocatorInitialized(Allocator& allocator) {
  if constexpr (HasInitializedMember<Allocator>::value)
    return allocator.initialized();
  else
    return true;
}

}  // namespace tn
