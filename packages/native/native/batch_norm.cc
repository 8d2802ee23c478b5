#include "batch_norm.h"
#include "simd.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace simclr {
namespace {

// a[c] += Σ_r u[r, c] and b[c] += Σ_r u[r, c]·v[r, c] over `rows` rows, with v = p − shift and u = v
// (q null: the moments of p about shift) or u = q (Σq and Σq·(p − shift)). Sums about a shift near the
// mean keep E[v²] − E[v]² exact enough when the mean is large against the spread.
SIMCLR_CLONES void sums(const float* p, const float* q, const float* shift, int64_t rows, int64_t channels, double* a,
                        double* b) {
  // Float partial sums over short blocks of rows, added into double: vector-wide and still exact enough.
  constexpr int64_t kBlock = 32;
  std::vector<float> pa(channels), pb(channels);
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
    for (int64_t c = 0; c < channels; c++) pa[c] = pb[c] = 0.f;
    for (int64_t r = r0; r < r1; r++) {
      const float* pr = p + r * channels;
      if (q) {
        const float* qr = q + r * channels;
        for (int64_t c = 0; c < channels; c++) {
          pa[c] += qr[c];
          pb[c] += qr[c] * (pr[c] - shift[c]);
        }
      } else {
        for (int64_t c = 0; c < channels; c++) {
          const float v = pr[c] - shift[c];
          pa[c] += v;
          pb[c] += v * v;
        }
      }
    }
    for (int64_t c = 0; c < channels; c++) {
      a[c] += pa[c];
      b[c] += pb[c];
    }
  }
}

// out[r, c] = (p[r, c] − center[c])·k[c] + add[c], plus g[c]·d[r, c] when d is not null.
SIMCLR_CLONES void affine(const float* p, const float* d, const float* center, const float* k, const float* add,
                          const float* g, float* out, int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; r++) {
    const float* pr = p + r * channels;
    float* o = out + r * channels;
    if (d) {
      const float* dr = d + r * channels;
      for (int64_t c = 0; c < channels; c++) o[c] = g[c] * dr[c] + (pr[c] - center[c]) * k[c] + add[c];
    } else {
      for (int64_t c = 0; c < channels; c++) o[c] = (pr[c] - center[c]) * k[c] + add[c];
    }
  }
}

// `sums` over all rows, split over the threads by rows and added in thread order.
void channel_sums(const float* p, const float* q, const float* shift, int64_t rows, int64_t channels,
                  std::vector<double>& a, std::vector<double>& b) {
  const int threads = omp_get_max_threads();
  std::vector<double> partial(size_t(threads) * 2 * channels, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), n = omp_get_num_threads();
    const int64_t r0 = rows * t / n, r1 = rows * (t + 1) / n;
    double* pa = partial.data() + size_t(t) * 2 * channels;
    sums(p + r0 * channels, q ? q + r0 * channels : nullptr, shift, r1 - r0, channels, pa, pa + channels);
  }
  a.assign(channels, 0.0);
  b.assign(channels, 0.0);
  for (int t = 0; t < threads; t++) {
    const double* pa = partial.data() + size_t(t) * 2 * channels;
    for (int64_t c = 0; c < channels; c++) {
      a[c] += pa[c];
      b[c] += pa[channels + c];
    }
  }
}

void parallel_affine(const float* p, const float* d, const float* center, const float* k, const float* add,
                     const float* g, float* out, int64_t rows, int64_t channels) {
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), n = omp_get_num_threads();
    const int64_t r0 = rows * t / n, r1 = rows * (t + 1) / n;
    affine(p + r0 * channels, d ? d + r0 * channels : nullptr, center, k, add, g, out + r0 * channels, r1 - r0,
           channels);
  }
}

}  // namespace

void batch_norm_forward(const float* x, const float* scale, const float* offset, float* y, float* mean,
                        float* variance, int64_t rows, int64_t channels, float epsilon) {
  // Moments about the first row, then mean = shift + E[x − shift], variance = E[(x − shift)²] − E[x − shift]².
  std::vector<double> sum, sq;
  channel_sums(x, nullptr, x, rows, channels, sum, sq);
  std::vector<float> k(channels);
  for (int64_t c = 0; c < channels; c++) {
    const double m = sum[c] / double(rows);
    const double v = std::max(sq[c] / double(rows) - m * m, 0.0);
    mean[c] = float(double(x[c]) + m);
    variance[c] = float(v);
    k[c] = float(double(scale[c]) / std::sqrt(double(variance[c]) + double(epsilon)));
  }
  parallel_affine(x, nullptr, mean, k.data(), offset, nullptr, y, rows, channels);
}

void batch_norm_backward(const float* dy, const float* x, const float* scale, const float* mean,
                         const float* variance, const float* dmean, const float* dvariance, float* dx,
                         float* dscale, float* doffset, int64_t rows, int64_t channels, float epsilon) {
  std::vector<double> sum_dy, sum_dy_centered;
  channel_sums(x, dy, mean, rows, channels, sum_dy, sum_dy_centered);
  // With r = 1/√(variance + ε) and g = scale·r:
  //   dscale = r·Σdy·(x − mean), doffset = Σdy,
  //   dx = g·dy + α·(x − mean) + β, α = −g·r²·Σdy·(x − mean)/rows + 2·dvariance/rows,
  //                                 β = −g·Σdy/rows + dmean/rows.
  std::vector<float> gain(channels), alpha(channels), beta(channels);
  const double n = double(rows);
  for (int64_t c = 0; c < channels; c++) {
    const double r = 1.0 / std::sqrt(double(variance[c]) + double(epsilon));
    const double g = double(scale[c]) * r;
    const double centered = sum_dy_centered[c];
    dscale[c] = float(centered * r);
    doffset[c] = float(sum_dy[c]);
    gain[c] = float(g);
    alpha[c] = float(-g * r * r * centered / n + (dvariance ? 2.0 * double(dvariance[c]) / n : 0.0));
    beta[c] = float(-g * sum_dy[c] / n + (dmean ? double(dmean[c]) / n : 0.0));
  }
  parallel_affine(x, dy, mean, alpha.data(), beta.data(), gain.data(), dx, rows, channels);
}

}  // namespace simclr
