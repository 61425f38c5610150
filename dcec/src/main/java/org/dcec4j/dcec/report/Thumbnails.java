package org.dcec4j.dcec.report;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Images in [0, 1] (C×H×W, C = 1 grey or 3 RGB) as PNG bytes and {@code data:} URIs. */
final class Thumbnails {
    private Thumbnails() {
    }

    /** The 8-bit level of an intensity: round(clamp(v, 0, 1) · 255); NaN → 0. */
    static int level(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255);
    }

    /**
     * Encodes one image as PNG.
     *
     * @param images only read: image i occupies images[offset .. offset + C·H·W), planes c = 0..C−1 in order
     */
    static byte[] png(float[] images, int offset, int C, int H, int W) {
        BufferedImage img;
        if (C == 1) {
            img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = img.getRaster();
            for (int h = 0; h < H; h++) {
                for (int w = 0; w < W; w++) {
                    r.setSample(w, h, 0, level(images[offset + h * W + w]));
                }
            }
        } else if (C == 3) {
            img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
            int plane = H * W;
            for (int h = 0; h < H; h++) {
                for (int w = 0; w < W; w++) {
                    int o = offset + h * W + w;
                    int rgb = (level(images[o]) << 16) | (level(images[o + plane]) << 8) | level(images[o + 2 * plane]);
                    img.setRGB(w, h, rgb);
                }
            }
        } else {
            throw new IllegalArgumentException("thumbnail: expected C = 1 (grey) or 3 (RGB), got C = " + C);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + H * W);
        // in memory: ImageIO.write to a plain stream buffers through a file in java.io.tmpdir, and failed ("Can't create
        // cache file!") where that folder is missing or read-only
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The integer factor by which an H×W image is reduced for the page: the smallest f ≥ 1 with ⌈max(H, W) / f⌉ ≤
     * {@code most}. So an image at most {@code most} pixels on its larger side is kept as it is.
     */
    static int factor(int H, int W, int most) {
        int side = Math.max(H, W);
        return side <= most ? 1 : (side + most - 1) / most;
    }

    /**
     * One image reduced by the integer factor f: ⌈H/f⌉ × ⌈W/f⌉ pixels per channel, each the mean of its f×f block
     * (of the part of the block inside the image at the right and bottom edges); NaN counts as 0, as {@link #level} draws it.
     *
     * @param images only read: the image occupies images[offset .. offset + C·H·W)
     * @return a new C×⌈H/f⌉×⌈W/f⌉ image; a copy of the image when f = 1
     */
    static float[] reduce(float[] images, int offset, int C, int H, int W, int f) {
        int h2 = (H + f - 1) / f, w2 = (W + f - 1) / f;
        float[] out = new float[C * h2 * w2];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < h2; y++) {
                for (int x = 0; x < w2; x++) {
                    double sum = 0;
                    int n = 0;
                    for (int h = y * f; h < Math.min(H, (y + 1) * f); h++) {
                        for (int w = x * f; w < Math.min(W, (x + 1) * f); w++) {
                            float v = images[offset + (c * H + h) * W + w];
                            sum += Float.isNaN(v) ? 0 : v;
                            n++;
                        }
                    }
                    out[(c * h2 + y) * w2 + x] = (float) (sum / n);
                }
            }
        }
        return out;
    }

    /** {@code data:image/png;base64,...} of {@link #png}. */
    static String dataUri(float[] images, int offset, int C, int H, int W) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(images, offset, C, H, W));
    }
}
