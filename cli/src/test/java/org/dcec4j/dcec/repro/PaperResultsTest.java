package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.Method;
import org.junit.jupiter.api.Test;

/** PaperResults holds exactly the table of docs/spec.md#results. */
public class PaperResultsTest {
    /** The repository's root: the nearest folder up from the working directory with pom.xml and docs/spec.md. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("docs/spec.md")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        throw new IllegalStateException("repository root not found");
    }

    @Test void matchesTheSpecsTable() throws IOException {
        String spec = Files.readString(root().resolve("docs/spec.md"), StandardCharsets.UTF_8);
        String section = spec.substring(spec.indexOf("<a id=\"results\"></a>"), spec.indexOf("<a id=\"metrics\"></a>"));
        Pattern row = Pattern.compile("^\\| (?:\\*\\*)?([^|*]+?)(?:\\*\\*)? \\|(.*)\\|$", Pattern.MULTILINE);
        Pattern cell = Pattern.compile("(\\d+\\.\\d+) / (\\d+\\.\\d+)");
        List<String> sets = List.of("mnist", "mnist-test", "usps");
        int checked = 0;
        Matcher m = row.matcher(section);
        while (m.find()) {
            Method method = null;
            for (Method x : Method.values()) if (PaperResults.name(x).equals(m.group(1).trim())) method = x;
            if (method == null) continue;
            Matcher c = cell.matcher(m.group(2));
            for (String set : sets) {
                assertEquals(true, c.find(), "row " + m.group(1));
                PaperResults.Figure f = PaperResults.of(set, method);
                assertNotNull(f, set + " " + method);
                assertEquals(Double.parseDouble(c.group(1)), f.acc(), 0, set + " " + method);
                assertEquals(Double.parseDouble(c.group(2)), f.nmi(), 0, set + " " + method);
                checked++;
            }
        }
        assertEquals(18, checked);
    }
}
