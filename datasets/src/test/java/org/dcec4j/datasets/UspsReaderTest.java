package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UspsReaderTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String error(Runnable r) {
        return assertThrows(DatasetException.class, r::run).getMessage();
    }

    @Test
    void smallJfByHand() {
        String jf = "10 4\n3 0 0.052 1.29 2\n7 2 1 0.5 0\n-1\n";
        Dataset d = UspsReader.parseJf("u", "f.jf", ascii(jf));
        assertEquals(2, d.size());
        assertEquals(2, d.height());
        assertEquals(2, d.width());
        assertArrayEquals(new int[] {3, 7}, d.labels());
        assertArrayEquals(new float[] {0f, 0.026f, 0.645f, 1f, 1f, 0.5f, 0.25f, 0f}, d.images());
        // CRLF line endings and a gzip wrapper read the same
        Dataset crlf = UspsReader.parseJf("u", "f.jf", Fixtures.gzip(ascii(jf.replace("\n", "\r\n"))));
        assertArrayEquals(d.images(), crlf.images());
    }

    @Test
    void eslAndJfGiveIdenticalFloats() {
        // random ESL values with 4 decimals in [-1, 1]; the .jf line holds value + 1 in exact decimal
        Random r = new Random(11);
        int N = 40;
        StringBuilder esl = new StringBuilder();
        StringBuilder jf = new StringBuilder("10 256\n");
        for (int n = 0; n < N; n++) {
            int label = r.nextInt(10);
            esl.append(label).append(".0000");
            jf.append(label);
            for (int i = 0; i < 256; i++) {
                BigDecimal v = BigDecimal.valueOf(r.nextInt(20001) - 10000, 4);
                if (r.nextInt(4) == 0) {
                    v = BigDecimal.valueOf(-1);
                }
                esl.append(' ').append(v.setScale(4).toPlainString());
                BigDecimal plusOne = v.add(BigDecimal.ONE).stripTrailingZeros();
                jf.append(' ').append(plusOne.signum() == 0 ? "0" : plusOne.toPlainString());
            }
            esl.append(" \n");
            jf.append('\n');
        }
        jf.append("-1\n");
        Dataset a = UspsReader.parseEsl("u", "zip", ascii(esl.toString()));
        Dataset b = UspsReader.parseJf("u", "jf", ascii(jf.toString()));
        assertEquals(N, a.size());
        assertEquals(16, a.height());
        assertArrayEquals(b.labels(), a.labels());
        assertArrayEquals(b.images(), a.images());
        // and both equal the correctly rounded (v + 1) / 2 computed with BigDecimal
        String[] firstLine = esl.toString().split("\n")[0].trim().split(" ");
        for (int i = 0; i < 256; i++) {
            float expected = new BigDecimal(firstLine[i + 1]).add(BigDecimal.ONE)
                    .divide(BigDecimal.valueOf(2)).floatValue();
            assertEquals(expected, a.images()[i], "value " + i);
        }
    }

    /** A line cut after one value says "found only 1 value" (it said "only 1 values"). */
    @Test
    void aLineOfOneValueSaysValueInTheSingular() {
        String m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0\n-1\n")));
        assertTrue(m.startsWith("f.jf: at line 2, value 2") && m.endsWith("expected 4 pixel values on the line, found only 1 value"), m);
    }

    @Test
    void badLinesNameLineAndValue() {
        String m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 0\n-1\n")));
        assertTrue(m.startsWith("f.jf: at line 2, value 4") && m.contains("4 pixel values"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 0 0 0\n-1\n")));
        assertTrue(m.startsWith("f.jf: at line 2") && m.contains("after 4 values"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 0 0\n3 0 NaN 0 0\n-1\n")));
        assertTrue(m.startsWith("f.jf: at line 3, value 2") && m.contains("[0, 2], found NaN"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 2.5 0\n-1\n")));
        assertTrue(m.contains("line 2, value 3") && m.contains("found 2.5"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 x1 0\n-1\n")));
        assertTrue(m.contains("a decimal number, found 'x1'"), m);
        // Java-only number forms are not decimal numbers
        for (String bad : new String[] {"1f", "2D", "0x1p0", "1e", "--1"}) {
            String line = "10 4\n3 0 0 " + bad + " 0\n-1\n";
            m = error(() -> UspsReader.parseJf("u", "f.jf", ascii(line)));
            assertTrue(m.contains("line 2, value 3") && m.contains("a decimal number, found '" + bad + "'"), m);
        }
        m = error(() -> UspsReader.parseEsl("u", "zip", ascii("6f" + " 0".repeat(256) + "\n")));
        assertTrue(m.contains("integer label") || m.contains("a decimal number"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n12 0 0 0 0\n-1\n")));
        assertTrue(m.contains("line 2") && m.contains("label from 0 to 9"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 0 0\n")));
        assertTrue(m.contains("footer line '-1'"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n-1\n")));
        assertTrue(m.contains("at least one sample"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 5\n-1\n")));
        assertTrue(m.contains("square number of features"), m);
        m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0 0 0 0\n-1\n3 0 0 0 0\n")));
        assertTrue(m.contains("nothing after the footer"), m);
        m = error(() -> UspsReader.parseEsl("u", "zip", ascii("3.5 0 0\n")));
        assertTrue(m.contains("integer label"), m);
        m = error(() -> UspsReader.parseEsl("u", "zip", ascii("")));
        assertTrue(m.contains("at least one sample"), m);
        byte[] gz = Fixtures.gzip(ascii("10 4\n3 0 0 0 0\n-1\n"));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length - 10);
        m = error(() -> UspsReader.parseJf("u", "f.jf.gz", cut));
        assertTrue(m.startsWith("f.jf.gz: at byte " + cut.length + ": expected more gzip data"), m);
    }

    /**
     * Numbers longer than the fast path's 17 digits, as numpy's savetxt writes them (%.18e: 24 characters), are read
     * whole and exactly: the same floats as their short forms. Before, the fallback parsed only the first 20
     * characters, so 1.000000000000000000e-03 loaded as 1.0.
     */
    /**
     * Bytes that are not printable ASCII are named by their value: a UTF-8 byte-order mark before the header (as
     * Notepad saves a file) showed as "ï»¿10", a non-breaking space inside a number as an invisible character.
     */
    @Test
    void bytesThatAreNotPrintableAsciiAreShownAsHex() {
        byte[] bom = "\uFEFF10 4\n1 0 0 0 0\n-1\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("f.jf: at line 1: expected the number of classes (header line '10 256'), found '\\xEF\\xBB\\xBF10'",
                error(() -> UspsReader.parseJf("t", "f.jf", bom)));
        byte[] nbsp = "10 4\n1 0 0\u00A01 0\n-1\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("f.jf: at line 2, value 2: expected a decimal number, found '0\\xC2\\xA01'",
                error(() -> UspsReader.parseJf("t", "f.jf", nbsp)));
    }

    @Test
    void longNumbersAreReadWhole() {
        Dataset longForm = UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 1.000000000000000000e-03 5.000000000000000000e-01"
                + " 1.250000000000000000e+00 2.000000000000000000e+00\n-1\n"));
        Dataset shortForm = UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 0.001 0.5 1.25 2\n-1\n"));
        assertArrayEquals(shortForm.images(), longForm.images());
        assertEquals((float) (0.001 / 2), longForm.images()[0]);
        // the ESL files' pixel values and a long digit string without exponent
        Dataset esl = UspsReader.parseEsl("u", "zip", ascii("3 -9.000000000000000000e-01 0.12345678901234567890123" + " 0".repeat(254) + "\n"));
        assertEquals((float) ((-0.9 + 1) / 2), esl.images()[0]);
        assertEquals(new BigDecimal("0.12345678901234567890123").add(BigDecimal.ONE).divide(BigDecimal.valueOf(2)).floatValue(),
                esl.images()[1]);
        // too long to be a number: refused, the message shows its start
        String huge = "0." + "1".repeat(80);
        String m = error(() -> UspsReader.parseJf("u", "f.jf", ascii("10 4\n3 " + huge + " 0 0 0\n-1\n")));
        assertTrue(m.contains("line 2, value 1") && m.contains("a decimal number, found '0.1111") && m.contains("...'"), m);
    }

    /** Under the name usps a .jf file must be USPS's '10 256': another header is a wrong file, named with its line. */
    @Test
    void theNamedSetRequiresTheUspsHeader(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data").resolve("usps"));
        String sample = "3" + " 0".repeat(256) + "\n";
        Files.writeString(dir.resolve("usps_train.jf"), "10 256\n" + sample + sample + "-1\n");
        Files.writeString(dir.resolve("usps_test.jf"), "10 256\n" + sample + "-1\n");
        DataSource source = DataSource.of(List.of(tmp.resolve("data")), tmp.resolve("cache"));
        Dataset d = Datasets.load("usps", source);
        assertEquals(3, d.size());
        assertEquals(16, d.height());
        assertEquals(10, d.numClasses());

        // 2×2 images of 10 classes in the test file: refused, not loaded as another image size
        Files.writeString(dir.resolve("usps_test.jf"), "10 4\n3 0 0 0 0\n-1\n");
        String m = error(() -> Datasets.load("usps", source));
        assertTrue(m.startsWith(dir.resolve("usps_test.jf") + ": at line 1: expected the USPS header '10 256'"), m);
        assertTrue(m.endsWith("found '10 4'"), m);
        // 12 classes of 16×16 in the training file
        Files.writeString(dir.resolve("usps_train.jf"), "12 256\n" + sample + "-1\n");
        m = error(() -> Datasets.load("usps", source));
        assertTrue(m.startsWith(dir.resolve("usps_train.jf") + ": at line 1:"), m);
        assertTrue(m.endsWith("found '12 256'"), m);
    }

    /** Samples of a .jf file (values in [0, 2]) or an ESL file (values in [-1, 1]), sample n all pixels value[n]. */
    private static String samples(int[] label, String[] value, boolean esl) {
        StringBuilder b = new StringBuilder(esl ? "" : "10 256\n");
        for (int n = 0; n < label.length; n++) {
            b.append(label[n]).append(esl ? ".0000" : "").append((" " + value[n]).repeat(256)).append('\n');
        }
        return b.append(esl ? "" : "-1\n").toString();
    }

    /**
     * usps is the 7,291 training digits followed by the 2,007 test digits (Datasets' table: "train then test"), from
     * the .jf pair or the ESL pair. Training samples (labels 1, 2) and test samples (labels 9, 0) of distinct pixels
     * load as train then test, x = v/2 for a .jf value and (v + 1)/2 for an ESL one; a limit of 3 is both training
     * samples then the first test sample.
     */
    @Test
    void theFullSetIsTrainThenTest(@TempDir Path tmp) throws Exception {
        int[] trainLabels = {1, 2}, testLabels = {9, 0};
        int[] labels = {1, 2, 9, 0};
        float[] pixel = {0.25f, 0.5f, 1f, 0.75f};
        Path jf = Files.createDirectories(tmp.resolve("jf").resolve("usps"));
        Files.writeString(jf.resolve("usps_train.jf"), samples(trainLabels, new String[] {"0.5", "1"}, false));
        Files.writeString(jf.resolve("usps_test.jf"), samples(testLabels, new String[] {"2", "1.5"}, false));
        Path esl = Files.createDirectories(tmp.resolve("esl").resolve("usps"));
        Files.write(esl.resolve("zip.train.gz"), Fixtures.gzip(ascii(samples(trainLabels, new String[] {"-0.5000", "0.0000"}, true))));
        Files.write(esl.resolve("zip.test.gz"), Fixtures.gzip(ascii(samples(testLabels, new String[] {"1.0000", "0.5000"}, true))));
        for (String form : List.of("jf", "esl")) {
            DataSource source = DataSource.of(List.of(tmp.resolve(form)), tmp.resolve("cache"));
            Dataset d = Datasets.load("usps", source);
            assertEquals(4, d.size(), form);
            assertEquals(16, d.height(), form);
            assertArrayEquals(labels, d.labels(), form);
            for (int n = 0; n < 4; n++) {
                for (int i = 0; i < 256; i++) {
                    assertEquals(pixel[n], d.images()[n * 256 + i], form + " sample " + n + " pixel " + i);
                }
            }
            try (ImageStream s = Datasets.open("usps", source, 1, 28, 28, 3)) {
                Dataset first = s.readAll();
                assertArrayEquals(new int[] {1, 2, 9}, first.labels(), form + " limit 3");
                assertEquals(1f, first.images()[2 * 256], form + " limit 3");
            }
        }
    }
}
