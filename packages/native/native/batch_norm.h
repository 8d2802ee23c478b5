// Training-mode batch norm over the last (channel) axis of a row-major [rows, channels] buffer: the
// statistics of the batch, not moving ones. Multi-threaded with OpenMP; sums in double.
#pragma once
#include <cstdint>

namespace simclr {

// y = (x − mean)·scale/√(variance + ε) + offset, with mean and (biased) variance of each channel over
// the rows, which it also writes.
void batch_norm_forward(const float* x, const float* scale, const float* offset, float* y, float* mean,
                        float* variance, int64_t rows, int64_t channels, float epsilon);

// The gradient of batch_norm_forward with respect to x, scale and offset, given dy and the gradients
// dmean and dvariance (either may be null: zero) of its mean and variance outputs.
void batch_norm_backward(const float* dy, const float* x, const float* scale, const float* mean,
                         const float* variance, const float* dmean, const float* dvariance, float* dx,
                         float* dscale, float* doffset, int64_t rows, int64_t channels, float epsilon);

}  // namespace simclr
