package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.ReductionOrder;

/**
 * Gradient of a convolution with respect to its weight, a product whose reduction runs over every output
 * pixel of the batch:
 * <pre>
 *   dW[K, CKK] += dY[K, NP] · col[NP, CKK]       NP = N·OH·OW,  col[(n,oh,ow), (c,kh,kw)] = xPad[n, c, oh·SH+kh, ow·SW+kw]
 * </pre>
 * The NP terms are cut into the ranges of {@link ReductionOrder#weightRanges} (a function of NP only);
 * each range is one chunk: an FMA chain per dW element into its own partial [K, CKK], blocks of KC
 * carried on with {@link Gemm#LOAD}; then the partials are added in range order and the total is added
 * to dw. With C ≥ NR the product runs on a channels-last copy of the input and columns j = (kh, kw, c):
 * a B micro-panel row is then NR consecutive channels of one pixel (two plain vector loads instead of
 * two gathers), and the reduction writes the columns back in (c, kh, kw) order. With few columns (conv1,
 * deconv1: 25) dY is read in place by {@link Gemm#microDirectA} instead of packed, since each packed value
 * would serve one micro-tile only.
 *
 * <p>Math: docs/kernels.md#backward-weight
 */
final class ConvBackwardWeight {
    private ConvBackwardWeight() {}

    private static final int L = Gemm.L, NR = Gemm.NR, MR = Gemm.MR;

    /** dw accumulated; dy, x read. */
    static void run(Resources r, float[] dw, float[] dy, float[] x, ConvGeometry g) {
        r.pool.run(plan(r, dy, x, g));
        reduce(r, dw, g);
    }

    /**
     * The first part of {@link #run}: returns the range chunks, which write the partials (into r.partialDw; for dY read
     * in place it first pads x for the whole batch, into r.xPad, as a parallel call of its own). Then {@link #reduce}.
     */
    static WorkerPool.Planned plan(Resources r, float[] dy, float[] x, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, NP = g.N * g.OH * g.OW;
        final int R = ReductionOrder.weightRanges(NP);
        final boolean channelsLast = Tuning.channelsLastBackwardWeight(g.C);
        final PaddedInput.Layout layout = channelsLast ? PaddedInput.Layout.CHANNELS_LAST : PaddedInput.Layout.NCHW;
        float[] partial = r.partialDw = Workspace.grow(r.partialDw, R * g.K * CKK);
        if (Tuning.directOutputRowsBackwardWeight((CKK + NR - 1) / NR))
            return new WorkerPool.Planned(new DirectRange(partial, dy, PaddedInput.pad(r, x, g, layout), g, R, channelsLast, r.ws), R);
        return new WorkerPool.Planned(new PackedRange(partial, dy, x, g, R, layout, r.ws), R);
    }

    /** The second part of {@link #run}, once the ranges have run: the partials added in range order into dw. dw accumulated. */
    static void reduce(Resources r, float[] dw, ConvGeometry g) {
        final int KCKK = g.K * g.C * g.KH * g.KW, R = ReductionOrder.weightRanges(g.N * g.OH * g.OW);
        if (Tuning.channelsLastBackwardWeight(g.C)) r.pool.run(new ReducePermuted(dw, r.partialDw, g, R, r.ws), g.K);
        else r.pool.run(new Reduce(dw, r.partialDw, KCKK, R), (KCKK + Tuning.REDUCE_CHUNK - 1) / Tuning.REDUCE_CHUNK);
    }

    /**
     * Range r of R: partial[r, k, j] = Σ_{l in range r} dY[k, l] · col[l, j] for all K × CKK, one FMA chain
     * per element in l order. The range is walked in groups of whole images (as many as fit in KC terms, at least
     * one): the group's images are padded into the worker's own buffer, then dY is packed once per KC block of the
     * group and the im2col B operand one micro-panel at a time, used at once while it is in L1. A group's padded
     * images (about 185 KB for conv2) stay in the core's L2 while its panels are packed from them, instead of the
     * whole batch's copy going out to memory and back. The groups only change where the blocks are cut; every
     * chain still runs over the range's l in order (blocks carried on with {@link Gemm#LOAD}).
     * partial (this range's slice) written.
     */
    private record PackedRange(float[] partial, float[] dy, float[] x, ConvGeometry g, int R, PaddedInput.Layout layout,
                               Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int r) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K, NP = g.N * P;
            final int lStart = ReductionOrder.rangeStart(NP, R, r), lEnd = ReductionOrder.rangeStart(NP, R, r + 1);
            final int cOff = r * K * CKK;
            final boolean channelsLast = layout == PaddedInput.Layout.CHANNELS_LAST;
            Workspace s = ws[worker];
            if (channelsLast) s.kernelTablesChannelsLast(g, CKK);
            else s.kernelTables(g, CKK);
            s.ap = Workspace.grow(s.ap, Gemm.packedASize(K, Tuning.KC));
            s.bp = Workspace.grow(s.bp, NR * Tuning.KC + L);     // + L: slack for the run stores
            s.colX = Workspace.grow(s.colX, Tuning.KC);
            s.colOff = Workspace.grow(s.colOff, Tuning.KC);
            final int Wp = g.W + g.PL + g.PR, imageSize = PaddedInput.imageSize(g, layout);
            // window origin steps between output rows / columns: in the NCHW or the channels-last (·C) xPad
            final int stepH = g.SH * Wp * (channelsLast ? g.C : 1), stepW = g.SW * (channelsLast ? g.C : 1);
            final int JP = (CKK + NR - 1) / NR, IP = (K + MR - 1) / MR, groupImages = Math.max(1, Tuning.KC / P);
            for (int nA = lStart / P; nA * P < lEnd; nA += groupImages) {
                // images [nA, nB) of this range, padded at positions 0, 1, …; their terms [gStart, gEnd)
                final int nB = Math.min(nA + groupImages, (lEnd + P - 1) / P);
                final int gStart = Math.max(lStart, nA * P), gEnd = Math.min(lEnd, nB * P);
                final float[] xPad = PaddedInput.chunk(s, x, g, layout, nA, nB - nA);
                for (int l0 = gStart; l0 < gEnd; l0 += Tuning.KC) {
                    int kc = Math.min(Tuning.KC, gEnd - l0);
                    reductionTables(s, g, l0, kc, nA, imageSize, stepH, stepW);
                    packOutputRows(s.ap, dy, s.colOff, K, P, kc);
                    int init = l0 == lStart ? Gemm.ZERO : Gemm.LOAD;
                    for (int jp = 0; jp < JP; jp++) {
                        int j0 = jp * NR, cols = Math.min(NR, CKK - j0);
                        packIm2colRowsPanel(s.bp, xPad, s.colX, s.rowC, j0, kc, s);
                        for (int ip = 0; ip < IP; ip++)
                            Gemm.micro(partial, ip * MR, CKK, cOff + j0, Math.min(MR, K - ip * MR), cols,
                                       s.ap, ip * MR * kc, s.bp, 0, kc, init, null, 0, s.tile);
                    }
                }
            }
        }
    }

    /**
     * Range r of R with dY read in place ({@link Gemm#microDirectA}), for few kernel columns (conv1, deconv1): the
     * same chains as {@link PackedRange}, over the whole batch's padded copy xPad, in blocks that end at image boundaries
     * where KC allows (each microDirectA call then runs over a whole image's terms). A method of its own (sharing only the
     * small {@link #reductionTables}) because folding the per-group padding into it made conv1's compiled loop 14–46 % slower
     * (docs/design-notes.md#forward). partial (this range's slice) written.
     */
    private record DirectRange(float[] partial, float[] dy, float[] xPad, ConvGeometry g, int R, boolean channelsLast,
                               Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int r) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K, NP = g.N * P;
            final int lStart = ReductionOrder.rangeStart(NP, R, r), lEnd = ReductionOrder.rangeStart(NP, R, r + 1);
            final int cOff = r * K * CKK;
            Workspace s = ws[worker];
            if (channelsLast) s.kernelTablesChannelsLast(g, CKK);
            else s.kernelTables(g, CKK);
            s.bp = Workspace.grow(s.bp, NR * Tuning.KC + L);     // + L: slack for the run stores
            s.colX = Workspace.grow(s.colX, Tuning.KC);
            s.colOff = Workspace.grow(s.colOff, Tuning.KC);
            final int Wp = g.W + g.PL + g.PR, imageSize = g.C * (g.H + g.PT + g.PB) * Wp;
            final int stepH = g.SH * Wp * (channelsLast ? g.C : 1), stepW = g.SW * (channelsLast ? g.C : 1);
            final int JP = (CKK + NR - 1) / NR, IP = (K + MR - 1) / MR;
            for (int l0 = lStart, kc; l0 < lEnd; l0 += kc) {
                // blocks end at image boundaries where KC allows (runs of dY as long as an image), else after KC terms
                final int end = (l0 + Tuning.KC) / P * P;
                kc = Math.min(lEnd, end > l0 ? end : l0 + Tuning.KC) - l0;
                reductionTables(s, g, l0, kc, 0, imageSize, stepH, stepW);
                // dY read in place, one run of a single image at a time (dY[k, l] = dy[colOff[l] + k·P])
                for (int jp = 0; jp < JP; jp++) {
                    int j0 = jp * NR, cols = Math.min(NR, CKK - j0);
                    packIm2colRowsPanel(s.bp, xPad, s.colX, s.rowC, j0, kc, s);
                    for (int la = 0, lb; la < kc; la = lb) {
                        lb = la + 1;
                        while (lb < kc && s.colOff[lb] == s.colOff[lb - 1] + 1) lb++;
                        int init = l0 == lStart && la == 0 ? Gemm.ZERO : Gemm.LOAD;
                        for (int ip = 0; ip < IP; ip++)
                            Gemm.microDirectA(partial, ip * MR, CKK, cOff + j0, Math.min(MR, K - ip * MR), cols,
                                              dy, s.colOff[la] + ip * MR * P, P, s.bp, la * NR, lb - la, init, s.tile);
                    }
                }
            }
        }
    }

    /**
     * The tables of the reduction indices l0 … l0 + kc − 1, l = (n, oh, ow): s.colX[l − l0], the window origin in a
     * padded copy whose image n0 is at position 0 (images imageSize apart, window steps stepH and stepW between output
     * rows and columns), and s.colOff[l − l0], where dY[k, l] = dy[colOff + k·P]. Stepped along from l0: no division
     * per term. s.colX, s.colOff written.
     */
    private static void reductionTables(Workspace s, ConvGeometry g, int l0, int kc, int n0, int imageSize,
                                        int stepH, int stepW) {
        final int P = g.OH * g.OW, OW = g.OW, KP = g.K * P;
        int n = l0 / P, p = l0 % P, oh = p / OW, ow = p % OW;
        for (int l = 0; l < kc; l++) {
            s.colX[l] = (n - n0) * imageSize + oh * stepH + ow * stepW;
            s.colOff[l] = n * KP + p;
            if (++ow == OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
            if (++p == P) p = 0;
        }
    }

    /** dw[i] += ((partial[0, i] + partial[1, i]) + …) for i in this chunk. dw accumulated. */
    private record Reduce(float[] dw, float[] partial, int KCKK, int R) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int i0 = chunk * Tuning.REDUCE_CHUNK, i1 = Math.min(KCKK, i0 + Tuning.REDUCE_CHUNK);
            int i = i0;
            for (; i + L <= i1; i += L) {
                FloatVector sum = FloatVector.fromArray(Gemm.S, partial, i);
                for (int r = 1; r < R; r++) sum = sum.add(FloatVector.fromArray(Gemm.S, partial, r * KCKK + i));
                FloatVector.fromArray(Gemm.S, dw, i).add(sum).intoArray(dw, i);
            }
            for (; i < i1; i++) {
                float sum = partial[i];
                for (int r = 1; r < R; r++) sum += partial[r * KCKK + i];
                dw[i] += sum;
            }
        }
    }

    /**
     * Row k of dw from channels-last partials: dw[k, c, kh, kw] += ((partial[0, k, (kh,kw,c)] + partial[1, …]) + …),
     * ranges in order as in {@link Reduce}. dw accumulated.
     */
    private record ReducePermuted(float[] dw, float[] partial, ConvGeometry g, int R, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int k) {
            final float[] buf = ws[worker].tile;   // tile: MR·NR ≥ L floats
            final int C = g.C, KHW = g.KH * g.KW, KCKK = g.K * C * KHW, row = k * C * KHW;
            final int CV = Gemm.S.loopBound(C);
            for (int t = 0; t < KHW; t++) {
                final int src = row + t * C;              // partial column (t = kh·KW + kw, c)
                int c = 0;
                for (; c < CV; c += L) {
                    FloatVector v = FloatVector.fromArray(Gemm.S, partial, src + c);
                    for (int r = 1; r < R; r++) v = v.add(FloatVector.fromArray(Gemm.S, partial, r * KCKK + src + c));
                    v.intoArray(buf, 0);
                    for (int q = 0; q < L; q++) dw[row + (c + q) * KHW + t] += buf[q];
                }
                for (; c < C; c++) {
                    float v = partial[src + c];
                    for (int r = 1; r < R; r++) v += partial[r * KCKK + src + c];
                    dw[row + c * KHW + t] += v;
                }
            }
        }
    }

    /**
     * A[k, l] = dy[off[l] + k·P] for all K rows, packed in row micro-panels. dst written.
     * off[l] steps by 1 inside an image, so the block is cut into runs of one image each and every run
     * is copied without the table lookup, one row k at a time: a sequential read of dY's run, stores MR floats apart
     * in the small panel (reading the MR rows of each l instead, P floats apart, was 1.5–3 points more of conv2's and
     * deconv2's weight gradients in JFR samples; docs/design-notes.md#dy-rows).
     */
    private static void packOutputRows(float[] dst, float[] dy, int[] off, int K, int P, int kc) {
        final int IP = (K + MR - 1) / MR;
        for (int l0 = 0, l1; l0 < kc; l0 = l1) {
            // the run [l0, l1) of one image: off[l] = off[l0] + (l − l0)
            l1 = l0 + 1;
            while (l1 < kc && off[l1] == off[l1 - 1] + 1) l1++;
            for (int ip = 0; ip < IP; ip++) {
                final int k0 = ip * MR, rows = Math.min(MR, K - k0), d = ip * MR * kc;
                final int src = off[l0] - l0 + k0 * P;      // dy[src + r·P + l] = A[k0 + r, l]
                // row by row: each reads a run of dY in order (the stores go MR floats apart, inside the small panel)
                for (int r = 0; r < MR; r++) {
                    final int sr = src + r * P, dr = d + r;
                    if (r < rows) for (int l = l0; l < l1; l++) dst[dr + l * MR] = dy[sr + l];
                    else for (int l = l0; l < l1; l++) dst[dr + l * MR] = 0f;
                }
            }
        }
    }

    /**
     * One column micro-panel: B[l, j0 + q] = xPad[src[l] + off[j0 + q]] for the kc reduction rows
     * l = (n, oh, ow) (window origin src[l]) and the NR columns j (offset off[j], 0 past the edge),
     * stored dst[l·NR + q]. When the panel is made of a few runs of consecutive offsets ({@link Workspace#kernelRuns};
     * NR consecutive offsets are two runs), one load and one store per run and row
     * ({@link Workspace.PanelRuns#copyRows}); otherwise one float at a time. dst written (and up to L floats past the
     * kc rows: slack).
     */
    private static void packIm2colRowsPanel(float[] dst, float[] xPad, int[] src, int[] off, int j0, int kc,
                                            Workspace s) {
        final int jp = j0 / NR;
        if (s.kernelRuns.use[jp]) {      // consecutive offsets (two runs) or a few runs: one load and one store per run and row
            s.kernelRuns.copyRows(dst, xPad, src, 0, kc, jp);
            return;
        }
        // scattered columns: one float at a time, never a gather (see Workspace.PanelRuns)
        for (int l = 0; l < kc; l++) {
            final int base = src[l], dl = l * NR;
            for (int q = 0; q < NR; q++) dst[dl + q] = xPad[base + off[j0 + q]];
        }
    }
}
