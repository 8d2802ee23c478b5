// Per-image separable blur with reflect padding (the SimclrGaussianBlur kernel of @simclr/core): each
// image's rows, then its columns, filtered with its own taps; images in parallel (OpenMP).
#pragma once
#include <cstdint>

namespace simclr {

// out = x (n NHWC images, h × w × c) blurred with taps [n, k] (k odd, k/2 < h and w).
void gaussian_blur(const float* x, const float* taps, float* out, int64_t n, int64_t h, int64_t w, int64_t c,
                   int64_t k);

}  // namespace simclr
