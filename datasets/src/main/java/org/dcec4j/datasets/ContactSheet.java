package org.dcec4j.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A PNG grid of samples, for looking at a data set. Labelled sets: one row per class in label order,
 * the first {@code columns} images of that class in data order. Unlabeled sets: the first
 * columns × rows images, row by row. Cells are separated by a one-pixel grey line.
 */
public final class ContactSheet {
    /** Grey level of the separating lines. */
    static final int GRID = 0x80;

    private ContactSheet() {
    }

    /** Writes the sheet at scale 1, atomically (temporary file beside it, then a rename). */
    public static void write(Path png, Dataset d, int columns, int rows) {
        write(png, d, columns, rows, 1);
    }

    /**
     * Writes the sheet atomically.
     *
     * @param columns images per row
     * @param rows    rows for an unlabeled set (labelled sets get one row per class)
     * @param scale   pixels per image pixel (≥ 1)
     * @throws IllegalArgumentException when the sheet would have more than {@link #MAX_PIXELS} pixels
     */
    public static void write(Path png, Dataset d, int columns, int rows, int scale) {
        BufferedImage img = render(d, columns, rows, scale);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            // in memory: ImageIO.write to a plain stream buffers through a file in java.io.tmpdir, and failed ("Can't create
            // cache file!") where that folder is missing or read-only
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                if (!ImageIO.write(img, "png", out)) {
                    throw new DatasetException(png + ": no PNG writer in this JDK");
                }
            }
            OutputFiles.writeAtomically(png, bytes.toByteArray());
        } catch (IOException e) {
            throw new DatasetException("cannot write the contact sheet: " + IoErrors.describe(e), e);
        }
    }

    /** Largest sheet drawn, in pixels (2^26: 256 MB as RGB ints). */
    public static final long MAX_PIXELS = 1L << 26;

    /**
     * Width and height in pixels of the sheet of d, each Long.MAX_VALUE when larger (2^31 columns of 2^31-times scaled
     * images overflow a long).
     */
    public static long[] size(Dataset d, int columns, int rows, int scale) {
        long R = d.hasLabels() ? d.numClasses() : Math.min(rows, (d.size() + (long) columns - 1) / columns);
        long cellW = (long) d.width() * scale + 1;
        long cellH = (long) d.height() * scale + 1;
        return new long[] {side(columns, cellW), side(R, cellH)};
    }

    /** n cells and n + 1 lines, or Long.MAX_VALUE. */
    private static long side(long n, long cell) {
        try {
            return Math.addExact(Math.multiplyExact(n, cell), 1);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether a sheet of {@link #size} {width, height} is at most {@link #MAX_PIXELS} pixels (no overflow for any size). */
    public static boolean drawable(long[] size) {
        return size[0] <= MAX_PIXELS && size[1] <= MAX_PIXELS && size[0] * size[1] <= MAX_PIXELS;
    }

    /** The sheet as an image (RGB). Empty cells (a class with fewer images) stay black. */
    public static BufferedImage render(Dataset d, int columns, int rows, int scale) {
        if (columns <= 0 || rows <= 0 || scale <= 0) {
            throw new IllegalArgumentException("columns, rows and scale must be positive");
        }
        long[] wh = size(d, columns, rows, scale);
        if (!drawable(wh)) {
            throw new IllegalArgumentException("a contact sheet of " + wh[0] + "x" + wh[1] + " pixels (columns " + columns
                    + ", scale " + scale + ") is larger than the " + MAX_PIXELS + " pixels allowed: lower the scale, columns or rows");
        }
        int R = d.hasLabels() ? d.numClasses() : Math.min(rows, (d.size() + columns - 1) / columns);
        int[][] cells = new int[R][columns];
        for (int[] row : cells) {
            java.util.Arrays.fill(row, -1);
        }
        if (d.hasLabels()) {
            int[] filled = new int[R];
            int[] y = d.labels();
            for (int n = 0; n < d.size(); n++) {
                int k = y[n];
                if (filled[k] < columns) {
                    cells[k][filled[k]++] = n;
                }
            }
        } else {
            for (int n = 0; n < Math.min(d.size(), R * columns); n++) {
                cells[n / columns][n % columns] = n;
            }
        }
        int C = d.channels();
        int H = d.height();
        int W = d.width();
        int cellW = W * scale + 1;
        int cellH = H * scale + 1;
        BufferedImage img = new BufferedImage(columns * cellW + 1, R * cellH + 1, BufferedImage.TYPE_INT_RGB);
        int grid = (GRID << 16) | (GRID << 8) | GRID;
        for (int py = 0; py < img.getHeight(); py++) {
            for (int px = 0; px < img.getWidth(); px++) {
                if (py % cellH == 0 || px % cellW == 0) {
                    img.setRGB(px, py, grid);
                }
            }
        }
        float[] x = d.images();
        int D = C * H * W;
        for (int r = 0; r < R; r++) {
            for (int j = 0; j < columns; j++) {
                int n = cells[r][j];
                if (n < 0) {
                    continue;
                }
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        int o = n * D + h * W + w;
                        int red = Math.round(x[o] * 255);
                        int rgb;
                        if (C >= 3) {
                            rgb = (red << 16) | (Math.round(x[o + H * W] * 255) << 8) | Math.round(x[o + 2 * H * W] * 255);
                        } else {
                            rgb = (red << 16) | (red << 8) | red;
                        }
                        for (int sy = 0; sy < scale; sy++) {
                            for (int sx = 0; sx < scale; sx++) {
                                img.setRGB(j * cellW + 1 + w * scale + sx, r * cellH + 1 + h * scale + sy, rgb);
                            }
                        }
                    }
                }
            }
        }
        return img;
    }
}
