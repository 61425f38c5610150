package org.dcec4j.engine.kernels;

import java.util.Arrays;

/**
 * The reference kernels: plain loops, one formula comment above each accumulation, single-threaded.
 * They are the fallback when the Vector API is absent, the oracle of the equivalence test, and the
 * code docs/math points to. Nothing here is blocked, packed or unrolled; loops are ordered so the
 * innermost one walks memory contiguously where the formula allows it.
 *
 * <p>Every sum is added up in the order that {@link ReductionOrder} defines, with {@link Math#fma} for
 * each product term, exactly as the vector kernels do: the two twins agree bit for bit, at every vector
 * width. (An output kept in memory and updated by an outer loop over the reduction index is the same
 * chain of fused multiply-adds as a register updated by an inner loop.)
 *
 * <p>Math: docs/math/conv2d.md#kernels, docs/kernels.md#reduction-order
 */
public final class ScalarKernels implements Kernels {
    /** Per-call scratch of the transposed scatter, grown on demand (one caller at a time: the two methods that use it are synchronized). */
    private float[] tap = new float[0], pixel = new float[0];

    @Override public String name() { return "scalar"; }

    // ------------------------------------------------------------------ convolution
    // Math: docs/math/conv2d.md#forward
    @Override
    public void conv2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW;
        final int OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL;
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                int yBase = ((n * K) + k) * OH * OW;
                Arrays.fill(y, yBase, yBase + OH * OW, b == null ? 0f : b[k]);
                for (int c = 0; c < C; c++) {
                    int xBase = ((n * C) + c) * H * W;
                    for (int kh = 0; kh < KH; kh++) {
                        for (int kw = 0; kw < KW; kw++) {
                            float wv = w[((k * C + c) * KH + kh) * KW + kw];
                            for (int oh = 0; oh < OH; oh++) {
                                int h = oh * SH + kh - PT;
                                for (int ow = 0; ow < OW; ow++) {
                                    int ww = ow * SW + kw - PL;
                                    float xv = h >= 0 && h < H && ww >= 0 && ww < W ? x[xBase + h * W + ww] : 0f;  // padding reads 0
                                    // y[n,k,oh,ow] += w[k,c,kh,kw] · x[n,c,h,ww]
                                    y[yBase + oh * OW + ow] = Math.fma(wv, xv, y[yBase + oh * OW + ow]);
                                }
                            }
                        }
                    }
                }
                // y[n,k,oh,ow] = act(y[n,k,oh,ow])
                for (int i = 0; i < OH * OW; i++) y[yBase + i] = act.apply(y[yBase + i]);
            }
        }
    }

    // Math: docs/math/conv_transpose2d.md#forward
    @Override
    public synchronized void convTranspose2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        // y[n,c,h,ww] = act(b[c] + Σ_taps Σ_k w[k,c,kh,kw] · x[n,k,oh,ow])
        transposedScatter(y, x, w, b, act, g);
    }

    // Math: docs/math/conv2d.md#backward-input
    @Override
    public synchronized void conv2dBackwardInput(float[] dx, float[] dy, float[] w, ConvGeometry g) {
        // ∂L/∂x[n,c,h,ww] += Σ_taps Σ_k w[k,c,kh,kw] · ∂L/∂y[n,k,oh,ow]
        transposedScatter(dx, dy, w, null, null, g);
    }

    /**
     * The adjoint of the convolution g, pixel by pixel: for input pixel (h, ww) of channel c, every tap
     * (kh, kw) with h = oh·SH + kh − PT, ww = ow·SW + kw − PL inside the output contributes the term
     * t = Σ_k w[k,c,kh,kw] · dy[n,k,oh,ow]; the terms are added in (kh, kw) order. With {@code act} null
     * the sum starts at 0 and is added to out (out accumulated); otherwise it starts at b[c] (0 if b is
     * null) and out = act(sum) (out written).
     */
    private void transposedScatter(float[] out, float[] dy, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW;
        final int OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL, P = OH * OW, HW = H * W;
        if (tap.length < P) tap = new float[P];
        if (pixel.length < HW) pixel = new float[HW];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                Arrays.fill(pixel, 0, HW, act == null || b == null ? 0f : b[c]);
                for (int kh = 0; kh < KH; kh++) {
                    for (int kw = 0; kw < KW; kw++) {
                        // the term of tap (kh, kw) for every output pixel p = (oh, ow): t[p] = Σ_k w[k,c,kh,kw] · dy[n,k,p]
                        Arrays.fill(tap, 0, P, 0f);
                        for (int k = 0; k < K; k++) {
                            float wv = w[((k * C + c) * KH + kh) * KW + kw];
                            int yBase = (n * K + k) * P;
                            for (int p = 0; p < P; p++) tap[p] = Math.fma(wv, dy[yBase + p], tap[p]);
                        }
                        // …added to the input pixel the tap reaches: sum[h,ww] += t[oh,ow]
                        for (int oh = 0; oh < OH; oh++) {
                            int h = oh * SH + kh - PT;
                            if (h < 0 || h >= H) continue;
                            for (int ow = 0; ow < OW; ow++) {
                                int ww = ow * SW + kw - PL;
                                if (ww < 0 || ww >= W) continue;
                                pixel[h * W + ww] += tap[oh * OW + ow];
                            }
                        }
                    }
                }
                int xBase = (n * C + c) * HW;
                if (act == null) for (int i = 0; i < HW; i++) out[xBase + i] += pixel[i];
                else for (int i = 0; i < HW; i++) out[xBase + i] = act.apply(pixel[i]);
            }
        }
    }

    // Math: docs/math/conv2d.md#backward-weight
    @Override
    public void conv2dBackwardWeight(float[] dw, float[] dy, float[] x, ConvGeometry g) {
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW;
        final int OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL, P = OH * OW;
        final int NP = N * P, R = ReductionOrder.weightRanges(NP);
        // the KW weights of one kernel row are summed side by side (independent chains, one per kw)
        final float[] part = new float[KW], total = new float[KW];
        for (int k = 0; k < K; k++) {
            for (int c = 0; c < C; c++) {
                for (int kh = 0; kh < KH; kh++) {
                    for (int r = 0; r < R; r++) {
                        // range r of the terms l = (n, oh, ow) = n·P + oh·OW + ow, walked one output row at a time
                        int l = ReductionOrder.rangeStart(NP, R, r), end = ReductionOrder.rangeStart(NP, R, r + 1);
                        int n = l / P, oh = l % P / OW, ow = l % OW;
                        Arrays.fill(part, 0f);
                        while (l < end) {
                            int len = Math.min(OW - ow, end - l), h = oh * SH + kh - PT;
                            int xRow = (((n * C) + c) * H + h) * W, yRow = (((n * K) + k) * OH + oh) * OW;
                            for (int q = ow; q < ow + len; q++) {
                                float dyv = dy[yRow + q];
                                for (int kw = 0; kw < KW; kw++) {
                                    int ww = q * SW + kw - PL;
                                    float xv = h >= 0 && h < H && ww >= 0 && ww < W ? x[xRow + ww] : 0f;   // padding reads 0
                                    // ∂L/∂w[k,c,kh,kw] += ∂L/∂y[n,k,oh,ow] · x[n,c,h,ww]
                                    part[kw] = Math.fma(dyv, xv, part[kw]);
                                }
                            }
                            l += len;
                            ow += len;
                            if (ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
                        }
                        // the range sums, added in range order
                        for (int kw = 0; kw < KW; kw++) total[kw] = r == 0 ? part[kw] : total[kw] + part[kw];
                    }
                    for (int kw = 0; kw < KW; kw++) dw[((k * C + c) * KH + kh) * KW + kw] += total[kw];
                }
            }
        }
    }

    // Math: docs/math/conv2d.md#bias
    @Override
    public void biasBackward(float[] db, float[] dy, int N, int K, int S) {
        final int LANES = ReductionOrder.LANES, R = ReductionOrder.biasRanges(N), S16 = S / LANES * LANES;
        final float[] lane = new float[LANES];
        for (int k = 0; k < K; k++) {
            float total = 0f;
            for (int r = 0; r < R; r++) {
                Arrays.fill(lane, 0f);
                float tail = 0f;
                for (int n = ReductionOrder.rangeStart(N, R, r), end = ReductionOrder.rangeStart(N, R, r + 1); n < end; n++) {
                    int base = (n * K + k) * S;
                    // ∂L/∂b[k] += Σ_s ∂L/∂y[n,k,s]: element s of a full group of 16 goes to lane s mod 16, the rest to the tail
                    for (int s = 0; s < S16; s++) lane[s % LANES] += dy[base + s];
                    for (int s = S16; s < S; s++) tail += dy[base + s];
                }
                float part = lane[0];
                for (int q = 1; q < LANES; q++) part += lane[q];
                part += tail;
                total = r == 0 ? part : total + part;
            }
            db[k] += total;
        }
    }

    // ------------------------------------------------------------------ ReLU
    // Math: docs/math/activations-losses.md#relu
    @Override
    public void reluForward(float[] y, float[] x, int n) {
        // y = max(x, 0)
        for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    @Override
    public void reluBackward(float[] dx, float[] dy, float[] y, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float base = accumulate ? dx[i] : 0f;
            // ∂L/∂x = ∂L/∂y · [x > 0]   (0 at x = 0, as in PyTorch); y > 0 exactly when x > 0
            dx[i] = y[i] > 0f ? base + dy[i] : base;
        }
    }

    // ------------------------------------------------------------------ matrix products
    // Math: docs/math/linear.md#kernels
    @Override
    public void matmulNT(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                float sum = accumulate ? c[m * N + n] : 0f;
                // c[m,n] += Σ_k a[m,k] · b[n,k]
                for (int k = 0; k < K; k++) sum = Math.fma(a[m * K + k], b[n * K + k], sum);
                c[m * N + n] = sum;
            }
        }
    }

    @Override
    public void matmulNN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        for (int m = 0; m < M; m++) {
            if (!accumulate) Arrays.fill(c, m * N, m * N + N, 0f);
            for (int k = 0; k < K; k++) {
                float av = a[m * K + k];
                // c[m,n] += a[m,k] · b[k,n]
                for (int n = 0; n < N; n++) c[m * N + n] = Math.fma(av, b[k * N + n], c[m * N + n]);
            }
        }
    }

    @Override
    public void matmulTN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        if (!accumulate) Arrays.fill(c, 0, M * N, 0f);
        for (int k = 0; k < K; k++) {
            for (int m = 0; m < M; m++) {
                float av = a[k * M + m];
                // c[m,n] += a[k,m] · b[k,n]
                for (int n = 0; n < N; n++) c[m * N + n] = Math.fma(av, b[k * N + n], c[m * N + n]);
            }
        }
    }

    // ------------------------------------------------------------------ optimiser
    // Math: docs/math/adam.md#kernel
    @Override
    public void adamStep(float[] param, float[] m, float[] v, float[] g, int n,
                         float beta1, float beta2, float stepSize, float epsHat) {
        final float c1 = 1f - beta1, c2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            // m ← β1·m + (1−β1)·g
            m[i] = beta1 * m[i] + c1 * g[i];
            // v ← β2·v + (1−β2)·g²
            v[i] = beta2 * v[i] + c2 * g[i] * g[i];
            // p ← p − stepSize · m / (√v + ε̂)
            param[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) + epsHat);
        }
    }
}
