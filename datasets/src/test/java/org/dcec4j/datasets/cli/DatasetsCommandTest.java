package org.dcec4j.datasets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

        assertEquals(1, run("--data-dir", data.toString(), "fetch", "mnist"));
        assertTrue(err().contains("mnist needs train-images-idx3-ubyte.gz") && err().contains("Downloads are off"), err());
        assertEquals(0, run("fetch", "shapes"));
        assertEquals(1, run("verify", "shapes"));
    }

    @Test
    void sheetOfShapes() throws Exception {
        Path png = tmp.resolve("sheet.png");
        assertEquals(0, run("sheet", "shapes", png.toString(), "--columns", "4", "--scale", "1"));
        var img = ImageIO.read(png.toFile());
        // 4 columns and 10 class rows of 28x28 cells with 1-pixel lines
        assertEquals(4 * 29 + 1, img.getWidth());
        assertEquals(10 * 29 + 1, img.getHeight());
        assertEquals(1, run("sheet", tmp.resolve("nothing-here").toString(), png.toString()));
        assertTrue(err().contains("expected one of"), err());
    }
}
