// A map from string keys to JS objects held weakly, for the one-wrapper-per-native-object caches
// (graph nodes, TorchScript values). JS's WeakRef keeps its target alive until the current job ends,
// so a synchronous training loop reading x.gradFn kept every step's graph; a Node-API weak
// reference (count 0) does not.
#include <string>
#include <unordered_map>

#include "napi_util.h"
#include "ops.h"

namespace tn {
namespace {

// One per JS cache object, so per thread (each worker loads lib/ itself): no shared state.
class WeakValues {
 public:
  explicit WeakValues(napi_env env) : env_(env) {}
  ~WeakValues() {
    for (auto& [key, ref] : refs_) napi_delete_reference(env_, ref);
  }
  napi_value Get(const std::string& key) const {
    auto it = refs_.find(key);
    napi_value v = nullptr;
    if (it != refs_.end()) Check(napi_get_reference_value(env_, it->second, &v));
    return v;  // nullptr: none, or collected
  }
  void Set(const std::string& key, napi_value object) {
    napi_ref ref;
    Check(napi_create_reference(env_, object, 0, &ref));
    auto [it, added] = refs_.emplace(key, ref);
    if (!added) {
      napi_delete_reference(env_, it->second);
      it->second = ref;
    }
  }
  // Drops the entry if its object is gone (a FinalizationRegistry callback: a newer object may own the key).
  void Prune(const std::string& key) {
    auto it = refs_.find(key);
    if (it == refs_.end()) return;
    napi_value v = nullptr;
    Check(napi_get_reference_value(env_, it->second, &v));
    if (v != nullptr) return;
    napi_delete_reference(env_, it->second);
    refs_.erase(it);
  }

 private:
  napi_env env_;
  std::unordered_map<std::string, napi_ref> refs_;
};

constexpr napi_type_tag kWeakValuesTag = {0x6b1f0e93a2d84c57ULL, 0x92c4e7d05a3b1f68ULL};
using WeakValuesExternal = Napi::External<WeakValues>;

WeakValues& MapOf(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<WeakValuesExternal>().CheckTypeTag(&kWeakValuesTag)) ThrowType("expected a weak value map");
  return *v.As<WeakValuesExternal>().Data();
}

// weakValuesNew() -> map
Napi::Value WeakValuesNew(const Napi::CallbackInfo& info) {
  auto out = WeakValuesExternal::New(info.Env(), new WeakValues(info.Env()), [](Napi::BasicEnv, WeakValues* m) { delete m; });
  out.TypeTag(&kWeakValuesTag);
  return out;
}

// weakValuesGet(map, key) -> object | undefined
Napi::Value WeakValuesGet(const Napi::CallbackInfo& info) {
  napi_value v = MapOf(info[0]).Get(ToString(info.Env(), info[1], "key"));
  return v ? Napi::Value(info.Env(), v) : info.Env().Undefined();
}

// weakValuesSet(map, key, object)
Napi::Value WeakValuesSet(const Napi::CallbackInfo& info) {
  if (!info[2].IsObject()) ThrowType("a weak value must be an object");
  MapOf(info[0]).Set(ToString(info.Env(), info[1], "key"), info[2]);
  return info.Env().Undefined();
}

// weakValuesPrune(map, key)
Napi::Value WeakValuesPrune(const Napi::CallbackInfo& info) {
  MapOf(info[0]).Prune(ToString(info.Env(), info[1], "key"));
  return info.Env().Undefined();
}

}  // namespace

void RegisterWeakValues(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"weakValuesNew", WeakValuesNew},
      {"weakValuesGet", WeakValuesGet},
      {"weakValuesSet", WeakValuesSet},
      {"weakValuesPrune", WeakValuesPrune},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
