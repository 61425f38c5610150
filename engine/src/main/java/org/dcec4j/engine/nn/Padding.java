package org.dcec4j.engine.nn;

import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * How a convolution pads its input, or how a transposed convolution crops its output: Keras 'same',
 * 'valid', or explicit per-side amounts {top, bottom, left, right}. 'same' depends on the input size,
 * so it is resolved at forward time.
 * Math: docs/math/conv2d.md#keras-vs-pytorch-padding
 */
public final class Padding {
    private final String mode;
    private final int[] explicit;

    private Padding(String mode, int[] explicit) { this.mode = mode; this.explicit = explicit; }

    public static Padding same() { return new Padding("same", null); }
    public static Padding valid() { return new Padding("valid", null); }
    public static Padding explicit(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) throw new IllegalArgumentException("padding must be >= 0");
        return new Padding("explicit", new int[] {top, bottom, left, right});
    }
    /** PyTorch ConvTranspose2d(padding=p, output_padding=op): crop p before and p − op after. */
    public static Padding pytorchTransposed(int p, int outputPadding) {
        return explicit(p, p - outputPadding, p, p - outputPadding);
    }

    /** Padding {top, bottom, left, right} of a convolution over an H×W input. */
    public int[] forConv(int H, int W, int KH, int KW, int S) {
        switch (mode) {
            case "same": {
                int[] h = ConvGeometry.samePadding(H, KH, S), w = ConvGeometry.samePadding(W, KW, S);
                return new int[] {h[0], h[1], w[0], w[1]};
            }
            case "valid": return new int[4];
            default: return explicit.clone();
        }
    }

    /** Crop {top, bottom, left, right} of a transposed convolution over an H×W input. */
    public int[] forTransposed(int H, int W, int KH, int KW, int S) {
        switch (mode) {
            case "same": {
                int[] h = ConvGeometry.sameCrop(H, KH, S), w = ConvGeometry.sameCrop(W, KW, S);
                return new int[] {h[0], h[1], w[0], w[1]};
            }
            case "valid": return new int[4];
            default: return explicit.clone();
        }
    }

    @Override public String toString() {
        return explicit == null ? mode : "explicit" + java.util.Arrays.toString(explicit);
    }
}
