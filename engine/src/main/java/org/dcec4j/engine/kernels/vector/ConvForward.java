package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * Convolution forward as one packed product per group of images, with the im2col operand copied
 * straight into B micro-panels (no separate im2col matrix) from a column-phase padded input:
 * <pre>
 *   Y_n[K, P] = act(b + W[K, CKK] · col_n[CKK, P])       CKK = C·KH·KW, P = OH·OW
 *   col_n[(c,kh,kw), (oh,ow)] = xPad[n, c, oh·SH + kh, ow·SW + kw]
 * </pre>
 * Each y element is one FMA chain over (c, kh, kw) started from b[k] (docs/kernels.md#reduction-order).
 * Also the backward-input of a transposed convolution (its adjoint), with no bias or activation.
 *
 * <p>Math: docs/kernels.md#forward
 */
final class ConvForward {
    private ConvForward() {}

    private static final int L = Gemm.L, NR = Gemm.NR, MR = Gemm.MR;

    /** y written ([N, K, OH, OW]); x, w read; b read or null. */
    static void run(Resources r, float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        r.pool.run(plan(r, y, x, w, b, act, g));
    }

    /** {@link #run} up to the parallel part: packs the weights (into r.packedW) and returns the chunks to run. */
    static WorkerPool.Planned plan(Resources r, float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // A = W[K, CKK], packed once for all images
        float[] packedW = r.packedW = Workspace.grow(r.packedW, Gemm.packedASize(g.K, CKK));
        Gemm.packA(packedW, w, 0, CKK, 1, 0, g.K, 0, CKK);
        final boolean phases = Tuning.columnPhasesForward(g);
        int G = Tuning.imagesPerChunk(Tuning.FORWARD_COLS, P, g.N, NR);   // chunks of whole column panels
        return new WorkerPool.Planned(new Job(y, x, packedW, b, act, g, G, phases, r.ws), (g.N + G - 1) / G);
    }

    /** Images [chunk·G, chunk·G + G): Y[k, (n,p)] = act(b[k] + Σ_l W[k,l]·col[l,(n,p)]). y written. */
    private record Job(float[] y, float[] x, float[] packedW, float[] b, Activation act, ConvGeometry g, int G,
                       boolean phases, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K;
            final int n0 = chunk * G, nG = Math.min(G, g.N - n0), J = nG * P;
            Workspace s = ws[worker];
            // this chunk's images, padded into the worker's buffer (image n at n − n0) right before they are packed
            final float[] xPad = PaddedInput.chunk(s, x, g, phases ? PaddedInput.Layout.COLUMN_PHASES : PaddedInput.Layout.NCHW, n0, nG);
            s.forwardTables(g, 0, J, CKK, phases);           // window origins relative to the chunk's first image
            // the tiles go to a contiguous [K, J] buffer (always whole-vector stores, even for tiles that
            // straddle two images), copied to y[n, k, p] at the end
            final float[] yb = s.ybuf = Workspace.grow(s.ybuf, K * J);
            final int JP = (J + NR - 1) / NR, IP = (K + MR - 1) / MR, KB = Tuning.balancedKc(CKK);
            s.bp = Workspace.grow(s.bp, NR * KB + L);     // + L: slack for the run stores
            for (int l0 = 0; l0 < CKK; l0 += KB) {
                int kc = Math.min(KB, CKK - l0);
                int init = l0 > 0 ? Gemm.LOAD : (b != null ? Gemm.BIAS : Gemm.ZERO);
                for (int jp = 0; jp < JP; jp++) {
                    // one B micro-panel, packed right before the K/MR tiles that use it (it stays in L1)
                    packIm2colPanel(s.bp, xPad, s.colX, s.rowC, jp * NR, l0, kc, s);
                    for (int ip = 0; ip < IP; ip++)
                        Gemm.micro(yb, ip * MR, J, jp * NR, Math.min(MR, K - ip * MR), Math.min(NR, J - jp * NR),
                                   packedW, ip * MR * CKK + l0 * MR, s.bp, 0, kc, init, b, ip * MR, s.tile);
                }
            }
            // y[n0 + i, k, p] = act(yb[k, i·P + p]): the activation is applied while the tile buffer is in cache
            for (int i = 0; i < nG; i++)
                for (int k = 0; k < K; k++) {
                    if (act == Activation.RELU) Pointwise.relu(y, ((n0 + i) * K + k) * P, yb, k * J + i * P, P);
                    else System.arraycopy(yb, k * J + i * P, y, ((n0 + i) * K + k) * P, P);
                }
        }
    }

    /**
     * One column micro-panel: B[l, j0 + q] = xPad[src[j0 + q] + off[l0 + l]] for l &lt; kc, q &lt; NR.
     * Column j = (n, oh, ow) starts its window at src[j], row l = (c, kh, kw) adds off[l], both in
     * padded, column-phase coordinates, so no bounds check. Stored dst[l·NR + q]; dst written (and up to L
     * floats past the kc rows: slack). When the panel's columns are a few runs of consecutive window origins
     * (the pixels of an output row), each row is one load and one store per run, stored from the run's
     * first lane on and in lane order, so a store's lanes past its run are overwritten by the next run
     * (the last one's spill lands in the next row, written after it, or in the slack); otherwise two gathers.
     */
    private static void packIm2colPanel(float[] dst, float[] xPad, int[] src, int[] off, int j0, int l0, int kc,
                                        Workspace s) {
        final int jp = j0 / NR;
        final Workspace.PanelRuns runs = s.pixelRuns;
        if (runs.use[jp]) {
            final int t0 = runs.first[jp], t1 = runs.first[jp + 1];
            for (int l = 0; l < kc; l++) {
                final int o = off[l0 + l], d = l * NR;
                for (int t = t0; t < t1; t++)
                    FloatVector.fromArray(Gemm.S, xPad, runs.off[t] + o).intoArray(dst, d + runs.lane[t]);
            }
            return;
        }
        for (int l = 0; l < kc; l++) {
            int o = off[l0 + l], d = l * NR;
            FloatVector.fromArray(Gemm.S, xPad, o, src, j0).intoArray(dst, d);
            FloatVector.fromArray(Gemm.S, xPad, o, src, j0 + L).intoArray(dst, d + L);
        }
    }
}
