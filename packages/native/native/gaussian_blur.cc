#include "gaussian_blur.h"
#include "simd.h"

#include <cstring>
#include <vector>

namespace simclr {
namespace {

// Reflect padding's source index for i in [−pad, n + pad): −1 → 1, n → n − 2, as torchvision's.
inline int64_t reflect(int64_t i, int64_t n) { return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i); }

// acc[j] = Σ_t tap[t]·src[j + t·stride] for j < len: the inner loop runs along contiguous memory.
SIMCLR_CLONES void taps_sum(const float* src, int64_t stride, const float* tap, int64_t k, float* acc, int64_t len) {
  for (int64_t j = 0; j < len; j++) acc[j] = 0.f;
  for (int64_t t = 0; t < k; t++) {
    const float a = tap[t];
    const float* s = src + t * stride;
    for (int64_t j = 0; j < len; j++) acc[j] += a * s[j];
  }
}

void blur_image(const float* x, const float* tap, float* out, int64_t h, int64_t w, int64_t c, int64_t k) {
  const int64_t half = k / 2, line = w * c;
  std::vector<float> padded((w + 2 * half) * c), rows(h * line);
  // Rows: each padded by reflection, then filtered along its pixels.
  for (int64_t i = 0; i < h; i++) {
    const float* src = x + i * line;
    for (int64_t j = -half; j < w + half; j++) {
      std::memcpy(padded.data() + (j + half) * c, src + reflect(j, w) * c, size_t(c) * sizeof(float));
    }
    taps_sum(padded.data(), c, tap, k, rows.data() + i * line, line);
  }
  // Columns: each output row sums k whole rows, gathered by reflection.
  std::vector<float> window(k * line);
  for (int64_t i = 0; i < h; i++) {
    for (int64_t t = 0; t < k; t++) {
      std::memcpy(window.data() + t * line, rows.data() + reflect(i + t - half, h) * line, size_t(line) * sizeof(float));
    }
    taps_sum(window.data(), line, tap, k, out + i * line, line);
  }
}

}  // namespace

void gaussian_blur(const float* x, const float* taps, float* out, int64_t n, int64_t h, int64_t w, int64_t c,
                   int64_t k) {
  const int64_t size = h * w * c, half = k / 2;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < n; i++) {
    const float* tap = taps + i * k;
    bool identity = true;
    for (int64_t t = 0; t < k; t++) identity = identity && tap[t] == (t == half ? 1.f : 0.f);
    if (identity) {
      std::memcpy(out + i * size, x + i * size, size_t(size) * sizeof(float));
    } else {
      blur_image(x + i * size, tap, out + i * size, h, w, c, k);
    }
  }
}

}  // namespace simclr
