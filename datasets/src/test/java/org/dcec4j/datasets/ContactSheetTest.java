package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {
    @TempDir
    Path tmp;

    @Test
    void oneRowPerClassInDataOrder() throws Exception {
        // 5 images of 2x2, labels 1 0 1 1 0, image n filled with value n/4
        float[] x = new float[5 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i / 4) / 4f;
        }
        Dataset d = new Dataset("t", 1, 2, 2, x, new int[] {1, 0, 1, 1, 0});
        Path png = tmp.resolve("sub").resolve("sheet.png");
        ContactSheet.write(png, d, 2, 9, 3);
        BufferedImage img = ImageIO.read(png.toFile());
        // 2 columns and 2 rows (classes) of 6x6 cells with 1-pixel lines: 2·7+1 = 15
        assertEquals(15, img.getWidth());
        assertEquals(15, img.getHeight());
        // row 0 (class 0): images 1 and 4; row 1 (class 1): images 0 and 2 (image 3 does not fit)
        assertEquals(Math.round(255 / 4f), img.getRGB(1, 1) & 0xFF);
        assertEquals(255, img.getRGB(8 + 5, 1 + 5) & 0xFF);
        assertEquals(0, img.getRGB(1, 8) & 0xFF);
        assertEquals(Math.round(2 * 255 / 4f), img.getRGB(8, 8) & 0xFF);
        assertEquals(ContactSheet.GRID, img.getRGB(7, 3) & 0xFF);
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left");
        }
    }

    /** Sides past a long are Long.MAX_VALUE (they wrapped to negative widths); drawable never overflows. */
    /** Encoded in memory: with ImageIO's cache folder (java.io.tmpdir) missing, the sheet failed with "Can't create cache file!". */
    @Test
    void writtenWithoutATemporaryFolder() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        ImageIO.setCacheDirectory(cache.toFile());
        Files.delete(cache);
        Path png = tmp.resolve("sheet.png");
        try {
            ContactSheet.write(png, new Dataset("t", 1, 1, 2, new float[] {0f, 1f}, null), 1, 1, 1);
        } finally {
            ImageIO.setCacheDirectory(null);
        }
        // the sheet itself, by hand: one cell of 1x2 pixels at scale 1 inside 1-pixel grid lines is 4 wide and 3 high,
        // the image's 0 and 1 at (1, 1) and (2, 1), the grid grey around them
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(4, img.getWidth());
        assertEquals(3, img.getHeight());
        assertEquals(0, img.getRGB(1, 1) & 0xFF);
        assertEquals(255, img.getRGB(2, 1) & 0xFF);
        for (int x = 0; x < 4; x++) {
            assertEquals(ContactSheet.GRID, img.getRGB(x, 0) & 0xFF, "top line at x=" + x);
            assertEquals(ContactSheet.GRID, img.getRGB(x, 2) & 0xFF, "bottom line at x=" + x);
        }
        assertEquals(ContactSheet.GRID, img.getRGB(0, 1) & 0xFF);
        assertEquals(ContactSheet.GRID, img.getRGB(3, 1) & 0xFF);
    }

    @Test
    void sizesOfAnySheet() {
        Dataset d = new Dataset("t", 1, 1, 28, new float[28], null);
        // 3 cells of 28·2 + 1 and a line: 172; one row of 1·2 + 1 and a line: 4
        assertArrayEquals(new long[] {172, 4}, ContactSheet.size(d, 3, 1, 2));
        assertTrue(ContactSheet.drawable(ContactSheet.size(d, 3, 1, 2)));
        // (2^31 - 1) columns of 28·(2^31 - 1) + 1 pixels: 1.3e20, past a long; height 2^31 - 1 + 2
        long[] huge = ContactSheet.size(d, Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        assertArrayEquals(new long[] {Long.MAX_VALUE, 2147483649L}, huge);
        assertFalse(ContactSheet.drawable(huge));
        assertTrue(ContactSheet.drawable(new long[] {1L << 26, 1}));
        assertFalse(ContactSheet.drawable(new long[] {1L << 26, 2}));
        // 2^40 · 2^40 wraps to 0 in a long
        assertFalse(ContactSheet.drawable(new long[] {1L << 40, 1L << 40}));
    }

    @Test
    void unlabeledGridIsRowMajor() {
        float[] x = new float[7];
        for (int n = 0; n < 7; n++) {
            x[n] = n / 6f;
        }
        Dataset d = new Dataset("t", 1, 1, 1, x, null);
        BufferedImage img = ContactSheet.render(d, 3, 2, 1);
        assertEquals(2 * 2 + 1, img.getHeight());
        assertEquals(3 * 2 + 1, img.getWidth());
        assertEquals(Math.round(4 * 255 / 6f), img.getRGB(3, 3) & 0xFF);
    }
}
