/*
 * Generates the expected outputs hard-coded in rng.test.ts.
 *
 *   g++ -O2 -x c++ -o /tmp/rng-vectors packages/core/test/rng-vectors.c && /tmp/rng-vectors
 *
 * next() is the reference xoshiro128** 1.1 by David Blackman and Sebastiano Vigna (public domain,
 * https://prng.di.unimi.it/xoshiro128starstar.c), copied unchanged. seed() mirrors createRng's
 * seeding in rng.ts (four outputs of a 32-bit SplitMix with the MurmurHash3 finaliser), so the
 * createRng(seed) streams below pin that seeding too.
 */
#include <stdint.h>
#include <stdio.h>

static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static uint32_t s[4];

uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

static void seed(uint32_t seed) {
  uint32_t z_state = seed;
  for (int i = 0; i < 4; i++) {
    z_state += 0x9e3779b9u;
    uint32_t z = z_state;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    s[i] = z ^ (z >> 16);
  }
}

static void print_stream(const char *label, int count) {
  printf("%s:", label);
  for (int i = 0; i < count; i++) printf(" %u", next());
  printf("\n");
}

int main(void) {
  s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
  print_stream("state (1, 2, 3, 4)", 10);
  const int64_t seeds[] = {0, 42, -1, 4294967338LL /* 2^32 + 42 */};
  for (int i = 0; i < 4; i++) {
    seed((uint32_t)seeds[i]);
    printf("seed %lld state: %u %u %u %u\n", (long long)seeds[i], s[0], s[1], s[2], s[3]);
    char label[64];
    snprintf(label, sizeof label, "seed %lld", (long long)seeds[i]);
    print_stream(label, 6);
  }
  return 0;
}
