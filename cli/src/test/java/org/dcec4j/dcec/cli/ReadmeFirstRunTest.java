package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.repro.PaperResultsTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command prints what the README says it prints: `dcec train --out dcec-out` (the built-in shapes
 * set, seed 0, the defaults) run in a forked JVM with the vector kernels, its summary's three rows — pixel k-means, CAE
 * + k-means, DCEC — compared with the README's block to the last printed digit, and the DCEC row's ending (iteration
 * and stopping rule). The results are the same bits on every machine, width and thread count, so a mismatch means the
 * arithmetic changed or the README is stale. About a minute on two cores.
 */
class ReadmeFirstRunTest {
    /** A summary row: its label, ACC, NMI, ARI, and for DCEC the text after them up to the end of the line. */
    static final Pattern ROW = Pattern.compile("^ {2}(pixel k-means|CAE \\+ k-means|DCEC) +(\\d\\.\\d{4}) +(\\d\\.\\d{4}) +(\\d\\.\\d{4}) +(.*)$",
            Pattern.MULTILINE);

    @Test
    void printsTheReadmesSummary(@TempDir Path dir) throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        Path root = PaperResultsTest.root();
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("java --add-modules jdk.incubator.vector -jar cli/target/dcec.jar train --out dcec-out"),
                "the README's first command changed: update this test with it");

        Path log = dir.resolve("first-run.log");
        Process p = Forked.dcec(log, List.of("--add-modules=jdk.incubator.vector"), "train", "--out", dir.resolve("dcec-out").toString());
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the README's first command timed out:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);

        List<String> expected = rows(readme), actual = rows(out);
        assertEquals(3, expected.size(), "the README's summary block: " + expected);
        assertEquals(expected, actual, "the run's summary differs from the README's:\n" + out);
    }

    /** The three rows as "label ACC NMI ARI", DCEC's with its ending (the baseline's time is left out: it varies). */
    static List<String> rows(String text) {
        List<String> rows = new ArrayList<>();
        Matcher m = ROW.matcher(text);
        while (m.find()) {
            String row = m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4);
            if (m.group(1).equals("DCEC")) row += " " + m.group(5).strip();
            rows.add(row);
        }
        return rows;
    }
}
