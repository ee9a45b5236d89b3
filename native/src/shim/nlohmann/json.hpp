// A declaration-only stand-in for nlohmann/json, which libtorch's wheels do not ship but
// ATen/functorch/Interpreter.h includes (for Interpreter::serialize / deserialize, functorch state
// pickling that torchnode never calls): enough for the header to compile in vmap.cc. The real
// serializers live in libtorch; these inline copies stay hidden in the addon (CXX_VISIBILITY_PRESET
// hidden) and abort if anything ever reaches them.
#pragma once
#include <cstdlib>
#include <string>

namespace nlohmann {
class json {
 public:
  json() = default;
  template <typename T>
  explicit json(const T&) { std::abort(); }
  std::string dump() const { std::abort(); }
  static json parse(const std::string&) { std::abort(); }
  template <typename T>
  T get() const { std::abort(); }
};
}  // namespace nlohmann
