package org.dcec4j.engine.kernels.vector;

/**
 * Dense matrix products c[M,N] (= or +=) A·B over strided operands A[i,l] = a[i·si + l·sl] and
 * B[l,j] = b[l·bl + j·bj], as packed {@link Gemm} blocks of KC. The larger output side is split into
 * chunks of whole micro-tiles; each element is one FMA chain over l, started from zero or, when
 * accumulating, from the element's old value.
 *
 * <p>Math: docs/kernels.md#gemm
 */
final class MatMul {
    private MatMul() {}

    static void run(Resources r, float[] c, float[] a, int si, int sl, float[] b, int bl, int bj,
                    int M, int N, int K, boolean accumulate) {
        if (M == 0 || N == 0) return;
        if (K == 0) {
            if (!accumulate) java.util.Arrays.fill(c, 0, M * N, 0f);
            return;
        }
        boolean byRows = M >= N;
        int unit = byRows ? Gemm.MR : Gemm.NR, units = ((byRows ? M : N) + unit - 1) / unit;
        int chunks = Math.min(units, 2 * r.threads());
        r.pool.run(new Job(c, a, si, sl, b, bl, bj, M, N, K, accumulate, byRows, chunks, r.ws), chunks);
    }

    /** Rows (or columns) of chunk i of {@code chunks}, whole micro-tiles. c written or accumulated. */
    private record Job(float[] c, float[] a, int si, int sl, float[] b, int bl, int bj, int M, int N, int K,
                       boolean accumulate, boolean byRows, int chunks, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int unit = byRows ? Gemm.MR : Gemm.NR, units = ((byRows ? M : N) + unit - 1) / unit;
            int u0 = (int) ((long) units * chunk / chunks), u1 = (int) ((long) units * (chunk + 1) / chunks);
            int i0 = 0, Mc = M, j0 = 0, Jc = N;
            if (byRows) { i0 = u0 * unit; Mc = Math.min(M, u1 * unit) - i0; }
            else        { j0 = u0 * unit; Jc = Math.min(N, u1 * unit) - j0; }
            if (Mc <= 0 || Jc <= 0) return;
            Workspace s = ws[worker];
            s.ap = Workspace.grow(s.ap, Gemm.packedASize(Mc, Math.min(Tuning.KC, K)));
            s.bp = Workspace.grow(s.bp, Gemm.packedBSize(Jc, Math.min(Tuning.KC, K)));
            for (int l0 = 0; l0 < K; l0 += Tuning.KC) {
                int kc = Math.min(Tuning.KC, K - l0);
                Gemm.packA(s.ap, a, 0, si, sl, i0, Mc, l0, kc);
                Gemm.packB(s.bp, b, 0, bl, bj, j0, Jc, l0, kc);
                int init = l0 == 0 && !accumulate ? Gemm.ZERO : Gemm.LOAD;
                Gemm.block(c, i0, N, j0, s.ap, 0, Gemm.MR * kc, s.bp, 0, Mc, Jc, kc, init, null, 0, s.tile);
            }
        }
    }
}
