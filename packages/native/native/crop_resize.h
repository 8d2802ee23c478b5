// The augmentation's crop-and-resize (the SimclrCropResize kernel of @simclr/core): bilinear taps given
// per output row and column, rows blended first, in double precision; images in parallel (OpenMP).
#pragma once
#include <cstdint>

namespace simclr {

// out [n, out_h, out_w, c] from x [n, h, w, c]; rows [n·out_h, 4] and cols [n·out_w, 4] hold each
// output row's (column's) source rows (columns) within its image and weights: i0, i1, w0, w1.
void crop_resize(const float* x, const float* rows, const float* cols, float* out, int64_t n, int64_t h, int64_t w,
                 int64_t c, int64_t out_h, int64_t out_w);

}  // namespace simclr
