package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed, register-blocked matrix product at the heart of every fast kernel (Goto/BLIS style):
 * C[i,j] (= or +=) Σ_l A[i,l]·B[l,j] computed one MR×NR tile at a time from
 * <ul>
 *   <li>A packed in <em>row micro-panels</em>: panel ip holds rows ip·MR … ip·MR+MR−1, stored l-major,
 *       {@code ap[panel + l·MR + r] = A[ip·MR + r, l]} (rows beyond M are zero);</li>
 *   <li>B packed in <em>column micro-panels</em>: panel jp holds columns jp·NR … jp·NR+NR−1,
 *       {@code bp[panel + l·NR + q] = B[l, jp·NR + q]} (columns beyond the edge are zero).</li>
 * </ul>
 * The micro-kernel keeps the MR×NR tile (MR = 6 rows × 2 vectors = 12 accumulators, 2 B vectors and
 * one broadcast: 15 of the 16 AVX2 registers) in registers for the whole KC loop: per l it loads two B
 * vectors, broadcasts six A values and issues twelve FMAs. C is addressed as
 * {@code c[(cRow0 + r)·ldc + colOff[j]]} (or {@code + cCol0 + q} when colOff is null), which lets the
 * same micro-kernel write straight into a conv output whose columns span several images.
 *
 * <p>Math: docs/kernels.md#gemm
 */
final class Gemm {
    private Gemm() {}

    static final VectorSpecies<Float> S = VectorKernels.SPECIES;
    /** Lanes per vector. */
    static final int L = S.length();
    /** Rows per micro-tile (broadcast side). */
    static final int MR = 6;
    /** Columns per micro-tile (vector side): two vectors. */
    static final int NR = 2 * L;

    /** Store modes of a micro-tile. */
    static final int WRITE = 0, ADD = 1, BIAS = 2;

    /**
     * All tiles of one packed block: rows [0, M) × columns [0, J) of the product of the packed A
     * (panel stride {@code aPanel}, start offset {@code aOff} inside each panel) and the packed B
     * (starting at {@code bpOff}, panel stride NR·kc). c written / accumulated / written with
     * bias[bOff + row] added, per mode.
     */
    static void block(float[] c, int cRow0, int ldc, int cCol0, int[] colOff,
                      float[] ap, int aOff, int aPanel, float[] bp, int bpOff, int M, int J, int kc,
                      int mode, float[] bias, int bOff, float[] tile) {
        final int JP = (J + NR - 1) / NR, IP = (M + MR - 1) / MR;
        for (int jp = 0; jp < JP; jp++) {
            int cols = Math.min(NR, J - jp * NR);
            int bo = bpOff + jp * NR * kc;
            for (int ip = 0; ip < IP; ip++) {
                int rows = Math.min(MR, M - ip * MR);
                micro(c, cRow0 + ip * MR, ldc, cCol0 + jp * NR, colOff, rows, cols,
                      ap, aOff + ip * aPanel, bp, bo, kc, mode, bias, bOff + ip * MR, tile);
            }
        }
    }

    /**
     * One MR×NR tile: acc[r][q] = Σ_{l<kc} ap[ao + l·MR + r] · bp[bo + l·NR + q], then
     * C[r][q] = acc (WRITE), C += acc (ADD) or C = acc + bias[bo+r] (BIAS) for r &lt; rows, q &lt; cols.
     */
    static void micro(float[] c, int cRow0, int ldc, int cCol0, int[] colOff, int rows, int cols,
                      float[] ap, int ao, float[] bp, int bo, int kc,
                      int mode, float[] bias, int biasOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        final int aEnd = ao + kc * MR;
        for (int a = ao, b = bo; a < aEnd; a += MR, b += NR) {
            // acc[r][q] += A[r,l] · B[l,q]
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        // the tile goes through a small buffer: no vector crosses a call boundary (a vector passed to a
        // method that is not inlined is boxed, which costs more than these 24 extra moves)
        c00.intoArray(tile, 0);          c01.intoArray(tile, L);
        c10.intoArray(tile, NR);         c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);     c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);     c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);     c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);     c51.intoArray(tile, 5 * NR + L);
        storeTile(c, cRow0, ldc, cCol0, colOff, rows, cols, mode, bias, biasOff, tile);
    }

    /** C[r][q] = tile (WRITE), += tile (ADD) or = tile + bias[biasOff + r] (BIAS), r &lt; rows, q &lt; cols. */
    static void storeTile(float[] c, int cRow0, int ldc, int cCol0, int[] colOff, int rows, int cols,
                          int mode, float[] bias, int biasOff, float[] tile) {
        boolean direct = cols == NR
                && (colOff == null || colOff[cCol0 + NR - 1] - colOff[cCol0] == NR - 1);
        if (direct) {
            int addr = cRow0 * ldc + (colOff == null ? cCol0 : colOff[cCol0]);
            for (int r = 0; r < rows; r++, addr += ldc) {
                FloatVector v0 = FloatVector.fromArray(S, tile, r * NR);
                FloatVector v1 = FloatVector.fromArray(S, tile, r * NR + L);
                if (mode == ADD) {
                    v0 = v0.add(FloatVector.fromArray(S, c, addr));
                    v1 = v1.add(FloatVector.fromArray(S, c, addr + L));
                } else if (mode == BIAS) {
                    float bv = bias[biasOff + r];
                    v0 = v0.add(bv);
                    v1 = v1.add(bv);
                }
                v0.intoArray(c, addr);
                v1.intoArray(c, addr + L);
            }
            return;
        }
        // edge or non-contiguous tile: element by element
        for (int r = 0; r < rows; r++) {
            int rowBase = (cRow0 + r) * ldc;
            float bv = mode == BIAS ? bias[biasOff + r] : 0f;
            for (int q = 0; q < cols; q++) {
                int addr = rowBase + (colOff == null ? cCol0 + q : colOff[cCol0 + q]);
                float v = tile[r * NR + q];
                if (mode == ADD) c[addr] += v;
                else c[addr] = v + bv;
            }
        }
    }

    /**
     * Packs rows [i0, i0+M) and l ∈ [l0, l0+kc) of a strided matrix A[i,l] = src[off + i·si + l·sl]
     * into row micro-panels of stride MR·kc. dst written.
     */
    static void packA(float[] dst, float[] src, int off, int si, int sl, int i0, int M, int l0, int kc) {
        final int IP = (M + MR - 1) / MR;
        for (int ip = 0; ip < IP; ip++) {
            int d = ip * MR * kc;
            for (int r = 0; r < MR; r++) {
                int i = ip * MR + r;
                if (i >= M) {
                    for (int l = 0; l < kc; l++) dst[d + l * MR + r] = 0f;
                    continue;
                }
                int s = off + (i0 + i) * si + l0 * sl;
                for (int l = 0; l < kc; l++, s += sl) dst[d + l * MR + r] = src[s];
            }
        }
    }

    /**
     * Packs columns [j0, j0+J) and l ∈ [l0, l0+kc) of a strided matrix B[l,j] = src[off + l·sl + j·sj]
     * into column micro-panels of stride NR·kc. dst written.
     */
    static void packB(float[] dst, float[] src, int off, int sl, int sj, int j0, int J, int l0, int kc) {
        final int JP = (J + NR - 1) / NR;
        for (int jp = 0; jp < JP; jp++) {
            int d = jp * NR * kc;
            int cols = Math.min(NR, J - jp * NR);
            if (sj == 1 && cols == NR) {
                // contiguous rows: vector copies
                for (int l = 0; l < kc; l++) {
                    int s = off + (l0 + l) * sl + j0 + jp * NR;
                    FloatVector.fromArray(S, src, s).intoArray(dst, d + l * NR);
                    FloatVector.fromArray(S, src, s + L).intoArray(dst, d + l * NR + L);
                }
                continue;
            }
            for (int l = 0; l < kc; l++) {
                int s = off + (l0 + l) * sl + (j0 + jp * NR) * sj;
                int dl = d + l * NR;
                int q = 0;
                for (; q < cols; q++, s += sj) dst[dl + q] = src[s];
                for (; q < NR; q++) dst[dl + q] = 0f;
            }
        }
    }

    /** Size of a row-panel packing of M rows × kc. */
    static int packedASize(int M, int kc) { return (M + MR - 1) / MR * MR * kc; }

    /** Size of a column-panel packing of J columns × kc. */
    static int packedBSize(int J, int kc) { return (J + NR - 1) / NR * NR * kc; }
}
