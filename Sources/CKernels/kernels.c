// See include/aa_kernels.h. Every kernel body is written once, as an always-inline function over
// 8-lane vectors, and instantiated twice: `aa_X` (target_clones: AVX and baseline, chosen by the
// dynamic loader) and `aa_X_baseline` (baseline only, for the tests). The loops keep the order of
// every sum and multiply as written, and contraction into fused multiply-adds is off, so the AVX
// and baseline versions give identical floats.
#include "aa_kernels.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define AA_CLONES __attribute__((target_clones("avx", "default")))
#define AA_HAVE_CLONES 1
#else
#define AA_CLONES
#define AA_HAVE_CLONES 0
#endif

// The helpers pass 8-lane vectors by value; they are always inlined, so no call ever uses the
// ABI the warning is about.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#endif
#define AA_INLINE static inline __attribute__((always_inline))

typedef float v8f __attribute__((vector_size(32)));

AA_INLINE v8f load8(const float *p) {
  v8f v;
  memcpy(&v, p, sizeof v);
  return v;
}

AA_INLINE void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }

// Lane sum in lane order from −0, as Swift's SIMD.sum() does.
AA_INLINE float sum8(v8f v) {
  float r = -0.0f;
  for (int i = 0; i < 8; i++) r += v[i];
  return r;
}

// Σₗ c[l]·(a[−l] + b[l]) for 32 consecutive outputs (four accumulators, each in tap order).
AA_INLINE void symmetric32(const float *a, const float *b, const float *c, long k, v8f acc[4]) {
  v8f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
  for (long l = 0; l < k; l++) {
    const float cl = c[l];
    const v8f cv = {cl, cl, cl, cl, cl, cl, cl, cl};
    s0 += cv * (load8(a) + load8(b));
    s1 += cv * (load8(a + 8) + load8(b + 8));
    s2 += cv * (load8(a + 16) + load8(b + 16));
    s3 += cv * (load8(a + 24) + load8(b + 24));
    a -= 1;
    b += 1;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

AA_INLINE v8f symmetric8(const float *a, const float *b, const float *c, long k) {
  v8f s = {0};
  for (long l = 0; l < k; l++) {
    const float cl = c[l];
    const v8f cv = {cl, cl, cl, cl, cl, cl, cl, cl};
    s += cv * (load8(a) + load8(b));
    a -= 1;
    b += 1;
  }
  return s;
}

AA_INLINE void halfband_decimate_body(const float *x, const float *o, const float *c, long k, float *y,
                                      long count) {
  long m = 0;
  for (; m + 32 <= count; m += 32) {
    v8f acc[4];
    symmetric32(o + (m - 1), o + m, c, k, acc);
    for (int b = 0; b < 4; b++)
      for (int j = 0; j < 8; j++) y[m + 8 * b + j] = 0.5f * x[2 * (m + 8 * b + j)] + acc[b][j];
  }
  for (; m + 8 <= count; m += 8) {
    v8f acc = symmetric8(o + (m - 1), o + m, c, k);
    for (int j = 0; j < 8; j++) y[m + j] = 0.5f * x[2 * (m + j)] + acc[j];
  }
  for (; m < count; m++) {
    float acc = 0;
    for (long l = 0; l < k; l++) acc += c[l] * (o[m - l - 1] + o[m + l]);
    y[m] = 0.5f * x[2 * m] + acc;
  }
}

AA_INLINE void halfband_midpoints_body(const float *p, const float *c, long k, float *mid, long count) {
  long m = 0;
  for (; m + 32 <= count; m += 32) {
    v8f acc[4];
    symmetric32(p + m, p + (m + 1), c, k, acc);
    for (int b = 0; b < 4; b++) store8(mid + m + 8 * b, acc[b]);
  }
  for (; m + 8 <= count; m += 8) store8(mid + m, symmetric8(p + m, p + (m + 1), c, k));
  for (; m < count; m++) {
    float acc = 0;
    for (long l = 0; l < k; l++) acc += c[l] * (p[m - l] + p[m + 1 + l]);
    mid[m] = acc;
  }
}

AA_INLINE float dot_body(const float *a, const float *b, long n) {
  v8f s0 = {0}, s1 = {0};
  for (long i = 0; i < n; i += 16) {
    s0 += load8(a + i) * load8(b + i);
    s1 += load8(a + i + 8) * load8(b + i + 8);
  }
  return sum8(s0 + s1);
}

AA_INLINE void dot_pair_body(const float *a1, const float *a2, const float *b, long n, float *r1, float *r2) {
  v8f s0 = {0}, s1 = {0}, t0 = {0}, t1 = {0};
  for (long i = 0; i < n; i += 16) {
    const v8f b0 = load8(b + i), b1 = load8(b + i + 8);
    s0 += load8(a1 + i) * b0;
    s1 += load8(a1 + i + 8) * b1;
    t0 += load8(a2 + i) * b0;
    t1 += load8(a2 + i + 8) * b1;
  }
  *r1 = sum8(s0 + s1);
  *r2 = sum8(t0 + t1);
}

AA_INLINE void polyphase_exact_body(const float *x, long padCount, const float *coef, long taps, long p, long q,
                                    float *out, long count) {
  // Outputs m and m + q share a phase row (their input positions differ by exactly p), so they
  // are computed together in blocks of 2q outputs: one load of each coefficient serves both.
  const long ip = p / q, rp = p % q;
  for (long block = 0; block < count; block += 2 * q) {
    long i0 = (block / q) * p, r = 0;
    for (long j = 0; j < q; j++) {
      const long m1 = block + j;
      if (m1 >= count) break;
      const long m2 = m1 + q;
      const long base = i0 + 1;
      const float *row = coef + r * taps;
      if (m2 < count && base + p + taps <= padCount) {
        dot_pair_body(x + base, x + base + p, row, taps, out + m1, out + m2);
      } else {
        if (base + taps <= padCount) out[m1] = dot_body(x + base, row, taps);
        if (m2 < count && base + p + taps <= padCount) out[m2] = dot_body(x + base + p, row, taps);
      }
      i0 += ip;
      r += rp;
      if (r >= q) {
        r -= q;
        i0 += 1;
      }
    }
  }
}

AA_INLINE void polyphase_interpolated_body(const float *x, long padCount, const float *coef, const float *diff,
                                           long taps, double factor, long phases, float *out, long count) {
  const double ph = (double)phases;
  for (long m = 0; m < count; m++) {
    const double t = (double)m * factor;
    const double fl = floor(t);
    const long i0 = (long)fl;
    const double pos = (t - fl) * ph;
    long row = (long)pos;
    if (row >= phases) row = phases - 1;
    const float w = (float)(pos - (double)row);
    const long base = i0 + 1;
    if (base + taps > padCount) continue;
    const float *a = x + base, *b = coef + row * taps, *d = diff + row * taps;
    v8f s0 = {0}, s1 = {0}, t0 = {0}, t1 = {0};
    for (long i = 0; i < taps; i += 16) {
      const v8f x0 = load8(a + i), x1 = load8(a + i + 8);
      s0 += x0 * load8(b + i);
      s1 += x1 * load8(b + i + 8);
      t0 += x0 * load8(d + i);
      t1 += x1 * load8(d + i + 8);
    }
    out[m] = sum8(s0 + s1) + w * sum8(t0 + t1);
  }
}

AA_CLONES void aa_halfband_decimate(const float *x, const float *o, const float *c, long k, float *y, long count) {
  halfband_decimate_body(x, o, c, k, y, count);
}
void aa_halfband_decimate_baseline(const float *x, const float *o, const float *c, long k, float *y, long count) {
  halfband_decimate_body(x, o, c, k, y, count);
}

AA_CLONES void aa_halfband_midpoints(const float *p, const float *c, long k, float *mid, long count) {
  halfband_midpoints_body(p, c, k, mid, count);
}
void aa_halfband_midpoints_baseline(const float *p, const float *c, long k, float *mid, long count) {
  halfband_midpoints_body(p, c, k, mid, count);
}

AA_CLONES void aa_polyphase_exact(const float *x, long padCount, const float *coef, long taps, long p, long q,
                                  float *out, long count) {
  polyphase_exact_body(x, padCount, coef, taps, p, q, out, count);
}
void aa_polyphase_exact_baseline(const float *x, long padCount, const float *coef, long taps, long p, long q,
                                 float *out, long count) {
  polyphase_exact_body(x, padCount, coef, taps, p, q, out, count);
}

AA_CLONES void aa_polyphase_interpolated(const float *x, long padCount, const float *coef, const float *diff,
                                         long taps, double factor, long phases, float *out, long count) {
  polyphase_interpolated_body(x, padCount, coef, diff, taps, factor, phases, out, count);
}
void aa_polyphase_interpolated_baseline(const float *x, long padCount, const float *coef, const float *diff,
                                        long taps, double factor, long phases, float *out, long count) {
  polyphase_interpolated_body(x, padCount, coef, diff, taps, factor, phases, out, count);
}

int aa_kernels_use_avx(void) {
#if AA_HAVE_CLONES
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx") ? 1 : 0;
#else
  return 0;
#endif
}
