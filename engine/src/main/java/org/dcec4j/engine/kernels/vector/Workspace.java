package org.dcec4j.engine.kernels.vector;

import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * One worker's scratch, grown on demand and reused across calls (a call allocates no array once the
 * workspaces are large enough): packed panels, product buffers, and the index tables that map product
 * rows and columns to positions in the padded input.
 */
final class Workspace {
    /** Packed A panels, packed B panels, a backward-input dcol block, a forward [K, J] tile buffer, a pixel-major [H·W, C] image. */
    float[] ap = new float[0], bp = new float[0], dcol = new float[0], ybuf = new float[0], pix = new float[0];
    /** The bias gradient's 16 lanes and tail per channel (Pointwise.SpatialBias). */
    float[] biasLanes = new float[0];
    /** One micro-tile (edge tiles and starting values go through it). */
    final float[] tile = new float[Gemm.MR * Gemm.NR];
    /** Per product column: where its window starts in the padded input (colX) or its offset in dy (colOff). */
    int[] colX = new int[0], colOff = new int[0];
    /** Per kernel index (c, kh, kw) or (kh, kw, c): its offset from a window origin in the padded input. */
    int[] rowC = new int[0];
    /** rowRun[jp]: the NR offsets rowC of column panel jp are consecutive (plain loads instead of a gather). */
    boolean[] rowRun = new boolean[0];
    /**
     * Runs of consecutive offsets inside the column panels: panel jp has the segments
     * [segFirst[jp], segFirst[jp + 1]) when segmented[jp]; segment s starts at lane segLane[s] and holds at most
     * L columns: column segLane[s] + i has the offset segOff[s] + i. Backward-weight then builds a B panel row from one plain
     * load and store per segment instead of two gathers.
     */
    int[] segFirst = new int[0], segOff = new int[0], segLane = new int[0];
    boolean[] segmented = new boolean[0];
    /** The same for the forward's column panels (runs of window origins): see {@link #forwardTables}. */
    int[] colSegFirst = new int[0], colSegSrc = new int[0], colSegLane = new int[0];
    boolean[] colSegmented = new boolean[0];

    static float[] grow(float[] a, int n) { return a.length >= n ? a : new float[Math.max(n, a.length + a.length / 2)]; }

    static int[] grow(int[] a, int n) { return a.length >= n ? a : new int[Math.max(n, a.length + a.length / 2)]; }

    /** A fresh workspace per worker. */
    static Workspace[] forWorkers(int threads) {
        Workspace[] ws = new Workspace[threads];
        for (int i = 0; i < threads; i++) ws[i] = new Workspace();
        return ws;
    }

    /**
     * The forward's tables over the padded input, NCHW or, with {@code phases}, in column phases
     * ({@link PaddedInput.Layout#COLUMN_PHASES}):
     * per product column j = (n, oh, ow) of images n0… its window origin colX[j] (columns past J, panel
     * padding, point at 0: computed, never stored); per kernel index i = (c, kh, kw) ∈ [0, CKK) its offset
     * rowC[i]; and the runs of consecutive origins in every column panel (colSeg*), cut at L columns. A
     * panel is built from its runs when there are at most NR/4 of them (conv1 at 512 bits: 3 per panel, conv2:
     * 5 or 6; conv3's 3-pixel rows make 11, and gather).
     */
    void forwardTables(ConvGeometry g, int n0, int J, int CKK, boolean phases) {
        final int NR = Gemm.NR, L = Gemm.L, P = g.OH * g.OW, ps = phases ? g.SW : 1;
        final int Hp = g.H + g.PT + g.PB, Wq = (g.W + g.PL + g.PR + ps - 1) / ps, row = ps * Wq, img = g.C * Hp * row;
        final int Jp = (J + NR - 1) / NR * NR, JP = Jp / NR, KHW = g.KH * g.KW;
        colX = grow(colX, Jp);
        // (n, oh, ow) stepped along the columns; with phases the origin wp = SW·ow is position ow of phase 0
        final int owStep = phases ? 1 : g.SW, ohStep = g.SH * row;
        for (int j = 0, n = n0, oh = 0, ow = 0; j < J; j++) {
            colX[j] = n * img + oh * ohStep + ow * owStep;
            if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
        }
        java.util.Arrays.fill(colX, J, Jp, 0);
        rowC = grow(rowC, CKK);
        for (int i = 0; i < CKK; i++) {
            int c = i / KHW, kh = (i % KHW) / g.KW, kw = i % g.KW;
            rowC[i] = (c * Hp + kh) * row + (kw % ps) * Wq + kw / ps;
        }
        colSegFirst = grow(colSegFirst, JP + 1);
        colSegSrc = grow(colSegSrc, Jp);
        colSegLane = grow(colSegLane, Jp);
        if (colSegmented.length < JP) colSegmented = new boolean[JP];
        int count = 0;
        for (int jp = 0; jp < JP; jp++) {
            int j0 = jp * NR, first = count;
            colSegFirst[jp] = first;
            for (int q = 0; q < NR && j0 + q < J; q++) {
                int j = j0 + q;
                if (q == 0 || colX[j] != colX[j - 1] + 1 || q - colSegLane[count - 1] == L) {
                    colSegSrc[count] = colX[j];
                    colSegLane[count++] = q;
                }
            }
            colSegmented[jp] = count - first <= NR / 4;
        }
        colSegFirst[JP] = count;
    }

    /**
     * Per kernel index i = (c, kh, kw) ∈ [0, J): its offset from a window origin in the NCHW padded
     * input, rowC[i] (padded to whole panels with 0), and the panel runs.
     */
    void kernelTables(ConvGeometry g, int J) {
        int Jp = (J + Gemm.NR - 1) / Gemm.NR * Gemm.NR, KHW = g.KH * g.KW;
        int Wp = g.W + g.PL + g.PR, HWp = (g.H + g.PT + g.PB) * Wp;
        rowC = grow(rowC, Jp);
        for (int j = 0; j < Jp; j++) {
            if (j >= J) { rowC[j] = 0; continue; }
            rowC[j] = (j / KHW) * HWp + ((j % KHW) / g.KW) * Wp + j % g.KW;
        }
        markRuns(J);
    }

    /**
     * Per kernel index j = (kh, kw, c) ∈ [0, J), c fastest: its offset from a window origin in the
     * channels-last padded input, rowC[j] (padded to whole panels with 0), and the panel runs.
     */
    void kernelTablesChannelsLast(ConvGeometry g, int J) {
        int Jp = (J + Gemm.NR - 1) / Gemm.NR * Gemm.NR, C = g.C;
        int Wp = g.W + g.PL + g.PR;
        rowC = grow(rowC, Jp);
        for (int j = 0; j < Jp; j++) {
            if (j >= J) { rowC[j] = 0; continue; }
            int t = j / C, c = j % C;              // j = (kh·KW + kw)·C + c
            rowC[j] = ((t / g.KW) * Wp + t % g.KW) * C + c;
        }
        markRuns(J);
    }

    /**
     * rowRun[jp] for the panels of the J indices in rowC (a panel holding padding is never a run), and the
     * segments of every panel: runs of consecutive offsets, cut at L columns; a panel is segmented when its
     * real columns form at most NR/2 of them (the padding columns past J are never stored and join no run).
     */
    private void markRuns(int J) {
        final int L = Gemm.L, NR = Gemm.NR, JP = (J + NR - 1) / NR;
        if (rowRun.length < JP) rowRun = new boolean[JP];
        segFirst = grow(segFirst, JP + 1);
        segOff = grow(segOff, JP * NR);
        segLane = grow(segLane, JP * NR);
        if (segmented.length < JP) segmented = new boolean[JP];
        int count = 0;
        for (int jp = 0; jp < JP; jp++) {
            int j0 = jp * NR, first = count;
            boolean run = j0 + NR <= J;
            for (int q = 1; run && q < NR; q++) run = rowC[j0 + q] == rowC[j0] + q;
            rowRun[jp] = run;
            segFirst[jp] = first;
            for (int q = 0; q < NR && j0 + q < J; q++) {
                int j = j0 + q;
                // a new segment at lane q: the first column, a break in the offsets, or L columns since the last start
                if (q == 0 || rowC[j] != rowC[j - 1] + 1 || q - segLane[count - 1] == L) {
                    segOff[count] = rowC[j];
                    segLane[count++] = q;
                }
            }
            segmented[jp] = count - first <= NR / 2;
        }
        segFirst[JP] = count;
    }
}
