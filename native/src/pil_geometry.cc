// Pillow 12.3's resampling and geometry loops on 8-bit pixels, for lib/vision/_pil_resample.ts and
// _pil_geometry.ts: pure functions over caller-owned buffers (the caller allocates the output), no
// state. The TS side computes the parameters (filter taps, matrices); these are the per-pixel loops,
// written from Pillow's algorithm so that every pixel comes out as PIL's:
//  - pilResampleHorizontal / pilResampleVertical: Resample.c's two separable 8-bit passes
//    (ImagingResampleHorizontal_8bpc / Vertical_8bpc). Each output sample is a sum, in C's 32-bit
//    int from half a unit, of source bytes times 22-bit fixed-point weights (the taps the TS side
//    normalised), then its integer part (an arithmetic shift) clipped to 0..255.
//  - pilTransform: Geometry.c's transform engines. An affine map with NEAREST goes through
//    ImagingScaleAffine when it has no rotation or shear (source positions walk by repeated double
//    additions from half a step; Image.resize's NEAREST is this too), else through affine_fixed
//    (16.16 fixed point on 32-bit ints) when the four corners map within +-32768, else through the
//    floating-point loop; everything else (BILINEAR, BICUBIC, perspective) is ImagingGenericTransform:
//    each output pixel centre through the map (doubles), then the filter (nearest_filter8,
//    bilinear_filter8/32RGB, bicubic_filter8/32RGB). Pixels the map sends outside keep the fill.
// C's (int) cast of a double is x86-64's cvttsd2si (INT_MIN when out of range or NaN), spelled out
// here because out of range it is undefined behaviour in C++; sums wrap as C's ints do (unsigned
// arithmetic here, for the same reason).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "napi_util.h"
#include "ops.h"
#include "pixel_args.h"

// V8 never fuses a * b + c: neither may the compiler here (Pillow's x86-64 builds do not either).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tn {
namespace {

// ---- arguments: every length and dimension is checked before a pixel is touched ------------------


constexpr int64_t kMaxDim = 0x7fffffff;

// An 8-bit image argument: width x height pixels of `channels` interleaved bytes, exactly that long.
struct Plane {
  uint8_t* data;
  int64_t width, height, channels;
  size_t stride() const { return static_cast<size_t>(width * channels); }
};
Plane PlaneArg(const Napi::Value& data, int64_t width, int64_t height, int64_t channels, const char* what) {
  Napi::Uint8Array bytes = Bytes(data, what);
  // each factor < 2^31 and channels <= 4: no overflow in 64 bits
  const uint64_t expected = static_cast<uint64_t>(width) * static_cast<uint64_t>(height) * static_cast<uint64_t>(channels);
  if (bytes.ElementLength() != expected)
    ThrowRange(std::string(what) + ": a " + std::to_string(width) + "x" + std::to_string(height) + " image of " + std::to_string(channels) +
               " channels holds " + std::to_string(expected) + " bytes, got " + std::to_string(bytes.ElementLength()));
  return {bytes.Data(), width, height, channels};
}
// The loops read source pixels after writing output ones: an output sharing the source's bytes is refused.
void Apart(const Plane& out, const Plane& src) {
  NoOverlap(out.data, out.stride() * static_cast<size_t>(out.height), src.data, src.stride() * static_cast<size_t>(src.height), "src", false);
}

// One axis' taps (Resample.c's precompute_coeffs + normalize_coeffs_8bpc, computed by the TS side):
// output i sums source samples bounds[2i] .. bounds[2i] + bounds[2i+1] - 1 (minus `shift`, the first
// source row the buffer holds) with the weights kk[i * ksize ..]. Checked against a source of `size`.
struct Taps {
  std::vector<int32_t> bounds;  // a copy, checked: `out` may share the caller's memory
  const int32_t* kk;
  int64_t ksize;
};
Taps TapsArg(const Napi::Value& bounds, const Napi::Value& kk, const Napi::Value& ksize, int64_t outSize, int64_t shift, int64_t size) {
  Napi::Int32Array b = Ints(bounds, "bounds");
  Napi::Int32Array k = Ints(kk, "kk");
  const int64_t ks = IntArg(ksize, "ksize", 0, kMaxDim);
  if (b.ElementLength() != static_cast<size_t>(2 * outSize)) ThrowRange("bounds must hold 2 entries per output sample");
  if (k.ElementLength() != static_cast<size_t>(outSize) * static_cast<size_t>(ks)) ThrowRange("kk must hold ksize weights per output sample");
  Taps t{std::vector<int32_t>(b.Data(), b.Data() + b.ElementLength()), k.Data(), ks};
  for (int64_t i = 0; i < outSize; i++) {
    const int64_t first = static_cast<int64_t>(t.bounds[2 * i]) - shift, n = t.bounds[2 * i + 1];
    if (first < 0 || n < 0 || n > ks || first + n > size)
      ThrowRange("taps of output " + std::to_string(i) + " (" + std::to_string(n) + " from " + std::to_string(first) + ") fall outside the " +
                 std::to_string(size) + " source samples");
  }
  return t;
}

// ---- Resample.c's passes ---------------------------------------------------------------------------

constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr uint32_t kHalf = 1u << (kPrecisionBits - 1);

// clip8: the sum as C's int, its integer part (arithmetic shift), clamped to a byte.
inline uint8_t Clip8(uint32_t ss) {
  const int32_t v = static_cast<int32_t>(ss) >> kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// C channels (0: `channels` at run time). Each output pixel: every band's sum over the same taps.
template <int C>
void Horizontal(const Plane& src, int64_t firstRow, Plane& out, const Taps& t) {
  const int64_t ch = C ? C : src.channels;
  for (int64_t yy = 0; yy < out.height; yy++) {
    const uint8_t* row = src.data + static_cast<size_t>(yy + firstRow) * src.stride();
    uint8_t* o = out.data + static_cast<size_t>(yy) * out.stride();
    for (int64_t xx = 0; xx < out.width; xx++) {
      const int32_t xmin = t.bounds[2 * xx], n = t.bounds[2 * xx + 1];
      const int32_t* k = t.kk + xx * t.ksize;
      const uint8_t* p = row + static_cast<size_t>(xmin) * ch;
      uint32_t ss[C ? C : 4];
      if (C) {
        for (int b = 0; b < C; b++) ss[b] = kHalf;
        for (int64_t x = 0; x < n; x++)  // 64-bit: x * C passes 2^31 on rows of more than 2^31 / C taps
          for (int b = 0; b < C; b++) ss[b] += p[x * C + b] * static_cast<uint32_t>(k[x]);
        for (int b = 0; b < C; b++) o[xx * C + b] = Clip8(ss[b]);
      } else {
        for (int64_t b = 0; b < ch; b++) {
          uint32_t s = kHalf;
          for (int64_t x = 0; x < n; x++) s += p[x * ch + b] * static_cast<uint32_t>(k[x]);
          o[xx * ch + b] = Clip8(s);
        }
      }
    }
  }
}

// Each output row: the sums of every byte of its source rows, a block of bytes at a time (integer
// sums: the order does not change C's result).
void Vertical(const Plane& src, int64_t shift, Plane& out, const Taps& t) {
  constexpr size_t kBlock = 1024;
  uint32_t acc[kBlock];
  const size_t stride = src.stride();
  for (int64_t yy = 0; yy < out.height; yy++) {
    const int64_t ymin = t.bounds[2 * yy] - shift, n = t.bounds[2 * yy + 1];
    const int32_t* k = t.kk + yy * t.ksize;
    uint8_t* o = out.data + static_cast<size_t>(yy) * stride;
    for (size_t i0 = 0; i0 < stride; i0 += kBlock) {
      const size_t m = stride - i0 < kBlock ? stride - i0 : kBlock;
      for (size_t i = 0; i < m; i++) acc[i] = kHalf;
      for (int64_t y = 0; y < n; y++) {
        const uint8_t* row = src.data + static_cast<size_t>(ymin + y) * stride + i0;
        const uint32_t w = static_cast<uint32_t>(k[y]);
        for (size_t i = 0; i < m; i++) acc[i] += row[i] * w;
      }
      for (size_t i = 0; i < m; i++) o[i0 + i] = Clip8(acc[i]);
    }
  }
}

// pilResampleHorizontal(src, width, height, channels, firstRow, out, outWidth, outHeight, bounds, kk,
// ksize): rows firstRow .. firstRow + outHeight - 1 of src, each resampled to outWidth.
Napi::Value ResampleHorizontal(const Napi::CallbackInfo& info) {
  const int64_t width = IntArg(info[1], "width", 0, kMaxDim), height = IntArg(info[2], "height", 0, kMaxDim);
  const int64_t channels = IntArg(info[3], "channels", 1, 4);
  const Plane src = PlaneArg(info[0], width, height, channels, "src");
  const int64_t firstRow = IntArg(info[4], "firstRow", 0, height);
  const int64_t outWidth = IntArg(info[6], "outWidth", 0, kMaxDim), outHeight = IntArg(info[7], "outHeight", 0, height - firstRow);
  Plane out = PlaneArg(info[5], outWidth, outHeight, channels, "out");
  Apart(out, src);
  const Taps t = TapsArg(info[8], info[9], info[10], outWidth, 0, width);
  switch (channels) {
    case 1: Horizontal<1>(src, firstRow, out, t); break;
    case 3: Horizontal<3>(src, firstRow, out, t); break;
    case 4: Horizontal<4>(src, firstRow, out, t); break;
    default: Horizontal<0>(src, firstRow, out, t); break;
  }
  return info.Env().Undefined();
}

// pilResampleVertical(src, width, height, channels, shift, out, outHeight, bounds, kk, ksize): each
// column resampled to outHeight rows; the taps count rows of an image whose row `shift` is src's first.
Napi::Value ResampleVertical(const Napi::CallbackInfo& info) {
  const int64_t width = IntArg(info[1], "width", 0, kMaxDim), height = IntArg(info[2], "height", 0, kMaxDim);
  const int64_t channels = IntArg(info[3], "channels", 1, 4);
  const Plane src = PlaneArg(info[0], width, height, channels, "src");
  const int64_t shift = IntArg(info[4], "shift", 0, kMaxDim);
  const int64_t outHeight = IntArg(info[6], "outHeight", 0, kMaxDim);
  Plane out = PlaneArg(info[5], width, outHeight, channels, "out");
  Apart(out, src);
  const Taps t = TapsArg(info[7], info[8], info[9], outHeight, shift, height);
  Vertical(src, shift, out, t);
  return info.Env().Undefined();
}

// ---- Geometry.c's transforms -------------------------------------------------------------------------

// C's (int) cast of a double on x86-64: truncation, INT_MIN when out of range or NaN.
inline int32_t CInt(double v) { return v > -2147483649.0 && v < 2147483648.0 ? static_cast<int32_t>(v) : INT32_MIN; }
// COORD: -1 below 0, else the (int) cast.
inline int32_t Coord(double v) { return v < 0.0 ? -1 : CInt(v); }
// FLOOR: floor below 0, else the (int) cast.
inline int32_t FloorC(double v) { return v < 0.0 ? CInt(std::floor(v)) : CInt(v); }
// C's (UINT8) cast of a double: through a 32-bit int, its low byte.
inline uint8_t U8(double v) { return static_cast<uint8_t>(static_cast<uint32_t>(CInt(v)) & 0xff); }
// XCLIP / YCLIP
inline int64_t Clip(int64_t v, int64_t size) { return v < 0 ? 0 : v < size ? v : size - 1; }

// One pixel's bytes: a source pixel or the fill (never overlapping: TransformFn refuses shared bytes).
template <int C>
inline void Put(uint8_t* o, const uint8_t* s, int64_t ch) {
  std::memcpy(o, s, C ? C : static_cast<size_t>(ch));
}

// nearest_filter8/32: the pixel the point falls in.
template <int C>
bool NearestAt(const Plane& src, double xin, double yin, uint8_t* o) {
  const int64_t ch = C ? C : src.channels;
  const int32_t x = Coord(xin), y = Coord(yin);
  if (x < 0 || x >= src.width || y < 0 || y >= src.height) return false;
  Put<C>(o, src.data + static_cast<size_t>(y) * src.stride() + static_cast<size_t>(x) * ch, ch);
  return true;
}

// BILINEAR_HEAD / BICUBIC_HEAD: false outside the image, else the pixel at or left of and above the
// point (pixel centres at half-integers) and the fractions. A NaN passes the test, as in C, and comes
// out as x = INT_MIN (clipped to the first pixel) with NaN fractions: the value is NaN's (UINT8), 0.
inline bool FilterOrigin(const Plane& src, double xin, double yin, int64_t& x, int64_t& y, double& dx, double& dy) {
  if (xin < 0.0 || xin >= static_cast<double>(src.width) || yin < 0.0 || yin >= static_cast<double>(src.height)) return false;
  xin -= 0.5;
  yin -= 0.5;
  x = FloorC(xin);
  y = FloorC(yin);
  dx = xin - static_cast<double>(x);
  dy = yin - static_cast<double>(y);
  return true;
}

// A NaN point passes FilterOrigin's test in an image without pixels too, where C would read outside
// it: its value is then NaN's (UINT8) cast, 0 (what the TS port gave).
inline bool NoPixels(const Plane& src, uint8_t* o) {
  if (src.width != 0 && src.height != 0) return false;
  std::memset(o, 0, static_cast<size_t>(src.channels));
  return true;
}

// bilinear_filter8 / bilinear_filter32RGB: BILINEAR(v, a, b, d) = a + (b - a) * d, along the row,
// then between the two rows (the lower one repeats the upper outside the image).
template <int C>
bool BilinearAt(const Plane& src, double xin, double yin, uint8_t* o) {
  const int64_t ch = C ? C : src.channels;
  int64_t x, y;
  double dx, dy;
  if (!FilterOrigin(src, xin, yin, x, y, dx, dy)) return false;
  if (NoPixels(src, o)) return true;
  const size_t stride = src.stride();
  const uint8_t* row0 = src.data + static_cast<size_t>(Clip(y, src.height)) * stride;
  // a lower row outside the image repeats the upper one: the same bytes give the same value
  const uint8_t* row1 = y + 1 >= 0 && y + 1 < src.height ? src.data + static_cast<size_t>(y + 1) * stride : row0;
  const size_t x0 = static_cast<size_t>(Clip(x, src.width) * ch), x1 = static_cast<size_t>(Clip(x + 1, src.width) * ch);
  for (int64_t b = 0; b < ch; b++) {
    const int a0 = row0[x0 + b], c0 = row0[x1 + b], a1 = row1[x0 + b], c1 = row1[x1 + b];
    const double v1 = a0 + (c0 - a0) * dx;
    const double v2 = a1 + (c1 - a1) * dx;
    o[b] = U8(v1 + (v2 - v1) * dy);
  }
  return true;
}

// Geometry.c's BICUBIC macro (a = -0.5), in doubles: on the first pass its arguments are bytes, whose
// C int differences are exact in doubles too.
inline double Cubic(double v1, double v2, double v3, double v4, double d) {
  const double p1 = v2;
  const double p2 = -v1 + v3;
  const double p3 = 2 * (v1 - v2) + v3 - v4;
  const double p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

// bicubic_filter8 / bicubic_filter32RGB: four rows of four columns around the point (columns clipped
// to the image; the first row clipped, each later one outside the image repeats the one above), then
// clipped to 0..255 before the (UINT8) cast.
template <int C>
bool BicubicAt(const Plane& src, double xin, double yin, uint8_t* o) {
  const int64_t ch = C ? C : src.channels;
  int64_t x, y;
  double dx, dy;
  if (!FilterOrigin(src, xin, yin, x, y, dx, dy)) return false;
  if (NoPixels(src, o)) return true;
  x -= 1;
  y -= 1;
  const size_t stride = src.stride();
  size_t c[4];
  for (int i = 0; i < 4; i++) c[i] = static_cast<size_t>(Clip(x + i, src.width) * ch);
  // a row outside repeats the one above: the same bytes give the same value
  const uint8_t* rows[4];
  rows[0] = src.data + static_cast<size_t>(Clip(y, src.height)) * stride;
  for (int i = 1; i < 4; i++) rows[i] = y + i >= 0 && y + i < src.height ? src.data + static_cast<size_t>(y + i) * stride : rows[i - 1];
  for (int64_t b = 0; b < ch; b++) {
    double v[4];
    for (int i = 0; i < 4; i++) v[i] = Cubic(rows[i][c[0] + b], rows[i][c[1] + b], rows[i][c[2] + b], rows[i][c[3] + b], dx);
    const double r = Cubic(v[0], v[1], v[2], v[3], dy);
    o[b] = r <= 0.0 ? 0 : r >= 255.0 ? 255 : U8(r);
  }
  return true;
}

enum Resample { kNearest = 0, kBilinear = 2, kBicubic = 3 };  // Pillow's Resampling numbers

// ImagingGenericTransform with affine_transform (6 coefficients) or perspective_transform (8).
template <int C, bool (*Filter)(const Plane&, double, double, uint8_t*)>
void Generic(const Plane& src, Plane& out, const double* a, bool perspective, const uint8_t* fill) {
  const int64_t ch = C ? C : src.channels;
  const double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  const double a6 = perspective ? a[6] : 0.0, a7 = perspective ? a[7] : 0.0;
  for (int64_t y = 0; y < out.height; y++) {
    const double yin = static_cast<double>(y) + 0.5;
    uint8_t* o = out.data + static_cast<size_t>(y) * out.stride();
    for (int64_t x = 0; x < out.width; x++, o += ch) {
      const double xin = static_cast<double>(x) + 0.5;
      bool hit;
      if (perspective) {
        hit = Filter(src, (a0 * xin + a1 * yin + a2) / (a6 * xin + a7 * yin + 1), (a3 * xin + a4 * yin + a5) / (a6 * xin + a7 * yin + 1), o);
      } else {
        hit = Filter(src, a0 * xin + a1 * yin + a2, a3 * xin + a4 * yin + a5, o);
      }
      if (!hit) Put<C>(o, fill, ch);
    }
  }
}

// One output row in the fill colour, to copy from.
template <int C>
std::vector<uint8_t> FillRow(const Plane& out, const uint8_t* fill) {
  const int64_t ch = C ? C : out.channels;
  std::vector<uint8_t> row(out.stride());
  for (int64_t x = 0; x < out.width; x++) Put<C>(row.data() + x * ch, fill, ch);
  return row;
}

// ImagingScaleAffine: nearest neighbour for a matrix without rotation or shear; the columns' sources
// once (the hits are one run: the positions are monotonic), then row by row. The rest is the fill.
template <int C>
void ScaleAffine(const Plane& src, Plane& out, const double* a, const uint8_t* fill) {
  const int64_t ch = C ? C : src.channels;
  std::vector<size_t> xintab(static_cast<size_t>(out.width), 0);  // byte offsets in a source row
  double xo = a[2] + a[0] * 0.5, yo = a[5] + a[4] * 0.5;
  int64_t xmin = out.width, xmax = 0;
  for (int64_t x = 0; x < out.width; x++) {
    const int32_t xin = Coord(xo);
    if (xin >= 0 && xin < src.width) {
      xmax = x + 1;
      if (x < xmin) xmin = x;
      xintab[static_cast<size_t>(x)] = static_cast<size_t>(xin) * static_cast<size_t>(ch);
    }
    xo += a[0];
  }
  if (xmin > xmax) xmin = xmax;  // no column hits
  const std::vector<uint8_t> background = FillRow<C>(out, fill);
  const size_t stride = out.stride(), left = static_cast<size_t>(xmin * ch), right = static_cast<size_t>(xmax * ch);
  for (int64_t y = 0; y < out.height; y++) {
    const int32_t yi = Coord(yo);
    uint8_t* o = out.data + static_cast<size_t>(y) * stride;
    if (yi >= 0 && yi < src.height) {
      const uint8_t* row = src.data + static_cast<size_t>(yi) * src.stride();
      std::memcpy(o, background.data(), left);
      for (int64_t x = xmin; x < xmax; x++) Put<C>(o + x * ch, row + xintab[static_cast<size_t>(x)], ch);
      std::memcpy(o + right, background.data() + right, stride - right);
    } else if (stride) {
      std::memcpy(o, background.data(), stride);
    }
    yo += a[4];
  }
}

// check_fixed: whether a corner maps inside what 16.16 fixed point holds.
inline bool CheckFixed(const double* a, double x, double y) {
  return std::fabs(x * a[0] + y * a[1] + a[2]) < 32768.0 && std::fabs(x * a[3] + y * a[4] + a[5]) < 32768.0;
}

// affine_fixed: nearest neighbour in 16.16 fixed point; 32-bit sums that wrap, arithmetic shifts.
template <int C>
void AffineFixed(const Plane& src, Plane& out, const double* a, const uint8_t* fill) {
  const int64_t ch = C ? C : src.channels;
  auto fix = [](double v) { return static_cast<uint32_t>(FloorC(v * 65536.0 + 0.5)); };
  const uint32_t a0 = fix(a[0]), a1 = fix(a[1]), a3 = fix(a[3]), a4 = fix(a[4]);
  uint32_t a2 = fix(a[2] + a[0] * 0.5 + a[1] * 0.5), a5 = fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
  for (int64_t y = 0; y < out.height; y++) {
    uint32_t xx = a2, yy = a5;
    uint8_t* o = out.data + static_cast<size_t>(y) * out.stride();
    for (int64_t x = 0; x < out.width; x++, o += ch) {
      const uint8_t* from = fill;
      const int32_t xin = static_cast<int32_t>(xx) >> 16;
      if (xin >= 0 && xin < src.width) {
        const int32_t yin = static_cast<int32_t>(yy) >> 16;
        if (yin >= 0 && yin < src.height) from = src.data + static_cast<size_t>(yin) * src.stride() + static_cast<size_t>(xin) * ch;
      }
      Put<C>(o, from, ch);
      xx += a0;
      yy += a3;
    }
    a2 += a1;
    a5 += a4;
  }
}

// ImagingTransformAffine's floating-point nearest loop (corners beyond fixed point's range).
template <int C>
void AffineFloat(const Plane& src, Plane& out, const double* a, const uint8_t* fill) {
  const int64_t ch = C ? C : src.channels;
  double xo = a[2] + a[1] * 0.5 + a[0] * 0.5, yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
  for (int64_t y = 0; y < out.height; y++) {
    double xx = xo, yy = yo;
    uint8_t* o = out.data + static_cast<size_t>(y) * out.stride();
    for (int64_t x = 0; x < out.width; x++, o += ch) {
      const uint8_t* from = fill;
      const int32_t xin = Coord(xx);
      if (xin >= 0 && xin < src.width) {
        const int32_t yin = Coord(yy);
        if (yin >= 0 && yin < src.height) from = src.data + static_cast<size_t>(yin) * src.stride() + static_cast<size_t>(xin) * ch;
      }
      Put<C>(o, from, ch);
      xx += a[0];
      yy += a[3];
    }
    xo += a[1];
    yo += a[4];
  }
}

template <int C>
void Transform(const Plane& src, Plane& out, const double* a, bool perspective, int64_t filter, const uint8_t* fill) {
  if (filter == kBilinear) return Generic<C, BilinearAt<C>>(src, out, a, perspective, fill);
  if (filter == kBicubic) return Generic<C, BicubicAt<C>>(src, out, a, perspective, fill);
  if (perspective) return Generic<C, NearestAt<C>>(src, out, a, perspective, fill);
  if (a[1] == 0 && a[3] == 0) return ScaleAffine<C>(src, out, a, fill);
  const double w = static_cast<double>(out.width), h = static_cast<double>(out.height);
  if (CheckFixed(a, 0, 0) && CheckFixed(a, w, h) && CheckFixed(a, 0, h) && CheckFixed(a, w, 0)) return AffineFixed<C>(src, out, a, fill);
  AffineFloat<C>(src, out, a, fill);
}

// pilTransform(src, width, height, channels, out, outWidth, outHeight, coefficients, filter, fill):
// Image.transform's AFFINE (6 coefficients: output pixel centre (x, y) from the input's
// (a x + b y + c, d x + e y + f)) or PERSPECTIVE (8: both divided by g x + h y + 1), with Resampling
// NEAREST (0), BILINEAR (2) or BICUBIC (3); every output pixel is written (misses: `fill`, one byte
// per channel).
Napi::Value TransformFn(const Napi::CallbackInfo& info) {
  const int64_t width = IntArg(info[1], "width", 0, kMaxDim), height = IntArg(info[2], "height", 0, kMaxDim);
  const int64_t channels = IntArg(info[3], "channels", 1, 4);
  const Plane src = PlaneArg(info[0], width, height, channels, "src");
  const int64_t outWidth = IntArg(info[5], "outWidth", 0, kMaxDim), outHeight = IntArg(info[6], "outHeight", 0, kMaxDim);
  Plane out = PlaneArg(info[4], outWidth, outHeight, channels, "out");
  Apart(out, src);
  Napi::Float64Array coefficients = Doubles(info[7], "coefficients");
  if (coefficients.ElementLength() != 6 && coefficients.ElementLength() != 8) ThrowRange("coefficients must hold 6 (affine) or 8 (perspective) numbers");
  const int64_t filter = IntArg(info[8], "filter", 0, 3);
  if (filter != kNearest && filter != kBilinear && filter != kBicubic) ThrowRange("filter must be 0 (nearest), 2 (bilinear) or 3 (bicubic)");
  Napi::Uint8Array fill = Bytes(info[9], "fill");
  if (fill.ElementLength() != static_cast<size_t>(channels)) ThrowRange("fill must hold one byte per channel");
  // copies: `out` may share their memory
  double a[8];
  std::memcpy(a, coefficients.Data(), coefficients.ElementLength() * sizeof(double));
  uint8_t f[4];
  std::memcpy(f, fill.Data(), static_cast<size_t>(channels));
  const bool perspective = coefficients.ElementLength() == 8;
  if (outWidth == 0 || outHeight == 0) return info.Env().Undefined();  // nothing to write (and no null pointers to memcpy)
  switch (channels) {
    case 1: Transform<1>(src, out, a, perspective, filter, f); break;
    case 3: Transform<3>(src, out, a, perspective, filter, f); break;
    case 4: Transform<4>(src, out, a, perspective, filter, f); break;
    default: Transform<0>(src, out, a, perspective, filter, f); break;
  }
  return info.Env().Undefined();
}

}  // namespace

void RegisterPilGeometry(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"pilResampleHorizontal", ResampleHorizontal},
      {"pilResampleVertical", ResampleVertical},
      {"pilTransform", TransformFn},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
