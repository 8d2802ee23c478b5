// SimCLR's colour distortion in one pass per image (the SimclrColorJitter kernel of @simclr/core): the
// float32 operations of @simclr/augment's op-by-op path, images in parallel (OpenMP).
#pragma once
#include <cstdint>

namespace simclr {

// out = the distorted x (n NHWC images of `pixels` pixels and c = 1 or 3 channels); `params` holds
// `param_count` floats per image, laid out as @simclr/core's COLOR_JITTER_PARAMS describes.
void color_jitter(const float* x, const float* params, float* out, int64_t n, int64_t pixels, int64_t c,
                  int64_t param_count);

}  // namespace simclr
