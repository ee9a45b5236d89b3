// Direct (unboxed) bindings for the ops on every training step's path, where the generic
// entry point's schema matching would cost more than the kernel. Same semantics as the
// dispatcher ops they shortcut: numbers are Python-style scalars.
#include <ATen/ops/add.h>
#include <ATen/ops/div.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/sub.h>

#include "convert.h"
#include "ops.h"

namespace tn {
namespace {

bool IsNumberLike(napi_env env, napi_value v) {
  napi_valuetype t = TypeOf(env, v);
  return t == napi_number || t == napi_boolean || t == napi_bigint;
}

c10::Scalar Alpha(napi_env env, napi_value v) {
  return IsNullish(env, v) ? c10::Scalar(1) : ToScalar(env, v, "alpha");
}

// The four arithmetic ops, each with its Tensor and Scalar overload.
struct AddOp {
  static constexpr const char* kName = "add";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::add(x, o, al); }
  static at::Tensor Run(const at::Tensor& x, const c10::Scalar& o, const c10::Scalar& al) { return at::add(x, o, al); }
};
struct SubOp {
  static constexpr const char* kName = "sub";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar& al) { return at::sub(x, o, al); }
  static at::Tensor Run(const at::Tensor& x, const c10::Scalar& o, const c10::Scalar& al) { return at::sub(x, o, al); }
};
struct MulOp {
  static constexpr const char* kName = "mul";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::mul(x, o); }
  static at::Tensor Run(const at::Tensor& x, const c10::Scalar& o, const c10::Scalar&) { return at::mul(x, o); }
};
struct DivOp {
  static constexpr const char* kName = "div";
  static at::Tensor Run(const at::Tensor& x, const at::Tensor& o, const c10::Scalar&) { return at::div(x, o); }
  static at::Tensor Run(const at::Tensor& x, const c10::Scalar& o, const c10::Scalar&) { return at::div(x, o); }
};

// op(self, other, alpha?): other is a Tensor or a number.
template <class Op>
napi_value Binary(napi_env env, napi_callback_info info) {
  return Guard(env, Op::kName, [&] {
    Args<3> a(env, info);
    const at::Tensor& x = TensorOf(env, a[0], "self");
    c10::Scalar alpha = Alpha(env, a[2]);
    if (IsNumberLike(env, a[1])) return WrapTensor(env, Op::Run(x, ToScalar(env, a[1], "other"), alpha));
    return WrapTensor(env, Op::Run(x, TensorOf(env, a[1], "other"), alpha));
  });
}

// In-place add_/sub_ (x, other, alpha) -> undefined; the JS method returns `this`.
template <bool kSub>
napi_value AddInplace(napi_env env, napi_callback_info info) {
  return Guard(env, kSub ? "sub_" : "add_", [&] {
    Args<3> a(env, info);
    at::Tensor& x = TensorOf(env, a[0], "self");
    if (IsNumberLike(env, a[1])) {
      c10::Scalar s = ToScalar(env, a[1], "other");
      kSub ? x.sub_(s, Alpha(env, a[2])) : x.add_(s, Alpha(env, a[2]));
    } else {
      const at::Tensor& o = TensorOf(env, a[1], "other");
      kSub ? x.sub_(o, Alpha(env, a[2])) : x.add_(o, Alpha(env, a[2]));
    }
    return Undefined(env);
  });
}

template <bool kDiv>
napi_value MulInplace(napi_env env, napi_callback_info info) {
  return Guard(env, kDiv ? "div_" : "mul_", [&] {
    Args<2> a(env, info);
    at::Tensor& x = TensorOf(env, a[0], "self");
    if (IsNumberLike(env, a[1])) {
      c10::Scalar s = ToScalar(env, a[1], "other");
      kDiv ? x.div_(s) : x.mul_(s);
    } else {
      const at::Tensor& o = TensorOf(env, a[1], "other");
      kDiv ? x.div_(o) : x.mul_(o);
    }
    return Undefined(env);
  });
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  return Guard(env, "matmul", [&] {
    Args<2> a(env, info);
    return WrapTensor(env, at::matmul(TensorOf(env, a[0], "self"), TensorOf(env, a[1], "other")));
  });
}

napi_value Zero(napi_env env, napi_callback_info info) {
  return Guard(env, "zero_", [&] {
    Args<1> a(env, info);
    TensorOf(env, a[0], "self").zero_();
    return Undefined(env);
  });
}

}  // namespace

void RegisterHotOps(napi_env env, napi_value exports) {
  Export(env, exports, "add", Binary<AddOp>);
  Export(env, exports, "sub", Binary<SubOp>);
  Export(env, exports, "mul", Binary<MulOp>);
  Export(env, exports, "div", Binary<DivOp>);
  Export(env, exports, "add_", AddInplace<false>);
  Export(env, exports, "sub_", AddInplace<true>);
  Export(env, exports, "mul_", MulInplace<false>);
  Export(env, exports, "div_", MulInplace<true>);
  Export(env, exports, "matmul", Matmul);
  Export(env, exports, "zero_", Zero);
}

}  // namespace tn
