package org.dcec4j.datasets;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One decoded image as the model sees it: C×H×W floats in [0, 1], converted and resized exactly as the
 * image-folder loader ({@link ImageFolder}) does, so that images handed over in memory and images read
 * from files give the same numbers.
 */
public final class ImageConversion {
    private ImageConversion() {}

    /**
     * dst[off … off + C·H·W) = {@code img} as C channels (1: grey, 3: RGB; transparency composited over black)
     * resized to H×W with the loader's resampling. dst written.
     *
     * @throws IllegalArgumentException for samples the loader refuses (floating-point ones outside [0, 1] or NaN,
     *                                  signed 16-bit ones, colour ones of more than 16 bits), naming the pixel
     */
    public static void toFloats(float[] dst, int off, BufferedImage img, int C, int H, int W) {
        Objects.requireNonNull(img, "img");
        if (C != 1 && C != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + C);
        if (H < 1 || W < 1) throw new IllegalArgumentException("image size must be positive, got " + H + "x" + W);
        if (off < 0 || (long) off + (long) C * H * W > dst.length)
            throw new IllegalArgumentException("dst has " + dst.length + " floats, cannot hold " + C + "x" + H + "x" + W + " at offset " + off);
        String bad = ImageFolder.badSamples(img);
        if (bad != null) throw new IllegalArgumentException("expected " + ImageFolder.SAMPLES + ", found " + bad);
        ImageFolder.resize(dst, off, ImageFolder.pixels(img, C), C, img.getHeight(), img.getWidth(), H, W);
    }
}
