package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.dcec4j.engine.kernels.ReductionOrder;

/**
 * The memory-bound kernels: ReLU forward and backward, the Adam update (element-wise, split into fixed
 * chunks), and the bias gradient (a reduction, in the order of {@link ReductionOrder}: image ranges, 16
 * lanes, a tail).
 *
 * <p>Math: docs/kernels.md#pointwise
 */
final class Pointwise {
    private Pointwise() {}

    private static final int L = Gemm.L;

    /** dst[d + i] = max(src[s + i], 0) for i &lt; n. dst written (may be src). */
    static void relu(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(Gemm.S, src, s + i).max(0f).intoArray(dst, d + i);
        for (; i < n; i++) dst[d + i] = Math.max(src[s + i], 0f);
    }

    static void reluForward(Resources r, float[] y, float[] x, int n) {
        r.pool.run(new ReluForward(y, x, n), (n + Tuning.RELU_CHUNK - 1) / Tuning.RELU_CHUNK);
    }

    /** y[i] = max(x[i], 0) for i in this chunk. y written. */
    private record ReluForward(float[] y, float[] x, int n) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int i0 = chunk * Tuning.RELU_CHUNK;
            relu(y, i0, x, i0, Math.min(n, i0 + Tuning.RELU_CHUNK) - i0);
        }
    }

    static void reluBackward(Resources r, float[] dx, float[] dy, float[] y, int n, boolean accumulate) {
        r.pool.run(new ReluBackward(dx, dy, y, n, accumulate), (n + Tuning.RELU_CHUNK - 1) / Tuning.RELU_CHUNK);
    }

    /**
     * dx[i] (= or +=) y[i] &gt; 0 ? dy[i] : 0 for i in this chunk, branch-free (a masked add onto dx, or onto
     * zeros when written, as in the scalar twin). dx accumulated or written.
     */
    private record ReluBackward(float[] dx, float[] dy, float[] y, int n, boolean accumulate) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int i0 = chunk * Tuning.RELU_CHUNK, i1 = Math.min(n, i0 + Tuning.RELU_CHUNK);
            final FloatVector zero = FloatVector.zero(Gemm.S);
            int i = i0;
            for (; i + L <= i1; i += L) {
                FloatVector base = accumulate ? FloatVector.fromArray(Gemm.S, dx, i) : zero;
                // ∂L/∂x = ∂L/∂y · [y > 0]
                VectorMask<Float> on = FloatVector.fromArray(Gemm.S, y, i).compare(VectorOperators.GT, 0f);
                base.add(FloatVector.fromArray(Gemm.S, dy, i), on).intoArray(dx, i);
            }
            for (; i < i1; i++) {
                float base = accumulate ? dx[i] : 0f;
                dx[i] = y[i] > 0f ? base + dy[i] : base;
            }
        }
    }

    static void adamStep(Resources r, float[] p, float[] m, float[] v, float[] g, int n,
                         float beta1, float beta2, float stepSize, float epsHat) {
        r.pool.run(new Adam(p, m, v, g, n, beta1, beta2, stepSize, epsHat), (n + Tuning.ADAM_CHUNK - 1) / Tuning.ADAM_CHUNK);
    }

    /** Elements of one chunk: the Adam update, written operation by operation as in the scalar twin. p, m, v written; g read. */
    private record Adam(float[] p, float[] m, float[] v, float[] g, int n, float b1, float b2, float step, float eps)
            implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final float c1 = 1f - b1, c2 = 1f - b2;
            final int i0 = chunk * Tuning.ADAM_CHUNK, i1 = Math.min(n, i0 + Tuning.ADAM_CHUNK);
            int i = i0;
            for (; i + L <= i1; i += L) {
                FloatVector gv = FloatVector.fromArray(Gemm.S, g, i);
                // m ← β1·m + (1−β1)·g
                FloatVector mv = FloatVector.fromArray(Gemm.S, m, i).mul(b1).add(gv.mul(c1));
                // v ← β2·v + (1−β2)·g²
                FloatVector vv = FloatVector.fromArray(Gemm.S, v, i).mul(b2).add(gv.mul(c2).mul(gv));
                // p ← p − stepSize · m / (√v + ε̂)
                FloatVector upd = mv.mul(step).div(vv.lanewise(VectorOperators.SQRT).add(eps));
                FloatVector.fromArray(Gemm.S, p, i).sub(upd).intoArray(p, i);
                mv.intoArray(m, i);
                vv.intoArray(v, i);
            }
            for (; i < i1; i++) {
                m[i] = b1 * m[i] + c1 * g[i];
                v[i] = b2 * v[i] + c2 * g[i] * g[i];
                p[i] -= step * m[i] / ((float) Math.sqrt(v[i]) + eps);
            }
        }
    }

    /** db[k] += Σ_n Σ_s dy[n, k, s] in the order of {@link ReductionOrder} (dy viewed as [N, K, S]). db accumulated. */
    static void biasBackward(Resources r, float[] db, float[] dy, int N, int K, int S) {
        r.pool.run(planBias(r, dy, N, K, S));
        sumBias(r, db, N, K);
    }

    /** The first part of {@link #biasBackward}: the image ranges, which write their partial sums into r.partialDb. */
    static WorkerPool.Planned planBias(Resources r, float[] dy, int N, int K, int S) {
        final int R = ReductionOrder.biasRanges(N);
        float[] part = r.partialDb = Workspace.grow(r.partialDb, R * K);
        return new WorkerPool.Planned(S == 1 ? new DenseBias(part, dy, N, K, R) : new SpatialBias(part, dy, N, K, S, R, r.ws), R);
    }

    /** The second part of {@link #biasBackward}, once the ranges have run: db[k] += the partials in range order. */
    static void sumBias(Resources r, float[] db, int N, int K) {
        final int R = ReductionOrder.biasRanges(N);
        final float[] part = r.partialDb;
        for (int k = 0; k < K; k++) {
            float total = part[k];
            for (int q = 1; q < R; q++) total += part[q * K + k];
            db[k] += total;
        }
    }

    /**
     * Image range r, S &gt; 1: part[r, k] = ((lane₀ + … + lane₁₅) + tail). Lane q of channel k adds the elements
     * s = 16·m + q of every full group of 16 of every row dy[n, k, ·] of the range, in (n, m) order; the tail adds
     * the rest of each row in (n, s) order. dy is read in its own order (n, then k, then s: one sequential stream;
     * taking k outermost jumped K·S floats from row to row and ran at a quarter of the memory bandwidth), so the
     * 16 lanes and the tail of every channel wait in the worker's workspace, 17·K floats, between rows. Each
     * lane still receives its terms in the same order, so the result is the same. part written (this range's row).
     */
    private record SpatialBias(float[] part, float[] dy, int N, int K, int S, int R, Workspace[] ws) implements WorkerPool.Job {
        private static final int LANES = ReductionOrder.LANES;

        @Override public void run(int worker, int r) {
            final int n0 = ReductionOrder.rangeStart(N, R, r), n1 = ReductionOrder.rangeStart(N, R, r + 1);
            final int S16 = S / LANES * LANES;
            // acc[k·16 + q] = lane q of channel k, acc[16·K + k] = the tail of channel k
            final float[] acc = ws[worker].biasLanes = Workspace.grow(ws[worker].biasLanes, (LANES + 1) * K);
            java.util.Arrays.fill(acc, 0, (LANES + 1) * K, 0f);
            for (int n = n0; n < n1; n++)
                for (int k = 0; k < K; k++) {
                    final int base = (n * K + k) * S, a = k * LANES;
                    // ∂L/∂b[k] += Σ_s ∂L/∂y[n,k,s]: lane q takes s = 16·m + q, the tail the rest of the row
                    for (int v = 0; v < LANES; v += L) {
                        FloatVector lane = FloatVector.fromArray(Gemm.S, acc, a + v);
                        for (int s = v; s < S16; s += LANES) lane = lane.add(FloatVector.fromArray(Gemm.S, dy, base + s));
                        lane.intoArray(acc, a + v);
                    }
                    float tail = acc[LANES * K + k];
                    for (int s = S16; s < S; s++) tail += dy[base + s];
                    acc[LANES * K + k] = tail;
                }
            for (int k = 0; k < K; k++) {
                float sum = acc[k * LANES];
                for (int q = 1; q < LANES; q++) sum += acc[k * LANES + q];
                part[r * K + k] = sum + acc[LANES * K + k];
            }
        }
    }

    /**
     * Image range r, S = 1 (a dense layer): every row is all tail, so part[r, k] = Σ_{n in range} dy[n, k], one
     * chain per k, vectors across k (independent outputs). part written.
     */
    private record DenseBias(float[] part, float[] dy, int N, int K, int R) implements WorkerPool.Job {
        @Override public void run(int worker, int r) {
            final int n0 = ReductionOrder.rangeStart(N, R, r), n1 = ReductionOrder.rangeStart(N, R, r + 1);
            int k = 0;
            for (; k + L <= K; k += L) {
                FloatVector acc = FloatVector.zero(Gemm.S);
                for (int n = n0; n < n1; n++) acc = acc.add(FloatVector.fromArray(Gemm.S, dy, n * K + k));
                acc.intoArray(part, r * K + k);
            }
            for (; k < K; k++) {
                float acc = 0f;
                for (int n = n0; n < n1; n++) acc += dy[n * K + k];
                part[r * K + k] = acc;
            }
        }
    }
}
