package org.dcec4j.engine.nn;

import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * How a convolution pads its input, or how a transposed convolution crops its output: Keras 'same',
 * 'valid', or explicit per-side amounts {top, bottom, left, right}. 'same' depends on the input size,
 * so it is resolved at forward time; the Keras rules themselves are {@link #samePadding} and
 * {@link #sameCrop}.
 * Math: docs/math/conv2d.md#keras-vs-pytorch-padding
 */
public final class Padding {
    /** The kinds of padding. */
    public enum Mode { SAME, VALID, EXPLICIT }

    private final Mode mode;
    private final int[] explicit;

    private Padding(Mode mode, int[] explicit) { this.mode = mode; this.explicit = explicit; }

    public static Padding same() { return new Padding(Mode.SAME, null); }
    public static Padding valid() { return new Padding(Mode.VALID, null); }
    public static Padding explicit(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) throw new IllegalArgumentException("padding must be >= 0");
        return new Padding(Mode.EXPLICIT, new int[] {top, bottom, left, right});
    }
    /** PyTorch ConvTranspose2d(padding=p, output_padding=op): crop p before and p − op after. */
    public static Padding pytorchTransposed(int p, int outputPadding) {
        return explicit(p, p - outputPadding, p, p - outputPadding);
    }

    public Mode mode() { return mode; }

    /**
     * Keras/TensorFlow 'same' padding along one axis: out = ⌈in/s⌉, total = max((out−1)·s + k − in, 0),
     * the smaller half before (top/left). Returns {before, after}.
     */
    public static int[] samePadding(int in, int k, int s) {
        checkAxis("samePadding", in, k, s);
        int out = (in + s - 1) / s;
        int total = Math.max((out - 1) * s + k - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    /**
     * Keras 'same' cropping of a transposed convolution along one axis: out = in·s; the full output
     * (in−1)·s + k is cropped by full − out, the smaller half before. Returns {before, after}.
     * For k5 s2 from 14: full 31, crop {1, 2}. (When k &lt; s the full output is shorter than in·s;
     * Keras pads instead, which this engine does not support, so that case is an error.)
     */
    public static int[] sameCrop(int in, int k, int s) {
        checkAxis("sameCrop", in, k, s);
        int full = (in - 1) * s + k;
        int total = full - in * s;
        if (total < 0) throw new IllegalArgumentException("'same' transposed conv needs k >= s (k=" + k + ", s=" + s + ")");
        return new int[] {total / 2, total - total / 2};
    }

    private static void checkAxis(String rule, int in, int k, int s) {
        if (in < 1 || k < 1 || s < 1)
            throw new IllegalArgumentException(rule + ": input size, kernel and stride must be at least 1, got in=" + in + ", k=" + k + ", s=" + s);
    }

    /** Padding {top, bottom, left, right} of a convolution over an H×W input. */
    public int[] forConv(int H, int W, int KH, int KW, int S) {
        switch (mode) {
            case SAME: {
                int[] h = samePadding(H, KH, S), w = samePadding(W, KW, S);
                return new int[] {h[0], h[1], w[0], w[1]};
            }
            case VALID: return new int[4];
            default: return explicit.clone();
        }
    }

    /** Crop {top, bottom, left, right} of a transposed convolution over an H×W input. */
    public int[] forTransposed(int H, int W, int KH, int KW, int S) {
        switch (mode) {
            case SAME: {
                int[] h = sameCrop(H, KH, S), w = sameCrop(W, KW, S);
                return new int[] {h[0], h[1], w[0], w[1]};
            }
            case VALID: return new int[4];
            default: return explicit.clone();
        }
    }

    /** The geometry of a stride-S convolution with this padding: input [N, C, H, W], K filters of KH×KW. */
    public ConvGeometry geometry(int N, int C, int H, int W, int K, int KH, int KW, int S) {
        int[] p = forConv(H, W, KH, KW, S);
        return new ConvGeometry(N, C, H, W, K, KH, KW, S, S, p[0], p[1], p[2], p[3]);
    }

    @Override public String toString() {
        return explicit == null ? mode.name().toLowerCase(java.util.Locale.ROOT) : "explicit" + java.util.Arrays.toString(explicit);
    }
}
