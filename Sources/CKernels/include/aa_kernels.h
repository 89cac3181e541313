// Inner loops of the half-band and polyphase resamplers, in C so that one build carries both a
// baseline x86-64 version and an AVX version chosen at load time (an ifunc through the
// compiler's target_clones). The AVX version runs the same multiplies and adds in the same
// order on wider registers and never fuses a multiply with an add, so both give the same bits:
// outputs do not depend on the machine. Each kernel also exists as `*_baseline` for the tests.
#ifndef AA_KERNELS_H
#define AA_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Half-band 2:1 decimation: y[m] = ½·x[2m] + Σₗ c[l]·(o[m − l − 1] + o[m + l]) for m in
/// [0, count). `o` points at the odd samples o[i] = x[2i + 1], readable from o[−k] to
/// o[count + k + 8].
void aa_halfband_decimate(const float *x, const float *o, const float *c, long k, float *y, long count);
void aa_halfband_decimate_baseline(const float *x, const float *o, const float *c, long k, float *y,
                                   long count);

/// Half-band 1:2 interpolation midpoints: mid[m] = Σₗ c[l]·(p[m − l] + p[m + 1 + l]) for m in
/// [0, count). `p` is readable from p[−k] to p[count + k + 8].
void aa_halfband_midpoints(const float *p, const float *c, long k, float *mid, long count);
void aa_halfband_midpoints_baseline(const float *p, const float *c, long k, float *mid, long count);

/// Polyphase resampling by an exact ratio p/q: out[m] = Σₜ x[⌊m·p/q⌋ + 1 + t]·coef[(m·p mod q)·taps + t]
/// for m in [0, count), skipping outputs whose taps would read past x[padCount − 1].
/// `taps` is a multiple of 16.
void aa_polyphase_exact(const float *x, long padCount, const float *coef, long taps, long p, long q,
                        float *out, long count);
void aa_polyphase_exact_baseline(const float *x, long padCount, const float *coef, long taps, long p,
                                 long q, float *out, long count);

/// Polyphase resampling by any factor with `phases` tabulated phases, linearly interpolated:
/// t = m·factor, row = ⌊frac(t)·phases⌋, w its remainder;
/// out[m] = Σ x[⌊t⌋ + 1 + i]·(coef[row][i] + w·diff[row][i]).
void aa_polyphase_interpolated(const float *x, long padCount, const float *coef, const float *diff,
                               long taps, double factor, long phases, float *out, long count);
void aa_polyphase_interpolated_baseline(const float *x, long padCount, const float *coef,
                                        const float *diff, long taps, double factor, long phases,
                                        float *out, long count);

/// The odd samples of x: o[i] = x[2i + 1] for i in [0, count) (x holds at least 2·count
/// samples). Moves data only, so both versions give the same bits trivially.
void aa_gather_odd(const float *x, float *o, long count);
void aa_gather_odd_baseline(const float *x, float *o, long count);

/// Half-band 1:2 interpolation, interleaved: y[2m] = p[m] and y[2m + 1] = the midpoint of
/// `aa_halfband_midpoints` (same sums, same bits) for m in [0, count); writes 2·count samples.
/// `p` is readable from p[−k] to p[count + k + 8].
void aa_halfband_interpolate(const float *p, const float *c, long k, float *y, long count);
void aa_halfband_interpolate_baseline(const float *p, const float *c, long k, float *y, long count);

/// Float to 16-bit PCM as CodecChain quantises: v = x·32768 limited to [−32768.5, 32767.5]
/// (NaN to 32767.5), rounded half away from zero, then clipped to [−32768, 32767].
void aa_quantize16(const float *x, short *q, long count);
void aa_quantize16_baseline(const float *x, short *q, long count);

/// 16-bit PCM to float: y[i] = q[i] / 32768 (exact).
void aa_dequantize16(const short *q, float *y, long count);
void aa_dequantize16_baseline(const short *q, float *y, long count);

/// Largest |x[i]|, exact; NaN samples are ignored (+inf counts); 0 for an empty buffer.
float aa_peak_abs(const float *x, long count);
float aa_peak_abs_baseline(const float *x, long count);

/// 1 when the kernels above run their AVX version on this machine, else 0.
int aa_kernels_use_avx(void);

#ifdef __cplusplus
}
#endif
#endif
