package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples of a cluster must not make a mixed cluster look pure: next to its most confident members the page shows
 * a seeded random sample and its least confident members, and says which classes it holds.
 */
class ClusterSamplesTest {
    /**
     * One cluster of 100 images: 60 "disk" (indices 0..59, confidence 0.99 − 0.001·n, the most confident) and 40
     * "square" (60..99, confidence 0.5 − 0.001·(n − 60)), the situation of a k-means cluster that merged two classes.
     */
    private static Path mergedCluster(Path dir, long seed) throws IOException {
        StringBuilder p = new StringBuilder("index,cluster,confidence\n");
        for (int n = 0; n < 100; n++) {
            double q = n < 60 ? 0.99 - 0.001 * n : 0.5 - 0.001 * (n - 60);
            p.append(n).append(",0,").append(q).append('\n');
        }
        Files.writeString(dir.resolve("predictions.csv"), p);
        Files.writeString(dir.resolve("config.json"), "{\"method\": \"dcec\", \"seed\": " + seed + "}");
        return dir;
    }

    private static int[] labels() {
        int[] y = new int[100];
        for (int n = 60; n < 100; n++) {
            y[n] = 1;
        }
        return y;
    }

    /** The image indices of one labelled row of cluster 0, in page order. */
    private static List<Integer> row(String html, String title) {
        int start = html.indexOf("<h4>" + title + "</h4>");
        assertTrue(start >= 0, "no row '" + title + "'");
        String part = html.substring(start, html.indexOf("</div></div>", start));
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("title=\"#(\\d+) ").matcher(part);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static String render(Path dir) {
        return HtmlReport.fromRunDirectory(dir, SyntheticRun.images(100, 1, 4, 4), 100, 1, 4, 4, labels(),
                List.of("disk", "square"), 10).render();
    }

    @Test
    void aMergedClusterShowsBothClasses(@TempDir Path tmp) throws IOException {
        String html = render(mergedCluster(tmp, 0));
        // the ten most confident are all disks: alone, they would make the cluster look pure
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), row(html, HtmlReport.MOST_CONFIDENT));
        // the least confident, lowest first, are squares
        assertEquals(List.of(99, 98, 97, 96, 95, 94, 93, 92, 91, 90), row(html, HtmlReport.LEAST_CONFIDENT));
        String least = html.substring(html.indexOf("<h4>least confident</h4>"));
        assertTrue(least.startsWith("<h4>least confident</h4><div class=\"thumbs\"><figure><img") && least.contains(">square</figcaption>"));
        // and the page says what the cluster holds
        assertTrue(html.contains("<p class=\"note\">classes: disk 60 (60.0 %), square 40 (40.0 %)</p>"), html);
        // 100 members: the median is the mean of the 50th and 51st, (0.941 + 0.940) / 2, read as floats 0.94049999
        assertTrue(html.contains("confidence max_j q_ij: highest 0.990, median 0.940, lowest 0.461"), html);
    }

    @Test
    void theRandomSampleIsDrawnFromTheRestAndFixedBySeed(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        String first = render(mergedCluster(a, 0));
        String again = render(a);
        String other = render(mergedCluster(b, 1));
        List<Integer> sample = row(first, HtmlReport.RANDOM_SAMPLE);
        assertEquals(10, sample.size());
        Set<Integer> distinct = new HashSet<>(sample);
        assertEquals(10, distinct.size(), "drawn without replacement: " + sample);
        for (int n : sample) {
            assertTrue(n >= 10 && n < 90, "drawn from the members not shown in the other rows: " + sample);
        }
        // shown in confidence order (the indices rise with falling confidence inside each class here)
        for (int i = 1; i < sample.size(); i++) {
            assertTrue(sample.get(i - 1) < sample.get(i), sample.toString());
        }
        assertEquals(sample, row(again, HtmlReport.RANDOM_SAMPLE), "the same run folder gives the same page");
        assertEquals(first, again);
        assertNotEquals(sample, row(other, HtmlReport.RANDOM_SAMPLE), "another seed draws another sample");
        // the draw by hand: a partial Fisher–Yates over the 80 middle positions with the generator of (seed 0, cluster 0)
        java.util.SplittableRandom rng = new java.util.SplittableRandom(HtmlReport.sampleSeed(0, 0));
        int[] pos = new int[80];
        for (int i = 0; i < 80; i++) {
            pos[i] = 10 + i;
        }
        for (int s = 0; s < 10; s++) {
            int j = s + rng.nextInt(80 - s);
            int t = pos[s];
            pos[s] = pos[j];
            pos[j] = t;
        }
        int[] expected = java.util.Arrays.copyOf(pos, 10);
        java.util.Arrays.sort(expected);
        assertEquals(java.util.Arrays.stream(expected).boxed().toList(), sample);
    }

    @Test
    void withoutLabelsTheRowsAreStillThere(@TempDir Path tmp) throws IOException {
        mergedCluster(tmp, 0);
        String html = HtmlReport.fromRunDirectory(tmp, SyntheticRun.images(100, 1, 4, 4), 100, 1, 4, 4, null, 10).render();
        assertEquals(10, row(html, HtmlReport.MOST_CONFIDENT).size());
        assertEquals(10, row(html, HtmlReport.RANDOM_SAMPLE).size());
        assertEquals(10, row(html, HtmlReport.LEAST_CONFIDENT).size());
        assertTrue(!html.contains("<figcaption") && !html.contains("classes: "), "no class names without labels");
        assertTrue(html.contains("confidence max_j q_ij: highest 0.990"), html);
        assertTrue(html.contains("data-images=\"30\""));
    }
}
