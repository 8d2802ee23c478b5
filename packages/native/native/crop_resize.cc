#include "crop_resize.h"

#include <algorithm>
#include <vector>

namespace simclr {

void crop_resize(const float* x, const float* rows, const float* cols, float* out, int64_t n, int64_t h, int64_t w,
                 int64_t c, int64_t out_h, int64_t out_w) {
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t img = 0; img < n; img++) {
    // Only the columns the taps use are blended: from the smallest to the largest.
    int64_t lo = w, hi = 0;
    for (int64_t k = img * out_w; k < (img + 1) * out_w; k++) {
      lo = std::min({lo, int64_t(cols[4 * k]), int64_t(cols[4 * k + 1])});
      hi = std::max({hi, int64_t(cols[4 * k]), int64_t(cols[4 * k + 1])});
    }
    const int64_t span = (hi - lo + 1) * c;
    std::vector<double> line(span);
    for (int64_t y = 0; y < out_h; y++) {
      const float* r = rows + 4 * (img * out_h + y);
      const float* row0 = x + ((img * h + int64_t(r[0])) * w + lo) * c;
      const float* row1 = x + ((img * h + int64_t(r[1])) * w + lo) * c;
      const double h0 = r[2], h1 = r[3];
      for (int64_t j = 0; j < span; j++) line[j] = h0 * row0[j] + h1 * row1[j];
      float* o = out + (img * out_h + y) * out_w * c;
      for (int64_t xo = 0; xo < out_w; xo++) {
        const float* k = cols + 4 * (img * out_w + xo);
        const int64_t a = (int64_t(k[0]) - lo) * c, b = (int64_t(k[1]) - lo) * c;
        const double w0 = k[2], w1 = k[3];
        for (int64_t ch = 0; ch < c; ch++) o[xo * c + ch] = float(w0 * line[a + ch] + w1 * line[b + ch]);
      }
    }
  }
}

}  // namespace simclr
