package org.dcec4j.engine.kernels;

/**
 * The reference kernels: plain loops, one formula comment above each accumulation, single-threaded.
 * They are the fallback when the Vector API is absent, the oracle of the equivalence test, and the
 * code docs/math points to. Loop order is chosen so the innermost loop walks memory contiguously
 * where the formula allows it, but nothing here is blocked, packed or unrolled.
 *
 * <p>Math: docs/math/conv2d.md#kernels
 */
public final class ScalarKernels implements Kernels {

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
                float bias = b == null ? 0f : b[k];
                for (int i = 0; i < OH * OW; i++) y[yBase + i] = bias;
                for (int c = 0; c < C; c++) {
                    int xBase = ((n * C) + c) * H * W;
                    for (int kh = 0; kh < KH; kh++) {
                        for (int kw = 0; kw < KW; kw++) {
                            float wv = w[((k * C + c) * KH + kh) * KW + kw];
                            for (int oh = 0; oh < OH; oh++) {
                                int h = oh * SH + kh - PT;
                                if (h < 0 || h >= H) continue;
                                for (int ow = 0; ow < OW; ow++) {
                                    int ww = ow * SW + kw - PL;
                                    if (ww < 0 || ww >= W) continue;
                                    // y[n,k,oh,ow] += w[k,c,kh,kw] · x[n,c,h,ww]
                                    y[yBase + oh * OW + ow] += wv * x[xBase + h * W + ww];
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
    public void convTranspose2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int N = g.N, C = g.C, S = g.H * g.W;
        // y = b (broadcast over n and the pixels), then y += convᵀ(x), then y = act(y)
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                java.util.Arrays.fill(y, (n * C + c) * S, (n * C + c + 1) * S, b == null ? 0f : b[c]);
        conv2dBackwardInput(y, x, w, g);
        for (int i = 0; i < N * C * S; i++) y[i] = act.apply(y[i]);
    }

    // Math: docs/math/conv2d.md#backward-input
    @Override
    public void conv2dBackwardInput(float[] dx, float[] dy, float[] w, ConvGeometry g) {
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW;
        final int OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL;
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                int xBase = ((n * C) + c) * H * W;
                for (int k = 0; k < K; k++) {
                    int yBase = ((n * K) + k) * OH * OW;
                    for (int kh = 0; kh < KH; kh++) {
                        for (int kw = 0; kw < KW; kw++) {
                            float wv = w[((k * C + c) * KH + kh) * KW + kw];
                            for (int oh = 0; oh < OH; oh++) {
                                int h = oh * SH + kh - PT;
                                if (h < 0 || h >= H) continue;
                                for (int ow = 0; ow < OW; ow++) {
                                    int ww = ow * SW + kw - PL;
                                    if (ww < 0 || ww >= W) continue;
                                    // ∂L/∂x[n,c,h,ww] += w[k,c,kh,kw] · ∂L/∂y[n,k,oh,ow]
                                    dx[xBase + h * W + ww] += wv * dy[yBase + oh * OW + ow];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Math: docs/math/conv2d.md#backward-weight
    @Override
    public void conv2dBackwardWeight(float[] dw, float[] dy, float[] x, ConvGeometry g) {
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW;
        final int OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL;
        for (int k = 0; k < K; k++) {
            for (int c = 0; c < C; c++) {
                for (int kh = 0; kh < KH; kh++) {
                    for (int kw = 0; kw < KW; kw++) {
                        float sum = 0f;
                        for (int n = 0; n < N; n++) {
                            int xBase = ((n * C) + c) * H * W;
                            int yBase = ((n * K) + k) * OH * OW;
                            for (int oh = 0; oh < OH; oh++) {
                                int h = oh * SH + kh - PT;
                                if (h < 0 || h >= H) continue;
                                for (int ow = 0; ow < OW; ow++) {
                                    int ww = ow * SW + kw - PL;
                                    if (ww < 0 || ww >= W) continue;
                                    // ∂L/∂w[k,c,kh,kw] += ∂L/∂y[n,k,oh,ow] · x[n,c,h,ww]
                                    sum += dy[yBase + oh * OW + ow] * x[xBase + h * W + ww];
                                }
                            }
                        }
                        dw[((k * C + c) * KH + kh) * KW + kw] += sum;
                    }
                }
            }
        }
    }

    // Math: docs/math/conv2d.md#bias
    @Override
    public void biasBackward(float[] db, float[] dy, int N, int K, int S) {
        for (int k = 0; k < K; k++) {
            float sum = 0f;
            for (int n = 0; n < N; n++) {
                int base = (n * K + k) * S;
                // ∂L/∂b[k] += Σ_s ∂L/∂y[n,k,s]
                for (int s = 0; s < S; s++) sum += dy[base + s];
            }
            db[k] += sum;
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
    public void reluBackward(float[] dx, float[] dy, float[] y, int n) {
        // ∂L/∂x = ∂L/∂y · [x > 0]   (0 at x = 0, as in PyTorch); y > 0 exactly when x > 0
        for (int i = 0; i < n; i++) if (y[i] > 0f) dx[i] += dy[i];
    }

    // ------------------------------------------------------------------ matrix products
    // Math: docs/math/linear.md#kernels
    @Override
    public void matmulNT(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                // c[m,n] = Σ_k a[m,k] · b[n,k]
                float sum = 0f;
                for (int k = 0; k < K; k++) sum += a[m * K + k] * b[n * K + k];
                c[m * N + n] = accumulate ? c[m * N + n] + sum : sum;
            }
        }
    }

    @Override
    public void matmulNN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        for (int m = 0; m < M; m++) {
            if (!accumulate) for (int n = 0; n < N; n++) c[m * N + n] = 0f;
            for (int k = 0; k < K; k++) {
                float av = a[m * K + k];
                // c[m,n] += a[m,k] · b[k,n]
                for (int n = 0; n < N; n++) c[m * N + n] += av * b[k * N + n];
            }
        }
    }

    @Override
    public void matmulTN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        if (!accumulate) for (int i = 0; i < M * N; i++) c[i] = 0f;
        for (int k = 0; k < K; k++) {
            for (int m = 0; m < M; m++) {
                float av = a[k * M + m];
                // c[m,n] += a[k,m] · b[k,n]
                for (int n = 0; n < N; n++) c[m * N + n] += av * b[k * N + n];
            }
        }
    }

    // ------------------------------------------------------------------ optimiser
    // Math: docs/math/adam.md#kernel
    @Override
    public void adamStep(float[] param, float[] m, float[] v, float[] g, int n,
                         float beta1, float beta2, float stepSize, float epsHat) {
        for (int i = 0; i < n; i++) {
            // m ← β1·m + (1−β1)·g
            m[i] = beta1 * m[i] + (1f - beta1) * g[i];
            // v ← β2·v + (1−β2)·g²
            v[i] = beta2 * v[i] + (1f - beta2) * g[i] * g[i];
            // p ← p − stepSize · m / (√v + ε̂)
            param[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) + epsHat);
        }
    }
}
