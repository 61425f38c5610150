package org.dcec4j.dcec;

import org.dcec4j.datasets.cli.Counts;
import org.dcec4j.dcec.model.ConvAutoencoder;

/**
 * The checks every array handed to the library passes before any work: sizes that agree, values that are
 * finite and, for images (not feature vectors, {@link #isVectors}), in [0, 1]. A mistake is an {@link IllegalArgumentException} that names the
 * argument, the image and the position; a null array a {@link NullPointerException} whose message is the argument's name, as
 * every null the library is given.
 */
final class Inputs {
    private Inputs() {}

    /**
     * Whether C×H×W inputs of method m are feature vectors: 1×1×d (what {@link Dcec#fitVectors} and
     * {@code Dataset.ofVectors} make) for a method without the convolutional autoencoder. Their values need only be finite.
     */
    static boolean isVectors(Method m, int C, int H) {
        return m.network != Method.Network.CONV && C == 1 && H == 1;
    }

    /** n images [n, C, H, W] in {@code images}: the length must be n·C·H·W exactly, every value in [0, 1] (unitRange) or finite. */
    static void checkImages(String name, float[] images, int n, int C, int H, int W, boolean unitRange) {
        java.util.Objects.requireNonNull(images, name);
        if (n < 1) throw new IllegalArgumentException(name + ": the number of images must be at least 1, got " + n);
        if (C < 1 || H < 1 || W < 1) throw new IllegalArgumentException(name + ": channels, height and width must be positive, got " + C + "x" + H + "x" + W);
        long want = (long) n * C * H * W;
        if (images.length != want)
            throw new IllegalArgumentException(name + ": " + Counts.of(n, "image") + " of " + C + "x" + H + "x" + W + " need " + want
                    + " floats, the array has " + images.length);
        checkValues(name, images, 0, images.length, C * H * W, unitRange);
    }

    /** Every value of images[from, to) is finite and, if unitRange, in [0, 1] (image i starts at from + i·D). */
    static void checkValues(String name, float[] images, int from, int to, int D, boolean unitRange) {
        for (int i = from; i < to; i++) {
            float v = images[i];
            if (unitRange ? !(v >= 0f && v <= 1f) : !Float.isFinite(v))
                throw new IllegalArgumentException(name + ": " + (unitRange ? "image " : "vector ") + (i - from) / D + ", value " + (i - from) % D
                        + " is " + v + (unitRange ? "; pixel values must be finite and in [0, 1] (divide 8-bit values by 255)"
                                                  : "; feature vector values must be finite"));
        }
    }

    /** The rows of {@code images} (each C·H·W values, checked as {@link #checkValues} does) in one new row-major array. */
    static float[] flatten(String name, float[][] images, int C, int H, int W, boolean unitRange) {
        java.util.Objects.requireNonNull(images, name);
        if (images.length == 0) throw new IllegalArgumentException(name + ": no images");
        if (C < 1 || H < 1 || W < 1) throw new IllegalArgumentException(name + ": channels, height and width must be positive, got " + C + "x" + H + "x" + W);
        long D = (long) C * H * W;
        float[] x = new float[total(name, images.length, D, "images of " + C + "x" + H + "x" + W)];
        for (int i = 0; i < images.length; i++) {
            float[] row = images[i];
            if (row == null || row.length != D)
                throw new IllegalArgumentException(name + ": image " + i + " has " + (row == null ? "no" : "" + row.length) + " values, "
                        + C + "x" + H + "x" + W + " needs " + D);
            System.arraycopy(row, 0, x, (int) (i * D), (int) D);
        }
        checkValues(name, x, 0, x.length, (int) D, unitRange);
        return x;
    }

    /**
     * n·D, the length of the one array that n rows of D values are copied into; n rows more than an array holds (the VM's
     * limit is a little below 2³¹ elements) are an IllegalArgumentException naming the argument, "{@code name}: n
     * {@code rows} exceed 2^31 values", not an ArithmeticException or an OutOfMemoryError from the allocation.
     */
    static int total(String name, long n, long D, String rows) {
        if (n * D > Integer.MAX_VALUE - 64)
            throw new IllegalArgumentException(name + ": " + n + " " + rows + " exceed 2^31 values");
        return (int) (n * D);
    }

    /**
     * The convolutional autoencoder's check of the image geometry ({@link ConvAutoencoder#check}) for a method that
     * has one, its message prefixed with the argument the images came in, {@code argument} (e.g. "images (height 13,
     * width 13)"): the network only knows the sizes, the caller knows which argument gave them.
     */
    static void checkGeometry(DcecConfig config, String argument, int C, int H, int W) {
        if (config.method().network != Method.Network.CONV) return;
        try {
            ConvAutoencoder.check(C, H, W, config.K(), config.filters());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(argument + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decoded images converted and resized to C×H×W as the image-folder loader does, in one array; a conversion the
     * loader refuses is an IllegalArgumentException naming the element.
     */
    static float[] convert(String name, java.util.List<? extends java.awt.image.BufferedImage> images, int C, int H, int W) {
        java.util.Objects.requireNonNull(images, name);
        if (images.isEmpty()) throw new IllegalArgumentException(name + ": the list is empty");
        int D = C * H * W;
        float[] x = new float[total(name, images.size(), D, "images of " + C + "x" + H + "x" + W)];
        for (int i = 0; i < images.size(); i++) {
            java.awt.image.BufferedImage img = images.get(i);
            if (img == null) throw new IllegalArgumentException(name + ": element " + i + " is null");
            try {
                org.dcec4j.datasets.ImageConversion.toFloats(x, i * D, img, C, H, W);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": element " + i + ": " + e.getMessage(), e);
            }
        }
        return x;
    }
}
