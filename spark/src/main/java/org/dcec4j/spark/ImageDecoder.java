package org.dcec4j.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.ImageConversion;
import org.dcec4j.datasets.ImageFolder;

/**
 * An image file's bytes as the model sees them, exactly as the image-folder loader ({@link ImageFolder}) reads a
 * file: ImageIO's first reader for the bytes, the size checked from the header before any pixel is decoded (at most
 * {@link ImageFolder#MAX_PIXELS} pixels and {@link ImageFolder#MAX_SIDE} a side, and no more than the file can encode:
 * {@link ImageFolder#checkHeader}), then
 * {@link ImageConversion#toFloats} to C×H×W values in [0, 1]. Failures are {@link DatasetException}s that name the
 * file: what was expected and what was found.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** The extensions the loader reads, as a Hadoop glob for Spark's {@code pathGlobFilter} (any letter case). */
    public static final String GLOB = "*.{[pP][nN][gG],[jJ][pP][gG],[jJ][pP][eE][gG],[bB][mM][pP],[gG][iI][fF]}";

    /** Whether a file name matches {@link #GLOB}: one of the loader's extensions, in any letter case. */
    static boolean isImageName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (String e : org.dcec4j.datasets.ImageFolder.EXTENSIONS) if (n.endsWith(e)) return true;
        return false;
    }

    /**
     * dst[off … off + C·H·W) = the image in {@code bytes}, decoded and converted as the loader does.
     *
     * @param dst   written
     * @param bytes read: the file's content
     * @param path  names the file in error messages
     */
    public static void decode(float[] dst, int off, byte[] bytes, String path, int C, int H, int W) {
        BufferedImage img = read(bytes, path);
        try {
            ImageConversion.toFloats(dst, off, img, C, H, W);
        } catch (IllegalArgumentException e) {      // a sample type the conversion refuses (floating point outside [0, 1], …)
            throw new DatasetException(path + ": " + e.getMessage(), e);
        }
    }

    /** The decoded image; its header is checked against the loader's limits first. */
    public static BufferedImage read(byte[] bytes, String path) {
        if (bytes == null || bytes.length == 0)
            throw DatasetException.at(path, "byte 0", "a readable PNG, JPEG, BMP or GIF image", "an empty file");
        // where a failure happened, for the message: the header, or the data once the header was read (the loader says
        // "image n of N", which a task does not know)
        String where = "its header";
        // in memory: ImageIO.createImageInputStream would copy the bytes into a temporary file first (its default cache)
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw DatasetException.at(path, "byte 0", "a readable PNG, JPEG, BMP or GIF image", "no ImageIO reader accepts its "
                        + bytes.length + " bytes");
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                // the limits, and a header claiming more pixels than the file can encode in the format ImageIO reads it
                // as (by content: a TIFF named .png is bounded as a TIFF), checked as the image-folder loader checks them
                ImageFolder.checkHeader(r, path, where, bytes.length);
                where = "its data";
                // a warning that pixels are missing is an error, as in the image-folder loader
                return ImageFolder.readWhole(r, path, where);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetException d) throw d;
            // a 12-bit JPEG ("Unsupported JPEG data precision 12") is said as the loader says it, with what to do
            DatasetException precision = ImageFolder.unsupportedJpegPrecision(bytes, path, where);
            if (precision != null) throw precision;
            // ImageIO's exception as the loader gives it, and what it wraps: a truncated PNG's is "Error reading PNG image
            // data", caused by the end of the file's compressed data
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
            String found = e.toString() + (cause != e ? " (" + cause + ")" : "");
            if (where.equals("its data")) found = "a damaged one (truncated or corrupt) of " + bytes.length + " bytes: " + found;
            throw DatasetException.at(path, where, "a readable PNG, JPEG, BMP or GIF image", found);
        }
    }
}
