// Pillow 12.3's colour-enhancement loops on 8-bit pixels, for lib/vision/_pil_enhance.ts: pure
// functions over caller-owned buffers (the caller allocates the output), no state. The TS side
// computes the parameters (blend factors, kernels, tables, the hue shift); these are the per-pixel loops,
// written from Pillow's algorithm so that every pixel comes out as PIL's:
//  - pilBlend: Blend.c's ImagingBlend(im1, im2, alpha), behind ImageEnhance's Brightness, Contrast,
//    Color and Sharpness: im1 + alpha * (im2 - im1) in C floats, truncated to a byte, clipped to
//    0..255 first when alpha is outside [0, 1]; im1 may be one level for every byte.
//  - pilFilter3x3: Filter.c's ImagingFilter3x3 on 8-bit bands (ImageFilter.SMOOTH behind Sharpness):
//    per band, a float sum that starts at `offset` and adds, row y+1, then y, then y-1, each row's
//    in[x-1] * k[0] + in[x] * k[1] + in[x+1] * k[2] (every product and sum rounded to a float), then
//    clipped and truncated to a byte; the border rows and columns are copied, as is an image
//    narrower or shorter than 3.
//  - pilPoint: Point.c's ImagingPoint on 8-bit bands (Image.point with a table): each byte through
//    its band's 256-entry table (adjust_gamma's, solarize's, autocontrast's).
//  - pilHistogram: Histo.c's ImagingHistogram of 8-bit bands (behind ImageOps.autocontrast): 256
//    counts per band.
//  - pilLuma: Convert.c's rgb2l behind convert('L') (ITU-R 601-2 luma in 16-bit fixed point:
//    (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16), one byte per pixel or the same byte three
//    times (convert('L').convert('RGB'), ImageEnhance.Color's degenerate image); it returns the sum of
//    the lumas, ImageStat's numerator for ImageEnhance.Contrast's mean.
//  - pilHueShift: torchvision's PIL adjust_hue: Convert.c's rgb2hsv_row (hue and saturation scaled
//    to 0..255 and truncated, value the maximum), the hue byte plus `shift` (mod 256), then
//    Convert.c's hsv2rgb.
// Where Pillow computes in floats each step is a float here; where a double constant promotes it, a
// double; C's integer casts truncate. So these agree with the TS port these loops came from.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "napi_util.h"
#include "ops.h"
#include "pixel_args.h"

// V8 never fuses a * b + c: neither may the compiler here (Pillow's x86-64 builds do not either).
// No FP traps (clang's default): GCC may then compute both sides of a select and vectorize; no value changes.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

namespace tn {
namespace {

// ---- arguments: every length and dimension is checked before a pixel is touched (pixel_args.h) ----

inline uint8_t Clip8(int v) { return static_cast<uint8_t>(v <= 0 ? 0 : v < 256 ? v : 255); }
// Filter.c's and Blend.c's clip8 of a float: clipped, then truncated.
inline uint8_t Clip8f(float v) { return v > 0.0f ? (v < 255.0f ? static_cast<uint8_t>(v) : 255) : 0; }  // NaN: 0, as x86-64 gives Pillow, without the cast of a NaN

// ---- Blend.c ---------------------------------------------------------------------------------------

// Blend.c's loop in float ops (the TS port rounded each one with Math.fround); im1 advances kStep1
// bytes per byte (0: one level for the whole image). One loop per case, so that each vectorizes.
template <size_t kStep1, bool kClip>
void BlendLoop(const uint8_t* a, const uint8_t* b, uint8_t* o, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) {
    const float a1 = static_cast<float>(a[i * kStep1]);
    const float d = alpha * static_cast<float>(b[i] - a[i * kStep1]);
    o[i] = kClip ? Clip8f(a1 + d) : static_cast<uint8_t>(a1 + d);
  }
}

// pilBlend(im1, im2, out, alpha): out = ImagingBlend(im1, im2, alpha) byte by byte, alpha the C float
// that the double becomes (alpha 0 or 1, which Pillow answers with a copy, give the same bytes). im1
// holds as many bytes as im2, or one: a degenerate image of that level everywhere (Image.new's).
Napi::Value Blend(const Napi::CallbackInfo& info) {
  Napi::Uint8Array im1 = Bytes(info[0], "im1"), im2 = Bytes(info[1], "im2"), out = Bytes(info[2], "out");
  const double factor = ToDouble(info.Env(), info[3], "alpha");
  if (!std::isfinite(factor)) ThrowRange("alpha must be a finite number");
  const size_t n = im2.ElementLength();
  if (im1.ElementLength() != n && im1.ElementLength() != 1)
    ThrowRange("im1 must hold " + std::to_string(n) + " bytes (as im2) or 1, got " + std::to_string(im1.ElementLength()));
  SameLength(out, "out", n);
  NoOverlap(out, im2, "im2", true);
  const float alpha = static_cast<float>(factor);
  const bool clip = !(alpha >= 0.0f && alpha <= 1.0f);
  const uint8_t* b = im2.Data();
  uint8_t* o = out.Data();
  if (im1.ElementLength() == n) {
    NoOverlap(out, im1, "im1", true);
    const uint8_t* a = im1.Data();
    clip ? BlendLoop<1, true>(a, b, o, n, alpha) : BlendLoop<1, false>(a, b, o, n, alpha);
  } else {
    const uint8_t level = im1.Data()[0];  // read first: out may hold it
    clip ? BlendLoop<0, true>(&level, b, o, n, alpha) : BlendLoop<0, false>(&level, b, o, n, alpha);
  }
  return info.Env().Undefined();
}

// ---- Filter.c --------------------------------------------------------------------------------------

// pilFilter3x3(src, out, width, height, channels, kernel, offset): ImagingFilter3x3 with the nine
// float weights of `kernel` (a Float32Array, Pillow's kernel already divided by its scale) and the
// float start value `offset` (Pillow's offset plus the 0.5 that rounds).
Napi::Value Filter3x3(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src = Bytes(info[0], "src"), out = Bytes(info[1], "out");
  const int64_t w = IntArg(info[2], "width", 0, 0x7fffffff), h = IntArg(info[3], "height", 0, 0x7fffffff);
  const int64_t c = IntArg(info[4], "channels", 1, 4);
  Napi::Float32Array kernel = Floats(info[5], "kernel");
  const float offset = static_cast<float>(ToDouble(info.Env(), info[6], "offset"));
  if (kernel.ElementLength() != 9) ThrowRange("kernel must hold 9 weights, got " + std::to_string(kernel.ElementLength()));
  const uint64_t n = static_cast<uint64_t>(w) * static_cast<uint64_t>(h) * static_cast<uint64_t>(c);  // < 2^64: each factor < 2^31
  SameLength(src, "src", n);
  SameLength(out, "out", n);
  NoOverlap(out, src, "src", false);
  float k[9];
  std::memcpy(k, kernel.Data(), sizeof(k));
  const uint8_t* in = src.Data();
  uint8_t* o = out.Data();
  if (n) std::memcpy(o, in, n);
  if (w < 3 || h < 3) return info.Env().Undefined();
  const size_t stride = static_cast<size_t>(w * c), d = static_cast<size_t>(c);
  // Three source rows as floats, each converted once (rolling): the loop then only multiplies and adds.
  std::vector<float> rows(3 * stride);
  auto load = [&](int64_t y) {
    const uint8_t* from = in + static_cast<size_t>(y) * stride;
    float* to = rows.data() + static_cast<size_t>(y % 3) * stride;
    for (size_t i = 0; i < stride; i++) to[i] = from[i];
  };
  load(0);
  load(1);
  // A row's interior bytes are contiguous whatever the band: one loop over them, neighbours d apart.
  for (int64_t y = 1; y < h - 1; y++) {
    load(y + 1);
    const float* in_1 = rows.data() + static_cast<size_t>((y - 1) % 3) * stride;
    const float* in0 = rows.data() + static_cast<size_t>(y % 3) * stride;
    const float* in1 = rows.data() + static_cast<size_t>((y + 1) % 3) * stride;
    uint8_t* row = o + static_cast<size_t>(y) * stride;
    for (size_t i = d; i < stride - d; i++) {
      float ss = offset;
      float r = in1[i - d] * k[0];
      r = r + in1[i] * k[1];
      r = r + in1[i + d] * k[2];
      ss = ss + r;
      r = in0[i - d] * k[3];
      r = r + in0[i] * k[4];
      r = r + in0[i + d] * k[5];
      ss = ss + r;
      r = in_1[i - d] * k[6];
      r = r + in_1[i] * k[7];
      r = r + in_1[i + d] * k[8];
      ss = ss + r;
      row[i] = Clip8f(ss);
    }
  }
  return info.Env().Undefined();
}

// ---- Point.c ---------------------------------------------------------------------------------------

// pilPoint(src, out, lut, bands): out[i] = lut[256 * (i % bands) + src[i]], pixels of `bands`
// interleaved bytes; lut holds 256 entries per band.
Napi::Value Point(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src = Bytes(info[0], "src"), out = Bytes(info[1], "out"), lut = Bytes(info[2], "lut");
  const int64_t bands = IntArg(info[3], "bands", 1, 4);
  const size_t n = src.ElementLength(), c = static_cast<size_t>(bands);
  if (n % c != 0) ThrowRange("src must hold whole pixels of " + std::to_string(c) + " bands, got " + std::to_string(n) + " bytes");
  SameLength(out, "out", n);
  SameLength(lut, "lut", 256 * c);
  NoOverlap(out, src, "src", true);
  NoOverlap(out, lut, "lut", false);
  const uint8_t *in = src.Data(), *table = lut.Data();
  uint8_t* o = out.Data();
  if (c == 1) {
    for (size_t i = 0; i < n; i++) o[i] = table[in[i]];
  } else {
    for (size_t i = 0; i < n; i += c)
      for (size_t b = 0; b < c; b++) o[i + b] = table[256 * b + in[i + b]];
  }
  return info.Env().Undefined();
}

// ---- Histo.c ---------------------------------------------------------------------------------------

// pilHistogram(src, hist, bands): hist (a Float64Array of 256 per band, counts exact below 2^53) gets
// how many times each level occurs in each band of src's interleaved pixels.
Napi::Value Histogram(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src = Bytes(info[0], "src");
  Napi::Float64Array hist = Doubles(info[1], "hist");
  const int64_t bands = IntArg(info[2], "bands", 1, 4);
  const size_t n = src.ElementLength(), c = static_cast<size_t>(bands);
  if (n % c != 0) ThrowRange("src must hold whole pixels of " + std::to_string(c) + " bands, got " + std::to_string(n) + " bytes");
  if (hist.ElementLength() != 256 * c) ThrowRange("hist must hold " + std::to_string(256 * c) + " counts, got " + std::to_string(hist.ElementLength()));
  std::vector<uint64_t> counts(256 * c);
  const uint8_t* in = src.Data();
  for (size_t i = 0; i < n; i += c)
    for (size_t b = 0; b < c; b++) counts[256 * b + in[i + b]]++;
  double* h = hist.Data();
  for (size_t i = 0; i < counts.size(); i++) h[i] = static_cast<double>(counts[i]);
  return info.Env().Undefined();
}

// ---- Convert.c's L -------------------------------------------------------------------------------

// pilLuma(src, out): the luma of each RGB pixel of src, into out as L (a third of src's length) or as
// RGB (src's length); returns their sum.
Napi::Value Luma(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src = Bytes(info[0], "src"), out = Bytes(info[1], "out");
  const size_t n = src.ElementLength();
  if (n % 3 != 0) ThrowRange("src must hold whole RGB pixels (a multiple of 3 bytes), got " + std::to_string(n));
  const size_t m = out.ElementLength();
  if (m != n && m != n / 3) ThrowRange("out must hold " + std::to_string(n / 3) + " (L) or " + std::to_string(n) + " (RGB) bytes, got " + std::to_string(m));
  NoOverlap(out, src, "src", false);
  const uint8_t* in = src.Data();
  uint8_t* o = out.Data();
  uint64_t sum = 0;
  const bool rgb = m == n;
  for (size_t i = 0, j = 0; i < n; i += 3, j++) {
    const uint32_t l = (in[i] * 19595u + in[i + 1] * 38470u + in[i + 2] * 7471u + 0x8000u) >> 16;
    sum += l;
    if (rgb) {
      o[i] = o[i + 1] = o[i + 2] = static_cast<uint8_t>(l);
    } else {
      o[j] = static_cast<uint8_t>(l);
    }
  }
  // exact as a double: at most 255 per byte of a buffer shorter than 2^45 bytes
  return Napi::Number::New(info.Env(), static_cast<double>(sum));
}

// ---- Convert.c's HSV -------------------------------------------------------------------------------
// Pixels go through in blocks, one band per array, each step one branch-free loop (selects, and
// integer or float ops only), so that the compiler vectorizes it.

constexpr int kHsvBlock = 256;

// c ? x : y without a branch.
inline int32_t Pick(bool c, int32_t x, int32_t y) { return y ^ ((x ^ y) & -static_cast<int32_t>(c)); }

// rgb2hsv_row for m pixels: r, g, b in, hue, saturation and value (the maximum) out, in place. The
// quotients are float divisions: a float quotient of two bytes equals the double quotient rounded to
// a float (double rounding is harmless for one division when 53 >= 2 * 24 + 2).
inline void RgbToHsvBlock(int32_t* r_h, int32_t* g_s, int32_t* b_v, int m) {
  for (int j = 0; j < m; j++) {
    const int32_t r = r_h[j], g = g_s[j], b = b_v[j];
    int32_t maxc = r > g ? r : g, minc = r < g ? r : g;
    maxc = maxc > b ? maxc : b;
    minc = minc < b ? minc : b;
    // A grey (maxc == minc) divides by 1 instead: its hue and saturation come out 0, as rgb2hsv sets them.
    const int32_t cr = maxc - minc;
    const float crf = static_cast<float>(cr == 0 ? 1 : cr);
    const float sf = static_cast<float>(cr) / static_cast<float>(maxc == 0 ? 1 : maxc);
    const float rc = static_cast<float>(maxc - r) / crf, gc = static_cast<float>(maxc - g) / crf, bc = static_cast<float>(maxc - b) / crf;
    const float h0 = bc - gc;
    const float h1 = static_cast<float>(2.0 + static_cast<double>(rc) - static_cast<double>(bc));  // double (2.0), stored in a float
    const float h2 = static_cast<float>(4.0 + static_cast<double>(gc) - static_cast<double>(rc));
    const float h12 = g == maxc ? h1 : h2;
    const float hf = r == maxc ? h0 : h12;
    // fmod(hf / 6.0 + 1.0, 1.0): the argument lies in [5/6, 11/6] (hf in [-1, 5]), where x - 1.0 is exact.
    double x = static_cast<double>(hf) / 6.0 + 1.0;
    x = x >= 1.0 ? x - 1.0 : x;
    // hue * 255 in [0, 255) and saturation * 255 in [0, 255]: CLIP8 changes neither
    r_h[j] = static_cast<int32_t>(static_cast<double>(static_cast<float>(x)) * 255.0);
    g_s[j] = static_cast<int32_t>(static_cast<double>(sf) * 255.0);
    b_v[j] = maxc;
  }
}

// C's round() (half away from zero) of 0 <= x < 2^31: x minus its truncation is exact.
inline int32_t RoundNonNegative(double x) {
  const double t = static_cast<double>(static_cast<int32_t>(x));
  return static_cast<int32_t>(x - t >= 0.5 ? t + 1.0 : t);
}

// hsv2rgb for m pixels, hue, saturation and value in, r, g, b out, in place. Saturation 0 needs no
// case of its own: p, q and t all round to v then.
inline void HsvToRgbBlock(int32_t* h_r, int32_t* s_g, int32_t* v_b, int m) {
  for (int j = 0; j < m; j++) {
    const int32_t h = h_r[j], s = s_g[j], v = v_b[j];
    const double h6 = h * 6.0 / 255.0;
    const int32_t i = static_cast<int32_t>(h6);  // floor: h6 >= 0
    const float f = static_cast<float>(h6 - i);
    const float fs = static_cast<float>(s / 255.0);
    // each in 0..v: CLIP8 changes none
    const int32_t p = RoundNonNegative(v * (1.0 - static_cast<double>(fs)));
    const int32_t q = RoundNonNegative(v * (1.0 - static_cast<double>(static_cast<float>(fs * f))));
    const int32_t t = RoundNonNegative(v * (1.0 - static_cast<double>(fs) * (1.0 - static_cast<double>(f))));
    const int32_t sector = i == 6 ? 0 : i;  // i % 6, i in 0..6
    // sectors 0..5 give (r, g, b) = (v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)
    h_r[j] = Pick((sector == 0) | (sector == 5), v, Pick(sector == 1, q, Pick(sector == 4, t, p)));
    s_g[j] = Pick((sector == 1) | (sector == 2), v, Pick(sector == 0, t, Pick(sector == 3, q, p)));
    v_b[j] = Pick((sector == 3) | (sector == 4), v, Pick(sector == 2, t, Pick(sector == 5, q, p)));
  }
}

// pilHueShift(src, out, shift): RGB pixels to HSV, the hue plus shift (0..255, wrapping), back to RGB.
Napi::Value HueShift(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src = Bytes(info[0], "src"), out = Bytes(info[1], "out");
  const int shift = static_cast<int>(IntArg(info[2], "shift", 0, 255));
  const size_t n = src.ElementLength();
  if (n % 3 != 0) ThrowRange("src must hold whole RGB pixels (a multiple of 3 bytes), got " + std::to_string(n));
  SameLength(out, "out", n);
  NoOverlap(out, src, "src", true);
  const uint8_t* in = src.Data();
  uint8_t* o = out.Data();
  int32_t band0[kHsvBlock], band1[kHsvBlock], band2[kHsvBlock];
  for (size_t first = 0; first < n; first += 3 * kHsvBlock) {
    const int m = static_cast<int>(std::min<size_t>(kHsvBlock, (n - first) / 3));
    const uint8_t* p = in + first;
    for (int j = 0; j < m; j++) band0[j] = p[3 * j], band1[j] = p[3 * j + 1], band2[j] = p[3 * j + 2];
    RgbToHsvBlock(band0, band1, band2, m);
    for (int j = 0; j < m; j++) band0[j] = (band0[j] + shift) & 255;
    HsvToRgbBlock(band0, band1, band2, m);
    uint8_t* q = o + first;
    for (int j = 0; j < m; j++) q[3 * j] = static_cast<uint8_t>(band0[j]), q[3 * j + 1] = static_cast<uint8_t>(band1[j]), q[3 * j + 2] = static_cast<uint8_t>(band2[j]);
  }
  return info.Env().Undefined();
}

}  // namespace

void RegisterPilEnhance(napi_env env, napi_value exports) {
  static constexpr MethodEntry kEntries[] = {
      {"pilBlend", Blend},
      {"pilFilter3x3", Filter3x3},
      {"pilPoint", Point},
      {"pilHistogram", Histogram},
      {"pilLuma", Luma},
      {"pilHueShift", HueShift},
  };
  ExportAll(env, exports, kEntries);
}

}  // namespace tn
