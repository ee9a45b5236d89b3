// Declarations only, never definitions: libtorch 2.10+ ships ATen/functorch/Interpreter.h (which
// functionalize.cc needs for the transform level stack) including <nlohmann/json.hpp> for inline
// (de)serialisation helpers, but the wheel and the libtorch archive leave the header out
// (pytorch/pytorch#181565). Torchnode never calls those helpers, so they only have to parse.
#pragma once
#include <initializer_list>
#include <string>

namespace nlohmann {
class json {
 public:
  json();
  template <class T>
  json(const T& value);
  json(std::initializer_list<json> init);
  template <class Key>
  json& operator[](const Key& key);
  template <class Key>
  const json& operator[](const Key& key) const;
  template <class T>
  T get() const;
  template <class T>
  operator T() const;
  std::string dump() const;
  static json parse(const std::string& text);
};
}  // namespace nlohmann
