#include "color_jitter.h"

#include <cmath>
#include <cstring>

// Built with -ffp-contract=off: every multiply and add rounds to float32 on its own, as in the op path.
namespace simclr {
namespace {

constexpr int kSlots = 5;
enum Op { kBrightness = 0, kContrast = 1, kSaturation = 2, kHue = 3, kGrayscale = 4 };
constexpr float kRed = 0.2989f, kGreen = 0.587f, kBlue = 0.114f, kTiny = 1e-30f;

inline float clip(float v) { return v < 0.f ? 0.f : (v > 1.f ? 1.f : v); }
inline float gray(float r, float g, float b) { return (r * kRed + g * kGreen) + b * kBlue; }
// min(a, b) as the op path takes it: a − relu(a − b).
inline float min2(float a, float b) {
  const float d = a - b;
  return d > 0.f ? a - d : a;
}

// The mean of the image's grayscale: a float32 sum in pixel order, divided by the pixel count.
float gray_mean(const float* img, int64_t pixels, int64_t c) {
  float sum = 0.f;
  if (c == 1) {
    for (int64_t k = 0; k < pixels; k++) sum += img[k];
  } else {
    for (int64_t k = 0; k < pixels; k++) sum += gray(img[3 * k], img[3 * k + 1], img[3 * k + 2]);
  }
  return sum / float(pixels);
}

inline void hue(float* p, float delta6) {
  const float r = p[0], g = p[1], b = p[2];
  const float g_r = g - r, b_r = b - r, b_g = b - g;
  const bool is_r = !(g_r > 0.f || b_r > 0.f);
  const bool is_b = !is_r && b_g > 0.f;
  const bool is_g = !is_r && !is_b;
  const float mx = is_r ? r : (is_g ? g : b);
  const float mn = min2(min2(r, g), b);
  const float chroma = mx - mn;
  const float numerator = is_g ? b_r : (is_r ? -b_g : -g_r);
  const float sector = is_g ? 2.f : (is_b ? 4.f : 0.f);
  const float hue6 = numerator / (chroma + kTiny) + sector;
  const float shifted = hue6 + delta6;
  const float t = shifted - std::floor(shifted / 6.f) * 6.f;
  p[0] = mn + chroma * clip(std::fabs(t - 3.f) - 1.f);
  p[1] = mn + chroma * clip(2.f - std::fabs(t - 2.f));
  p[2] = mn + chroma * clip(2.f - std::fabs(t - 4.f));
}

void distort(float* img, int64_t pixels, int64_t c, const float* p) {
  const int64_t size = pixels * c;
  const float* w = p + kSlots;
  for (int slot = 0; slot < kSlots; slot++) {
    const int op = int(p[slot]);
    if (p[slot] < 0.f) break;
    switch (op) {
      case kBrightness:
        for (int64_t k = 0; k < size; k++) img[k] = clip(img[k] * w[0]);
        break;
      case kContrast: {
        const float m = gray_mean(img, pixels, c) * w[2];
        for (int64_t k = 0; k < size; k++) img[k] = clip(img[k] * w[1] + m);
        break;
      }
      case kSaturation:
        for (int64_t k = 0; k < size; k += 3) {
          const float y = gray(img[k], img[k + 1], img[k + 2]) * w[4];
          img[k] = clip(img[k] * w[3] + y);
          img[k + 1] = clip(img[k + 1] * w[3] + y);
          img[k + 2] = clip(img[k + 2] * w[3] + y);
        }
        break;
      case kHue:
        for (int64_t k = 0; k < size; k += 3) hue(img + k, w[5]);
        break;
      case kGrayscale:
        for (int64_t k = 0; k < size; k += 3) img[k] = img[k + 1] = img[k + 2] = gray(img[k], img[k + 1], img[k + 2]);
        break;
      default:
        break;
    }
  }
}

}  // namespace

void color_jitter(const float* x, const float* params, float* out, int64_t n, int64_t pixels, int64_t c,
                  int64_t param_count) {
  const int64_t size = pixels * c;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < n; i++) {
    std::memcpy(out + i * size, x + i * size, size_t(size) * sizeof(float));
    distort(out + i * size, pixels, c, params + i * param_count);
  }
}

}  // namespace simclr
