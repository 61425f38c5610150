package org.dcec4j.dcec.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/math/kmeans-metrics.md and the cluster/metrics code pointing at each other: every
 * {@code Math: docs/math/kmeans-metrics.md#<anchor>} in the code names an anchor of the doc, and every
 * {@code dcec/src/...java} path the doc names exists. Runs from the dcec module directory (Maven's default).
 */
class KMeansMetricsDocLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOC = ROOT.resolve("docs/math/kmeans-metrics.md");

    @Test
    void codeLinksNameExistingAnchors() throws IOException {
        assertTrue(Files.isRegularFile(DOC), DOC + ": not found (run from the dcec module directory)");
        String doc = Files.readString(DOC);
        Set<String> anchors = new HashSet<>();
        Matcher a = Pattern.compile("<a id=\"([a-z0-9-]+)\"></a>").matcher(doc);
        while (a.find()) {
            anchors.add(a.group(1));
        }
        Pattern link = Pattern.compile("Math: docs/math/kmeans-metrics\\.md#([a-z0-9-]+)");
        List<String> links = new ArrayList<>();
        for (String pkg : new String[] {"cluster", "metrics"}) {
            try (Stream<Path> files = Files.walk(ROOT.resolve("dcec/src/main/java/org/dcec4j/dcec/" + pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = link.matcher(Files.readString(f));
                    while (m.find()) {
                        links.add(m.group(1));
                        assertTrue(anchors.contains(m.group(1)), f + ": no anchor #" + m.group(1) + " in " + DOC);
                    }
                }
            }
        }
        assertFalse(links.isEmpty(), "the code carries no Math: links");
    }

    @Test
    void docCodePathsExist() throws IOException {
        Matcher m = Pattern.compile("`(dcec/src/[A-Za-z0-9/._]+\\.java)`").matcher(Files.readString(DOC));
        int paths = 0;
        while (m.find()) {
            paths++;
            assertTrue(Files.isRegularFile(ROOT.resolve(m.group(1))), DOC + " names a missing file: " + m.group(1));
        }
        assertTrue(paths >= 5, "expected Code: paths in " + DOC + ", found " + paths);
    }
}
