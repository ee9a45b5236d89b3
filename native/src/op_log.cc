#include "op_log.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "dtypes.h"

namespace tn {
namespace {

// Python's repr(str): single quotes unless the text has one and no double quote.
std::string StrRepr(const std::string& s) {
  const char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == quote || c == '\\') out += {'\\', static_cast<char>(c)};
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + quote;
}

// Python's repr(float): the shortest digits that round-trip, positional for exponents -4..15.
std::string FloatRepr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);  // "-1.5e-07"
  std::string sign = sci[0] == '-' ? "-" : "";
  if (!sign.empty()) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exp = std::stoi(sci.substr(e + 1));
  if (exp < -4 || exp >= 16) {
    std::string mantissa = digits.size() > 1 ? digits.substr(0, 1) + "." + digits.substr(1) : digits;
    std::string expDigits = std::to_string(std::abs(exp));
    if (expDigits.size() < 2) expDigits = "0" + expDigits;
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + expDigits;
  }
  if (exp < 0) return sign + "0." + std::string(-exp - 1, '0') + digits;
  if (digits.size() <= static_cast<size_t>(exp) + 1) return sign + digits + std::string(exp + 1 - digits.size(), '0') + ".0";
  return sign + digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
}

// Python's repr(complex): '(1+2j)', '2j' when the real part is +0; whole parts without '.0'.
std::string ComplexRepr(c10::complex<double> z) {
  auto part = [](double x) {
    std::string s = FloatRepr(x);
    return s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0 ? s.substr(0, s.size() - 2) : s;
  };
  if (z.real() == 0 && !std::signbit(z.real())) return part(z.imag()) + "j";
  std::string im = part(z.imag());
  return "(" + part(z.real()) + (im[0] == '-' || im[0] == 'n' ? "" : "+") + im + "j)";
}

// Whether the argument is typed `kind` or `kind?` (Python passes those ints as dtype, layout, memory format).
bool Typed(const c10::Argument* arg, c10::TypeKind kind) {
  if (!arg) return false;
  const c10::TypePtr& t = arg->real_type();
  if (t->kind() == kind) return true;
  auto opt = t->cast<c10::OptionalType>();
  return opt && opt->getElementType()->kind() == kind;
}

}  // namespace

std::string OpLog::Name(const at::Tensor& t) {
  const c10::TensorImpl* impl = t.unsafeGetTensorImpl();
  auto it = names_.find(impl);
  if (it == names_.end() || it->second.first.expired())
    it = names_.insert_or_assign(impl, std::make_pair(c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>(t.getIntrusivePtr()), next_++)).first;
  return "$" + std::to_string(it->second.second);
}

// _fmt of one leaf: a tensor's name (with its type among the returns), else Python's repr.
std::string OpLog::Leaf(const c10::IValue& v, const c10::Argument* arg, bool withType) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return "None";
    // A number the caller wrapped (x.mul(0.5)): Python's toPyObject gives the number back.
    if (t.unsafeGetTensorImpl()->is_wrapped_number()) {
      switch (t.scalar_type()) {
        case c10::kBool: return t.item<bool>() ? "True" : "False";
        case c10::kLong: return std::to_string(t.item<int64_t>());
        case c10::kComplexDouble: return ComplexRepr(t.item<c10::complex<double>>());
        default: return FloatRepr(t.item<double>());
      }
    }
    std::string name = Name(t);
    if (!withType) return name;
    std::string shape;
    for (int64_t d : t.sizes()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    return name + ": " + DTypeAbbr(t.scalar_type()) + "[" + shape + "]";
  }
  if (v.isInt() || v.isSymInt()) {
    int64_t i = v.isInt() ? v.toInt() : v.toSymInt().guard_int(__FILE__, __LINE__);
    if (Typed(arg, c10::TypeKind::ScalarTypeType)) {
      const char* dtype = DTypeName(static_cast<c10::ScalarType>(i));
      return std::string("torch.") + (dtype ? dtype : "unknown");
    }
    if (Typed(arg, c10::TypeKind::LayoutType)) return std::string("torch.") + LayoutName(static_cast<c10::Layout>(i));
    if (Typed(arg, c10::TypeKind::MemoryFormatType)) return std::string("torch.") + MemoryFormatName(static_cast<c10::MemoryFormat>(i));
    return std::to_string(i);
  }
  if (v.isDouble()) return FloatRepr(v.toDouble());
  if (v.isSymFloat()) return FloatRepr(v.toSymFloat().guard_float(__FILE__, __LINE__));
  if (v.isBool()) return v.toBool() ? "True" : "False";
  if (v.isComplexDouble()) return ComplexRepr(v.toComplexDouble());
  if (v.isString()) return StrRepr(v.toStringRef());
  if (v.isDevice()) {
    const c10::Device d = v.toDevice();
    return "device(type='" + c10::DeviceTypeName(d.type(), /*lower_case=*/true) + "'" + (d.has_index() ? ", index=" + std::to_string(d.index()) : "") + ")";
  }
  if (v.isGenerator()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "<torch._C.Generator object at %p>", static_cast<const void*>(v.toGenerator().unsafeGetGeneratorImpl()));
    return buf;
  }
  return "<" + std::string(v.tagKind()) + ">";
}

// str(tree_map(_fmt, v)): a container prints the repr of each mapped element, so leaves (None too,
// which _fmt turns into 'None') come out quoted.
std::string OpLog::Value(const c10::IValue& v, const c10::Argument* arg, bool withType) {
  if (v.isNone()) return "None";
  const bool tuple = v.isTuple();
  if (!tuple && !v.isList()) return Leaf(v, arg, withType);
  std::vector<c10::IValue> items;
  if (tuple) {
    const auto& elements = v.toTupleRef().elements();
    items.assign(elements.begin(), elements.end());
  } else {
    items = v.toListRef().vec();
  }
  std::string out = tuple ? "(" : "[";
  for (size_t i = 0; i < items.size(); ++i) {
    const c10::IValue& e = items[i];
    if (i) out += ", ";
    out += e.isTuple() || e.isList() ? Value(e, nullptr, withType) : e.isNone() ? "'None'" : StrRepr(Leaf(e, nullptr, withType));
  }
  if (tuple && items.size() == 1) out += ",";
  return out + (tuple ? ")" : "]");
}

// Python's parseIValuesToPyArgsKwargs: trailing positional arguments equal to their defaults are left
// out, keyword-only ones go by name unless defaulted; then the log handler's f'{rets} = {op}({args})'.
void OpLog::Record(const c10::OperatorHandle& op, const std::vector<c10::IValue>& args, const std::vector<c10::IValue>& outputs, std::string stack) {
  const c10::FunctionSchema& schema = op.schema();
  const std::vector<c10::Argument>& formals = schema.arguments();
  size_t kwargStart = args.size();
  while (kwargStart > 0 && formals[kwargStart - 1].kwarg_only()) --kwargStart;
  auto defaulted = [&](size_t i) { return formals[i].default_value().has_value() && *formals[i].default_value() == args[i]; };
  size_t positionalEnd = kwargStart;
  while (positionalEnd > 0 && defaulted(positionalEnd - 1)) --positionalEnd;
  std::string call;
  for (size_t i = 0; i < positionalEnd; ++i) call += (i ? ", " : "") + Value(args[i], &formals[i], false);
  for (size_t i = kwargStart; i < args.size(); ++i)
    if (!defaulted(i)) call += (call.empty() ? "" : ", ") + formals[i].name() + "=" + Value(args[i], &formals[i], false);
  std::string rets;
  if (outputs.size() == 1) rets = Value(outputs[0], &schema.returns()[0], true);
  else if (outputs.empty()) rets = "None";
  else rets = Value(c10::ivalue::Tuple::create(outputs), nullptr, true);
  lines_.push_back(rets + " = torch._ops." + PythonOpName(op) + "(" + call + ")");
  stacks_.push_back(std::move(stack));
}

std::string PythonOpName(const c10::OperatorHandle& op) {
  const c10::OperatorName& name = op.operator_name();
  std::string out = name.name;
  size_t colons = out.find("::");
  if (colons != std::string::npos) out.replace(colons, 2, ".");
  return out + "." + (name.overload_name.empty() ? "default" : name.overload_name);
}

}  // namespace tn
