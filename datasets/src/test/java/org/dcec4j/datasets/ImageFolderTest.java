package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path tmp;

    /** A gray image with pixel (y, x) = (16y + x + seed) mod 256. */
    private static BufferedImage gray(int h, int w, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (16 * y + x + seed) % 256);
            }
        }
        return img;
    }

    /**
     * The same values as {@link #gray} in an RGB image (r = g = b), for GIF: the JDK's GIF writer
     * converts gray images through a colour space and scrambles the rows of multi-row images, so GIFs
     * here are one row high.
     */
    private static BufferedImage rgbGray(int h, int w, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (16 * y + x + seed) % 256;
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    private static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), format);
    }

    /**
     * A file whose name is not valid UTF-8 (Linux allows any bytes) is read like any other: it was listed but could
     * not be opened (its name went through a String), and reported as a file ImageIO cannot open. The file is named
     * by the shell, since Java cannot spell such a name.
     */
    @Test
    void aFileNameThatIsNotUtf8IsRead() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Path dir = tmp.resolve("bytes");
        write(gray(3, 4, 10), "png", dir.resolve("a.png"));
        write(gray(3, 4, 20), "png", tmp.resolve("source.png"));
        Process p = new ProcessBuilder("/bin/sh", "-c", "cp source.png \"bytes/b$(printf '\\376\\377').png\"")
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
        Dataset d = ImageFolder.load(dir, 1);
        assertEquals(2, d.size());
        for (int i = 0; i < 12; i++) {
            assertEquals((16 * (i / 4) + i % 4 + 10) / 255f, d.images()[i], 1e-7f);
            assertEquals((16 * (i / 4) + i % 4 + 20) / 255f, d.images()[12 + i], 1e-7f);
        }
    }

    /** Loads a folder (args[0], channels 1, 8x8) and prints what the data set is: name, classes, labels, pixels. */
    public static final class Describe {
        public static void main(String[] args) {
            Dataset d = ImageFolder.load(Path.of(args[0]), 1, 8, 8);
            StringBuilder s = new StringBuilder(d.size() + " images\n");
            for (String c : d.classNames()) s.append(c.codePoints().mapToObj(Integer::toHexString).toList()).append('\n');
            s.append(java.util.Arrays.toString(d.labels())).append('\n').append(java.util.Arrays.hashCode(d.images())).append('\n');
            System.out.print(s);
        }
    }

    /** {@link Describe} in a JVM of its own, under the locale LANG=lang (LC_ALL and the other LC_ unset). */
    static String describeUnder(String lang, Path dir) throws Exception {
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Describe.class.getName(), dir.toString()).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("LC_"));
        b.environment().put("LANG", lang);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "LANG=" + lang + ":\n" + out);
        return out;
    }

    /** Class folders and images with non-ASCII names (written by Java under this JVM's UTF-8 file names). */
    private Path nonAsciiFolder() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names are not UTF-8 here");
        Path dir = tmp.resolve("nonascii");
        String[] classes = {"\u00e9t\u00e9", "\u00e8b", "apple", "\u732b"};
        String[] files = {"\u00f60", "o1", "\u00c52", "\u00fc3", "\ud83d\ude004"};
        for (int c = 0; c < classes.length; c++)
            for (int i = 0; i < files.length; i++) write(gray(8, 8, 10 * c + i), "png", dir.resolve(classes[c]).resolve(files[i] + ".png"));
        return dir;
    }

    /**
     * Under the POSIX locale (LANG=C: Docker images, cron, systemd services), where JDK 17 decodes file names as ASCII,
     * a folder with a non-ASCII image name failed: "expected a readable PNG, JPEG, BMP or GIF image, found
     * java.nio.file.InvalidPathException: Malformed input or input contains unmappable characters".
     */
    @Test
    void nonAsciiNamesAreReadUnderThePosixLocale() throws Exception {
        Path dir = nonAsciiFolder();
        String out = describeUnder("C", dir);
        assertTrue(out.startsWith("20 images\n"), out);
    }

    /**
     * Names and order do not depend on the locale: under LANG=C, JDK 17 decodes file names as ASCII, so "\u00e9t\u00e9"
     * was "\ufffd\ufffdt\ufffd\ufffd" in the class names (and in report.html and config.json), and images sorted by
     * those strings came in another order: the same folder and seed trained another model than under a UTF-8 locale.
     */
    @Test
    void namesAndOrderAreTheSameUnderEveryLocale() throws Exception {
        Path dir = nonAsciiFolder();
        String utf8 = describeUnder("C.UTF-8", dir);
        assertEquals(utf8, describeUnder("C", dir));
        Dataset here = ImageFolder.load(dir, 1, 8, 8);
        assertEquals(List.of("apple", "\u00e8b", "\u00e9t\u00e9", "\u732b"), here.classNames());
        assertTrue(utf8.contains(java.util.Arrays.hashCode(here.images()) + "\n"), utf8);
    }

    /**
     * A backslash in a name (a character of it where '/' separates the parts) sorts as itself under every locale: under a
     * UTF-8 locale the sort key made it a '/', so a\b.png came before a0.png there and after it under LANG=C, and the
     * same folder and seed trained another model.
     */
    @Test
    void aBackslashInANameSortsTheSameUnderEveryLocale() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.io.File.separatorChar == '/', "a backslash separates the parts here");
        Path dir = tmp.resolve("backslash");
        write(gray(8, 8, 20), "png", dir.resolve("a\\b.png"));
        write(gray(8, 8, 10), "png", dir.resolve("a0.png"));
        try (ImageStream s = ImageFolder.stream(dir, 1, 8, 8, Integer.MAX_VALUE)) {
            assertEquals(List.of("a0.png", "a\\b.png"), s.fileNames(), "'0' (U+0030) before '\\' (U+005C)");
        }
        assertEquals(describeUnder("C", dir), describeUnder("C.UTF-8", dir));
    }

    @Test
    void grayPngValuesAreExactAndOrderIsSorted() throws IOException {
        Path dir = tmp.resolve("plain");
        write(gray(3, 4, 20), "png", dir.resolve("b.png"));
        write(gray(3, 4, 10), "png", dir.resolve("a.png"));
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        write(gray(3, 4, 99), "png", dir.resolve(".hidden.png"));
        Dataset d = ImageFolder.load(dir, 1);
        assertEquals("plain", d.name());
        assertEquals(2, d.size());
        assertNull(d.labels());
        assertEquals(3, d.height());
        assertEquals(4, d.width());
        // a.png first (seed 10): pixel (y, x) = (16y + x + 10) / 255
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals((16 * y + x + 10) / 255f, d.images()[y * 4 + x], 1e-7f);
                assertEquals((16 * y + x + 20) / 255f, d.images()[12 + y * 4 + x], 1e-7f);
            }
        }
    }

    @Test
    void rgbAsThreeChannelsAndAsLuma() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x3366CC);
        Path dir = tmp.resolve("rgb");
        write(img, "bmp", dir.resolve("x.bmp"));
        Dataset c3 = ImageFolder.load(dir, 3);
        assertArrayEquals(new float[] {1f, 0x33 / 255f, 0f, 0x66 / 255f, 0f, 0xCC / 255f}, c3.images(), 1e-6f);
        Dataset c1 = ImageFolder.load(dir, 1);
        assertEquals(0.299f, c1.images()[0], 1e-6f);
        assertEquals((0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0xCC) / 255f, c1.images()[1], 1e-6f);
        // gray to 3 channels: replicated
        Path g = tmp.resolve("g");
        write(gray(1, 1, 51), "png", g.resolve("p.png"));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, ImageFolder.load(g, 3).images(), 1e-6f);
    }

    /**
     * Names are sorted as Java strings, by UTF-16 code unit (docs/datasets.md#folders), not by code point as Python's
     * sorted() and torchvision order them: a name with a character above U+FFFF (a surrogate pair, 0xD800…) comes before
     * one with a character from U+E000 to U+FFFF. The labels of predictions.csv follow this order, so a reader mapping
     * them back to folder names has to sort the same way.
     */
    @Test
    void namesAreSortedByUtf16CodeUnits() throws IOException {
        Path dir = tmp.resolve("utf16-order");
        String fullwidthA = "\uff21", emoji = "\ud83d\ude00";
        for (String c : List.of("b", fullwidthA, emoji)) write(gray(2, 2, 0), "png", dir.resolve(c).resolve("x.png"));
        write(gray(2, 2, 40), "png", dir.resolve("b").resolve(fullwidthA + ".png"));
        write(gray(2, 2, 80), "png", dir.resolve("b").resolve(emoji + ".png"));
        assertEquals(List.of("b", emoji, fullwidthA), ImageFolder.classNames(dir));
        Dataset d = ImageFolder.load(dir, 1, 2, 2);
        assertArrayEquals(new int[] {0, 0, 0, 1, 2}, d.labels());
        // within class b: x.png, then the emoji's image, then the fullwidth A's (Python's sorted(): x, A, emoji)
        assertEquals(0f, d.images()[0], 1e-6f);
        assertEquals(80f / 255, d.images()[4], 1e-6f);
        assertEquals(40f / 255, d.images()[8], 1e-6f);
    }

    /**
     * Each image's file is named by its path below the folder, '/' between the parts, whatever its name holds: a
     * backslash in a Linux file name is a character of it (the name was the sort key, which under a UTF-8 locale reads
     * a backslash as a separator: a\b.png was named a/b.png). The order of the images is not changed.
     */
    @Test
    void fileNamesAreThePathsBelowTheFolder() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.io.File.separatorChar == '/', "a backslash separates the parts here");
        Path dir = tmp.resolve("file-names");
        write(gray(2, 2, 0), "png", dir.resolve("cat").resolve("a\\b.png"));
        write(gray(2, 2, 0), "png", dir.resolve("cat").resolve("deep").resolve("c, \"d\".png"));
        write(gray(2, 2, 0), "png", dir.resolve("dog").resolve("\u00e9t\u00e9.png"));
        try (ImageStream s = ImageFolder.stream(dir, 1, 2, 2, Integer.MAX_VALUE)) {
            List<String> names = s.fileNames();
            assertEquals(3, names.size());
            assertTrue(names.containsAll(List.of("cat/a\\b.png", "cat/deep/c, \"d\".png", "dog/\u00e9t\u00e9.png")), names.toString());
            assertEquals("dog/\u00e9t\u00e9.png", names.get(2));
            assertEquals(names, s.readAll().fileNames());
        }
    }

    @Test
    void labelsFromSortedSubfoldersAndResizeByBoxFilter() throws IOException {
        Path dir = tmp.resolve("classes");
        // a 4x4 image whose 2x2 blocks have means 10.5, 12.5, 42.5, 44.5 (pixel = 16y + x + 0)
        write(gray(4, 4, 0), "png", dir.resolve("zebra").resolve("one.png"));
        write(rgbGray(1, 4, 60), "gif", dir.resolve("ant").resolve("deep").resolve("two.gif"));
        write(gray(8, 8, 0), "bmp", dir.resolve("ant").resolve("one.bmp"));
        write(gray(2, 2, 0), "jpg", dir.resolve("cat").resolve("x.jpeg"));
        // hidden folders are not read, as class folders or inside one (Spark's binaryFile skips them too)
        write(gray(2, 2, 0), "png", dir.resolve("cat").resolve(".thumbnails").resolve("x.png"));
        write(gray(2, 2, 0), "png", dir.resolve(".trash").resolve("y.png"));
        Dataset d = ImageFolder.load(dir, 1, 2, 2);
        assertEquals(List.of("ant", "cat", "zebra"), ImageFolder.classNames(dir));
        assertEquals(List.of("ant", "cat", "zebra"), d.classNames(), "the sub-folders name the classes");
        try (ImageStream first = ImageFolder.stream(dir, 1, 2, 2, 1)) {
            assertEquals(List.of("ant", "cat", "zebra"), first.readAll().classNames(), "however few images are read");
        }
        // sorted relative paths within a class: "deep/two.gif" < "one.bmp"
        assertArrayEquals(new int[] {0, 0, 1, 2}, d.labels());
        float[] blocks = {8.5f / 255, 10.5f / 255, 40.5f / 255, 42.5f / 255};
        assertArrayEquals(blocks, java.util.Arrays.copyOfRange(d.images(), 12, 16), 1e-6f);
        // the GIF (one row 60 61 62 63, stretched to 2 rows): left half 60.5, right half 62.5
        float[] gif = {60.5f / 255, 62.5f / 255, 60.5f / 255, 62.5f / 255};
        assertArrayEquals(gif, java.util.Arrays.copyOfRange(d.images(), 0, 4), 1e-6f);
        // 8x8 to 2x2: means of 4x4 blocks of 16y + x: 16·1.5 + 1.5 = 25.5, 29.5, 89.5, 93.5
        float[] big = {25.5f / 255, 29.5f / 255, 89.5f / 255, 93.5f / 255};
        assertArrayEquals(big, java.util.Arrays.copyOfRange(d.images(), 4, 8), 1e-6f);
        // JPEG is lossy: only check it is close to the source
        assertEquals(0f, d.images()[8], 0.05f);
    }

    @Test
    void resizeUpAndByNonIntegerFactors() {
        // 1x3 row [0, 0.3, 0.9] to 1x2: output covers source [0, 1.5) and [1.5, 3)
        float[] out = new float[2];
        ImageFolder.resize(out, 0, new float[] {0f, 0.3f, 0.9f}, 1, 1, 3, 1, 2);
        assertEquals((0f + 0.5f * 0.3f) / 1.5f, out[0], 1e-6f);
        assertEquals((0.5f * 0.3f + 0.9f) / 1.5f, out[1], 1e-6f);
        float[] up = new float[4];
        ImageFolder.resize(up, 0, new float[] {0.2f, 0.6f}, 1, 1, 2, 1, 4);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.6f, 0.6f}, up, 1e-6f);
    }

    /**
     * A colour image resized by factors that are not whole numbers down and across (5×7 to 3×4) and up (5×7 to 8×9),
     * each of its three channels against the box filter computed here by brute force: the output pixel is the mean of
     * the source over its rectangle [oy·IH/OH, (oy+1)·IH/OH) × [ox·IW/OW, (ox+1)·IW/OW), each source pixel weighted by
     * its overlap. The other resize tests have one channel, or one row, only.
     */
    @Test
    void colourImagesAreResizedChannelByChannel() throws IOException {
        int IH = 5, IW = 7;
        BufferedImage img = new BufferedImage(IW, IH, BufferedImage.TYPE_INT_RGB);
        float[] src = new float[3 * IH * IW];
        for (int y = 0; y < IH; y++) {
            for (int x = 0; x < IW; x++) {
                int r = 30 * y + 5 * x, g = 250 - 11 * x - 3 * y, b = (37 * (y * IW + x)) % 256;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
                src[y * IW + x] = r / 255f;
                src[(IH + y) * IW + x] = g / 255f;
                src[(2 * IH + y) * IW + x] = b / 255f;
            }
        }
        Path dir = tmp.resolve("colour");
        write(img, "png", dir.resolve("c.png"));
        assertArrayEquals(src, ImageFolder.load(dir, 3).images(), 0f);
        for (int[] out : new int[][] {{3, 4}, {8, 9}}) {
            int OH = out[0], OW = out[1];
            float[] got = ImageFolder.load(dir, 3, OH, OW).images();
            assertEquals(3 * OH * OW, got.length);
            double sy = (double) IH / OH, sx = (double) IW / OW;
            for (int c = 0; c < 3; c++) {
                for (int oy = 0; oy < OH; oy++) {
                    for (int ox = 0; ox < OW; ox++) {
                        double sum = 0;
                        for (int y = 0; y < IH; y++) {
                            double wy = Math.max(0, Math.min((oy + 1) * sy, y + 1) - Math.max(oy * sy, y));
                            for (int x = 0; x < IW; x++) {
                                double wx = Math.max(0, Math.min((ox + 1) * sx, x + 1) - Math.max(ox * sx, x));
                                sum += wy * wx * src[(c * IH + y) * IW + x];
                            }
                        }
                        assertEquals(sum / (sy * sx), got[(c * OH + oy) * OW + ox], 1e-6,
                                OH + "x" + OW + ": channel " + c + ", pixel (" + oy + ", " + ox + ")");
                    }
                }
            }
        }
    }

    private String error(Path dir, int size) {
        return assertThrows(DatasetException.class,
                () -> { if (size == 0) ImageFolder.load(dir, 1); else ImageFolder.load(dir, 1, size, size); }).getMessage();
    }

    @Test
    void badFolders() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images");
        assertTrue(error(empty, 28).contains("expected image files"));
        assertTrue(error(tmp.resolve("missing"), 28).contains("found nothing"));

        Path broken = tmp.resolve("broken");
        write(gray(2, 2, 0), "png", broken.resolve("a.png"));
        Files.write(broken.resolve("b.png"), new byte[] {1, 2, 3, 4});
        String m = error(broken, 28);
        assertTrue(m.contains("b.png: at image 1 of 2") && m.contains("readable PNG"), m);

        Path mixed = tmp.resolve("mixed");
        write(gray(2, 2, 0), "png", mixed.resolve("a.png"));
        write(gray(3, 2, 0), "png", mixed.resolve("b.png"));
        m = error(mixed, 0);
        assertTrue(m.contains("b.png: at image 1 of 2: expected 2x2 pixels") && m.contains("found 3x2"), m);
        assertEquals(2, ImageFolder.load(mixed, 1, 5, 5).size());

        Path both = tmp.resolve("both");
        write(gray(2, 2, 0), "png", both.resolve("a.png"));
        write(gray(2, 2, 0), "png", both.resolve("k").resolve("b.png"));
        assertTrue(error(both, 28).contains("not both"));
    }

    /**
     * A class folder without images is an error naming it: skipped, it made b_cat class 0 instead of 1 and K 2
     * instead of 3. Hidden files and other files are not images.
     */
    @Test
    void anEmptyClassFolderIsAnError() throws IOException {
        Path dir = tmp.resolve("animals");
        Files.createDirectories(dir.resolve("a_bird"));
        Files.writeString(dir.resolve("a_bird").resolve("notes.txt"), "no images");
        write(gray(2, 2, 0), "png", dir.resolve("a_bird").resolve(".hidden.png"));
        write(gray(2, 2, 0), "png", dir.resolve("b_cat").resolve("x.png"));
        write(gray(2, 2, 0), "png", dir.resolve("c_dog").resolve("y.png"));
        String expected = dir + ": class folder 'a_bird' holds no images (.png, .jpg, .jpeg, .bmp, .gif): every sub-folder is"
                + " a class, and an empty one would shift the labels of those after it; add its images or remove it";
        assertEquals(expected, error(dir, 28));
        assertEquals(expected, assertThrows(DatasetException.class, () -> ImageFolder.classNames(dir)).getMessage());
        write(gray(2, 2, 0), "png", dir.resolve("a_bird").resolve("z.png"));
        assertArrayEquals(new int[] {0, 1, 2}, ImageFolder.load(dir, 1).labels());
        // images at the top level with an empty sub-folder: unlabeled, as before (no sub-folder is a class)
        Path plain = tmp.resolve("plain");
        write(gray(2, 2, 0), "png", plain.resolve("a.png"));
        Files.createDirectories(plain.resolve("empty"));
        assertNull(ImageFolder.load(plain, 1).labels());
    }

    /**
     * Symbolic links to class folders and to folders inside one are followed (they were skipped: the linked class had
     * no images); a link back to a folder above it is an error naming the link.
     */
    @Test
    void symbolicLinksAreFollowed() throws IOException {
        Path store = tmp.resolve("store");
        write(gray(2, 2, 10), "png", store.resolve("cats").resolve("c.png"));
        write(gray(2, 2, 20), "png", store.resolve("more-dogs").resolve("m.png"));
        Path dir = tmp.resolve("linked");
        write(gray(2, 2, 30), "png", dir.resolve("dogs").resolve("d.png"));
        Files.createSymbolicLink(dir.resolve("cats"), store.resolve("cats"));
        Files.createSymbolicLink(dir.resolve("dogs").resolve("more"), store.resolve("more-dogs"));
        Dataset d = ImageFolder.load(dir, 1);
        assertEquals(List.of("cats", "dogs"), d.classNames());
        // cats/c.png, then dogs/d.png before dogs/more/m.png
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
        assertEquals(10 / 255f, d.images()[0], 1e-7f);
        assertEquals(30 / 255f, d.images()[4], 1e-7f);
        assertEquals(20 / 255f, d.images()[8], 1e-7f);

        Path loop = dir.resolve("dogs").resolve("again");
        Files.createSymbolicLink(loop, dir.resolve("dogs"));
        assertEquals(loop + ": expected a folder of images, found a symbolic link to " + dir.resolve("dogs").toRealPath() + " (-> "
                + dir.resolve("dogs") + "), a folder above it (a cycle), in the image folder " + dir.resolve("dogs"), error(dir, 28));
        // an image's name on a link that leads nowhere is a missing file of the set, not one to skip (it was skipped)
        write(gray(2, 2, 0), "png", tmp.resolve("dangling-set").resolve("cats").resolve("a.png"));
        Path gone = Files.createSymbolicLink(tmp.resolve("dangling-set").resolve("cats").resolve("z.png"),
                tmp.resolve("nowhere.png"));
        String m = assertThrows(DatasetException.class, () -> ImageFolder.load(tmp.resolve("dangling-set"), 1)).getMessage();
        assertTrue(m.startsWith(gone + ": expected an image, found a symbolic link to a file that does not exist"), m);
    }

    /**
     * A pipe (or device) under an image's name is an error naming it: it was left out without a word, the set one image
     * short. A folder under such a name is a folder, walked as one.
     */
    @Test
    void aPipeUnderAnImagesNameIsAnErrorAFolderIsWalked() throws Exception {
        Path dir = tmp.resolve("piped");
        write(gray(2, 2, 10), "png", dir.resolve("cats").resolve("a.png"));
        write(gray(2, 2, 20), "png", dir.resolve("dogs").resolve("b.png"));
        write(gray(2, 2, 30), "png", dir.resolve("dogs").resolve("c.png").resolve("d.png"));
        assertArrayEquals(new int[] {0, 1, 1}, ImageFolder.load(dir, 1).labels());
        Path fifo = dir.resolve("dogs").resolve("e.png");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        String m = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1)).getMessage();
        assertEquals(fifo + ": expected an image, found a device, pipe or socket (not a regular file), in the image folder " + dir.resolve("dogs"), m);
    }

    /**
     * A link from inside a class folder to a folder above it: the walk meets the class folder again at s/c/a/loop/a, and
     * the error named that path instead of the link s/c/a/loop that closes the cycle, and not where it leads.
     */
    @Test
    void aCycleThroughAFolderAboveTheClassFolderNamesTheLink() throws IOException {
        Path c = tmp.resolve("s").resolve("c");
        write(gray(2, 2, 40), "png", c.resolve("a").resolve("x.png"));
        Path up = Files.createSymbolicLink(c.resolve("a").resolve("loop"), Path.of(".."));
        assertEquals(up + ": expected a folder of images, found a symbolic link to " + c.toRealPath() + " (-> ..), a folder above it"
                + " (a cycle), in the image folder " + c.resolve("a"), error(c, 0));
    }

    /**
     * A folder below a class folder that cannot be read is a DatasetException naming it (it escaped as
     * UncheckedIOException). Root reads any folder, so the failure here is a path longer than the system allows
     * (4096 bytes), reached through a chain of links with 250-character names to folders beside each other.
     */
    @Test
    void aFolderThatCannotBeReadIsAnErrorNamingIt() throws IOException {
        Path dir = tmp.resolve("deep");
        write(gray(2, 2, 0), "png", dir.resolve("cats").resolve("c.png"));
        String name = "x".repeat(250);
        Path from = dir.resolve("cats");
        for (int i = 0; i < 20; i++) {
            Path to = Files.createDirectories(tmp.resolve("chain").resolve("d" + i));
            Files.createSymbolicLink(from.resolve(name), to);
            from = to;
        }
        String m = error(dir, 28);
        assertTrue(m.startsWith(dir.resolve("cats").resolve(name).resolve(name) + "/"), m);
        // the reason's wording is the C library's ("file name too long" in glibc, "filename too long" in musl)
        assertTrue(m.toLowerCase(java.util.Locale.ROOT).replace("filename", "file name").contains(": file name too long")
                && m.endsWith(" (in the image folder " + dir.resolve("cats") + ")"), m);
    }

    /**
     * Permission denied: an unreadable folder below a class, an unreadable image. Root reads any file (the
     * capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), and CI runs the tests as root; there the same checks run
     * in a child JVM that util-linux's {@code setpriv} starts without those two capabilities, as root still, so the
     * permissions bind. Skipped only when permissions bind neither here nor under setpriv (no setpriv, or a container
     * that forbids dropping capabilities).
     */
    @Test
    void unreadableFoldersAndFilesSayWhy() throws Exception {
        Path dir = tmp.resolve("locked");
        write(gray(2, 2, 0), "png", dir.resolve("cats").resolve("c.png"));
        Path probe = Files.createDirectories(tmp.resolve("probe"));
        Files.setPosixFilePermissions(probe, java.util.Set.of());
        boolean bind = !Files.isReadable(probe);
        if (bind) {
            checkUnreadable(dir);
            return;
        }
        List<String> command = List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                UnreadableCheck.class.getName(), dir.toString(), probe.toString());
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("root reads any folder, and setpriv cannot be started: " + e.getMessage());
            return;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), out);
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains(UnreadableCheck.PERMISSIONS_DO_NOT_BIND) || out.startsWith("setpriv:"),
                "root reads any folder, also under setpriv without CAP_DAC_OVERRIDE: " + out);
        assertEquals(0, p.exitValue(), "the checks under setpriv: " + out);
        assertTrue(out.contains(UnreadableCheck.PASSED), out);
    }

    /** The assertions of {@link #unreadableFoldersAndFilesSayWhy}, where permissions bind; dir holds cats/c.png. */
    static void checkUnreadable(Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("cats").resolve("sub"));
        Files.setPosixFilePermissions(sub, java.util.Set.of());
        try {
            assertEquals(sub + ": permission denied (in the image folder " + dir.resolve("cats") + ")",
                         assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 28, 28)).getMessage());
        } finally {
            Files.setPosixFilePermissions(sub, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        Files.delete(sub);
        Path png = dir.resolve("cats").resolve("c.png");
        Files.setPosixFilePermissions(png, java.util.Set.of());
        try {
            assertEquals(png + ": at image 0 of 1: expected a readable PNG, JPEG, BMP or GIF image, found a file that cannot be opened:"
                    + " permission denied", assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 28, 28)).getMessage());
        } finally {
            Files.setPosixFilePermissions(png, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** {@link #checkUnreadable} in a JVM of its own: args = the folder, and a folder with no permissions to probe. */
    static final class UnreadableCheck {
        static final String PASSED = "unreadable checks passed", PERMISSIONS_DO_NOT_BIND = "permissions do not bind in this JVM";

        public static void main(String[] args) throws IOException {
            if (Files.isReadable(Path.of(args[1]))) {
                System.out.println(PERMISSIONS_DO_NOT_BIND);
                return;
            }
            checkUnreadable(Path.of(args[0]));      // an AssertionError ends the JVM with exit code 1 and its message
            System.out.println(PASSED);
        }
    }

    /**
     * A truncated JPEG is an error naming the file and ImageIO's warnings (it loaded, the missing rows filled in);
     * the complete file loads.
     */
    @Test
    void aTruncatedJpegIsAnError() throws IOException {
        Path dir = tmp.resolve("jpegs");
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        Path jpg = dir.resolve("a.jpg");
        write(noise, "jpeg", jpg);
        assertEquals(1, ImageFolder.load(dir, 1).size());
        byte[] whole = Files.readAllBytes(jpg);
        Files.write(jpg, java.util.Arrays.copyOf(whole, whole.length * 6 / 10));
        assertEquals(jpg + ": at image 0 of 1: expected a complete, valid PNG, JPEG, BMP or GIF image, found a damaged one"
                + " (truncated or corrupt): ImageIO warns 'Truncated File - Missing EOI marker',"
                + " 'Corrupt JPEG data: premature end of data segment'", error(dir, 28));
        // bytes before the end marker (as some cameras and scanners pad) leave every pixel decoded: the same pixels
        byte[] padded = new byte[whole.length + 5];
        System.arraycopy(whole, 0, padded, 0, whole.length - 2);
        padded[padded.length - 2] = (byte) 0xFF;
        padded[padded.length - 1] = (byte) 0xD9;
        Files.write(jpg, whole);
        float[] clean = ImageFolder.load(dir, 1).images();
        Files.write(jpg, padded);
        assertArrayEquals(clean, ImageFolder.load(dir, 1).images());
        // only the warnings that mean pixels are missing refuse an image; libjpeg's others leave every pixel decoded
        for (String lost : List.of("Truncated File - Missing EOI marker", "Premature end of JPEG file",
                "Corrupt JPEG data: premature end of data segment")) {
            assertTrue(ImageFolder.losesData(lost), lost);
        }
        for (String harmless : List.of("Corrupt JPEG data: 5 extraneous bytes before marker 0xd9",
                "Embedded color profile is invalid; ignored", "JFIF markers not allowed in JFIF JPEG thumbnail; ignored")) {
            assertFalse(ImageFolder.losesData(harmless), harmless);
        }
    }

    /**
     * A GIF whose first frame does not cover its logical screen (an 8x6 white frame at (10, 12) on a black-backed
     * 40x32 screen, as optimisers and croppers write them) is read as the screen: PIL and ImageMagick give a 40x32
     * image, black but for the white rectangle. ImageIO returns the frame alone: it came out as an 8x6 white image,
     * and resized, as a white picture. A screen too large is refused from its header.
     */
    @Test
    void aGifFrameIsPlacedOnItsLogicalScreen() throws IOException {
        Path dir = tmp.resolve("gif");
        Files.createDirectories(dir);
        Files.write(dir.resolve("a.gif"), gif(40, 32, 10, 12, 8, 6));
        Dataset d = ImageFolder.load(dir, 1);
        assertEquals(32, d.height());
        assertEquals(40, d.width());
        float[] x = d.images();
        for (int y = 0; y < 32; y++) {
            for (int c = 0; c < 40; c++) {
                boolean inside = y >= 12 && y < 18 && c >= 10 && c < 18;
                assertEquals(inside ? 1f : 0f, x[y * 40 + c], "pixel (" + c + ", " + y + ")");
            }
        }
        // resized: the mean is the rectangle's share of the picture, 48 / 1280 (it was 1)
        float[] r = ImageFolder.load(dir, 1, 16, 20).images();
        double sum = 0;
        for (float v : r) sum += v;
        assertEquals(48.0 / 1280, sum / r.length, 1e-5);
        // a frame that is the whole screen is read as before
        Files.write(dir.resolve("a.gif"), gif(8, 6, 0, 0, 8, 6));
        assertEquals(48, ImageFolder.load(dir, 1).images().length);
        // a 65535x65535 screen around a 1x1 frame: refused from the header, never allocated
        Files.write(dir.resolve("a.gif"), gif(65535, 65535, 0, 0, 1, 1));
        assertEquals(dir.resolve("a.gif") + ": at image 0 of 1: expected an image of at most 268435456 pixels (2^28, e.g. 16384x16384)"
                + " and 32768 pixels a side, found 65535x65535 pixels declared in its header (not decoded; shrink a real image of"
                + " that size first, e.g. mogrify -resize '16384x16384>')", error(dir, 28));
    }

    /**
     * A GIF89a with a 4-colour global table (black, white, black, black; background 0) and one w×h frame of colour 1
     * (white) at (left, top) on a sw×sh logical screen. Its LZW data sends a clear code before every pixel, so that
     * the codes stay 3 bits wide.
     */
    static byte[] gif(int sw, int sh, int left, int top, int w, int h) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) sw, (byte) (sw >> 8), (byte) sh, (byte) (sh >> 8), (byte) 0xF1, 0, 0});
        out.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255, 0, 0, 0, 0, 0, 0});
        out.writeBytes(new byte[] {0x2C, (byte) left, (byte) (left >> 8), (byte) top, (byte) (top >> 8),
                (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0});
        java.io.ByteArrayOutputStream lzw = new java.io.ByteArrayOutputStream();
        long bits = 0;
        int n = 0;
        for (int i = 0; i <= w * h; i++) {
            int[] codes = i < w * h ? new int[] {4, 1} : new int[] {5};  // clear, white; then end of information
            for (int code : codes) {
                bits |= (long) code << n;
                n += 3;
                while (n >= 8) {
                    lzw.write((int) (bits & 0xFF));
                    bits >>>= 8;
                    n -= 8;
                }
            }
        }
        if (n > 0) lzw.write((int) bits);
        byte[] data = lzw.toByteArray();
        out.write(2);  // minimum code size
        for (int i = 0; i < data.length; i += 255) {
            int len = Math.min(255, data.length - i);
            out.write(len);
            out.write(data, i, len);
        }
        out.write(0);
        out.write(0x3B);
        return out.toByteArray();
    }

    /**
     * A CMYK JPEG without a colour profile (here the JDK's own, of one flat colour, stored as C, M, Y, K = 74, 185, 22,
     * 106) is read as PIL (convert('RGB'): 106, 41, 136) and ImageMagick (-colorspace sRGB: 105.76, 40.90, 136.14) read
     * it, (1 - C)(1 - K) and so on. The JDK's CMYK colour space gamma-encodes that as if it were linear light: it came
     * out as 172, 111, 193, up to 70 levels brighter. A JDK that cannot read CMYK JPEGs refuses the file (not tested).
     */
    @Test
    void aCmykJpegWithoutAProfileIsReadAsOtherDecodersReadIt() throws IOException {
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {181, 70, 233, 149});
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("cmyk"));
        Path jpg = dir.resolve("a.jpg");
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(jpg.toFile())) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(jpg.toFile());
        } catch (IOException e) {
            decoded = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(decoded != null
                && decoded.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK, "this JDK reads no CMYK JPEG");
        assertArrayEquals(new int[] {74, 185, 22, 106}, decoded.getRaster().getPixel(3, 3, (int[]) null));
        float[] rgb = ImageFolder.load(dir, 3).images();
        float[] expected = {105.76f / 255, 40.90f / 255, 136.14f / 255};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], rgb[(c * 16 + 3) * 16 + 3], 0.5f / 255, "channel " + c);
        }
        float luma = ImageFolder.load(dir, 1).images()[3 * 16 + 3];
        assertEquals(0.299f * expected[0] + 0.587f * expected[1] + 0.114f * expected[2], luma, 0.5f / 255);
    }

    /**
     * A 12-bit JPEG (SOF1, written by {@link JpegFixtures}), which the JDK's JPEG decoder does not read, is an error
     * naming the file, its place and what to do, whether it comes after other images or first (where its header gives
     * the size of a folder read at its own size); nothing is loaded. Before, the message was ImageIO's exception,
     * "found javax.imageio.IIOException: Unsupported JPEG data precision 12".
     */
    @Test
    void aTwelveBitJpegIsRefusedNamingTheFileAndWhatToDo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("twelve"));
        write(gray(4, 4, 0), "png", dir.resolve("a.png"));
        Path jpg = dir.resolve("b.jpg");
        Files.write(jpg, JpegFixtures.gray12());
        write(gray(4, 4, 0), "png", dir.resolve("c.png"));
        String expected = ": expected a JPEG of 8-bit samples (the only precision the JDK's JPEG decoder reads), found a 12-bit JPEG"
                + " (its frame header declares 12-bit samples): 12-bit JPEG is not supported; convert it to 8-bit (or to a 16-bit PNG,"
                + " which keeps its levels)";
        assertEquals(jpg + ": at image 1 of 3" + expected, error(dir, 28));
        Files.delete(dir.resolve("a.png"));
        assertEquals(jpg + ": at image 0 of 2" + expected, error(dir, 0));
        assertEquals(12, ImageFolder.jpegPrecision(jpg));
        assertEquals(8, ImageFolder.jpegPrecision(writeTo(tmp.resolve("ycck.jpg"), JpegFixtures.ycck())));
        assertEquals(0, ImageFolder.jpegPrecision(dir.resolve("c.png")));
    }

    /**
     * A YCCK JPEG (Adobe transform 2, written by {@link JpegFixtures}) and the CMYK JPEG it converts to give the same
     * grey, the one djpeg and ImageMagick give (libjpeg-turbo 2.1.5, ImageMagick 6.9.11: 20 and 19.607 of 255; the
     * Adobe samples are inverted, 100·50/255): R = G = B = (255 − C')(255 − K')/255 with the JDK's C' = 155, K' = 205.
     */
    @Test
    void aYcckJpegIsReadAsOtherDecodersReadIt() throws IOException {
        float grey = 100f * 50f / 255f / 255f;
        for (String name : List.of("ycck", "cmyk")) {
            Path dir = Files.createDirectories(tmp.resolve(name));
            Files.write(dir.resolve("a.jpg"), name.equals("ycck") ? JpegFixtures.ycck() : JpegFixtures.cmyk());
            BufferedImage decoded;
            try {
                decoded = ImageIO.read(dir.resolve("a.jpg").toFile());
            } catch (IOException e) {
                decoded = null;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(decoded != null, "this JDK reads no CMYK or YCCK JPEG");
            float[] g = ImageFolder.load(dir, 1).images();
            float[] rgb = ImageFolder.load(dir, 3).images();
            assertEquals(64, g.length);
            for (int i = 0; i < 64; i++) {
                assertEquals(grey, g[i], 1e-6f, "pixel " + i);
                for (int c = 0; c < 3; c++) assertEquals(grey, rgb[c * 64 + i], 1e-6f, "pixel " + i + ", channel " + c);
            }
        }
    }

    private static Path writeTo(Path f, byte[] bytes) throws IOException {
        return Files.write(f, bytes);
    }

    /**
     * A grey PNG of 1, 2 or 4 bits with a tRNS key: the pixels of that grey level are transparent, black once
     * composited, as at 8 and 16 bits (libpng and browsers show them so). ImageIO compared the key with the samples
     * scaled to 8 bits, so a key other than 0 never matched and those pixels came out in their grey.
     */
    @Test
    void aLowBitGreyPngsTransparentLevelIsTransparent() throws IOException {
        Path dir = tmp.resolve("trns");
        Files.createDirectories(dir);
        // 2 bits, levels 0 1 2 3, key 2
        Files.write(dir.resolve("a.png"), grayPngRow(2, 2, 0, 1, 2, 3));
        assertArrayEquals(new float[] {0, 1 / 3f, 0, 1}, ImageFolder.load(dir, 1).images(), 1e-6f);
        // 4 bits, key 5
        Files.write(dir.resolve("a.png"), grayPngRow(4, 5, 5, 15, 4, 5));
        assertArrayEquals(new float[] {0, 1, 4 / 15f, 0}, ImageFolder.load(dir, 1).images(), 1e-6f);
        // 1 bit, key 1 (white transparent): only the black pixels stay
        Files.write(dir.resolve("a.png"), grayPngRow(1, 1, 1, 0, 1, 1));
        assertArrayEquals(new float[] {0, 0, 0, 0}, ImageFolder.load(dir, 1).images(), 1e-6f);
        // 8 bits, key 200: as before
        Files.write(dir.resolve("a.png"), grayPngRow(8, 200, 200, 100, 255, 200));
        assertArrayEquals(new float[] {0, 100 / 255f, 1, 0}, ImageFolder.load(dir, 1).images(), 1e-6f);
        // no tRNS: every level as it is
        Files.write(dir.resolve("a.png"), grayPngRow(2, -1, 0, 1, 2, 3));
        assertArrayEquals(new float[] {0, 1 / 3f, 2 / 3f, 1}, ImageFolder.load(dir, 1).images(), 1e-6f);
    }

    /** A one-row grey PNG of the given bit depth (1, 2, 4 or 8) and levels, with a tRNS chunk for key unless key < 0. */
    static byte[] grayPngRow(int bits, int key, int... levels) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(levels.length).putInt(1).put((byte) bits).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        if (key >= 0) {
            chunk(out, "tRNS", new byte[] {(byte) (key >> 8), (byte) key});
        }
        byte[] row = new byte[1 + (levels.length * bits + 7) / 8];  // filter byte 0, then the packed samples
        for (int i = 0; i < levels.length; i++) {
            int bit = i * bits;
            row[1 + bit / 8] |= (byte) (levels[i] << (8 - bits - bit % 8));
        }
        java.util.zip.Deflater z = new java.util.zip.Deflater();
        z.setInput(row);
        z.finish();
        byte[] idat = new byte[256];
        int n = z.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A PNG whose header declares w×h gray pixels, followed by a tiny zlib stream (a few rows' worth). */
    static byte[] pngClaiming(int w, int h) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        java.util.zip.Deflater z = new java.util.zip.Deflater();
        z.setInput(new byte[4 * (w + 1)]);
        z.finish();
        byte[] idat = new byte[1 << 16];
        int n = z.deflate(idat);
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void anImageThatClaimsTooManyPixelsIsRefusedFromItsHeader() throws IOException {
        Path dir = tmp.resolve("bomb");
        write(gray(2, 2, 0), "png", dir.resolve("a.png"));
        byte[] bomb = pngClaiming(30000, 30000);
        assertTrue(bomb.length < 1000, bomb.length + " bytes");
        Files.write(dir.resolve("b.png"), bomb);
        String m = error(dir, 28);
        assertTrue(m.startsWith(dir.resolve("b.png") + ": at image 1 of 2: expected an image of at most 268435456 pixels (2^28"), m);
        assertTrue(m.contains("found 30000x30000 pixels declared in its header (not decoded;"), m);
        // the native-size mode reads the size from the first image's header: the same refusal
        Files.delete(dir.resolve("a.png"));
        assertTrue(error(dir, 0).contains("30000x30000"));
        // just under the limit on one side, too long on the other
        Files.write(dir.resolve("b.png"), pngClaiming(40000, 2));
        assertTrue(error(dir, 28).contains("40000x2 pixels declared"));
    }

    /**
     * A header that claims more pixels than the rest of the file can encode is refused before ImageIO allocates the
     * image: a 4000x4000 PNG of about 60 bytes, a JPEG whose frame header was changed to 2000x2000, a GIF frame of
     * 1000x1000 in 35 bytes (made at 16000x16000, each was a gigabyte allocated, an OutOfMemoryError under a 512 MB
     * heap). The bounds hold for valid files: a black 1-bit PNG, deflate's best case, and a black JPEG of the same
     * sizes load.
     */
    @Test
    void aHeaderClaimingMorePixelsThanItsFileHoldsIsRefusedBeforeDecoding() throws IOException {
        Path dir = tmp.resolve("liar");
        Path png = dir.resolve("a.png");
        Files.createDirectories(dir);
        Files.write(png, pngClaiming(4000, 4000));
        long size = Files.size(png);
        assertEquals(dir.resolve("a.png") + ": at image 0 of 1: expected an image whose data fits in its file (a PNG of " + size
                + " bytes encodes at most " + 8256 * size + " pixels), found 4000x4000 pixels declared in its header (not decoded:"
                + " the file is truncated or its header is damaged)", error(dir, 28));
        assertTrue(error(dir, 0).contains("found 4000x4000 pixels declared"));      // the native size is read from the header
        Files.delete(png);

        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(gray(8, 8, 1), "jpg", jpeg);
        byte[] j = jpeg.toByteArray();
        int sof = 2;
        while (!((j[sof] & 0xFF) == 0xFF && (j[sof + 1] & 0xFF) == 0xC0)) sof++;
        j[sof + 5] = (byte) (2000 >> 8);                        // height, then width, big-endian
        j[sof + 6] = (byte) (2000 & 0xFF);
        j[sof + 7] = (byte) (2000 >> 8);
        j[sof + 8] = (byte) (2000 & 0xFF);
        Files.write(dir.resolve("b.jpg"), j);
        assertTrue(error(dir, 28).startsWith(dir.resolve("b.jpg") + ": at image 0 of 1: expected an image whose data fits in its"
                + " file (a JPEG of " + j.length + " bytes encodes at most " + 512 * j.length + " pixels), found 2000x2000 pixels"), error(dir, 28));
        Files.delete(dir.resolve("b.jpg"));

        // GIF89a, a 1000x1000 screen and frame, a two-colour table, LZW data (minimum code size 2) of one pixel
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', (byte) 0xE8, 3, (byte) 0xE8, 3, (byte) 0x80, 0, 0, 0, 0, 0, -1, -1, -1,
                0x2C, 0, 0, 0, 0, (byte) 0xE8, 3, (byte) 0xE8, 3, 0, 2, 2, 0x44, 0x01, 0, 0x3B};
        Files.write(dir.resolve("c.gif"), gif);
        assertTrue(error(dir, 28).startsWith(dir.resolve("c.gif") + ": at image 0 of 1: expected an image whose data fits in its"
                + " file (a GIF of 35 bytes encodes at most 95585 pixels), found 1000x1000 pixels"), error(dir, 28));
        Files.delete(dir.resolve("c.gif"));

        // valid files as compressible as their format allows load: a black 1-bit PNG and a black JPEG of 2000x2000
        ImageIO.write(new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_BINARY), "png", dir.resolve("d.png").toFile());
        ImageIO.write(new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY), "jpg", dir.resolve("e.jpg").toFile());
        assertTrue(Files.size(dir.resolve("d.png")) < 4_000_000 / 1000, Files.size(dir.resolve("d.png")) + " bytes");
        Dataset d = ImageFolder.load(dir, 1, 4, 4);
        assertEquals(2, d.size());
        for (float v : d.images()) assertEquals(0f, v);
    }

    /**
     * The message of loading dir (resized to 28x28) failing, on this thread while it allocates less than maxBytes
     * (checked where the JVM counts a thread's allocations): a header that claims more than its file holds must be
     * refused before the claim is allocated, not after ImageIO found the data missing.
     */
    private String errorAllocatingLessThan(Path dir, long maxBytes) {
        return AllocationBound.below(maxBytes, () -> error(dir, 28));
    }

    /**
     * A GIF's logical screen, the image's size here, costs its file nothing (outside the frame it is transparent): a
     * 41-byte GIF declaring a 16384x16384 screen around a 1x1 frame passed every check (the screen within 2^28 pixels,
     * the frame within its file) and its screen was allocated, 2 GB in all with the floats (an OutOfMemoryError under
     * -Xmx256m; 8192x8192 took 514 MB). The screen is now held to what the file can fill, with room for a small real
     * GIF: a 1x1 frame on a 1024x1024 screen loads.
     */
    @Test
    void aGifScreenLargerThanItsFileCanFillIsRefusedBeforeDecoding() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("screen"));
        Path f = Files.write(dir.resolve("a.gif"), gif(16384, 16384, 0, 0, 1, 1));
        assertEquals(41, Files.size(f));
        assertEquals(f + ": at image 0 of 1: expected a GIF whose logical screen its file can fill (a GIF of 41 bytes encodes at"
                + " most 111971 pixels; a screen of at most 1048576 pixels is read whatever the file's size), found a screen of"
                + " 16384x16384 pixels around a frame of 1x1 declared in its header (not decoded: the header is damaged)",
                errorAllocatingLessThan(dir, 64L << 20));
        Files.write(f, gif(8192, 8192, 100, 100, 1, 1));
        assertTrue(errorAllocatingLessThan(dir, 64L << 20).contains("found a screen of 8192x8192 pixels around a frame of 1x1"));
        // a small screen passes whatever the file's size: black but for the white pixel at (1000, 3)
        Files.write(f, gif(1024, 1024, 1000, 3, 1, 1));
        float[] x = ImageFolder.load(dir, 1).images();
        assertEquals(1024 * 1024, x.length);
        assertEquals(1f, x[3 * 1024 + 1000]);
        assertEquals(0f, x[0]);
    }

    /**
     * A BMP (BITMAPINFOHEADER) of w×h pixels of bpp bits with this compression (0 none, 1 RLE8, 2 RLE4), a grey
     * palette for up to 8 bits, and data as its pixel data.
     */
    static byte[] bmp(int w, int h, int bpp, int compression, byte[] data) {
        int colors = bpp <= 8 ? 1 << bpp : 0;
        int offset = 14 + 40 + 4 * colors;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(offset + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(offset + data.length).putInt(0).putInt(offset);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) bpp).putInt(compression).putInt(data.length)
                .putInt(2835).putInt(2835).putInt(colors).putInt(0);
        for (int i = 0; i < colors; i++) b.putInt(i * 255 / (colors - 1) * 0x010101);
        return b.put(data).array();
    }

    /** img written by ImageIO's writer of the format with this compression (a name the writer offers). */
    private static void write(BufferedImage img, String format, String compression, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(compression);
            w.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }

    /**
     * A run-length BMP's codes may skip to the end of the image (an end-of-bitmap code, 2 bytes), so its header's size
     * had no bound: a 1080-byte RLE8 BMP and a 120-byte RLE4 one declaring 16384x16384 pixels were decoded, 1.2 GB
     * allocated (an OutOfMemoryError under -Xmx256m), and came out black. An uncompressed one was not bounded either
     * (an 8-bit one of 1094 bytes allocated 257 MB before ImageIO found its rows missing). Now a run-length BMP is
     * held to 128 pixels a byte (a run is at most 255 pixels in 2 bytes) unless it has at most 2^20 pixels, and an
     * uncompressed one to 8 (1-bit pixels). Real files load: ImageIO's own RLE8, RLE4 and uncompressed BMPs of a flat
     * 2048x1024 image, their codecs' best case, and a 1024x1024 RLE8 BMP that skips every pixel.
     */
    @Test
    void aRunLengthBmpClaimingMoreThanItsFileHoldsIsRefusedBeforeDecoding() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rle"));
        Path f = dir.resolve("a.bmp");
        byte[] endOfBitmap = {0, 1};
        Files.write(f, bmp(16384, 16384, 8, 1, endOfBitmap));
        assertEquals(f + ": at image 0 of 1: expected an image whose data fits in its file (a BMP (RLE8) of 1080 bytes encodes at"
                + " most 138240 pixels, or any image of at most 1048576 pixels, which its codes may skip), found 16384x16384 pixels"
                + " declared in its header (not decoded: the file is truncated or its header is damaged)", errorAllocatingLessThan(dir, 64L << 20));
        Files.write(f, bmp(16384, 16384, 4, 2, endOfBitmap));
        assertTrue(errorAllocatingLessThan(dir, 64L << 20).contains("(a BMP (RLE4) of 120 bytes encodes at most 15360 pixels, or any"
                + " image of at most 1048576 pixels, which its codes may skip), found 16384x16384 pixels declared"));
        Files.write(f, bmp(16384, 16384, 8, 0, new byte[16]));
        assertTrue(errorAllocatingLessThan(dir, 64L << 20).contains("(a BMP of 1094 bytes encodes at most 8752 pixels), found"
                + " 16384x16384 pixels declared"));
        // all skipped, within 2^20 pixels: black
        Files.write(f, bmp(1024, 1024, 8, 1, endOfBitmap));
        for (float v : ImageFolder.load(dir, 1, 4, 4).images()) assertEquals(0f, v);
        // ImageIO's own run-length and uncompressed BMPs of a flat image (twice 2^20 pixels) load, white
        BufferedImage flat8 = new BufferedImage(2048, 1024, BufferedImage.TYPE_BYTE_INDEXED);
        byte[] blackThenWhite = new byte[16];
        java.util.Arrays.fill(blackThenWhite, 1, 16, (byte) 255);
        BufferedImage flat4 = new BufferedImage(2048, 1024, BufferedImage.TYPE_BYTE_BINARY,
                new java.awt.image.IndexColorModel(4, 16, blackThenWhite, blackThenWhite, blackThenWhite));
        for (BufferedImage img : new BufferedImage[] {flat8, flat4}) {
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, 2048, 1024);
            g.dispose();
        }
        java.awt.image.IndexColorModel white = new java.awt.image.IndexColorModel(1, 2, new byte[] {0, -1}, new byte[] {0, -1},
                new byte[] {0, -1});
        BufferedImage flat1 = new BufferedImage(2048, 1024, BufferedImage.TYPE_BYTE_BINARY, white);
        int[] ones = new int[2048 * 1024];
        java.util.Arrays.fill(ones, 1);
        flat1.getRaster().setSamples(0, 0, 2048, 1024, 0, ones);
        Files.delete(f);
        write(flat8, "bmp", "BI_RLE8", dir.resolve("b.bmp"));
        write(flat4, "bmp", "BI_RLE4", dir.resolve("c.bmp"));
        write(flat1, "bmp", "BI_RGB", dir.resolve("d.bmp"));
        assertTrue(Files.size(dir.resolve("b.bmp")) < 2048 * 1024 / 64, Files.size(dir.resolve("b.bmp")) + " bytes");
        Dataset d = ImageFolder.load(dir, 1, 4, 4);
        assertEquals(3, d.size());
        for (float v : d.images()) assertEquals(1f, v, 1e-6f);
    }

    /**
     * A little-endian TIFF of one w×h strip of 8-bit grey samples with this compression (1 none, 8 deflate) and data.
     */
    static byte[] tiff(int w, int h, int compression, byte[] data) {
        int fields = 9;
        int dataAt = 8 + 2 + 12 * fields + 4;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(dataAt + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) fields);
        int[][] ifd = {{256, 4, w}, {257, 4, h}, {258, 3, 8}, {259, 3, compression}, {262, 3, 1}, {273, 4, dataAt},
                {277, 3, 1}, {278, 4, h}, {279, 4, data.length}};
        for (int[] e : ifd) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            if (e[1] == 3) b.putShort((short) e[2]).putShort((short) 0); else b.putInt(e[2]);
        }
        return b.putInt(0).put(data).array();
    }

    /**
     * ImageIO picks a reader by the file's content, so a TIFF named a.png is read as a TIFF, which had no bound: 138
     * bytes declaring 16384x16384 uncompressed pixels allocated 257 MB before ImageIO found the data missing, and 134
     * bytes of deflate declaring as much decoded to 1.3 GB (OutOfMemoryErrors under -Xmx256m). A TIFF is now held to
     * the bound of its compression, not the PNG's its name suggests, and the message says what the content is. Real
     * TIFFs named .png load: ImageIO's own of a flat 2048x1024 image, 1-bit, in each compression its writer offers.
     */
    @Test
    void aTiffNamedPngIsBoundedAsATiffBeforeDecoding() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tiff-as-png"));
        Path f = Files.write(dir.resolve("a.png"), tiff(16384, 16384, 1, new byte[16]));
        assertEquals(f + ": at image 0 of 1: expected an image whose data fits in its file (a TIFF (uncompressed) of 138 bytes"
                + " encodes at most 1104 pixels; its content is TIFF, which ImageIO reads whatever its name), found 16384x16384"
                + " pixels declared in its header (not decoded: the file is truncated or its header is damaged)",
                errorAllocatingLessThan(dir, 64L << 20));
        java.util.zip.Deflater z = new java.util.zip.Deflater();
        z.setInput(new byte[100]);
        z.finish();
        byte[] zipped = new byte[100];
        Files.write(f, tiff(16384, 16384, 8, java.util.Arrays.copyOf(zipped, z.deflate(zipped))));
        long size = Files.size(f);
        assertTrue(errorAllocatingLessThan(dir, 64L << 20).contains("(a TIFF (deflate) of " + size + " bytes encodes at most "
                + 8256 * size + " pixels; its content is TIFF, which ImageIO reads whatever its name), found 16384x16384 pixels"));
        Files.delete(f);
        BufferedImage flat = new BufferedImage(2048, 1024, BufferedImage.TYPE_BYTE_BINARY);
        int n = 0;
        for (String c : new String[] {"CCITT RLE", "CCITT T.4", "CCITT T.6", "LZW", "ZLib", "PackBits", "Deflate"}) {
            write(flat, "tiff", c, dir.resolve("t" + n++ + ".png"));
        }
        write(new BufferedImage(2048, 1024, BufferedImage.TYPE_BYTE_GRAY), "tiff", "JPEG", dir.resolve("t" + n++ + ".png"));
        Dataset d = ImageFolder.load(dir, 1, 4, 4);
        assertEquals(n, d.size());
        for (float v : d.images()) assertEquals(0f, v);
    }

    /**
     * A photo larger than the old limit of 2^26 pixels (a 108-megapixel phone camera's 12000x9000 was refused): a real
     * 8200x8200 image (67,240,000 pixels) decodes and is resized like any other, to the mean of its pixels here.
     */
    @Test
    void aPhotoOfMoreThan64MegapixelsIsRead() throws IOException {
        Path dir = tmp.resolve("large");
        BufferedImage img = new BufferedImage(8200, 8200, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new java.awt.Color(51, 51, 51));
        g.fillRect(0, 0, 8200, 4100);
        g.setColor(new java.awt.Color(153, 153, 153));
        g.fillRect(0, 4100, 8200, 4100);
        g.dispose();
        write(img, "png", dir.resolve("a.png"));
        img = null;
        float[] x = ImageFolder.load(dir, 1, 2, 1).images();
        assertEquals(0.2f, x[0], 1e-6f);    // the box filter's mean over the top half: 51/255
        assertEquals(0.6f, x[1], 1e-6f);    // 153/255
    }

    /** A one-band grey image of w×1 pixels with these samples, in a raster of the given DataBuffer type and bits. */
    private static BufferedImage grayRow(int type, int bits, double... samples) {
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), new int[] {bits}, false, false,
                java.awt.Transparency.OPAQUE, type);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(samples.length, 1);
        for (int x = 0; x < samples.length; x++) {
            r.setSample(x, 0, 0, samples[x]);
        }
        return new BufferedImage(cm, r, false, null);
    }

    private static float[] convert(BufferedImage img) {
        float[] x = new float[img.getWidth()];
        ImageConversion.toFloats(x, 0, img, 1, 1, img.getWidth());
        return x;
    }

    /**
     * Floating-point samples are taken as they are when in [0, 1] and refused otherwise (they came out as zeros or
     * NaN); 32-bit integer grey samples are unsigned (0xC0000000 came out negative).
     */
    @Test
    void floatingPointAndWideSamples() throws IOException {
        int F = java.awt.image.DataBuffer.TYPE_FLOAT;
        int D = java.awt.image.DataBuffer.TYPE_DOUBLE;
        int I = java.awt.image.DataBuffer.TYPE_INT;
        assertArrayEquals(new float[] {0f, 0.5f, 0.25f, 1f}, convert(grayRow(F, 32, 0, 0.5, 0.25, 1)));
        assertArrayEquals(new float[] {0.5f, 0.125f}, convert(grayRow(D, 64, 0.5, 0.125)));
        // 0xC0000000 / (2^32 - 1) and 0xFFFFFFFF / (2^32 - 1), in float: 0.75 and 1
        assertArrayEquals(new float[] {0.75f, 1f, 0f}, convert(grayRow(I, 32, 0xC0000000, 0xFFFFFFFF, 0)));
        // 16 bits as before: 0x8000 / 65535
        assertArrayEquals(new float[] {0x8000 / 65535f}, convert(grayRow(java.awt.image.DataBuffer.TYPE_USHORT, 16, 0x8000)));
        String samples = "pixel samples the loader reads (unsigned integers, or floating-point values in [0, 1])";
        String m = assertThrows(IllegalArgumentException.class, () -> convert(grayRow(F, 32, 0.5, Double.NaN))).getMessage();
        assertEquals("expected " + samples + ", found the floating-point sample NaN at pixel (1, 0)", m);
        m = assertThrows(IllegalArgumentException.class, () -> convert(grayRow(D, 64, 0.5, 0.5, 2))).getMessage();
        assertTrue(m.endsWith("found the floating-point sample 2.0 at pixel (2, 0)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> convert(grayRow(D, 64, -0.5))).getMessage();
        assertTrue(m.endsWith("found the floating-point sample -0.5 at pixel (0, 0)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> convert(grayRow(java.awt.image.DataBuffer.TYPE_SHORT, 16, 5))).getMessage();
        assertTrue(m.endsWith("found signed 16-bit samples"), m);
        // 32-bit colour samples: the JDK's sRGB conversion turns 0xC0000000 into 0
        java.awt.image.ComponentColorModel rgb = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[] {32, 32, 32}, false, false,
                java.awt.Transparency.OPAQUE, I);
        BufferedImage wide = new BufferedImage(rgb, rgb.createCompatibleWritableRaster(1, 1), false, null);
        m = assertThrows(IllegalArgumentException.class, () -> ImageConversion.toFloats(new float[3], 0, wide, 3, 1, 1)).getMessage();
        assertTrue(m.endsWith("found 32-bit colour samples"), m);

        // from a file (a TIFF, which ImageIO reads whatever the name): the error names it
        Path dir = tmp.resolve("tiff");
        write(grayRow(F, 32, 0.5, 0.25), "tiff", dir.resolve("a.png"));
        assertArrayEquals(new float[] {0.5f, 0.25f}, ImageFolder.load(dir, 1).images());
        write(grayRow(F, 32, 0.5, Double.NaN), "tiff", dir.resolve("b.png"));
        m = error(dir, 0);
        assertEquals(dir.resolve("b.png") + ": at image 1 of 2: expected " + samples
                + ", found the floating-point sample NaN at pixel (1, 0)", m);
    }

    /**
     * A grey image with premultiplied alpha (an image built in memory; ImageIO's readers make none) holds v · a, which
     * is already the value composited over black: 64 at alpha 128 is 64/255, as the colour path (getRGB) gives it too.
     * It was multiplied by the alpha again, 64/255 · 128/255.
     */
    @Test
    void aPremultipliedGreyImageIsCompositedOnce() {
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, true,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
        r.setPixel(0, 0, new int[] {64, 128});
        r.setPixel(1, 0, new int[] {255, 255});
        BufferedImage img = new BufferedImage(cm, r, true, null);
        float[] x = new float[8];
        ImageConversion.toFloats(x, 0, img, 1, 1, 2);
        assertEquals(64 / 255f, x[0]);
        assertEquals(1f, x[1]);
        ImageConversion.toFloats(x, 2, img, 3, 1, 2);            // C = 3 repeats the channel
        assertArrayEquals(new float[] {64 / 255f, 1f, 64 / 255f, 1f, 64 / 255f, 1f}, java.util.Arrays.copyOfRange(x, 2, 8));
    }

    /**
     * ImageIO's GIF reader misplaced the rows of an interlaced frame of 2 to 4 rows (its second pass empty): a 1x4 GIF of
     * rows 20, 40, 60, 80 read as 20, 80, 40, 0 and a 1x2 one as 20, 0, without a warning. ImageIO's writer interlaces
     * every GIF, so these are its own files. Heights 1 and 5 (read right by ImageIO) check the rest is unchanged.
     */
    @Test
    void aShortInterlacedGifKeepsItsRowsInPlace() throws IOException {
        for (int h = 1; h <= 5; h++) {
            int w = 3;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, 20 * (y + 1) + x);
            Path dir = tmp.resolve("gif" + h);
            write(img, "gif", dir.resolve("a.gif"));
            byte[] b = Files.readAllBytes(dir.resolve("a.gif"));
            int desc = 13 + 3 * (2 << (b[10] & 7));            // ImageIO writes a global colour table and no extension here
            while ((b[desc] & 0xFF) == 0x21) {
                desc += 2;
                while (b[desc] != 0) desc += (b[desc] & 0xFF) + 1;
                desc++;
            }
            assertEquals(0x2C, b[desc] & 0xFF);
            assertEquals(0x40, b[desc + 9] & 0x40, "interlaced");
            float[] x = ImageFolder.load(dir, 1).images();
            int[] got = new int[w * h];
            int[] want = new int[w * h];
            for (int i = 0; i < w * h; i++) {
                got[i] = Math.round(x[i] * 255);
                want[i] = 20 * (i / w + 1) + i % w;
            }
            assertArrayEquals(want, got, "height " + h);
        }
    }

    /**
     * A GIF frame whose LZW data ends (an end-of-information code, or a code its table does not hold) before the frame is
     * full is refused: ImageIO stops decoding there without a warning, and a 4x4 frame whose data held one white pixel
     * was loaded as that pixel and 15 black ones. Single flipped bits in the data of a 28x28 GIF that ImageIO wrote did
     * the same in 36 of 200 cases.
     */
    @Test
    void aGifWhoseDataEndsBeforeItsFrameIsFullIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("gifend"));
        // LZW codes of 3 bits (minimum code size 2), least significant bit first: clear (4), 1 (white), end (5)
        Files.write(dir.resolve("a.gif"), gif(4, 4, 0x4C, 0x01));
        assertEquals(dir.resolve("a.gif") + ": at image 0 of 1: expected a complete, valid PNG, JPEG, BMP or GIF image, found a"
                + " damaged one (truncated or corrupt): its GIF data ends after 0 of the frame's 4 rows", error(dir, 28));
        // clear, 1, 1, 6 (the new entry "1 1"), then the end in 4 bits (the table reached 8 entries): one row of 4 white pixels
        Files.write(dir.resolve("a.gif"), gif(4, 4, 0x4C, 0x5C));
        assertTrue(error(dir, 0).endsWith("its GIF data ends after 1 of the frame's 4 rows"), error(dir, 0));
        // the same data fills a 4x1 frame, which loads
        Files.write(dir.resolve("a.gif"), gif(4, 1, 0x4C, 0x5C));
        assertArrayEquals(new float[] {1, 1, 1, 1}, ImageFolder.load(dir, 1).images());
    }

    /** GIF89a of a w×h screen and frame at (0, 0), colours black and white, and one sub-block of LZW data (minimum code size 2). */
    private static byte[] gif(int w, int h, int... data) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) w, 0, (byte) h, 0, (byte) 0x80, 0, 0, 0, 0, 0, -1, -1, -1,
                0x2C, 0, 0, 0, 0, (byte) w, 0, (byte) h, 0, 0, 2, (byte) data.length});
        for (int d : data) b.write(d);
        b.writeBytes(new byte[] {0, 0x3B});
        return b.toByteArray();
    }

    @Test
    void aLimitDecodesOnlyTheFirstImages() throws IOException {
        Path dir = tmp.resolve("tail");
        write(gray(3, 4, 10), "png", dir.resolve("a.png"));
        write(gray(3, 4, 20), "png", dir.resolve("b.png"));
        Files.write(dir.resolve("c.png"), new byte[] {1, 2, 3, 4});
        try (ImageStream s = ImageFolder.stream(dir, 1, 3, 4, 2)) {
            assertEquals(2, s.size());
            Dataset d = s.readAll();
            assertEquals(2, d.size());
            assertEquals((16 * 2 + 3 + 20) / 255f, d.images()[12 + 11], 1e-7f);
        } catch (DatasetException e) {
            throw new AssertionError("c.png was decoded", e);
        }
        assertTrue(error(dir, 0).contains("c.png: at image 2 of 3"));
        // in batches: the same floats as all at once
        write(gray(3, 4, 30), "png", dir.resolve("c.png"));
        Dataset all = ImageFolder.load(dir, 1, 3, 4);
        try (ImageStream s = ImageFolder.stream(dir, 1, 3, 4, 3)) {
            float[] x = new float[3 * 12];
            assertEquals(2, s.read(x, 0, 2));
            assertEquals(1, s.read(x, 24, 2));
            assertEquals(0, s.read(x, 0, 2));
            assertArrayEquals(all.images(), x);
        }
    }

    @Test
    void datasetsLoadAcceptsAFolder() throws IOException {
        Path dir = tmp.resolve("mine");
        write(gray(10, 10, 0), "png", dir.resolve("a.png"));
        Dataset d = Datasets.load(dir.toString(), DataSource.of(List.of(), tmp.resolve("cache")));
        assertEquals(List.of(), d.classNames(), "an unlabeled folder has no classes to name");
        assertEquals(28, d.height());
        assertEquals(1, d.channels());
        String m = assertThrows(DatasetException.class,
                () -> Datasets.load("no-such-set", DataSource.of(List.of(), tmp.resolve("cache")))).getMessage();
        assertTrue(m.contains("expected one of [mnist, mnist-test, usps, fashion-mnist, shapes]"), m);
    }

    /**
     * A folder of 0-byte images (a copy that failed) is refused at the first, saying it is empty: the message blamed the
     * format ("found no ImageIO reader accepts it"). A file that is not an image keeps that message.
     */
    @Test
    void anEmptyImageFileIsNamedAsEmpty() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("zeros"));
        Files.write(dir.resolve("a.png"), new byte[0]);
        Files.write(dir.resolve("b.png"), new byte[0]);
        String m = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 28, 28)).getMessage();
        assertEquals(dir.resolve("a.png") + ": at image 0 of 2: expected a readable PNG, JPEG, BMP or GIF image, found an empty"
                + " file (0 bytes)", m);
        Files.writeString(dir.resolve("a.png"), "not an image");
        m = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 28, 28)).getMessage();
        assertTrue(m.endsWith("a.png: at image 0 of 2: expected a readable PNG, JPEG, BMP or GIF image, found no ImageIO reader"
                + " accepts it"), m);
    }
}
