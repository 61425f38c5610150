package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * One worker's scratch, grown on demand and reused across calls (a call allocates no array once the
 * workspaces are large enough): packed panels, product buffers, and the index tables that map product
 * rows and columns to positions in the padded input.
 */
final class Workspace {
    /** Packed A panels, packed B panels, a backward-input dcol block, a forward [K, J] tile buffer, a pixel-major [H·W, C] image. */
    float[] ap = new float[0], bp = new float[0], dcol = new float[0], ybuf = new float[0], pix = new float[0];
    /** The padded input of the images of one forward chunk or one backward-weight image group (PaddedInput.chunk). */
    float[] xPad = new float[0];
    /** The bias gradient's 16 lanes and tail per channel (Pointwise.SpatialBias). */
    float[] biasLanes = new float[0];
    /** One micro-tile (edge tiles and starting values go through it). */
    final float[] tile = new float[Gemm.MR * Gemm.NR];
    /** Per product column: where its window starts in the padded input (colX) or its offset in dy (colOff). */
    int[] colX = new int[0], colOff = new int[0];
    /** Per kernel index (c, kh, kw) or (kh, kw, c): its offset from a window origin in the padded input. */
    int[] rowC = new int[0];
    /** Where each pixel of a channel plane goes in a padded image ({@link PaddedInput#destinations}), for padKey in padLayout. */
    int[] padTo = new int[0];
    /** What padTo was computed for: the layout and the geometry's C, H, W, PT, PL, PR, SW (no table yet: layout null). */
    private PaddedInput.Layout padLayout;
    private final int[] padKey = new int[7];
    /**
     * The images of one forward chunk with the batch in the lanes ({@link ImageLanes}), [C, Hp, Wp, L], and per input
     * position (c, h, w) its vector there (lanesTo); the padding is zero for the geometry in lanesKey (C, H, W, PT, PB,
     * PL, PR; C = 0: none yet), whose chunks write the other positions only.
     */
    float[] xLanes = new float[0];
    int[] lanesTo = new int[0];
    private final int[] lanesKey = new int[7];
    /** One L × L block of the lanes' transpositions ({@link ImageLanes#in}). */
    final float[] block = new float[Gemm.L * Gemm.L];
    /** Runs of consecutive offsets in the kernel-index panels (backward-weight's B rows) and in the forward's pixel panels. */
    final PanelRuns kernelRuns = new PanelRuns(), pixelRuns = new PanelRuns();

    /**
     * The runs of consecutive offsets inside each NR-wide panel of an offset table: panel jp has the runs
     * [first[jp], first[jp + 1]); run t starts at lane lane[t] and holds at most L columns, column lane[t] + i
     * at offset off[t] + i (a panel of NR consecutive offsets is two runs, at lanes 0 and L). A panel is built from
     * its runs ({@code use[jp]}, {@link #copyRows}) when it has at most maxRuns of them (never more than
     * {@link #MAX_RUNS}), else one float at a time by its packer; the padding columns past J are never stored and
     * join no run.
     *
     * <p>Never with a gather ({@code FloatVector.fromArray} with an index map): on JDK 17, C2 turns that call into a
     * gather instruction only when it also inlines {@code IntVector.species}, which it declines when the call site
     * looks cold at compile time; that JVM then runs every gather as plain Java that allocates its index and value
     * arrays, for the rest of its life (docs/design-notes.md#no-gathers).
     */
    static final class PanelRuns {
        /** The most runs a panel copied run by run may have: {@link #copyRows} keeps their offsets and lanes in locals. */
        static final int MAX_RUNS = 8;

        int[] first = new int[0], off = new int[0], lane = new int[0];
        boolean[] use = new boolean[0];

        void cut(int[] offsets, int J, int maxRuns) {
            final int NR = Gemm.NR, L = Gemm.L, JP = (J + NR - 1) / NR;
            first = grow(first, JP + 1);
            off = grow(off, JP * NR);
            lane = grow(lane, JP * NR);
            if (use.length < JP) use = new boolean[JP];
            int count = 0;
            for (int jp = 0; jp < JP; jp++) {
                final int j0 = jp * NR, start = count;
                first[jp] = start;
                for (int q = 0; q < NR && j0 + q < J; q++) {
                    int j = j0 + q;
                    // a new run at lane q: the first column, a break in the offsets, or L columns since the last start
                    if (q == 0 || offsets[j] != offsets[j - 1] + 1 || q - lane[count - 1] == L) {
                        off[count] = offsets[j];
                        lane[count++] = q;
                    }
                }
                use[jp] = count - start <= Math.min(maxRuns, MAX_RUNS);
            }
            first[JP] = count;
        }

        /**
         * Rows l ∈ [0, kc) of panel jp (one with {@code use[jp]}) built from its runs: for each run t, in lane order,
         * the L floats x[base[b0 + l] + off[t] …] stored at dst[l·NR + lane[t] …]. A store's lanes past its own run
         * are overwritten by the next run's store; the last run's spill lands in the next row, written after it, or
         * in the L floats of slack past the kc rows. Both im2col packers use it: the forward's pixel panels (base:
         * the kernel-index offsets, the runs: window origins) and backward-weight's kernel-index panels (base: the
         * window origins, the runs: kernel-index offsets). The runs' offsets and lanes are loaded once into locals
         * and each row is one straight-line copy: 7–9 % off conv2's forward against a loop over the runs that read
         * them from their arrays in every row, 9–19 % off conv1's and deconv1's backward-weight against a packer of
         * their own (docs/design-notes.md#runs-in-locals). dst written.
         */
        void copyRows(float[] dst, float[] x, int[] base, int b0, int kc, int jp) {
            final int NR = Gemm.NR, t0 = first[jp], n = first[jp + 1] - t0;
            final int s0 = off[t0], q0 = lane[t0];
            final int s1 = n > 1 ? off[t0 + 1] : 0, q1 = n > 1 ? lane[t0 + 1] : 0;
            final int s2 = n > 2 ? off[t0 + 2] : 0, q2 = n > 2 ? lane[t0 + 2] : 0;
            final int s3 = n > 3 ? off[t0 + 3] : 0, q3 = n > 3 ? lane[t0 + 3] : 0;
            final int s4 = n > 4 ? off[t0 + 4] : 0, q4 = n > 4 ? lane[t0 + 4] : 0;
            final int s5 = n > 5 ? off[t0 + 5] : 0, q5 = n > 5 ? lane[t0 + 5] : 0;
            final int s6 = n > 6 ? off[t0 + 6] : 0, q6 = n > 6 ? lane[t0 + 6] : 0;
            final int s7 = n > 7 ? off[t0 + 7] : 0, q7 = n > 7 ? lane[t0 + 7] : 0;
            for (int l = 0; l < kc; l++) {
                final int o = base[b0 + l], d = l * NR;
                FloatVector.fromArray(Gemm.S, x, s0 + o).intoArray(dst, d + q0);
                if (n > 1) FloatVector.fromArray(Gemm.S, x, s1 + o).intoArray(dst, d + q1);
                if (n > 2) FloatVector.fromArray(Gemm.S, x, s2 + o).intoArray(dst, d + q2);
                if (n > 3) FloatVector.fromArray(Gemm.S, x, s3 + o).intoArray(dst, d + q3);
                if (n > 4) FloatVector.fromArray(Gemm.S, x, s4 + o).intoArray(dst, d + q4);
                if (n > 5) FloatVector.fromArray(Gemm.S, x, s5 + o).intoArray(dst, d + q5);
                if (n > 6) FloatVector.fromArray(Gemm.S, x, s6 + o).intoArray(dst, d + q6);
                if (n > 7) FloatVector.fromArray(Gemm.S, x, s7 + o).intoArray(dst, d + q7);
            }
        }
    }

    /** Makes {@link #padTo} the table of g in layout (recomputed only when either changes). */
    void padTable(ConvGeometry g, PaddedInput.Layout layout) {
        final int[] k = padKey;
        if (layout == padLayout && k[0] == g.C && k[1] == g.H && k[2] == g.W && k[3] == g.PT && k[4] == g.PL && k[5] == g.PR
                && k[6] == g.SW) return;
        padTo = grow(padTo, g.H * g.W);
        PaddedInput.destinations(padTo, g, layout);
        padLayout = layout;
        k[0] = g.C; k[1] = g.H; k[2] = g.W; k[3] = g.PT; k[4] = g.PL; k[5] = g.PR; k[6] = g.SW;
    }

    /**
     * The forward with the batch in the lanes ({@code ConvForward.Lanes}): rowC[i] for the kernel indices i = (c, kh, kw)
     * ∈ [0, CKK), the offset of xLanes[c, hp + kh, wp + kw] from the window origin (hp, wp), in floats; and xLanes with
     * its padding zeroed and lanesTo, both remade only when the geometry changes.
     */
    void lanesTables(ConvGeometry g, int CKK) {
        final int L = Gemm.L, Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR, KHW = g.KH * g.KW;
        rowC = grow(rowC, CKK);
        for (int i = 0; i < CKK; i++) rowC[i] = ((i / KHW * Hp + (i % KHW) / g.KW) * Wp + i % g.KW) * L;
        final int[] k = lanesKey;
        if (k[0] == g.C && k[1] == g.H && k[2] == g.W && k[3] == g.PT && k[4] == g.PB && k[5] == g.PL && k[6] == g.PR) return;
        final int size = g.C * Hp * Wp * L;
        if (xLanes.length < size) xLanes = new float[size];
        else java.util.Arrays.fill(xLanes, 0, size, 0f);
        lanesTo = grow(lanesTo, g.C * g.H * g.W);
        for (int c = 0, i = 0; c < g.C; c++)
            for (int h = 0; h < g.H; h++)
                for (int w = 0; w < g.W; w++) lanesTo[i++] = ((c * Hp + h + g.PT) * Wp + w + g.PL) * L;
        k[0] = g.C; k[1] = g.H; k[2] = g.W; k[3] = g.PT; k[4] = g.PB; k[5] = g.PL; k[6] = g.PR;
    }

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
     * rowC[i]; and the runs of consecutive origins in every column panel ({@link #pixelRuns}). A
     * panel is built from its runs when there are at most NR/4 of them (conv1 at 512 bits: 3 per panel, conv2:
     * 5 or 6; conv3's 3-pixel rows make 11, and are copied one float at a time).
     */
    void forwardTables(ConvGeometry g, int n0, int J, int CKK, boolean phases) {
        final int NR = Gemm.NR, L = Gemm.L, P = g.OH * g.OW, ps = phases ? g.SW : 1;
        final int Hp = g.H + g.PT + g.PB, Wq = (g.W + g.PL + g.PR + ps - 1) / ps, row = ps * Wq, img = g.C * Hp * row;
        final int Jp = (J + NR - 1) / NR * NR;
        colX = grow(colX, Jp);
        // (n, oh, ow) stepped along the columns; with phases the origin wp = SW·ow is position ow of phase 0
        final int owStep = phases ? 1 : g.SW, ohStep = g.SH * row;
        for (int j = 0, n = n0, oh = 0, ow = 0; j < J; j++) {
            colX[j] = n * img + oh * ohStep + ow * owStep;
            if (++ow == g.OW) { ow = 0; if (++oh == g.OH) { oh = 0; n++; } }
        }
        java.util.Arrays.fill(colX, J, Jp, 0);
        windowOffsets(g, CKK, phases);
        pixelRuns.cut(colX, J, NR / 4);
    }

    /**
     * rowC[i] for the kernel indices i = (c, kh, kw) ∈ [0, CKK): the offset of xPad[c, hp + kh, wp + kw] from a window
     * origin (hp, wp) in the padded input, NCHW or, with {@code phases}, in column phases (an origin wp = SW·ow is
     * position ow of phase 0, and kw moves to phase kw mod SW, position ow + kw div SW). rowC written.
     */
    void windowOffsets(ConvGeometry g, int CKK, boolean phases) {
        final int ps = phases ? g.SW : 1, Hp = g.H + g.PT + g.PB, Wq = (g.W + g.PL + g.PR + ps - 1) / ps, row = ps * Wq;
        final int KHW = g.KH * g.KW;
        rowC = grow(rowC, CKK);
        for (int i = 0; i < CKK; i++) {
            int c = i / KHW, kh = (i % KHW) / g.KW, kw = i % g.KW;
            rowC[i] = (c * Hp + kh) * row + (kw % ps) * Wq + kw / ps;
        }
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
        kernelRuns.cut(rowC, J, Gemm.NR / 2);       // used when a panel has at most NR/2 runs
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
        kernelRuns.cut(rowC, J, Gemm.NR / 2);       // used when a panel has at most NR/2 runs
    }
}
