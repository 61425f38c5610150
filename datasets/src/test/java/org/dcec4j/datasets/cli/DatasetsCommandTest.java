package org.dcec4j.datasets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsCommandTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return DatasetsCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("DCEC4J_OFFLINE", "1"), tmp.resolve("home"));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void usageErrors() {
        assertEquals(2, run());
        assertTrue(err().contains("usage: datasets"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("--bogus", "list"));
        assertEquals(2, run("fetch"));
        assertEquals(2, run("sheet", "shapes", "x.png", "--columns", "zero"));
        assertEquals(0, run("--help"));
        assertTrue(out().contains("verify"));
    }

    /** --columns, --rows and --scale take ASCII digits only: Integer.parseInt took `--columns ٣` (Arabic-Indic three) as 3. */
    @Test
    void sheetNumbersTakeAsciiDigitsOnly() {
        Path png = tmp.resolve("s.png");
        for (String option : new String[] {"--columns", "--rows", "--scale"}) {
            for (String bad : new String[] {"\u0663", "1\u0663", "\uff13"}) {
                assertEquals(2, run("sheet", "shapes", png.toString(), option, bad), option + " " + bad);
                assertTrue(err().startsWith("datasets: " + option + " expects a positive integer (digits 0-9), found " + bad + "\n"), err());
                assertFalse(Files.exists(png));
            }
        }
        assertEquals(0, run("sheet", "shapes", png.toString(), "--columns", "+3", "--rows", "2", "--scale", "1"), err());
    }

    /** Numbers are ASCII digits whatever the locale: under th-TH-u-nu-thai the shapes line read "๑๐๐๐๐ x 1x๒๘x๒๘". */
    @Test
    void listPrintsAsciiDigitsUnderEveryLocale() {
        java.util.Locale was = java.util.Locale.getDefault();
        try {
            for (String tag : new String[] {"th-TH-u-nu-thai", "ar-EG", "fa-IR", "hi-IN-u-nu-deva"}) {
                java.util.Locale.setDefault(java.util.Locale.forLanguageTag(tag));
                assertEquals(0, run("list"));
                assertTrue(out().contains("shapes         built in   10000 x 1x28x28, generated (seed 1)\n"), tag + ": " + out());
            }
        } finally {
            java.util.Locale.setDefault(was);
        }
    }

    /** `datasets` in a JVM of its own under LANG=C (LC_ALL and the other LC_ unset): its exit code and output. */
    static String[] underPosixLocale(Class<?> main, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("LC_"));
        b.environment().put("LANG", "C");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.waitFor()), out};
    }

    /**
     * Under LANG=C JDK 17 reads a non-ASCII argument as U+FFFD and cannot make a path of it: `datasets sheet shapes
     * é.png` died with a stack trace (InvalidPathException), `--data-dir é` printed only "Malformed input or input
     * contains unmappable characters". Both are one line now, with the reason and what to do, exit code 2.
     */
    @Test
    void aNameTheLocaleCannotSpellIsOneLineSayingWhy() throws Exception {
        String hint = "it reads file names as ANSI_X3.4-1968 (sun.jnu.encoding, from the locale: LANG, LC_ALL), which cannot spell"
                + " them; run it under a UTF-8 locale, e.g. LANG=C.UTF-8";
        String[] r = underPosixLocale(DatasetsCommand.class, "sheet", "shapes", tmp.resolve("\u00e9.png").toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("datasets: '" + tmp + "/??.png' is not a file name this JVM can use (") && r[1].contains(hint), r[1]);
        assertFalse(r[1].contains("Exception"), r[1]);
        r = underPosixLocale(DatasetsCommand.class, "--data-dir", tmp.resolve("\u00e9").toString(), "list");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains(hint), r[1]);
    }

    @Test
    void listVerifyAndFetchAgainstAFolder() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("usps"));
        // a wrong usps_test.jf and no usps_train.jf
        Files.writeString(data.resolve("usps/usps_test.jf"), "10 4\n1 0 0 0 0\n-1\n");
        assertEquals(0, run("--data-dir", data.toString(), "list"));
        assertTrue(out().contains("downloads: off"), out());
        assertTrue(out().matches("(?s).*usps\\s+missing\\s+usps_train.jf.*"), out());
        assertTrue(out().matches("(?s).*shapes\\s+built in.*"), out());

        assertEquals(1, run("--data-dir", data.toString(), "verify", "usps"));
        assertTrue(out().contains("BAD      " + data.resolve("usps/usps_test.jf")), out());
        assertTrue(out().contains("missing  usps/usps_train.jf"), out());
        assertTrue(out().contains("missing  usps/zip.train.gz (optional)"), out());
        assertTrue(!out().contains("mnist/"), out());

        // with the ESL pair (here not the real files: BAD), usps does not need the .jf pair
        Files.writeString(data.resolve("usps/zip.train.gz"), "not the real file");
        Files.writeString(data.resolve("usps/zip.test.gz"), "not the real file");
        assertEquals(1, run("--data-dir", data.toString(), "verify", "usps"));
        assertTrue(out().contains("missing  usps/usps_train.jf (not needed: usps reads the ESL pair zip.*.gz)"), out());
        assertTrue(out().contains("BAD      " + data.resolve("usps/zip.train.gz")), out());

        assertEquals(1, run("--data-dir", data.toString(), "fetch", "mnist"));
        assertTrue(err().contains("mnist needs train-images-idx3-ubyte.gz") && err().contains("Downloads are off"), err());
        assertEquals(0, run("fetch", "shapes"));
        // a name that is no set is a bad argument (2), like a bad option; bad or missing data is 1
        assertEquals(2, run("verify", "shapes"));
        assertTrue(err().contains("shapes has no files"), err());
        assertEquals(2, run("verify", "mnits"));
        assertEquals(2, run("fetch", "mnits"));
        assertTrue(err().contains("mnits"), err());
        // a --data-dir that is no folder fails every command that looks for files, naming it (it was listed as searched)
        Path typo = tmp.resolve("dta");
        for (String command : new String[] {"list", "verify"}) {
            assertEquals(1, run("--data-dir", typo.toString(), command), command);
            assertEquals("datasets: the data folder given to DataSource.fromEnvironment (the command line's --data-dir) is " + typo
                    + ", which does not exist: point it at the folder that holds mnist/,"
                    + " usps/ or fashion-mnist/\n", err(), command);
            assertEquals("", out().replaceFirst("downloads: off\n", ""), command);
        }
    }

    /**
     * With the ESL pair and no complete .jf pair, usps loads from the ESL pair (list says present, verify "not needed"),
     * so fetch has nothing to download: it verifies the ESL pair and exits 0 by it. Offline it said "usps needs
     * usps_train.jf, usps_test.jf" and exited 1; online it would have downloaded the .jf pair that loading does not read.
     */
    @Test
    void fetchUspsWithTheEslPairVerifiesItInsteadOfDownloading() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("usps"));
        Files.write(data.resolve("usps/zip.train.gz"), new byte[] {1});
        Files.write(data.resolve("usps/zip.test.gz"), new byte[] {2});
        Files.writeString(data.resolve("usps/usps_test.jf"), "10 4\n1 0 0 0 0\n-1\n");      // half a .jf pair
        assertEquals(1, run("--data-dir", data.toString(), "--offline", "fetch", "usps"));  // the ESL files are not the real ones
        assertEquals("usps reads the ESL pair zip.*.gz (the .jf pair is incomplete): nothing to download\n"
                + "BAD      " + data.resolve("usps/zip.train.gz") + "\nBAD      " + data.resolve("usps/zip.test.gz") + "\n", out());
        assertEquals("", err());
        // without the ESL pair, the .jf pair is what usps needs
        Files.delete(data.resolve("usps/zip.test.gz"));
        assertEquals(1, run("--data-dir", data.toString(), "--offline", "fetch", "usps"));
        assertTrue(err().contains("usps needs usps_train.jf, not found"), err());
    }

    @Test
    void sheetOfShapes() throws Exception {
        Path png = tmp.resolve("sheet.png");
        assertEquals(0, run("sheet", "shapes", png.toString(), "--columns", "4", "--scale", "1"));
        var img = ImageIO.read(png.toFile());
        // 4 columns and 10 class rows of 28x28 cells with 1-pixel lines
        assertEquals(4 * 29 + 1, img.getWidth());
        assertEquals(10 * 29 + 1, img.getHeight());
        assertEquals(2, run("sheet", tmp.resolve("nothing-here").toString(), png.toString()));
        assertTrue(err().contains("expected one of"), err());
        // a folder whose image is unreadable: bad data, 1
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("a.png"), "not a png");
        assertEquals(1, run("sheet", broken.toString(), png.toString()));
        assertTrue(err().contains("a.png") && err().contains("readable PNG"), err());
    }

    /**
     * The sheet of a folder written inside that folder is refused before anything is loaded or written: over a.png it
     * replaced the image with the sheet (exit 0, the image lost), under a new name it became an image of the set, and
     * in a labelled folder's top level it made the folder unreadable ("either images at the top level or class
     * sub-folders"). Through a link to the folder too; beside the folder it is written.
     */
    @Test
    void aSheetInsideTheFolderItShowsIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("imgs"));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(img, "png", dir.resolve("a.png").toFile());
        byte[] before = Files.readAllBytes(dir.resolve("a.png"));
        assertEquals(2, run("sheet", dir.toString(), dir.resolve("a.png").toString()));
        assertEquals("datasets: sheet: " + dir.resolve("a.png") + " is inside the image folder " + dir + ": the sheet would replace one"
                + " of its images or become one; write it outside the folder\n", err().lines().findFirst().get() + "\n");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("a.png"))), "a.png was overwritten");
        assertEquals(2, run("sheet", dir.toString(), dir.resolve("sub/new.png").toString()));
        assertFalse(Files.exists(dir.resolve("sub")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        assertEquals(2, run("sheet", link.toString(), dir.resolve("b.png").toString()));
        assertEquals(2, run("sheet", dir.toString(), link.resolve("b.png").toString()));
        assertEquals(List.of(dir.resolve("a.png")), Files.list(dir).toList());
        assertEquals(0, run("sheet", dir.toString(), tmp.resolve("imgs.png").toString()), err());
        assertTrue(Files.exists(tmp.resolve("imgs.png")));
    }

    @Test
    void sheetTooLargeIsRefusedBeforeDrawing() {
        Path png = tmp.resolve("big.png");
        assertEquals(2, run("sheet", "shapes", png.toString(), "--scale", "100000"));
        assertTrue(err().contains("--scale") && err().contains("pixels"), err());
        assertEquals(2, run("sheet", "shapes", png.toString(), "--columns", "100000", "--scale", "30"));
        // width 2147483647·2800001 + 1 fits a long, the area did not (it wrapped below the limit, then drawing threw)
        assertEquals(2, run("sheet", "shapes", png.toString(), "--columns", "2147483647", "--scale", "100000"));
        assertTrue(err().contains("make a sheet of 6012956359083648x28000011 pixels"), err());
        // a width beyond a long (it wrapped to a negative one)
        assertEquals(2, run("sheet", "shapes", png.toString(), "--columns", "2147483647", "--scale", "2147483647"));
        assertTrue(err().contains("make a sheet of (2^63 or more)x601295421171 pixels"), err());
        assertTrue(!Files.exists(png));
    }

    @Test
    void sheetFollowsTheUmask() throws Exception {
        Path png = tmp.resolve("sheet.png");
        assertEquals(0, run("sheet", "shapes", png.toString(), "--columns", "2"));
        assertEquals(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe"))), Files.getPosixFilePermissions(png));
    }

    /** Out of memory, the advice is a heap larger than the one that failed: -Xmx4g would shrink a 5,827 MB default heap. */
    @Test
    void outOfMemoryAdvisesALargerHeapThanTheOneThatFailed() {
        assertTrue(DatasetsCommand.outOfMemory(5827L << 20).endsWith("holds at most 5827 MB): give Java more memory (java -Xmx12g ...)"),
                DatasetsCommand.outOfMemory(5827L << 20));
        assertTrue(DatasetsCommand.outOfMemory(256L << 20).contains("(java -Xmx4g ...)"));
    }

    /**
     * verify NAME lists the files that set reads: mnist-test's t10k pair, not MNIST's train files (listed as missing although
     * mnist-test does not need them); verify mnist lists all four, and so does verify with no name.
     */
    @Test
    void verifyOfMnistTestListsOnlyTheT10kFiles() throws Exception {
        Path data = tmp.resolve("data");
        Path labels = Files.createDirectories(data.resolve("mnist")).resolve("t10k-labels-idx1-ubyte.gz");
        Files.writeString(labels, "not the real file");
        assertEquals(1, run("--data-dir", data.toString(), "verify", "mnist-test"));
        assertTrue(out().contains("BAD      " + labels), out());
        assertTrue(out().contains("missing  mnist/t10k-images-idx3-ubyte.gz"), out());
        assertFalse(out().contains("train-"), out());
        assertEquals(1, run("--data-dir", data.toString(), "verify", "mnist"));
        assertTrue(out().contains("missing  mnist/train-images-idx3-ubyte.gz") && out().contains("missing  mnist/train-labels-idx1-ubyte.gz"), out());
        assertEquals(1, run("--data-dir", data.toString(), "verify"));
        assertTrue(out().contains("missing  mnist/train-images-idx3-ubyte.gz"), out());
    }

    /**
     * A swapped file (Fashion-MNIST's test labels where its images belong, then where its training images belong) is
     * named as what it holds, in verify's BAD line and in the load's error: "this is the content of
     * fashion-mnist/t10k-labels-idx1-ubyte.gz" (they said only that the hash, or the magic number, was wrong). Uses the
     * 5 KB labels file of Debian's dataset-fashion-mnist.
     */
    @Test
    void aSwappedFileIsNamedAsTheContentItHolds() throws Exception {
        Path labels = org.dcec4j.datasets.DataSource.DEBIAN_FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(labels), "dataset-fashion-mnist is not installed");
        Path data = tmp.resolve("data");
        Path images = Files.createDirectories(data.resolve("fashion-mnist")).resolve("t10k-images-idx3-ubyte.gz");
        Files.copy(labels, images);
        assertEquals(1, run("--data-dir", data.toString(), "verify", "fashion-mnist"));
        assertTrue(out().matches("(?s).*BAD      " + java.util.regex.Pattern.quote(images.toString())
                + ": [^\n]*: this is the content of fashion-mnist/t10k-labels-idx1-ubyte.gz\n.*"), out());
        Files.move(images, images.resolveSibling("train-images-idx3-ubyte.gz"));
        assertEquals(1, run("--data-dir", data.toString(), "sheet", "fashion-mnist", tmp.resolve("s.png").toString()));
        assertTrue(err().startsWith("datasets: " + images.resolveSibling("train-images-idx3-ubyte.gz") + ": at byte ")
                && err().strip().endsWith(": this is the content of fashion-mnist/t10k-labels-idx1-ubyte.gz"), err());
    }

    /**
     * A MNIST file whose stored and decompressed hashes both differ (another file's content in its place) is BAD with the
     * hash of the decompressed bytes it was compared with: the line named the stored file's hash as the one expected of the
     * decompressed bytes ("sha256 of the decompressed bytes expected f7ae60f9..., found ...").
     */
    @Test
    void aMismatchOfTheDecompressedBytesNamesTheDecompressedHashExpected() throws Exception {
        Path data = tmp.resolve("data");
        Path labels = Files.createDirectories(data.resolve("mnist")).resolve("t10k-labels-idx1-ubyte.gz");
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(labels))) {
            gz.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        }
        org.dcec4j.datasets.KnownFile k = org.dcec4j.datasets.KnownFile.find("mnist", "t10k-labels-idx1-ubyte.gz");
        assertEquals(1, run("--data-dir", data.toString(), "verify", "mnist-test"));
        assertTrue(out().contains("BAD      " + labels + ": sha256 of the decompressed bytes expected " + k.rawSha256() + ", found "),
                out());
        assertFalse(out().contains(k.sha256()), out());
    }
}
