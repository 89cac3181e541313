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

AA_INLINE void gather_odd_body(const float *x, float *o, long count) {
  long i = 0;
  for (; i + 8 <= count; i += 8) {
    const v8f a = load8(x + 2 * i), b = load8(x + 2 * i + 8);
    store8(o + i, __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15));
  }
  for (; i < count; i++) o[i] = x[2 * i + 1];
}

AA_INLINE void halfband_interpolate_body(const float *p, const float *c, long k, float *y, long count) {
  long m = 0;
  for (; m + 32 <= count; m += 32) {
    v8f acc[4];
    symmetric32(p + m, p + (m + 1), c, k, acc);
    for (int b = 0; b < 4; b++)
      for (int j = 0; j < 8; j++) {
        y[2 * (m + 8 * b + j)] = p[m + 8 * b + j];
        y[2 * (m + 8 * b + j) + 1] = acc[b][j];
      }
  }
  for (; m + 8 <= count; m += 8) {
    v8f acc = symmetric8(p + m, p + (m + 1), c, k);
    for (int j = 0; j < 8; j++) {
      y[2 * (m + j)] = p[m + j];
      y[2 * (m + j) + 1] = acc[j];
    }
  }
  for (; m < count; m++) {
    float acc = 0;
    for (long l = 0; l < k; l++) acc += c[l] * (p[m - l] + p[m + 1 + l]);
    y[2 * m] = p[m];
    y[2 * m + 1] = acc;
  }
}

typedef int v8i __attribute__((vector_size(32)));

// Lane-wise m ? a : b for a comparison mask m (all ones or all zeros per lane); C has no
// vector conditional operator.
AA_INLINE v8f select8f(v8i m, v8f a, v8f b) { return (v8f)(((v8i)a & m) | ((v8i)b & ~m)); }
AA_INLINE v8i select8i(v8i m, v8i a, v8i b) { return (a & m) | (b & ~m); }

// Round half away from zero without libm: t = trunc(v) is exact for |v| <= 32768.5, and so is
// v - t; comparisons give -1 (true) or 0 per lane.
AA_INLINE void quantize16_body(const float *x, short *q, long count) {
  const v8f scale = {32768.f, 32768.f, 32768.f, 32768.f, 32768.f, 32768.f, 32768.f, 32768.f};
  const v8f hi = {32767.5f, 32767.5f, 32767.5f, 32767.5f, 32767.5f, 32767.5f, 32767.5f, 32767.5f};
  const v8f lo = -hi - 1.0f;
  const v8f half = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  long i = 0;
  for (; i + 8 <= count; i += 8) {
    v8f v = load8(x + i) * scale;
    v = select8f(v < hi, v, hi);  // NaN compares false: it becomes hi
    v = select8f(v > lo, v, lo);
    const v8i t = __builtin_convertvector(v, v8i);
    const v8f d = v - __builtin_convertvector(t, v8f);
    v8i r = t - (v8i)(d >= half) + (v8i)(d <= -half);
    const v8i top = {32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767};
    const v8i bottom = -top - 1;
    r = select8i(r > top, top, r);
    r = select8i(r < bottom, bottom, r);
    for (int j = 0; j < 8; j++) q[i + j] = (short)r[j];
  }
  for (; i < count; i++) {
    float v = x[i] * 32768.f;
    v = v < 32767.5f ? v : 32767.5f;
    v = v > -32768.5f ? v : -32768.5f;
    const int t = (int)v;
    const float d = v - (float)t;
    int r = t + (d >= 0.5f ? 1 : 0) - (d <= -0.5f ? 1 : 0);
    if (r > 32767) r = 32767;
    if (r < -32768) r = -32768;
    q[i] = (short)r;
  }
}

AA_INLINE void dequantize16_body(const short *q, float *y, long count) {
  for (long i = 0; i < count; i++) y[i] = (float)q[i] * (1.0f / 32768.f);
}

// |x| by clearing the sign bit; a NaN compares false against the running maximum and is skipped.
AA_INLINE float peak_abs_body(const float *x, long count) {
  const v8i mask = {0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF,
                    0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF};
  v8f m0 = {0}, m1 = {0};
  long i = 0;
  for (; i + 16 <= count; i += 16) {
    const v8f a = (v8f)((v8i)load8(x + i) & mask);
    const v8f b = (v8f)((v8i)load8(x + i + 8) & mask);
    m0 = select8f(a > m0, a, m0);
    m1 = select8f(b > m1, b, m1);
  }
  m0 = select8f(m1 > m0, m1, m0);
  float m = 0;
  for (int j = 0; j < 8; j++) m = m0[j] > m ? m0[j] : m;
  for (; i < count; i++) {
    const float a = fabsf(x[i]);
    m = a > m ? a : m;
  }
  return m;
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

AA_CLONES void aa_gather_odd(const float *x, float *o, long count) { gather_odd_body(x, o, count); }
void aa_gather_odd_baseline(const float *x, float *o, long count) { gather_odd_body(x, o, count); }

AA_CLONES void aa_halfband_interpolate(const float *p, const float *c, long k, float *y, long count) {
  halfband_interpolate_body(p, c, k, y, count);
}
void aa_halfband_interpolate_baseline(const float *p, const float *c, long k, float *y, long count) {
  halfband_interpolate_body(p, c, k, y, count);
}

AA_CLONES void aa_quantize16(const float *x, short *q, long count) { quantize16_body(x, q, count); }
void aa_quantize16_baseline(const float *x, short *q, long count) { quantize16_body(x, q, count); }

AA_CLONES void aa_dequantize16(const short *q, float *y, long count) { dequantize16_body(q, y, count); }
void aa_dequantize16_baseline(const short *q, float *y, long count) { dequantize16_body(q, y, count); }

AA_CLONES float aa_peak_abs(const float *x, long count) { return peak_abs_body(x, count); }
float aa_peak_abs_baseline(const float *x, long count) { return peak_abs_body(x, count); }

int aa_kernels_use_avx(void) {
#if AA_HAVE_CLONES
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx") ? 1 : 0;
#else
  return 0;
#endif
}
