package org.dcec4j.engine.kernels.vector;

import java.util.Arrays;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * The input of a convolution with its zero padding made explicit, so that the packers read windows
 * without bounds checks, in one of three layouts ({@link Layout}); Hp = H + PT + PB, Wp = W + PL + PR.
 * Built in parallel over images, with L floats of slack after the end (vector loads of a run may reach
 * up to L − 1 floats past a window; those lanes are never used).
 */
final class PaddedInput {
    private PaddedInput() {}

    /** Where xPad[n, c, hp, wp] (padded coordinates) is stored. */
    enum Layout {
        /** [N, C, Hp, Wp]. */
        NCHW,
        /** [N, Hp, Wp, C]: backward-weight with many channels (a panel row is NR consecutive channels). */
        CHANNELS_LAST,
        /**
         * [N, C, Hp, SW, Wq], Wq = ⌈Wp / SW⌉: each padded row split into its SW column phases, wp = SW·wq + phase.
         * The window origins of consecutive output pixels ow of a row are then consecutive floats (the
         * forward's B panel rows are runs, not strided gathers). With SW = 1 it is NCHW.
         */
        COLUMN_PHASES
    }

    /** Floats of one padded image in {@code layout}. */
    static int imageSize(ConvGeometry g, Layout layout) {
        int Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR;
        return layout == Layout.COLUMN_PHASES ? g.C * Hp * g.SW * ((Wp + g.SW - 1) / g.SW) : g.C * Hp * Wp;
    }

    /** Fills {@code r.xPad} from x and returns it. */
    static float[] pad(Resources r, float[] x, ConvGeometry g, Layout layout) {
        float[] xPad = r.xPad = Workspace.grow(r.xPad, g.N * imageSize(g, layout) + Gemm.L);
        r.pool.run(new Job(xPad, x, g, layout), (g.N + Tuning.PAD_IMAGES - 1) / Tuning.PAD_IMAGES);
        return xPad;
    }

    /**
     * Images [n0, n0 + count) of x padded into the worker's own buffer {@code s.xPad}, image n at position n − n0
     * (plus L floats of slack), and returns it: the forward and backward-weight pad a few images right before packing
     * from them, so the padded images are still in the core's cache when they are read (and never go out to memory
     * and back). Allocates nothing once the buffer is large enough.
     */
    static float[] chunk(Workspace s, float[] x, ConvGeometry g, Layout layout, int n0, int count) {
        float[] xPad = s.xPad = Workspace.grow(s.xPad, count * imageSize(g, layout) + Gemm.L);
        for (int i = 0; i < count; i++) image(xPad, x, g, layout, n0 + i, i);
        return xPad;
    }

    /** Images [chunk·PAD_IMAGES, …) of the padded copy. xPad written, x read. */
    private record Job(float[] xPad, float[] x, ConvGeometry g, Layout layout) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int n0 = chunk * Tuning.PAD_IMAGES, n1 = Math.min(g.N, n0 + Tuning.PAD_IMAGES);
            for (int n = n0; n < n1; n++) image(xPad, x, g, layout, n, n);
        }
    }

    /** Image n of x into image slot {@code at} of xPad. xPad written, x read. */
    private static void image(float[] xPad, float[] x, ConvGeometry g, Layout layout, int n, int at) {
        switch (layout) {
            case CHANNELS_LAST -> channelsLast(xPad, x, g, n, at);
            case COLUMN_PHASES -> { if (g.SW == 1) nchw(xPad, x, g, n, at); else columnPhases(xPad, x, g, n, at); }
            default -> nchw(xPad, x, g, n, at);
        }
    }

    private static void columnPhases(float[] xPad, float[] x, ConvGeometry g, int n, int at) {
        final int C = g.C, H = g.H, W = g.W, PT = g.PT, PL = g.PL, SW = g.SW;
        final int Hp = H + PT + g.PB, Wp = W + PL + g.PR, Wq = (Wp + SW - 1) / SW, row = SW * Wq;
        int img = at * C * Hp * row;
        Arrays.fill(xPad, img, img + C * Hp * row, 0f);
        // x[.., h, w] goes to phase (w + PL) mod SW, position (w + PL) div SW: one strided pass per phase and row,
        // phases outermost so that a phase's first column and position are computed once per image, not per row
        for (int phase = 0; phase < SW; phase++) {
            final int w0 = Math.floorMod(phase - PL, SW), q0 = phase * Wq + (w0 + PL) / SW;
            for (int c = 0; c < C; c++) {
                final int src = (n * C + c) * H * W;
                for (int h = 0; h < H; h++) {
                    int d = img + (c * Hp + h + PT) * row + q0;
                    final int from = src + h * W;
                    for (int w = w0; w < W; w += SW) xPad[d++] = x[from + w];
                }
            }
        }
    }

    private static void nchw(float[] xPad, float[] x, ConvGeometry g, int n, int at) {
        final int C = g.C, H = g.H, W = g.W, PT = g.PT, PL = g.PL, Hp = H + PT + g.PB, Wp = W + PL + g.PR;
        for (int c = 0; c < C; c++) {
            int src = (n * C + c) * H * W, dst = (at * C + c) * Hp * Wp;
            for (int hp = 0; hp < Hp; hp++, dst += Wp) {
                int h = hp - PT;
                if (h < 0 || h >= H) { Arrays.fill(xPad, dst, dst + Wp, 0f); continue; }
                Arrays.fill(xPad, dst, dst + PL, 0f);
                System.arraycopy(x, src + h * W, xPad, dst + PL, W);
                Arrays.fill(xPad, dst + PL + W, dst + Wp, 0f);
            }
        }
    }

    private static void channelsLast(float[] xPad, float[] x, ConvGeometry g, int n, int at) {
        final int C = g.C, H = g.H, W = g.W, Hp = H + g.PT + g.PB, Wp = W + g.PL + g.PR, HW = H * W;
        int img = at * Hp * Wp * C;
        Arrays.fill(xPad, img, img + Hp * Wp * C, 0f);
        for (int c = 0; c < C; c++) {
            int src = (n * C + c) * HW;
            for (int h = 0; h < H; h++) {
                int dst = img + ((h + g.PT) * Wp + g.PL) * C + c;
                for (int w = 0; w < W; w++, dst += C) xPad[dst] = x[src + h * W + w];
            }
        }
    }
}
