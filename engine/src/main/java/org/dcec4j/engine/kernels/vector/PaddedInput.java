package org.dcec4j.engine.kernels.vector;

import java.util.Arrays;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * The input of a convolution with its zero padding made explicit, so that the packers read windows
 * without bounds checks: NCHW {@code xPad[n, c, PT + h, PL + w] = x[n, c, h, w]} ([N, C, Hp, Wp]), or
 * channels-last {@code xPad[n, PT + h, PL + w, c]} ([N, Hp, Wp, C], for backward-weight with many
 * channels), zero elsewhere; Hp = H + PT + PB, Wp = W + PL + PR. Built in parallel over images.
 */
final class PaddedInput {
    private PaddedInput() {}

    /** Fills {@code r.xPad} from x and returns it. */
    static float[] pad(Resources r, float[] x, ConvGeometry g, boolean channelsLast) {
        int Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR;
        // L floats of slack at the end: a segment load of backward-weight may start up to L − 1 floats before
        // the last window's end (its lanes past the window are never used)
        float[] xPad = r.xPad = Workspace.grow(r.xPad, g.N * g.C * Hp * Wp + Gemm.L);
        r.pool.run(new Job(xPad, x, g, channelsLast), (g.N + Tuning.PAD_IMAGES - 1) / Tuning.PAD_IMAGES);
        return xPad;
    }

    /** Images [chunk·PAD_IMAGES, …) of the padded copy. xPad written, x read. */
    private record Job(float[] xPad, float[] x, ConvGeometry g, boolean channelsLast) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            int n0 = chunk * Tuning.PAD_IMAGES, n1 = Math.min(g.N, n0 + Tuning.PAD_IMAGES);
            for (int n = n0; n < n1; n++) {
                if (channelsLast) channelsLast(n);
                else nchw(n);
            }
        }

        private void nchw(int n) {
            final int C = g.C, H = g.H, W = g.W, PT = g.PT, PL = g.PL, Hp = H + PT + g.PB, Wp = W + PL + g.PR;
            for (int c = 0; c < C; c++) {
                int src = (n * C + c) * H * W, dst = (n * C + c) * Hp * Wp;
                for (int hp = 0; hp < Hp; hp++, dst += Wp) {
                    int h = hp - PT;
                    if (h < 0 || h >= H) { Arrays.fill(xPad, dst, dst + Wp, 0f); continue; }
                    Arrays.fill(xPad, dst, dst + PL, 0f);
                    System.arraycopy(x, src + h * W, xPad, dst + PL, W);
                    Arrays.fill(xPad, dst + PL + W, dst + Wp, 0f);
                }
            }
        }

        private void channelsLast(int n) {
            final int C = g.C, H = g.H, W = g.W, Hp = H + g.PT + g.PB, Wp = W + g.PL + g.PR, HW = H * W;
            int img = n * Hp * Wp * C;
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
}
