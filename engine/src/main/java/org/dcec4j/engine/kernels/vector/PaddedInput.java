package org.dcec4j.engine.kernels.vector;

import java.util.Arrays;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * The input of a convolution with its zero padding made explicit, so that the packers read windows
 * without bounds checks, in one of three layouts ({@link Layout}); Hp = H + PT + PB, Wp = W + PL + PR.
 * Built image by image (in parallel over images, or a chunk's few images by one worker), with L floats of slack
 * after the end (vector loads of a run may reach up to L − 1 floats past a window; those lanes are never used).
 * Each image slot is zeroed where the pixels leave gaps (padding, or column phases of unequal length), then written
 * pixel by pixel through a table of destinations shared by all its channels ({@link #destinations}): one flat loop
 * per eight channel planes (then per plane for the rest).
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
         * forward's B panel rows are runs, not scattered columns). With SW = 1 it is NCHW.
         */
        COLUMN_PHASES
    }

    /** Whether the convolution has no zero padding: then an NCHW "padded" image is x's image itself. */
    static boolean unpadded(ConvGeometry g) {
        return g.PT == 0 && g.PB == 0 && g.PL == 0 && g.PR == 0;
    }

    /** Floats of one padded image in {@code layout}. */
    static int imageSize(ConvGeometry g, Layout layout) {
        int Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR;
        return layout == Layout.COLUMN_PHASES ? g.C * Hp * g.SW * ((Wp + g.SW - 1) / g.SW) : g.C * Hp * Wp;
    }

    /** Fills {@code r.xPad} from x and returns it. */
    static float[] pad(Resources r, float[] x, ConvGeometry g, Layout layout) {
        float[] xPad = r.xPad = Workspace.grow(r.xPad, g.N * imageSize(g, layout) + Gemm.L);
        for (Workspace s : r.ws) s.padTable(g, layout);
        r.pool.run(new Job(xPad, x, g, layout, r.ws), (g.N + Tuning.PAD_IMAGES - 1) / Tuning.PAD_IMAGES);
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
        s.padTable(g, layout);
        for (int i = 0; i < count; i++) image(xPad, x, g, layout, s.padTo, n0 + i, i);
        return xPad;
    }

    /** Images [chunk·PAD_IMAGES, …) of the padded copy. xPad written, x read. */
    private record Job(float[] xPad, float[] x, ConvGeometry g, Layout layout, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int n0 = chunk * Tuning.PAD_IMAGES, n1 = Math.min(g.N, n0 + Tuning.PAD_IMAGES);
            for (int n = n0; n < n1; n++) image(xPad, x, g, layout, ws[worker].padTo, n, n);
        }
    }

    /**
     * Where pixel i = h·W + w of a channel plane goes in a padded image of {@code layout}, relative to its channel's
     * start: to[i] (the channel's start is c·Hp·Wp in NCHW, c·Hp·SW·Wq in column phases, c in channels-last). One
     * table serves every channel and image, so the copy is one flat loop per channel instead of a short loop per row
     * (or per row and phase). to written (H·W entries).
     */
    static void destinations(int[] to, ConvGeometry g, Layout layout) {
        final int H = g.H, W = g.W, PT = g.PT, PL = g.PL, Wp = W + PL + g.PR, C = g.C;
        final int SW = layout == Layout.COLUMN_PHASES ? g.SW : 1, Wq = (Wp + SW - 1) / SW, row = SW * Wq;
        for (int h = 0, i = 0; h < H; h++)
            for (int w = 0; w < W; w++, i++) {
                int hp = h + PT, wp = w + PL;
                to[i] = switch (layout) {
                    case NCHW -> hp * Wp + wp;
                    case CHANNELS_LAST -> (hp * Wp + wp) * C;
                    // wp = SW·q + phase is position q of phase `phase`
                    case COLUMN_PHASES -> hp * row + (wp % SW) * Wq + wp / SW;
                };
            }
    }

    /**
     * Image n of x into image slot {@code at} of xPad: the slot zeroed (unless the pixels fill it: no padding, and in
     * column phases W a multiple of SW), then every pixel copied to its place ({@link #destinations}). xPad written,
     * x read.
     */
    private static void image(float[] xPad, float[] x, ConvGeometry g, Layout layout, int[] to, int n, int at) {
        final int C = g.C, HW = g.H * g.W, size = imageSize(g, layout), img = at * size;
        final int plane = layout == Layout.CHANNELS_LAST ? 1 : size / C;     // from one channel's start to the next
        if (size != C * HW) Arrays.fill(xPad, img, img + size, 0f);   // slots no pixel reaches must be zero
        int c = 0;
        // eight channel planes per pass over the pixels: one table lookup per pixel for all eight, and in channels-last
        // (a transposition [C, H·W] → [H·W, C]) one run of eight neighbouring stores instead of eight stores C apart
        final int p1 = plane, p2 = 2 * plane, p3 = 3 * plane, p4 = 4 * plane, p5 = 5 * plane, p6 = 6 * plane, p7 = 7 * plane;
        for (; c + 8 <= C; c += 8) {
            final int s0 = (n * C + c) * HW, s1 = s0 + HW, s2 = s1 + HW, s3 = s2 + HW;
            final int s4 = s3 + HW, s5 = s4 + HW, s6 = s5 + HW, s7 = s6 + HW, dst = img + c * plane;
            for (int i = 0; i < HW; i++) {
                final int d = dst + to[i];
                xPad[d] = x[s0 + i];      xPad[d + p1] = x[s1 + i]; xPad[d + p2] = x[s2 + i]; xPad[d + p3] = x[s3 + i];
                xPad[d + p4] = x[s4 + i]; xPad[d + p5] = x[s5 + i]; xPad[d + p6] = x[s6 + i]; xPad[d + p7] = x[s7 + i];
            }
        }
        for (; c < C; c++) {
            final int src = (n * C + c) * HW, dst = img + c * plane;
            for (int i = 0; i < HW; i++) xPad[dst + to[i]] = x[src + i];
        }
    }
}
