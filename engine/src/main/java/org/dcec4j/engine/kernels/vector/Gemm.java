package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed, register-blocked matrix product at the heart of every fast kernel (Goto/BLIS style):
 * C[i,j] = init + Σ_l A[i,l]·B[l,j] computed one MR×NR tile at a time from
 * <ul>
 *   <li>A packed in <em>row micro-panels</em>: panel ip holds rows ip·MR … ip·MR+MR−1, stored l-major,
 *       {@code ap[panel + l·MR + r] = A[ip·MR + r, l]} (rows beyond M are zero);</li>
 *   <li>B packed in <em>column micro-panels</em>: panel jp holds columns jp·NR … jp·NR+NR−1,
 *       {@code bp[panel + l·NR + q] = B[l, jp·NR + q]} (columns beyond the edge are zero).</li>
 * </ul>
 * The micro-kernel keeps the MR×NR tile in registers for a whole block of the reduction: per l it loads two
 * B vectors, broadcasts MR A values and issues 2·MR FMAs. MR is 6 below 512 bits (12 accumulators, 2 B vectors
 * and one broadcast: 15 of the 16 AVX2 registers) and 8 at 512 bits (16 accumulators of AVX-512's 32
 * registers; {@link #micro8}), which divides every K of the network. Vectors run across columns j
 * (independent outputs), never along l, so every element is one chain of fused multiply-adds in l order
 * whatever the species width. A long reduction is cut into blocks of at most KC; the accumulators of a
 * block start from zero, from a bias, or — for every block after the first — from the values the previous
 * block stored ({@link #LOAD}), so the blocking never changes a result
 * (docs/kernels.md#reduction-order).
 *
 * <p>Math: docs/kernels.md#gemm
 */
final class Gemm {
    private Gemm() {}

    static final VectorSpecies<Float> S = VectorKernels.SPECIES;
    /** Lanes per vector. */
    static final int L = S.length();
    /**
     * Rows per micro-tile (broadcast side): 8 at 512 bits, where the CPU has 32 vector registers, else 6. The row
     * count changes which tile an output falls in, never its chain of FMAs, so no result depends on it.
     */
    static final int MR = L >= 16 ? 8 : 6;
    /** Columns per micro-tile (vector side): two vectors. */
    static final int NR = 2 * L;

    /** Where a tile's accumulators start: zero, bias[row], or the tile's current values in C (the chain goes on). */
    static final int ZERO = 0, BIAS = 1, LOAD = 2;

    /**
     * All tiles of one packed block: rows [0, M) × columns [0, J) of the product of the packed A (panel
     * stride {@code aPanel}, start offset {@code aOff} inside each panel) and the packed B (starting at
     * {@code bpOff}, panel stride NR·kc), stored to c[(cRow0 + i)·ldc + cCol0 + j]. c written; with
     * {@code init} LOAD it is read first.
     */
    static void block(float[] c, int cRow0, int ldc, int cCol0,
                      float[] ap, int aOff, int aPanel, float[] bp, int bpOff, int M, int J, int kc,
                      int init, float[] bias, int biasOff, float[] tile) {
        final int JP = (J + NR - 1) / NR, IP = (M + MR - 1) / MR;
        for (int jp = 0; jp < JP; jp++) {
            int cols = Math.min(NR, J - jp * NR);
            int bo = bpOff + jp * NR * kc;
            for (int ip = 0; ip < IP; ip++) {
                int rows = Math.min(MR, M - ip * MR);
                micro(c, cRow0 + ip * MR, ldc, cCol0 + jp * NR, rows, cols,
                      ap, aOff + ip * aPanel, bp, bo, kc, init, bias, biasOff + ip * MR, tile);
            }
        }
    }

    /**
     * One MR×NR tile: acc[r][q] = start + Σ_{l<kc} ap[ao + l·MR + r] · bp[bo + l·NR + q] (l in order, one FMA
     * each), then C[r][q] = acc for r &lt; rows, q &lt; cols. start is 0 (ZERO), bias[biasOff + r] (BIAS) or
     * C[r][q] (LOAD). A whole tile goes straight to the register kernel ({@link #micro6} or {@link #micro8});
     * an edge tile runs the same kernel on the small {@code tile} buffer (its start values copied in first,
     * rows past the edge starting from 0), then its rows × cols are copied out. The FMAs and their order are the
     * same either way.
     */
    static void micro(float[] c, int cRow0, int ldc, int cCol0, int rows, int cols,
                      float[] ap, int ao, float[] bp, int bo, int kc,
                      int init, float[] bias, int biasOff, float[] tile) {
        if (rows == MR && cols == NR) {
            if (MR == 8) micro8(c, cRow0 * ldc + cCol0, ldc, ap, ao, bp, bo, kc, init, bias, biasOff);
            else micro6(c, cRow0 * ldc + cCol0, ldc, ap, ao, bp, bo, kc, init, bias, biasOff);
            return;
        }
        if (init == LOAD) {
            fillTile(tile, c, cRow0, ldc, cCol0, rows, cols);
        } else if (init == BIAS) {
            for (int r = 0; r < MR; r++) java.util.Arrays.fill(tile, r * NR, (r + 1) * NR, r < rows ? bias[biasOff + r] : 0f);
        }
        int start = init == ZERO ? ZERO : LOAD;
        if (MR == 8) micro8(tile, 0, NR, ap, ao, bp, bo, kc, start, null, 0);
        else micro6(tile, 0, NR, ap, ao, bp, bo, kc, start, null, 0);
        copyOut(c, cRow0, ldc, cCol0, rows, cols, tile);
    }

    /**
     * The register kernel of {@link #micro} for a whole tile, MR = 6 (below 512 bits): twelve accumulators
     * that start from zero, bias[biasOff + r] or C at {@code c[addr + r·ldc + q]}, one FMA per element and l,
     * stored back to the same place. It takes only what its loop and its stores need: every value live across
     * the loop holds a general-purpose register, and with the edge-tile bookkeeping of {@link #micro} also live
     * C2 ran out of them and parked the two panel pointers in vector registers, moved back on every l
     * (a port-0 micro-op each, beside the FMAs: the 8-row form ran at 130–133 GFLOP/s in {@code MicroKernelPeak}
     * on the Intel host, 158–168 after the split; docs/benchmarks.md#micro-kernel-registers).
     */
    private static void micro6(float[] c, int addr, int ldc, float[] ap, int ao, float[] bp, int bo, int kc,
                               int init, float[] bias, int biasOff) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (init == ZERO) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        } else if (init == BIAS) {
            // bias[biasOff + r] broadcast along row r
            c00 = c01 = FloatVector.broadcast(S, bias[biasOff]);
            c10 = c11 = FloatVector.broadcast(S, bias[biasOff + 1]);
            c20 = c21 = FloatVector.broadcast(S, bias[biasOff + 2]);
            c30 = c31 = FloatVector.broadcast(S, bias[biasOff + 3]);
            c40 = c41 = FloatVector.broadcast(S, bias[biasOff + 4]);
            c50 = c51 = FloatVector.broadcast(S, bias[biasOff + 5]);
        } else {
            // the chain goes on from C
            c00 = FloatVector.fromArray(S, c, addr); c01 = FloatVector.fromArray(S, c, addr + L);
            c10 = FloatVector.fromArray(S, c, addr + ldc); c11 = FloatVector.fromArray(S, c, addr + ldc + L);
            c20 = FloatVector.fromArray(S, c, addr + 2 * ldc); c21 = FloatVector.fromArray(S, c, addr + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, addr + 3 * ldc); c31 = FloatVector.fromArray(S, c, addr + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, addr + 4 * ldc); c41 = FloatVector.fromArray(S, c, addr + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, addr + 5 * ldc); c51 = FloatVector.fromArray(S, c, addr + 5 * ldc + L);
        }
        final int aEnd = ao + kc * 6;
        for (int a = ao, b = bo; a < aEnd; a += 6, b += NR) {
            // acc[r][q] = fma(A[r,l], B[l,q], acc[r][q])
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
        c00.intoArray(c, addr); c01.intoArray(c, addr + L);
        c10.intoArray(c, addr + ldc); c11.intoArray(c, addr + ldc + L);
        c20.intoArray(c, addr + 2 * ldc); c21.intoArray(c, addr + 2 * ldc + L);
        c30.intoArray(c, addr + 3 * ldc); c31.intoArray(c, addr + 3 * ldc + L);
        c40.intoArray(c, addr + 4 * ldc); c41.intoArray(c, addr + 4 * ldc + L);
        c50.intoArray(c, addr + 5 * ldc); c51.intoArray(c, addr + 5 * ldc + L);
    }

    /**
     * {@link #micro6} for MR = 8 (512-bit species): the same chains, FMAs, order and stores, with 16 accumulators.
     * Written out again rather than parameterised because the accumulators must be named locals to stay in registers.
     */
    private static void micro8(float[] c, int addr, int ldc, float[] ap, int ao, float[] bp, int bo, int kc,
                               int init, float[] bias, int biasOff) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (init == ZERO) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        } else if (init == BIAS) {
            // bias[biasOff + r] broadcast along row r
            c00 = c01 = FloatVector.broadcast(S, bias[biasOff]);
            c10 = c11 = FloatVector.broadcast(S, bias[biasOff + 1]);
            c20 = c21 = FloatVector.broadcast(S, bias[biasOff + 2]);
            c30 = c31 = FloatVector.broadcast(S, bias[biasOff + 3]);
            c40 = c41 = FloatVector.broadcast(S, bias[biasOff + 4]);
            c50 = c51 = FloatVector.broadcast(S, bias[biasOff + 5]);
            c60 = c61 = FloatVector.broadcast(S, bias[biasOff + 6]);
            c70 = c71 = FloatVector.broadcast(S, bias[biasOff + 7]);
        } else {
            // the chain goes on from C
            c00 = FloatVector.fromArray(S, c, addr); c01 = FloatVector.fromArray(S, c, addr + L);
            c10 = FloatVector.fromArray(S, c, addr + ldc); c11 = FloatVector.fromArray(S, c, addr + ldc + L);
            c20 = FloatVector.fromArray(S, c, addr + 2 * ldc); c21 = FloatVector.fromArray(S, c, addr + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, addr + 3 * ldc); c31 = FloatVector.fromArray(S, c, addr + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, addr + 4 * ldc); c41 = FloatVector.fromArray(S, c, addr + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, addr + 5 * ldc); c51 = FloatVector.fromArray(S, c, addr + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, addr + 6 * ldc); c61 = FloatVector.fromArray(S, c, addr + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, addr + 7 * ldc); c71 = FloatVector.fromArray(S, c, addr + 7 * ldc + L);
        }
        final int aEnd = ao + kc * 8;
        for (int a = ao, b = bo; a < aEnd; a += 8, b += NR) {
            // acc[r][q] = fma(A[r,l], B[l,q], acc[r][q])
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
            x = FloatVector.broadcast(S, ap[a + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[a + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, addr); c01.intoArray(c, addr + L);
        c10.intoArray(c, addr + ldc); c11.intoArray(c, addr + ldc + L);
        c20.intoArray(c, addr + 2 * ldc); c21.intoArray(c, addr + 2 * ldc + L);
        c30.intoArray(c, addr + 3 * ldc); c31.intoArray(c, addr + 3 * ldc + L);
        c40.intoArray(c, addr + 4 * ldc); c41.intoArray(c, addr + 4 * ldc + L);
        c50.intoArray(c, addr + 5 * ldc); c51.intoArray(c, addr + 5 * ldc + L);
        c60.intoArray(c, addr + 6 * ldc); c61.intoArray(c, addr + 6 * ldc + L);
        c70.intoArray(c, addr + 7 * ldc); c71.intoArray(c, addr + 7 * ldc + L);
    }

    /**
     * {@link #micro} with A read where it lies instead of from a packed panel: A[r, l] = a[ao + r·rowStride + l]
     * (each row contiguous in l, the rows rowStride apart), for a short reduction whose A side would cost more
     * to pack than to multiply. Rows past {@code rows} read row rows − 1 (computed, never stored), so no index
     * leaves the array. Starts from zero (ZERO) or from C (LOAD); the FMAs, their order and the stores are
     * those of {@link #micro}, and an edge tile goes through the small buffer as there. It is a second kernel
     * rather than a stride parameter of {@link #micro6} and {@link #micro8}, whose packed A is read at constant
     * offsets of one index (one addressing mode per broadcast in the hot loop of every big layer).
     */
    static void microDirectA(float[] c, int cRow0, int ldc, int cCol0, int rows, int cols,
                             float[] a, int ao, int rowStride, float[] bp, int bo, int kc, int init, float[] tile) {
        if (rows == MR && cols == NR) {
            if (MR == 8) microDirectA8(c, cRow0 * ldc + cCol0, ldc, a, ao, rowStride, rows - 1, bp, bo, kc, init);
            else microDirectA6(c, cRow0 * ldc + cCol0, ldc, a, ao, rowStride, rows - 1, bp, bo, kc, init);
            return;
        }
        if (init == LOAD) fillTile(tile, c, cRow0, ldc, cCol0, rows, cols);
        if (MR == 8) microDirectA8(tile, 0, NR, a, ao, rowStride, rows - 1, bp, bo, kc, init);
        else microDirectA6(tile, 0, NR, a, ao, rowStride, rows - 1, bp, bo, kc, init);
        copyOut(c, cRow0, ldc, cCol0, rows, cols, tile);
    }

    /**
     * The register kernel of {@link #microDirectA}, MR = 6: rows past {@code last} read row {@code last}. Like
     * {@link #micro6} it takes only what its loop and its stores need.
     */
    private static void microDirectA6(float[] c, int addr, int ldc, float[] a, int ao, int rowStride, int last,
                                      float[] bp, int bo, int kc, int init) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (init == ZERO) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, c, addr); c01 = FloatVector.fromArray(S, c, addr + L);
            c10 = FloatVector.fromArray(S, c, addr + ldc); c11 = FloatVector.fromArray(S, c, addr + ldc + L);
            c20 = FloatVector.fromArray(S, c, addr + 2 * ldc); c21 = FloatVector.fromArray(S, c, addr + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, addr + 3 * ldc); c31 = FloatVector.fromArray(S, c, addr + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, addr + 4 * ldc); c41 = FloatVector.fromArray(S, c, addr + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, addr + 5 * ldc); c51 = FloatVector.fromArray(S, c, addr + 5 * ldc + L);
        }
        // the start of each row's run: rows past the edge repeat the last real row
        final int a0 = ao, a1 = ao + Math.min(1, last) * rowStride, a2 = ao + Math.min(2, last) * rowStride, a3 = ao + Math.min(3, last) * rowStride, a4 = ao + Math.min(4, last) * rowStride, a5 = ao + Math.min(5, last) * rowStride;
        for (int l = 0, b = bo; l < kc; l++, b += NR) {
            // acc[r][q] = fma(A[r,l], B[l,q], acc[r][q])
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + l]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + l]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + l]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + l]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + l]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + l]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, addr); c01.intoArray(c, addr + L);
        c10.intoArray(c, addr + ldc); c11.intoArray(c, addr + ldc + L);
        c20.intoArray(c, addr + 2 * ldc); c21.intoArray(c, addr + 2 * ldc + L);
        c30.intoArray(c, addr + 3 * ldc); c31.intoArray(c, addr + 3 * ldc + L);
        c40.intoArray(c, addr + 4 * ldc); c41.intoArray(c, addr + 4 * ldc + L);
        c50.intoArray(c, addr + 5 * ldc); c51.intoArray(c, addr + 5 * ldc + L);
    }

    /** {@link #microDirectA6} for MR = 8 (512-bit species): the same chains, FMAs, order and stores. */
    private static void microDirectA8(float[] c, int addr, int ldc, float[] a, int ao, int rowStride, int last,
                                      float[] bp, int bo, int kc, int init) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (init == ZERO) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, c, addr); c01 = FloatVector.fromArray(S, c, addr + L);
            c10 = FloatVector.fromArray(S, c, addr + ldc); c11 = FloatVector.fromArray(S, c, addr + ldc + L);
            c20 = FloatVector.fromArray(S, c, addr + 2 * ldc); c21 = FloatVector.fromArray(S, c, addr + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, addr + 3 * ldc); c31 = FloatVector.fromArray(S, c, addr + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, addr + 4 * ldc); c41 = FloatVector.fromArray(S, c, addr + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, addr + 5 * ldc); c51 = FloatVector.fromArray(S, c, addr + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, addr + 6 * ldc); c61 = FloatVector.fromArray(S, c, addr + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, addr + 7 * ldc); c71 = FloatVector.fromArray(S, c, addr + 7 * ldc + L);
        }
        // the start of each row's run: rows past the edge repeat the last real row
        final int a0 = ao, a1 = ao + Math.min(1, last) * rowStride, a2 = ao + Math.min(2, last) * rowStride, a3 = ao + Math.min(3, last) * rowStride, a4 = ao + Math.min(4, last) * rowStride, a5 = ao + Math.min(5, last) * rowStride, a6 = ao + Math.min(6, last) * rowStride, a7 = ao + Math.min(7, last) * rowStride;
        for (int l = 0, b = bo; l < kc; l++, b += NR) {
            // acc[r][q] = fma(A[r,l], B[l,q], acc[r][q])
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + l]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + l]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + l]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + l]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + l]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + l]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + l]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + l]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, addr); c01.intoArray(c, addr + L);
        c10.intoArray(c, addr + ldc); c11.intoArray(c, addr + ldc + L);
        c20.intoArray(c, addr + 2 * ldc); c21.intoArray(c, addr + 2 * ldc + L);
        c30.intoArray(c, addr + 3 * ldc); c31.intoArray(c, addr + 3 * ldc + L);
        c40.intoArray(c, addr + 4 * ldc); c41.intoArray(c, addr + 4 * ldc + L);
        c50.intoArray(c, addr + 5 * ldc); c51.intoArray(c, addr + 5 * ldc + L);
        c60.intoArray(c, addr + 6 * ldc); c61.intoArray(c, addr + 6 * ldc + L);
        c70.intoArray(c, addr + 7 * ldc); c71.intoArray(c, addr + 7 * ldc + L);
    }

    /**
     * {@link #microDirectA} for a product at most one vector wide (cols ≤ L; the dense layers' 10 clusters at 512
     * bits), MR = 8 only: an 8 × L tile, one accumulator per row, against the 8 × 2L tile that would compute 2L
     * columns for {@code cols}. B is one packed panel of L columns, {@code bp[l·L + q]} ({@link #packNarrowB}). The
     * tile goes through the {@code tile} buffer (rows L apart): its start values copied in for LOAD, its rows × cols
     * copied out. The chains, their order and their FMAs are those of {@link #micro}: the same bits.
     */
    static void microNarrowA(float[] c, int cRow0, int ldc, int rows, int cols,
                             float[] a, int ao, int rowStride, float[] bp, int kc, int init, float[] tile) {
        if (init == LOAD) {
            java.util.Arrays.fill(tile, 0, MR * L, 0f);
            for (int r = 0; r < rows; r++) System.arraycopy(c, (cRow0 + r) * ldc, tile, r * L, cols);
        }
        narrow8(tile, a, ao, rowStride, rows - 1, bp, kc, init);
        for (int r = 0; r < rows; r++) System.arraycopy(tile, r * L, c, (cRow0 + r) * ldc, cols);
    }

    /**
     * The register kernel of {@link #microNarrowA}: acc[r] = (ZERO: 0, LOAD: t[r·L …]) + Σ_l A[r, l] · B[l, ·], one
     * FMA per l, A[r, l] = a[ao + min(r, last)·rowStride + l], stored to t[r·L …]. Eight chains are as many as two FMA
     * pipes with a four-cycle latency keep busy.
     */
    private static void narrow8(float[] t, float[] a, int ao, int rowStride, int last, float[] bp, int kc, int init) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (init == ZERO) {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, t, 0);     c1 = FloatVector.fromArray(S, t, L);
            c2 = FloatVector.fromArray(S, t, 2 * L); c3 = FloatVector.fromArray(S, t, 3 * L);
            c4 = FloatVector.fromArray(S, t, 4 * L); c5 = FloatVector.fromArray(S, t, 5 * L);
            c6 = FloatVector.fromArray(S, t, 6 * L); c7 = FloatVector.fromArray(S, t, 7 * L);
        }
        // the start of each row's run: rows past the edge repeat the last real row
        final int a0 = ao, a1 = ao + Math.min(1, last) * rowStride, a2 = ao + Math.min(2, last) * rowStride, a3 = ao + Math.min(3, last) * rowStride, a4 = ao + Math.min(4, last) * rowStride, a5 = ao + Math.min(5, last) * rowStride, a6 = ao + Math.min(6, last) * rowStride, a7 = ao + Math.min(7, last) * rowStride;
        for (int l = 0, b = 0; l < kc; l++, b += L) {
            // acc[r] = fma(A[r,l], B[l,·], acc[r])
            FloatVector bv = FloatVector.fromArray(S, bp, b);
            c0 = FloatVector.broadcast(S, a[a0 + l]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + l]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + l]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + l]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[a4 + l]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[a5 + l]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[a6 + l]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[a7 + l]).fma(bv, c7);
        }
        c0.intoArray(t, 0);     c1.intoArray(t, L);
        c2.intoArray(t, 2 * L); c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L); c5.intoArray(t, 5 * L);
        c6.intoArray(t, 6 * L); c7.intoArray(t, 7 * L);
    }

    /** C[r][q] = tile[r·NR + q] for r &lt; rows, q &lt; cols: an edge tile's results copied out. */
    private static void copyOut(float[] c, int cRow0, int ldc, int cCol0, int rows, int cols, float[] tile) {
        for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, (cRow0 + r) * ldc + cCol0, cols);
    }

    /** tile[r·NR + q] = C[r][q] for r &lt; rows, q &lt; cols (an edge tile's starting values for LOAD); 0 elsewhere. */
    private static void fillTile(float[] tile, float[] c, int cRow0, int ldc, int cCol0, int rows, int cols) {
        java.util.Arrays.fill(tile, 0f);
        for (int r = 0; r < rows; r++) System.arraycopy(c, (cRow0 + r) * ldc + cCol0, tile, r * NR, cols);
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

    /**
     * Packs columns [0, J) (J ≤ L) and l ∈ [0, K) of B[l,j] = src[l·sl + j·sj] into one panel of L columns for
     * {@link #microNarrowA}: {@code dst[l·L + q]}, columns J … L − 1 zero. dst written.
     */
    static void packNarrowB(float[] dst, float[] src, int sl, int sj, int J, int K) {
        for (int l = 0; l < K; l++) {
            int q = 0;
            for (int s = l * sl; q < J; q++, s += sj) dst[l * L + q] = src[s];
            for (; q < L; q++) dst[l * L + q] = 0f;
        }
    }

    /** Size of a row-panel packing of M rows × kc. */
    static int packedASize(int M, int kc) { return (M + MR - 1) / MR * MR * kc; }

    /** Size of a column-panel packing of J columns × kc. */
    static int packedBSize(int J, int kc) { return (J + NR - 1) / NR * NR * kc; }
}
