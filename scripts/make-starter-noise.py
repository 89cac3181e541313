#!/usr/bin/env python3
"""Generate audioamp's starter noise library (noise-library/).

Run from the repository root:

    python3 scripts/make-starter-noise.py                      # every file
    python3 scripts/make-starter-noise.py --only traffic/busy-street.flac

Needs python3 + numpy, and the `espeak-ng` and `sox` programs (babble speech
and FLAC encoding). Every file has its own fixed seed, so a run always gives
bit-identical FLACs (sox runs with -R/-D, fixed compression level 8, and the
samples are already 16-bit when sox sees them, so no dither is involved).

After generating, noise-library/index.tsv is rewritten from the FLAC files
that are on disk (measured, not assumed).

All output is CC0-1.0.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import wave
import zlib

import numpy as np

SR = 16000
DUR = 20.0
N = int(SR * DUR)
TARGET_DBFS = -26.0
FADE_S = 0.03
OUT_DIR = "noise-library"
SCRIPT = "scripts/make-starter-noise.py"
HEADER = "file\tcategory\tduration_s\tsample_rate\tchannels\tlevel_dbfs\tlicence\tmade_by"


# --------------------------------------------------------------------------
# small DSP helpers (numpy only)
# --------------------------------------------------------------------------

def rng_for(name):
    """Fixed per-file random generator (seed from the file name)."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def freqs(n, sr=SR):
    return np.fft.rfftfreq(n, 1.0 / sr)


def fft_filter(x, response):
    """Zero-phase filtering with a magnitude response given per rfft bin."""
    return np.fft.irfft(np.fft.rfft(x) * response, len(x))


def coloured_noise(rng, n, exponent, f_floor=10.0):
    """Noise with power spectrum ~ 1/f**exponent (0 white, 1 pink, 2 brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.maximum(freqs(n), f_floor)
    spec *= f ** (-exponent / 2.0)
    spec[0] = 0.0
    y = np.fft.irfft(spec, n)
    return y / (np.std(y) + 1e-12)


def lowpass_resp(f, fc, order=2):
    return 1.0 / np.sqrt(1.0 + (f / fc) ** (2 * order))


def highpass_resp(f, fc, order=2):
    with np.errstate(divide="ignore"):
        r = 1.0 / np.sqrt(1.0 + (fc / np.maximum(f, 1e-3)) ** (2 * order))
    return r


def peak_resp(f, f0, q, gain_db):
    """Smooth resonance bump (magnitude only)."""
    g = 10 ** (gain_db / 20.0)
    bw = f0 / q
    return 1.0 + (g - 1.0) / (1.0 + ((f - f0) / (bw / 2.0)) ** 2)


def phone_band(n, lo=300.0, hi=3400.0, order=4):
    f = freqs(n)
    return highpass_resp(f, lo, order) * lowpass_resp(f, hi, order)


def tv_filter(x, resp_for_frame, nfft=1024, hop=512):
    """Time-varying filter by STFT overlap-add.

    resp_for_frame(t_seconds, f_bins) -> magnitude response for that frame.
    A periodic Hann analysis window at 50 % overlap sums to one, so an
    all-pass response reconstructs the input exactly.
    """
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(nfft) / nfft)
    pad = nfft
    xp = np.concatenate([np.zeros(pad), x, np.zeros(pad + nfft)])
    y = np.zeros_like(xp)
    f = freqs(nfft)
    for start in range(0, len(xp) - nfft, hop):
        seg = xp[start:start + nfft] * win
        t = (start + nfft / 2 - pad) / SR
        spec = np.fft.rfft(seg) * resp_for_frame(t, f)
        y[start:start + nfft] += np.fft.irfft(spec, nfft)
    return y[pad:pad + len(x)]


def smooth_env(rng, n, rate_hz, depth, floor=0.0):
    """Slow random envelope (smoothed noise), values around 1."""
    k = max(4, int(DUR * rate_hz) + 4)
    pts = rng.standard_normal(k)
    xs = np.linspace(0, n, k)
    env = np.interp(np.arange(n), xs, pts)
    # second smoothing pass so the corners disappear
    w = max(1, int(SR / rate_hz / 4))
    kern = np.hanning(2 * w + 1)
    kern /= kern.sum()
    env = np.convolve(env, kern, mode="same")
    env = 1.0 + depth * env / (np.std(env) + 1e-12)
    return np.maximum(env, floor)


def ramp_gate(n, segments, ramp_s=0.004):
    """Gate 0/1 with raised-cosine edges; segments = [(start_s, end_s, gain)]."""
    g = np.zeros(n)
    r = max(1, int(ramp_s * SR))
    up = 0.5 - 0.5 * np.cos(np.pi * np.arange(r) / r)
    for s0, s1, gain in segments:
        a, b = int(s0 * SR), int(s1 * SR)
        a, b = max(0, a), min(n, b)
        if b - a < 2 * r:
            continue
        seg = np.full(b - a, gain)
        seg[:r] *= up
        seg[-r:] *= up[::-1]
        g[a:b] = np.maximum(g[a:b], seg)
    return g


def db(x):
    return 20 * np.log10(max(x, 1e-12))


def rms(x):
    return float(np.sqrt(np.mean(np.square(x))))


def finalise(x):
    """Normalise to TARGET_DBFS RMS, keep peaks below -1 dBFS, fade ends."""
    x = x - np.mean(x)
    n = len(x)
    r = int(FADE_S * SR)
    fade = 0.5 - 0.5 * np.cos(np.pi * np.arange(r) / r)
    x[:r] *= fade
    x[-r:] *= fade[::-1]
    target = 10 ** (TARGET_DBFS / 20.0)
    knee, ceil = 0.5, 0.89
    for _ in range(4):
        x = x * (target / rms(x))
        a = np.abs(x)
        over = a > knee
        if not over.any():
            break
        # soft limiter above the knee, never exceeding the ceiling
        a[over] = knee + (ceil - knee) * np.tanh((a[over] - knee) / (ceil - knee))
        x = np.sign(x) * a
    peak = np.max(np.abs(x))
    if peak > ceil:
        x *= ceil / peak
    assert n == N
    return x


# --------------------------------------------------------------------------
# I/O
# --------------------------------------------------------------------------

def write_wav(path, x):
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64)
    return x / 32768.0, sr


def encode_flac(x, dest, tmpdir):
    tmp = os.path.join(tmpdir, "out.wav")
    write_wav(tmp, x)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    subprocess.run(["sox", "-R", "-D", "-V1", tmp, "-C", "8", dest], check=True)


def read_flac(path):
    raw = subprocess.run(["sox", "-R", "-D", "-V1", path, "-t", "raw", "-e", "signed",
                          "-b", "16", "-c", "1", "-"], check=True,
                         capture_output=True).stdout
    return np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0


# --------------------------------------------------------------------------
# cell-phone
# --------------------------------------------------------------------------

GSM_FRAME_S = 0.120 / 26          # 4.615 ms TDMA frame -> 216.7 Hz
GSM_SLOT_S = GSM_FRAME_S / 8      # one 577 us transmit slot per frame


def gsm_pulse_train(frame_mask_fn, oversample=8):
    """Band-limited rectangular TDMA burst envelope at 16 kHz.

    Built at 8x the rate, low-passed below 7.5 kHz in the FFT domain, then
    decimated. frame_mask_fn(frame_index_array) -> 0/1 per TDMA frame.
    """
    hr = SR * oversample
    t = np.arange(N * oversample) / hr
    frame = np.floor(t / GSM_FRAME_S).astype(np.int64)
    phase = t - frame * GSM_FRAME_S
    pulses = (phase < GSM_SLOT_S).astype(np.float64) * frame_mask_fn(frame)
    spec = np.fft.rfft(pulses)
    f = np.fft.rfftfreq(len(pulses), 1.0 / hr)
    spec[f > 7500.0] = 0.0
    y = np.fft.irfft(spec, len(pulses))[::oversample]
    return y - np.mean(y)


def make_gsm_buzz(name):
    """GSM 'dit-dit-dit' interference picked up by a nearby loudspeaker."""
    rng = rng_for(name)
    # full-rate traffic channel: 26-frame multiframe, frame 25 idle
    full = gsm_pulse_train(lambda fr: (fr % 26 != 25).astype(np.float64))
    # DTX (speech pause): only 12 of every 104 frames carry SACCH/SID bursts
    dtx_set = np.zeros(104)
    dtx_set[[12, 38, 51, 52, 53, 54, 55, 56, 57, 58, 64, 90]] = 1.0
    dtx = gsm_pulse_train(lambda fr: dtx_set[fr % 104])

    # on/off timeline like a phone lying next to a speaker: registration
    # chirps, a call with speech and DTX pauses, then a burst of data
    full_seg, dtx_seg = [], []
    t = 0.25
    for _ in range(4):                        # short registration bursts
        d = rng.uniform(0.15, 0.45)
        full_seg.append((t, t + d, rng.uniform(0.6, 1.0)))
        t += d + rng.uniform(0.12, 0.4)
    t += rng.uniform(0.8, 1.5)
    while t < DUR - 5.0:                      # the call: talk spurts and DTX
        d = rng.uniform(0.6, 2.2)
        full_seg.append((t, t + d, rng.uniform(0.8, 1.0)))
        t += d
        d = rng.uniform(0.4, 1.2)
        dtx_seg.append((t, t + d, rng.uniform(0.8, 1.0)))
        t += d
    t += rng.uniform(1.0, 1.8)                # silence, then SMS/data bursts
    while t < DUR - 0.5:
        d = rng.uniform(0.08, 0.3)
        full_seg.append((t, t + d, rng.uniform(0.5, 0.9)))
        t += d + rng.uniform(0.05, 0.25)

    g_full = ramp_gate(N, full_seg, 0.003)
    g_dtx = ramp_gate(N, dtx_seg, 0.003)
    x = full * g_full + dtx * g_dtx
    # the amplifier's RF rectification is slightly non-linear and the phone
    # moves a little (slow level wobble)
    x = np.tanh(1.6 * x) / 1.6 * smooth_env(rng, N, 0.7, 0.08, 0.5)
    # loudspeaker / amplifier colouring
    f = freqs(N)
    x = fft_filter(x, highpass_resp(f, 120.0, 2) * lowpass_resp(f, 5500.0, 2)
                   * peak_resp(f, 1300.0, 1.5, 5.0))
    hiss = fft_filter(coloured_noise(rng, N, 0.5), phone_band(N, 150, 6000, 2))
    return x / rms(x) + 0.04 * hiss


def make_static_crackle(name):
    """Radio-link static: crackle bursts and pops over a fading hiss."""
    rng = rng_for(name)
    band = phone_band(N, 300.0, 3400.0, 3)
    hiss = fft_filter(coloured_noise(rng, N, 0.3), band)
    hiss = hiss / rms(hiss) * smooth_env(rng, N, 0.5, 0.35, 0.3)

    clicks = np.zeros(N)
    def add_click(pos, amp):
        tau = rng.uniform(0.0002, 0.0025)
        L = int(tau * SR * 6) + 2
        if pos + L >= N:
            return
        shape = np.exp(-np.arange(L) / (tau * SR)) * rng.standard_normal(L)
        shape[0] = abs(shape[0]) * 3.0
        clicks[pos:pos + L] += amp * rng.choice([-1.0, 1.0]) * shape

    # isolated pops
    for pos in np.sort(rng.integers(0, N, int(DUR * 1.2))):
        add_click(int(pos), rng.pareto(2.5) * 0.8 + 0.3)
    # crackle bursts with a static 'frying' wash
    wash = np.zeros(N)
    t = rng.uniform(0.3, 1.5)
    while t < DUR - 0.3:
        d = rng.uniform(0.1, 1.6)
        a0, a1 = int(t * SR), min(N, int((t + d) * SR))
        rate = rng.uniform(60.0, 500.0)
        k = rng.poisson(rate * d)
        for pos in rng.integers(a0, a1, k):
            add_click(int(pos), rng.pareto(2.0) * 0.6 + 0.2)
        env = np.sin(np.pi * np.linspace(0, 1, a1 - a0)) ** 0.5
        am = np.abs(rng.standard_normal(a1 - a0)) ** 2
        am = np.convolve(am, np.ones(24) / 24, mode="same")
        wash[a0:a1] += env * am * rng.uniform(0.5, 1.5) * rng.standard_normal(a1 - a0)
        t += d + rng.exponential(1.6)

    crackle = fft_filter(clicks + 0.6 * wash, phone_band(N, 250.0, 5000.0, 2))
    return hiss + 2.2 * crackle / (rms(crackle) + 1e-12) * 0.5


def tone(freq_list, dur_s, level=1.0):
    t = np.arange(int(dur_s * SR)) / SR
    y = sum(np.sin(2 * np.pi * fq * t) for fq in freq_list) / len(freq_list)
    return level * y


def place(x, sig, start_s, ramp_s=0.005):
    a = int(start_s * SR)
    b = min(len(x), a + len(sig))
    if b <= a:
        return
    s = sig[:b - a].copy()
    r = min(int(ramp_s * SR), len(s) // 2)
    if r > 0:
        w = 0.5 - 0.5 * np.cos(np.pi * np.arange(r) / r)
        s[:r] *= w
        s[-r:] *= w[::-1]
    x[a:b] += s


def make_line_hiss_tones(name):
    """Telephone line hiss with dropouts and call-progress tones."""
    rng = rng_for(name)
    band = phone_band(N, 300.0, 3400.0, 4)
    hiss = fft_filter(coloured_noise(rng, N, 0.2), band)
    hiss = hiss / rms(hiss)
    hum = 0.05 * np.sin(2 * np.pi * 50 * np.arange(N) / SR) \
        + 0.02 * np.sin(2 * np.pi * 150 * np.arange(N) / SR)
    tones = np.zeros(N)
    L = 2.2  # tone level relative to the hiss
    # North American dial tone 350+440 Hz, continuous
    place(tones, tone([350, 440], 2.6, L), 0.4)
    # North American ringback 440+480 Hz, 2 s on / 4 s off
    place(tones, tone([440, 480], 2.0, L), 3.6)
    # North American call waiting: 440 Hz, 0.3 s beep
    place(tones, tone([440], 0.3, L), 6.6)
    place(tones, tone([440], 0.3, L), 9.0)
    # European (CEPT) ringback 425 Hz, 1 s on / 4 s off
    place(tones, tone([425], 1.0, L), 10.2)
    # CEPT call waiting 425 Hz: 0.2 on, 0.2 off, 0.2 on
    place(tones, tone([425], 0.2, L), 12.0)
    place(tones, tone([425], 0.2, L), 12.4)
    # European busy 425 Hz, 0.5 s on / 0.5 s off
    for k in range(3):
        place(tones, tone([425], 0.5, L), 14.2 + k)
    # North American reorder/busy 480+620 Hz, 0.5/0.5
    place(tones, tone([480, 620], 0.5, L), 17.6)
    place(tones, tone([480, 620], 0.5, L), 18.6)
    # telephone path: the tones also go through the codec band
    tones = fft_filter(tones, phone_band(N, 250.0, 3600.0, 2))
    x = hiss * smooth_env(rng, N, 0.3, 0.15, 0.5) + tones + hum
    # short dropouts (lost frames): signal muted to a faint comfort noise
    gate = np.ones(N)
    t = rng.uniform(0.8, 2.0)
    while t < DUR - 0.5:
        d = rng.choice([0.02, 0.04, 0.06, 0.1, 0.16])
        a, b = int(t * SR), int((t + d) * SR)
        r = 32
        w = 0.5 + 0.5 * np.cos(np.pi * np.arange(r) / r)
        gate[a:a + r] = np.minimum(gate[a:a + r], 0.03 + 0.97 * w)
        gate[a + r:b - r] = 0.03
        gate[b - r:b] = np.minimum(gate[b - r:b], 0.03 + 0.97 * w[::-1])
        t += d + rng.exponential(1.8) + 0.3
    return x * gate


# --------------------------------------------------------------------------
# traffic
# --------------------------------------------------------------------------

C_SOUND = 343.0


def car_pass(rng, t0, v0, dist, kind="car", accel=0.0, gear_k=None):
    """One vehicle passing the listener on a straight road.

    The source signal (engine firing harmonics whose frequency follows the
    speed, plus tyre/road noise) is rendered in emission time and then read
    out at the retarded time tau(t) = t - r(tau)/c, which gives the Doppler
    shift. Level falls as 1/r and a distance-dependent low-pass (air and
    ground absorption) dulls far vehicles.
    """
    margin = 2.0
    n_src = N + int(2 * margin * SR)
    tau = np.arange(n_src) / SR - margin              # emission time axis
    v = np.clip(v0 + accel * (tau - t0), 0.4 * v0, 1.6 * v0)
    # position along the road, x = 0 when closest (at t0)
    xpos = np.cumsum(v) / SR
    xpos -= np.interp(t0, tau, xpos)

    if gear_k is None:
        gear_k = rng.uniform(3.8, 5.5) if kind != "truck" else rng.uniform(2.0, 2.8)
    f0 = gear_k * v * (1.0 + 0.01 * smooth_env(rng, n_src, 2.0, 1.0) - 0.01)
    n_harm = 14 if kind != "truck" else 22
    phase = 2 * np.pi * np.cumsum(f0) / SR
    engine = np.zeros(n_src)
    tilt = rng.uniform(0.55, 0.8)
    for h in range(1, n_harm + 1):
        amp = tilt ** (h - 1) * (1.0 + 0.3 * rng.standard_normal())
        if h % 2 == 0:
            amp *= 0.6                   # half-order firing components
        jitter = np.cumsum(rng.standard_normal(n_src)) * 2e-4
        engine += abs(amp) * np.sin(h * phase + rng.uniform(0, 2 * np.pi) + jitter)
    engine /= rms(engine) + 1e-12
    # tyre / road noise: pinkish-brown with a broad hump around 550-950 Hz
    fs = freqs(n_src)
    tyre = fft_filter(coloured_noise(rng, n_src, 1.2),
                      peak_resp(fs, rng.uniform(550, 950), 0.9, 11.0)
                      * lowpass_resp(fs, 2200.0, 2) * highpass_resp(fs, 40.0, 2))
    tyre /= rms(tyre) + 1e-12
    spd = v / 15.0
    eng_level = {"car": 0.5, "truck": 1.2, "bus": 1.0}[kind]
    src = eng_level * engine * (0.6 + 0.4 * spd) + 0.8 * tyre * spd ** 1.5
    if kind == "truck":
        src *= 2.0

    # retarded time for every output sample (fixed-point iteration)
    t_out = np.arange(N) / SR
    tau_o = t_out.copy()
    for _ in range(4):
        xo = np.interp(tau_o, tau, xpos)
        r = np.sqrt(xo ** 2 + dist ** 2)
        tau_o = t_out - r / C_SOUND
    y = np.interp(tau_o, tau, src)
    xo = np.interp(tau_o, tau, xpos)
    r = np.sqrt(xo ** 2 + dist ** 2)
    # exhaust is louder behind the car (receding) than in front
    rear = 1.0 + 0.35 * np.tanh(xo / 10.0)
    y *= rear * (5.0 / r)
    r_of_t = lambda tt: float(np.interp(tt, t_out, r))
    y = tv_filter(y, lambda tt, f: lowpass_resp(f, float(np.clip(9000.0 / (1 + r_of_t(tt) / 12.0), 250, 8000)), 1)
                  * lowpass_resp(f, 6000.0, 2))
    return y


def horn(rng, start, dur, dist):
    """Two-tone car horn (rich, slightly detuned), bandpassed like a horn."""
    n = int(dur * SR)
    t = np.arange(n) / SR
    y = np.zeros(n)
    for fq in (rng.uniform(395, 415), rng.uniform(490, 510)):
        for h in range(1, 9):
            y += (0.7 ** h) * np.sin(2 * np.pi * fq * h * t + rng.uniform(0, 6.28))
    f = freqs(n)
    y = fft_filter(y, peak_resp(f, 2200, 1.2, 6.0) * lowpass_resp(f, 4000, 2))
    out = np.zeros(N)
    place(out, y / (rms(y) + 1e-12) * 5.0 / dist, start, 0.015)
    return out


def rumble_bed(rng, level, lp_hz, mod_depth):
    f = freqs(N)
    bed = fft_filter(coloured_noise(rng, N, 2.0), lowpass_resp(f, lp_hz, 2)
                     * highpass_resp(f, 18.0, 2))
    wash = fft_filter(coloured_noise(rng, N, 1.0), lowpass_resp(f, lp_hz * 2.5, 2))
    x = bed / rms(bed) + 0.5 * wash / rms(wash)
    return level * x * smooth_env(rng, N, 0.08, mod_depth, 0.3)


def make_traffic(name, scene):
    rng = rng_for(name)
    x = np.zeros(N)
    if scene == "quiet-street":
        x += rumble_bed(rng, 0.025, 120.0, 0.3)
        times = [2.5, 8.4, 13.1, 17.6]
        for t0 in times:
            t0 += rng.uniform(-0.6, 0.6)
            x += car_pass(rng, t0, rng.uniform(8.0, 13.5), rng.uniform(5.0, 12.0),
                          accel=rng.uniform(-0.4, 0.4))
    elif scene == "busy-street":
        x += rumble_bed(rng, 0.12, 160.0, 0.35)
        t0 = -1.5
        while t0 < DUR + 1.5:
            kind = rng.choice(["car"] * 8 + ["bus", "truck"])
            x += car_pass(rng, t0, rng.uniform(7.0, 14.0), rng.uniform(3.5, 11.0),
                          kind=str(kind), accel=rng.uniform(-0.8, 0.8))
            t0 += rng.exponential(1.3) + 0.35
        x += horn(rng, 11.3, 0.45, 18.0)
        x += horn(rng, 12.0, 0.9, 18.0)
    elif scene == "highway":
        x += rumble_bed(rng, 0.35, 200.0, 0.2)
        t0 = -2.5
        while t0 < DUR + 2.5:
            kind = rng.choice(["car"] * 6 + ["truck"] * 2)
            gk = rng.uniform(2.2, 3.0) if kind == "car" else rng.uniform(1.3, 1.8)
            x += car_pass(rng, t0, rng.uniform(25.0, 36.0), rng.uniform(25.0, 70.0),
                          kind=str(kind), accel=rng.uniform(-0.2, 0.2), gear_k=gk)
            t0 += rng.exponential(0.55) + 0.15
    else:
        raise ValueError(scene)
    return x


# --------------------------------------------------------------------------
# crowd babble
# --------------------------------------------------------------------------

# Original sentences for the babble talkers (not the corpus sentences).
BABBLE_SENTENCES = [
    "I think the meeting moved to Thursday afternoon instead.",
    "Did you try the lemon cake they had last time?",
    "We should book the tickets before the prices go up.",
    "Honestly, the traffic this morning was worse than usual.",
    "She said the new flat has a lovely view of the park.",
    "Can you pass me the sugar and a spoon, please?",
    "My cousin is starting a job at the hospital next week.",
    "The football match went to extra time again.",
    "I keep meaning to fix that wobbly table leg.",
    "Are you still going swimming on Wednesday evenings?",
    "They finally opened the new road past the school.",
    "We ran out of milk, so I had my tea black.",
    "The band played until nearly midnight on Saturday.",
    "He always orders the same sandwich with extra pickles.",
    "Let me know when you want to borrow the ladder.",
    "The weather forecast says it will clear up by lunch.",
    "Our cat has decided to sleep in the laundry basket.",
    "I can't remember where I put my reading glasses.",
    "That film was much longer than I expected.",
    "Shall we take the scenic route on the way back?",
    "The price of tomatoes has gone up again this month.",
    "My sister painted her kitchen a bright yellow colour.",
    "We saw a fox in the garden late last night.",
    "He is learning to play the guitar from videos.",
    "Do you know if the post office is open today?",
    "The train was packed, so I stood the whole way.",
    "I'd rather sit near the window if there's space.",
    "They are planning a small party for her birthday.",
    "The kids built a snowman with a carrot nose.",
    "Our boss wants the summary finished by Friday.",
    "I heard the museum has a new dinosaur exhibition.",
    "Could we split the bill between the four of us?",
    "The plumber says he can come round on Monday.",
    "I started running in the mornings before work.",
    "This soup is nice but it could use more pepper.",
    "We got lost trying to find the car park entrance.",
    "The garden centre has a sale on rose bushes.",
    "My phone keeps switching itself off for no reason.",
    "He told a very funny story about his first job.",
    "The neighbours are having their roof replaced.",
]

BABBLE_VOICES = [
    ("en-us+m1", 40, 165), ("en+f1", 62, 170), ("en-029+m4", 35, 175),
    ("en-us-nyc+f3", 70, 180), ("en-gb-scotland+m2", 45, 160),
    ("en-gb-x-rp+f4", 66, 172), ("en+m6", 30, 168), ("en-us+f2", 58, 185),
    ("en-gb-x-gbclan+m5", 50, 162), ("en-us+Andy", 42, 178),
    ("en+Annie", 68, 166), ("en-gb-x-gbcwmd+m3", 38, 174),
]


def espeak_16k(text, voice, pitch, speed, tmpdir):
    a = os.path.join(tmpdir, "es.wav")
    b = os.path.join(tmpdir, "es16.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed),
                    "-w", a, text], check=True)
    subprocess.run(["sox", "-R", "-D", "-V1", a, "-r", str(SR), "-c", "1", "-b", "16", b,
                    "gain", "-6", "rate", "-v", str(SR)], check=True)
    x, sr = read_wav(b)
    assert sr == SR
    return x


def talker_stream(rng, voice, pitch, speed, sentence_ids, tmpdir):
    """One talker: sentences with natural pauses, long enough for the file."""
    parts = [np.zeros(int(rng.uniform(0.0, 1.5) * SR))]
    total = len(parts[0])
    k = 0
    while total < N + SR:
        s = BABBLE_SENTENCES[sentence_ids[k % len(sentence_ids)]]
        p = int(pitch + rng.uniform(-6, 6))
        sp = int(speed + rng.uniform(-10, 10))
        y = espeak_16k(s, voice, p, sp, tmpdir)
        y = y / (rms(y) + 1e-12)
        parts.append(y)
        gap = np.zeros(int(rng.uniform(0.15, 0.9) * SR))
        parts.append(gap)
        total += len(y) + len(gap)
        k += 1
    x = np.concatenate(parts)
    off = int(rng.uniform(0, len(x) - N))
    return x[off:off + N]


def room_ir(rng, rt60, length_s=None, brightness=3500.0):
    """Synthetic room impulse response: sparse early reflections plus an
    exponentially decaying noise tail that gets darker over time."""
    if length_s is None:
        length_s = min(1.8, rt60 * 1.2)
    n = int(length_s * SR)
    t = np.arange(n) / SR
    tail = rng.standard_normal(n) * np.exp(-6.91 * t / rt60)
    # darken the late tail (high frequencies decay faster)
    tail = tv_filter(tail, lambda tt, f: lowpass_resp(
        f, max(600.0, brightness / (1 + 6 * max(tt, 0.0))), 1), nfft=512, hop=256)
    ir = 0.35 * tail / (np.sqrt(np.sum(tail ** 2)) + 1e-12)
    for _ in range(8):                                   # early reflections
        d = int(rng.uniform(0.004, 0.045) * SR)
        ir[d] += rng.uniform(0.15, 0.4) * rng.choice([-1, 1])
    ir[0] = 1.0
    return ir


def convolve_fft(x, h):
    n = len(x) + len(h) - 1
    nf = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, nf) * np.fft.rfft(h, nf), nf)[:len(x)]
    # add the tail that runs past the end back to the start, so the reverb
    # does not simply stop (files may be looped)
    tail = np.fft.irfft(np.fft.rfft(x, nf) * np.fft.rfft(h, nf), nf)[len(x):n]
    y[:len(tail)] += tail
    return y


def clinks(rng, rate_per_s):
    """Cutlery and crockery: short inharmonic metallic/ceramic pings."""
    out = np.zeros(N)
    t = rng.exponential(1.0 / rate_per_s)
    while t < DUR - 0.3:
        n = int(rng.uniform(0.08, 0.35) * SR)
        tt = np.arange(n) / SR
        base = rng.uniform(1800, 4200)
        y = np.zeros(n)
        for ratio in (1.0, 1.52, 2.31, 2.93, 3.7):
            fq = base * ratio * rng.uniform(0.98, 1.02)
            if fq > 7500:
                continue
            dec = rng.uniform(0.015, 0.09)
            y += rng.uniform(0.3, 1.0) * np.exp(-tt / dec) * np.sin(2 * np.pi * fq * tt)
        amp = rng.uniform(0.3, 1.2)
        place(out, amp * y, t, 0.0005)
        if rng.uniform() < 0.35:              # a second touch right after
            place(out, 0.5 * amp * y, t + rng.uniform(0.04, 0.12), 0.0005)
        t += rng.exponential(1.0 / rate_per_s)
    return out


def make_crowd(name, scene, tmpdir):
    rng = rng_for(name)
    cfg = {
        # talkers, rt60, brightness, level spread dB, distance low-pass Hz
        "cafe": (8, 0.5, 4000.0, 8.0, 5500.0),
        "hall-murmur": (10, 1.3, 2500.0, 6.0, 2800.0),
        "small-group": (6, 0.3, 5000.0, 9.0, 7000.0),
    }[scene]
    n_talk, rt60, bright, spread, lp = cfg
    voice_ids = rng.permutation(len(BABBLE_VOICES))[:n_talk]
    mix = np.zeros(N)
    f = freqs(N)
    for i, vi in enumerate(voice_ids):
        voice, pitch, speed = BABBLE_VOICES[vi]
        sids = list(rng.permutation(len(BABBLE_SENTENCES))[:8])
        s = talker_stream(rng, voice, pitch, speed, sids, tmpdir)
        gain = 10 ** (rng.uniform(-spread, 0) / 20.0)
        s = fft_filter(s, lowpass_resp(f, lp * rng.uniform(0.8, 1.2), 1))
        mix += gain * s
    ir = room_ir(rng, rt60, brightness=bright)
    wet = convolve_fft(mix, ir)
    out = wet / rms(wet)
    if scene == "cafe":
        c = clinks(rng, 1.4)
        c = convolve_fft(c, room_ir(rng, 0.35, brightness=6000.0))
        out += 0.25 * c / (rms(c) + 1e-12)
    if scene == "hall-murmur":
        air = fft_filter(coloured_noise(rng, N, 1.5), lowpass_resp(f, 300.0, 2))
        out += 0.12 * air / rms(air)
    return out


# --------------------------------------------------------------------------
# registry, index
# --------------------------------------------------------------------------

FILES = {
    "cell-phone/gsm-buzz.flac": lambda n, d: make_gsm_buzz(n),
    "cell-phone/static-crackle.flac": lambda n, d: make_static_crackle(n),
    "cell-phone/line-hiss-tones.flac": lambda n, d: make_line_hiss_tones(n),
    "traffic/quiet-street.flac": lambda n, d: make_traffic(n, "quiet-street"),
    "traffic/busy-street.flac": lambda n, d: make_traffic(n, "busy-street"),
    "traffic/highway.flac": lambda n, d: make_traffic(n, "highway"),
    "crowd/cafe.flac": lambda n, d: make_crowd(n, "cafe", d),
    "crowd/hall-murmur.flac": lambda n, d: make_crowd(n, "hall-murmur", d),
    "crowd/small-group.flac": lambda n, d: make_crowd(n, "small-group", d),
}


def write_index():
    rows = []
    for rel in sorted(FILES):
        path = os.path.join(OUT_DIR, rel)
        if not os.path.exists(path):
            continue
        x = read_flac(path)
        sr = int(subprocess.run(["soxi", "-r", path], check=True, capture_output=True,
                                text=True).stdout)
        ch = int(subprocess.run(["soxi", "-c", path], check=True, capture_output=True,
                                text=True).stdout)
        rows.append("\t".join([
            rel, rel.split("/")[0], f"{len(x) / sr:.3f}", str(sr), str(ch),
            f"{db(rms(x)):.1f}", "CC0-1.0", f"python3 {SCRIPT} --only {rel}"]))
    with open(os.path.join(OUT_DIR, "index.tsv"), "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for r in rows:
            fh.write(r + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[],
                    help="generate just this file (path relative to noise-library/);"
                         " may be repeated")
    ap.add_argument("--list", action="store_true", help="list the files and exit")
    args = ap.parse_args()
    if args.list:
        print("\n".join(sorted(FILES)))
        return 0
    if not os.path.isfile("Package.swift"):
        print("run this from the repository root", file=sys.stderr)
        return 1
    for tool in ("sox", "soxi", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"missing tool: {tool}", file=sys.stderr)
            return 1
    todo = args.only or sorted(FILES)
    for rel in todo:
        if rel not in FILES:
            print(f"unknown file {rel}; use --list", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as tmpdir:
        for rel in todo:
            x = finalise(FILES[rel](rel, tmpdir))
            encode_flac(x, os.path.join(OUT_DIR, rel), tmpdir)
            print(f"{rel}: rms {db(rms(x)):.1f} dBFS, peak {db(np.max(np.abs(x))):.1f} dBFS",
                  flush=True)
    write_index()
    return 0


if __name__ == "__main__":
    sys.exit(main())
