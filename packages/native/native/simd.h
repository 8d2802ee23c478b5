// Loops marked SIMCLR_CLONES are built for AVX-512, AVX2 and plain x86-64; the loader picks the one the
// CPU runs, so the shipped binary needs no -march.
#pragma once

#if defined(__x86_64__)
#define SIMCLR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SIMCLR_CLONES
#endif
