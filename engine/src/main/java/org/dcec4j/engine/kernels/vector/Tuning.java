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

    /** Target product columns (images × OH·OW) per forward chunk: a KC×256-float B block is 256 KiB (L2). */
    static final int FORWARD_COLS = 256;

    /**
     * Target product columns per backward-input chunk. 256 (conv2: 6 images, dcol 940 KiB) beat 128 and 64
     * by 5 %: the col2im gather reads dcol once, and more columns amortise streaming Wᵀ from L2.
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
     * stride is above 1 and an output row fills at least a fifth of a B panel (conv1, conv2 at every width):
     * its panel rows are then a few runs of consecutive floats. With 3-pixel rows (conv3) a panel has 11
     * runs at 512 bits; it gathers from the plain NCHW copy, which is also cheaper to make.
     */
    static boolean columnPhasesForward(ConvGeometry g) { return g.SW > 1 && 5 * g.OW >= Gemm.NR; }

    /** The reduction block: KC, or less so that the ⌈total/KC⌉ blocks are equal (no short last block). */
    static int balancedKc(int total) {
        int blocks = (total + KC - 1) / KC;
        return (total + blocks - 1) / blocks;
    }

    /** Images per chunk so that a chunk has about {@code targetCols} product columns of P each. */
    static int imagesPerChunk(int targetCols, int P, int N) {
        return Math.max(1, Math.min(N, (targetCols + P - 1) / P));
    }
}
