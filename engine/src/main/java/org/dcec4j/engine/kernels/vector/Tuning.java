package org.dcec4j.engine.kernels.vector;

import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * Every tunable of the vector kernels, in one place. None of them changes a result: the arithmetic is
 * fixed by {@link org.dcec4j.engine.kernels.ReductionOrder} (each output is one chain of fused
 * multiply-adds carried across cache blocks, and every split of a reduction depends on the problem size
 * only). They only move work between caches, threads and code paths. The measurements behind each value
 * are in docs/design-notes.md.
 *
 * <p>Math: docs/kernels.md#tunables
 */
final class Tuning {
    private Tuning() {}

    /** Reduction block of the packed products: a KC×NR B micro-panel (32 KiB at 512 bits) stays in L1. */
    static final int KC = 256;

    /**
     * Target product columns (images × OH·OW) per forward chunk, before {@link #imagesPerChunk(int, int, int, int)}
     * rounds the images so that the columns fill whole B micro-panels.
     */
    static final int FORWARD_COLS = 256;

    /**
     * Target output pixels (images × OH·OW) per chunk of the direct forward: 28×28 conv1 8 images. Its chunks have no
     * panel to fill, and with 2 images (the packed forward's 256 columns) the chunks' fixed costs showed: conv1
     * forward on 2 threads 0.70 → 0.56–0.62 ms with 8, the same on 1 thread (docs/benchmarks.md#direct-forward).
     */
    static final int DIRECT_FORWARD_COLS = 1536;

    /**
     * Target product columns per backward-input chunk. 256 (conv2: 6 images, dcol 940 KiB) beat 128 and 64
     * by 5 %: the col2im gather reads dcol once, and more columns amortise streaming Wᵀ from L2. The pixel-major
     * form rounds its images to whole MR-row panels (conv2 at 512 bits: 8 images, a 1.25 MiB dcolᵀ); computing it in
     * strips of one image, gathered while still in L2, gained nothing measurable (docs/design-notes.md#dcol-strips).
     */
    static final int BACKWARD_INPUT_COLS = 256;

    /** Images per chunk of the padded copy of a convolution input. */
    static final int PAD_IMAGES = 16;

    /** Elements per chunk of the weight-gradient range reduction. */
    static final int REDUCE_CHUNK = 1 << 13;

    /** Elements per Adam chunk. */
    static final int ADAM_CHUNK = 1 << 14;

    /** Elements per ReLU chunk. */
    static final int RELU_CHUNK = 1 << 15;

    /**
     * Backward-input (and transposed forward) runs pixel-major — dcolᵀ = dYᵀ·W with (kh, kw, c) columns, so
     * col2im adds whole vectors of channels — when there are at least as many channels as lanes; below
     * that, channel-major with a per-element gather.
     */
    static boolean pixelMajorBackwardInput(int C) { return C >= Gemm.L; }

    /**
     * Backward-weight reads a channels-last copy of the input (a B micro-panel row is NR consecutive
     * channels of one pixel: two plain vector loads instead of two gathers) when C ≥ NR.
     */
    static boolean channelsLastBackwardWeight(int C) { return C >= Gemm.NR; }

    /**
     * Backward-weight reads dY where it lies ({@link Gemm#microDirectA}) instead of packing it when the kernel
     * columns fill at most this many B micro-panels: packed dY is used once per panel, so for conv1/deconv1
     * (C·KH·KW = 25, one panel at 512 bits) packing it cost more than the product.
     */
    static boolean directOutputRowsBackwardWeight(int columnPanels) { return columnPanels <= 4; }

    /**
     * The forward reads a column-phase copy of its input ({@link PaddedInput.Layout#COLUMN_PHASES}) when the
     * stride is above 1 and an output row fills at least a fifth of a B panel (conv1, conv2 at every width; conv3
     * at 128 bits only): its panel rows are then a few runs of consecutive floats. With 3-pixel rows (conv3) a panel
     * has 11 runs at 512 bits; it gathers from the plain NCHW copy, which is also cheaper to make.
     */
    static boolean columnPhasesForward(ConvGeometry g) { return g.SW > 1 && 5 * g.OW >= Gemm.NR; }

    /**
     * The forward runs in its direct form ({@code ConvForward.Direct}: vector loads straight from the column-phase
     * input, no im2col panel, no tile buffer) when the kernel has at most this many indices C·KH·KW: conv1 and
     * deconv1's backward-input (25), where packing the panels and copying the tile buffer took more time than the
     * 25-term product.
     */
    static final int DIRECT_FORWARD_MAX_TERMS = 32;

    /**
     * Direct forward: few kernel indices, and an output row fills at least three quarters of the lanes of the
     * vectors it is cut into (28×28 conv1: 14 of 16 at every width; 16×16 conv1 at 512 bits: 8 of 16, packed).
     */
    static boolean directForward(ConvGeometry g) {
        int segments = (g.OW + Gemm.L - 1) / Gemm.L;
        return g.C * g.KH * g.KW <= DIRECT_FORWARD_MAX_TERMS && 4 * g.OW >= 3 * segments * Gemm.L;
    }

    /**
     * The most floats of one chunk's lane copy of its padded input, C·Hp·Wp·L ({@link ImageLanes}): 1 MiB, so that it
     * stays in a core's L2 cache between its copy and its product (28×28 conv2 at 512 bits: 578 KiB).
     */
    static final int LANES_FORWARD_MAX_FLOATS = 1 << 18;

    /**
     * The forward runs with the batch in the lanes ({@code ConvForward.Lanes}) for products too long for the direct
     * form, when the batch fills at least one vector of images and the lane copy of L padded images fits
     * {@link #LANES_FORWARD_MAX_FLOATS}: conv2 and conv3 at 28×28 and 16×16, and the transposed layers'
     * backward-input of the same shapes.
     */
    static boolean lanesForward(ConvGeometry g) {
        long lanesCopy = (long) g.C * (g.H + g.PT + g.PB) * (g.W + g.PL + g.PR) * Gemm.L;
        return g.C * g.KH * g.KW > DIRECT_FORWARD_MAX_TERMS && g.N >= Gemm.L && lanesCopy <= LANES_FORWARD_MAX_FLOATS;
    }

    /**
     * The least FMAs per lane that an input pixel's sum of the adjoint must have on average, K × (taps reaching it), for
     * the lanes form to run: its copies into and out of the lanes and its pixel-sum buffer cost a fixed amount per input
     * element, which the pixel-major product does not pay. Same-JVM alternating timings of the transposed forward, one
     * thread, 512 bits (docs/design-notes.md#lanes-backward-input): conv2's adjoint (K = 64 × 5.2 or 4.5 taps per pixel
     * at 28×28 or 16×16: 334, 289) 15–16 % faster in the lanes; conv3's at 28×28 (128 × 1.65 = 212) 4–12 % slower, at
     * 16×16 (128 × 1.56 = 200) 15 % faster. The bound keeps conv3's adjoint pixel-major at both sizes: no loss at 28×28,
     * the reproduction's size, for 0.15 ms given up at 16×16.
     */
    static final int LANES_BACKWARD_INPUT_MIN_TERMS = 256;

    /**
     * The backward-input (and the transposed forward) runs with the batch in the lanes ({@code ConvBackwardInput.Lanes})
     * when the chains over k are too long for the direct form, the input has at least one tile's worth of channels, the
     * batch fills at least one vector of images, an input pixel's sum has on average at least
     * {@link #LANES_BACKWARD_INPUT_MIN_TERMS} FMAs, and the chunk's two lane buffers, dy [K, P, L] and the sums [C, H, W, L],
     * fit {@link #LANES_FORWARD_MAX_FLOATS} together (28×28 conv2's: 588 KiB at 512 bits): conv2's backward-input and
     * deconv2's forward, at 28×28 and 16×16 (not conv3's: 212 and 200 FMAs per pixel).
     */
    static boolean lanesBackwardInput(ConvGeometry g) {
        long buffers = ((long) g.K * g.OH * g.OW + (long) g.C * g.H * g.W) * Gemm.L;
        // the taps reaching pixel (h, w) are the valid kh of row h times the valid kw of column w
        long terms = (long) reaching(g.H, g.PT, g.SH, g.KH, g.OH) * reaching(g.W, g.PL, g.SW, g.KW, g.OW);
        return g.K > DIRECT_FORWARD_MAX_TERMS && g.C >= ConvForward.CH && g.N >= Gemm.L && buffers <= LANES_FORWARD_MAX_FLOATS
               && g.K * terms >= (long) LANES_BACKWARD_INPUT_MIN_TERMS * g.H * g.W;
    }

    /**
     * Along one axis (input size X, padding before it pad, stride S, kernel size KS, output size O): the pairs (x, k)
     * of an input position and a kernel index that reaches it, x = o·S + k − pad with o in [0, O).
     */
    private static int reaching(int X, int pad, int S, int KS, int O) {
        int n = 0;
        for (int o = 0; o < O; o++)
            for (int k = 0; k < KS; k++) {
                final long x = (long) o * S + k - pad;
                if (x >= 0 && x < X) n++;
            }
        return n;
    }

    /** The reduction block: KC, or less so that the ⌈total/KC⌉ blocks are equal (no short last block). */
    static int balancedKc(int total) {
        int blocks = (total + KC - 1) / KC;
        return (total + blocks - 1) / blocks;
    }

    /** Images per chunk so that a chunk has about {@code targetCols} product columns of P each. */
    static int imagesPerChunk(int targetCols, int P, int N) {
        return Math.max(1, Math.min(N, (targetCols + P - 1) / P));
    }

    /**
     * Images per chunk when a chunk's G·P columns are cut into panels of {@code unit} columns (NR for the forward
     * product): of the G from half to twice {@link #imagesPerChunk(int, int, int)}, the one whose last panel is
     * fullest, i.e. the fewest computed-but-discarded columns per useful one (on a tie, the G nearest the target's,
     * then the smaller). The
     * columns of a partial last panel are computed in full and go through the micro-kernel's slower edge path. At
     * 28×28 and 512 bits: P = 196 (conv1's backward-input, deconv1's forward; conv1's own forward is direct) 2 → 4
     * images, 6 % → 2 % waste; conv2 (P = 49) 6 → 11, 8.8 % → 0.9 %; conv3
     * (P = 9) 29 → 32, 10 % → 0. Which images a chunk holds never changes a result (docs/kernels.md#tunables). At
     * worst the number of chunks halves, which matters only for batches of a few images (fewer chunks than threads).
     */
    static int imagesPerChunk(int targetCols, int P, int N, int unit) {
        int base = imagesPerChunk(targetCols, P, N);
        int best = base;
        long bestWaste = -1, bestCols = 1;
        for (int G = Math.max(1, base / 2); G <= Math.min(N, 2 * base); G++) {
            long cols = (long) G * P, waste = (cols + unit - 1) / unit * unit - cols;
            // waste / cols against bestWaste / bestCols, compared without division
            long less = bestWaste < 0 ? -1 : Long.signum(waste * bestCols - bestWaste * cols);
            if (less < 0 || less == 0 && Math.abs(G - base) < Math.abs(best - base)) {
                best = G; bestWaste = waste; bestCols = cols;
            }
        }
        return best;
    }
}
