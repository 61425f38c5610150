package org.dcec4j.engine.kernels.vector;

/**
 * Dense matrix products c[M,N] (= or +=) A·B over strided operands A[i,l] = a[i·si + l·sl] and
 * B[l,j] = b[l·bl + j·bj], as packed {@link Gemm} blocks of KC. The larger output side is split into
 * chunks of whole micro-tiles; each element is one FMA chain over l, started from zero or, when
 * accumulating, from the element's old value.
 *
 * <p>A product with a narrow side (the dense layers' 10 clusters of the embedding) fills its micro-tiles
 * better transposed: C[256, 10] in 8 × 32 tiles computes 32 columns for 10, Cᵀ[10, 256] = Bᵀ·Aᵀ 16 rows for
 * 10. {@link #run} takes the orientation with fewer padded tile elements and, when it is the transposed one,
 * computes Cᵀ into a buffer and copies it back. Except when the narrow side is at most one tile wide (N ≤ NR) and
 * A's rows are contiguous in l: then the wide operand would have to be packed as a transposed B panel, one float at a
 * time from rows K apart (x[256, 1152] in the embedding's forward), while {@link Gemm#microDirectA} broadcasts it
 * where it lies and only the small B (the weights) is packed, once per call for all its chunks: 11,520 floats
 * instead of 294,912. Its tiles compute NR columns for 10, or at 512 bits, where 10 columns fit one vector, L = 16
 * ({@link Gemm#microNarrowA}). Each element is still the chain s = fma(A[i,l], B[l,j], s) in increasing l (a
 * product's two factors commute exactly), so neither the orientation nor the path nor the tile ever changes a bit.
 *
 * <p>Math: docs/kernels.md#gemm
 */
final class MatMul {
    private MatMul() {}

    /** Most floats of a packed B block (kc × columns) for which the tiles go row strip by row strip (64 KB). */
    static final int ROWS_OUTSIDE = 16 * 1024;

    static void run(Resources r, float[] c, float[] a, int si, int sl, float[] b, int bl, int bj,
                    int M, int N, int K, boolean accumulate) {
        if (M == 0 || N == 0) return;
        if (K == 0) {
            if (!accumulate) java.util.Arrays.fill(c, 0, M * N, 0f);
            return;
        }
        if (paddedTileElements(N, M) < paddedTileElements(M, N) && !readsAInPlace(sl, M, N)) {
            float[] ct = r.transposed = Workspace.grow(r.transposed, M * N);
            if (accumulate) for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) ct[j * M + i] = c[i * N + j];
            // Cᵀ[j, i] = Σ_l Bᵀ[j, l]·Aᵀ[l, i]: Bᵀ[j, l] = b[l·bl + j·bj], Aᵀ[l, i] = a[i·si + l·sl]
            product(r, ct, b, bj, bl, a, sl, si, N, M, K, accumulate);
            for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) c[i * N + j] = ct[j * M + i];
        } else {
            product(r, c, a, si, sl, b, bl, bj, M, N, K, accumulate);
        }
    }

    /**
     * Whether the product C[M, N] = A·B runs with A broadcast from its rows where it lies and only B packed (see the
     * class comment): A's rows contiguous in l, the narrow side at most one tile wide, and the product cut by rows. One
     * rule for both decisions, the orientation in {@link #run} and the path in {@link #product}.
     */
    static boolean readsAInPlace(int sl, int M, int N) { return sl == 1 && N <= Gemm.NR && M >= N; }

    /** Elements of the MR × NR tiles that cover an M × N product, padding included. */
    static long paddedTileElements(int M, int N) {
        return (long) ((M + Gemm.MR - 1) / Gemm.MR * Gemm.MR) * ((N + Gemm.NR - 1) / Gemm.NR * Gemm.NR);
    }

    /** c[M, N] (= or +=) A·B in the orientation given, row-major with leading dimension N. */
    private static void product(Resources r, float[] c, float[] a, int si, int sl, float[] b, int bl, int bj,
                                int M, int N, int K, boolean accumulate) {
        boolean byRows = M >= N;
        int unit = byRows ? Gemm.MR : Gemm.NR, units = ((byRows ? M : N) + unit - 1) / unit;
        int chunks = Math.min(units, 2 * r.threads());
        if (readsAInPlace(sl, M, N)) {
            // A broadcast from its rows where it lies (see the class comment); B (the weights: 10 × 1152), one
            // panel of L columns when N fits one vector at 512 bits (narrow tiles) or else of NR, packed once here
            // for the whole reduction and read by every chunk
            boolean narrow = narrow(N);
            float[] bp = r.packedW = Workspace.grow(r.packedW, narrow ? Gemm.L * K : Gemm.packedBSize(N, K));
            if (narrow) Gemm.packNarrowB(bp, b, bl, bj, N, K);
            else Gemm.packB(bp, b, 0, bl, bj, 0, N, 0, K);
            r.pool.run(new InPlaceA(c, a, si, bp, M, N, K, accumulate, narrow, chunks, r.ws), chunks);
            return;
        }
        r.pool.run(new Job(c, a, si, sl, b, bl, bj, M, N, K, accumulate, byRows, chunks, r.ws), chunks);
    }

    /**
     * Rows of chunk i of {@code chunks} (whole micro-tiles) of a product with A read in place and B packed once
     * ({@code bp}: one panel, the whole reduction). Each tile is one pass of {@link Gemm#microDirectA} (or, narrow,
     * {@link Gemm#microNarrowA}) over all K: no reduction blocks are needed (B was packed once, and A's rows stream
     * from where they lie), and a block boundary would only store and reload the same floats. c written or accumulated.
     */
    private record InPlaceA(float[] c, float[] a, int si, float[] bp, int M, int N, int K, boolean accumulate,
                            boolean narrow, int chunks, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int units = (M + Gemm.MR - 1) / Gemm.MR;
            int i0 = (int) ((long) units * chunk / chunks) * Gemm.MR;
            int i1 = Math.min(M, (int) ((long) units * (chunk + 1) / chunks) * Gemm.MR);
            int init = accumulate ? Gemm.LOAD : Gemm.ZERO;
            float[] tile = ws[worker].tile;
            for (int i = i0; i < i1; i += Gemm.MR) {
                int rows = Math.min(Gemm.MR, i1 - i);
                if (narrow) Gemm.microNarrowA(c, i, N, rows, N, a, i * si, si, bp, K, init, tile);
                else Gemm.microDirectA(c, i, N, 0, rows, N, a, i * si, si, bp, 0, K, init, tile);
            }
        }
    }

    /**
     * Whether a product read with A in place takes the narrow tiles ({@link Gemm#microNarrowA}): N at most one vector
     * and the 8-row tile of 512 bits (below it, 10 columns are more than a vector anyway).
     */
    static boolean narrow(int N) { return N <= Gemm.L && Gemm.MR == 8; }

    /** Rows (or columns) of chunk i of {@code chunks}, whole micro-tiles. c written or accumulated. */
    private record Job(float[] c, float[] a, int si, int sl, float[] b, int bl, int bj, int M, int N, int K,
                       boolean accumulate, boolean byRows, int chunks, Workspace[] ws)
            implements WorkerPool.Job {
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
                int init = l0 == 0 && !accumulate ? Gemm.ZERO : Gemm.LOAD;
                Gemm.packA(s.ap, a, 0, si, sl, i0, Mc, l0, kc);
                Gemm.packB(s.bp, b, 0, bl, bj, j0, Jc, l0, kc);
                // with a short reduction (the decoder's dense layer, 10 terms) the packed B is small and stays in cache:
                // C is then written one strip of MR whole rows after another, sequentially, instead of column panel by
                // column panel down all Mc rows at once (256 rows 4.6 KB apart: a page each, into C's cold memory);
                // the same tiles, so the same bits
                final int strip = (long) kc * Jc <= ROWS_OUTSIDE ? Gemm.MR : Mc;
                for (int ip = 0; ip < Mc; ip += strip)
                    Gemm.block(c, i0 + ip, N, j0, s.ap, ip * kc, Gemm.MR * kc, s.bp, 0, Math.min(strip, Mc - ip), Jc, kc,
                               init, null, 0, s.tile);
            }
        }
    }
}
