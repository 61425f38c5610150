package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final Pattern DATA_URI = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static List<BufferedImage> images(String html) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = DATA_URI.matcher(html);
        while (m.find()) {
            byte[] bytes = Base64.getDecoder().decode(m.group(1));
            // the PNG signature: 89 50 4E 47 0D 0A 1A 0A
            assertEquals(0x89, bytes[0] & 0xFF);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            assertNotNull(img, "a data URI that ImageIO cannot decode");
            out.add(img);
        }
        return out;
    }

    @Test
    void textIsEscaped() {
        assertEquals("&lt;b&gt;a &amp; b&lt;/b&gt; &quot;q&quot; &#39;s&#39;", Html.text("<b>a & b</b> \"q\" 's'"));
        assertEquals("https:&#47;&#47;example.org/a/b", Html.text("https://example.org/a/b"));
        assertEquals("a/b//c", Html.text("a/b//c"));
        assertEquals("x&#xFFFD;y", Html.text("x\u0001y"));
        assertEquals("", Html.text(null));
    }

    @Test
    void userTextAppearsOnlyEscaped() {
        String evil = "<script>alert(\"x\")</script> & 'q'";
        String html = HtmlReport.builder().title(evil)
                .config(Map.of("data-dir <b>", "https://example.org/data?a=1&b=2"))
                .summary("note", "</td></tr></table><img src=x onerror=alert(1)>")
                .render();
        assertFalse(html.contains("<script>alert"), "raw title leaked into the page");
        assertFalse(html.contains("<img src=x"), "raw summary value leaked into the page");
        assertFalse(html.contains("<b>"), "raw config key leaked into the page");
        assertTrue(html.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</h1>"));
        assertTrue(html.contains("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; · dcec4j report</title>"));
        assertTrue(html.contains("<td>https:&#47;&#47;example.org/data?a=1&amp;b=2</td>"));
        // exactly the page's own two script elements' worth of tags: one open, one close
        assertEquals(1, count(html, "<script>"));
        assertEquals(1, count(html, "</script>"));
    }

    @Test
    void everySectionChartAndImageIsPresent() {
        String html = SyntheticRun.fullReport().render();
        for (String id : HtmlReport.SECTIONS) {
            assertEquals(1, count(html, "<section id=\"" + id + "\">"), "section " + id);
        }
        // pretraining loss; L, L_c and L_r in a panel each; changed labels; ACC, NMI and ARI in a panel each
        assertEquals(8, count(html, "<svg class=\"chart\""));
        assertTrue(html.contains("data-charts=\"8\""));
        assertEquals(12, count(html, "<img "));
        assertTrue(html.contains("data-images=\"12\""));
        assertTrue(html.contains("data-expect=\"summary pretraining clustering metrics confusion samples config\""));
        for (String id : List.of("chart-pretrain-loss", "chart-loss-L", "chart-loss-Lc", "chart-loss-Lr", "chart-delta-label",
                "chart-acc", "chart-nmi", "chart-ari")) {
            assertEquals(1, count(html, "id=\"" + id + "\""), id);
        }
        // every row of images is labelled (the simple API gives one row, "samples", per cluster)
        assertEquals(4, count(html, "<div class=\"strip\"><h4>samples</h4>"));
        // the marker is set by the script only, never present statically
        assertFalse(html.contains("<title>" + HtmlReport.OK_TITLE + "</title>"));
        assertTrue(html.contains("window.onerror"));
    }

    @Test
    void withoutLabelsTheMetricsAndConfusionSectionsSaySo() {
        String html = HtmlReport.builder().pretrainLog(SyntheticRun.pretrain(5))
                .clusterLog(SyntheticRun.clustering(4, 140, false)).render();
        for (String id : HtmlReport.SECTIONS) {
            assertEquals(1, count(html, "<section id=\"" + id + "\">"), "section " + id);
        }
        // pretraining, three loss panels, changed labels; no metric panels
        assertEquals(5, count(html, "<svg class=\"chart\""));
        assertTrue(html.contains("data-charts=\"5\""));
        assertFalse(html.contains("id=\"chart-acc\""));
        assertTrue(html.contains("No labels: ACC, NMI and ARI need the true labels."));
        assertTrue(html.contains("No labels: the confusion matrix needs the true labels."));
        assertEquals(0, count(html, "<img "));
    }

    @Test
    void noNetworkReferences() {
        String html = SyntheticRun.fullReport().config("source", "http://example.org/x.tar.gz").render();
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("http://"), "page contains http://");
        assertFalse(lower.contains("https://"), "page contains https://");
        // the config value is shown, its URL broken up by character references
        assertTrue(html.contains("<td>http:&#47;&#47;example.org/x.tar.gz</td>"));
        assertFalse(lower.contains("<link"));
        assertFalse(lower.contains("@import"));
        assertFalse(lower.contains("url("));
        assertFalse(lower.contains("xmlns"));
        // every src is a data URI
        Matcher m = Pattern.compile("src=\"([^\"]*)\"").matcher(html);
        int n = 0;
        while (m.find()) {
            assertTrue(m.group(1).startsWith("data:image/png;base64,"), m.group(1));
            n++;
        }
        assertEquals(12, n);
    }

    @Test
    void greyImagesDecodeToPngsWithTheGivenPixels() throws IOException {
        int n = 5;
        int H = 12;
        int W = 8;
        String html = HtmlReport.builder().clusterSamples(2, SyntheticRun.images(n, 1, H, W), n, 1, H, W).render();
        List<BufferedImage> decoded = images(html);
        assertEquals(n, decoded.size());
        for (int i = 0; i < n; i++) {
            BufferedImage img = decoded.get(i);
            assertEquals(W, img.getWidth());
            assertEquals(H, img.getHeight());
            for (int h = 0; h < H; h++) {
                for (int w = 0; w < W; w++) {
                    assertEquals(SyntheticRun.expectedLevel(i, 0, h, w, W), img.getRaster().getSample(w, h, 0),
                            "image " + i + " pixel " + h + "," + w);
                }
            }
        }
        // displayed at an integer zoom: 56 / 12 → 5
        assertEquals(n, count(html, "width=\"40\" height=\"60\""));
    }

    @Test
    void rgbImagesDecodeToPngsWithTheGivenPixels() throws IOException {
        int n = 3;
        int H = 4;
        int W = 20;
        String html = HtmlReport.builder().clusterSamples(0, SyntheticRun.images(n, 3, H, W), n, 3, H, W).render();
        List<BufferedImage> decoded = images(html);
        assertEquals(n, decoded.size());
        for (int i = 0; i < n; i++) {
            BufferedImage img = decoded.get(i);
            assertEquals(W, img.getWidth());
            assertEquals(H, img.getHeight());
            for (int h = 0; h < H; h++) {
                for (int w = 0; w < W; w++) {
                    int rgb = img.getRGB(w, h);
                    assertEquals(SyntheticRun.expectedLevel(i, 0, h, w, W), (rgb >> 16) & 0xFF);
                    assertEquals(SyntheticRun.expectedLevel(i, 1, h, w, W), (rgb >> 8) & 0xFF);
                    assertEquals(SyntheticRun.expectedLevel(i, 2, h, w, W), rgb & 0xFF);
                }
            }
        }
    }

    @Test
    void numbers() {
        assertEquals("0.01031", Html.number(0.0103125));
        assertEquals("0.001", Html.number(0.001));
        assertEquals("2.500e-05", Html.number(2.5e-5));
        assertEquals("1235", Html.number(1234.5));
        assertEquals("0.85", Html.number(0.85));
        assertEquals("-12.5", Html.number(-12.5));
        assertEquals("20", Html.number(20));
        assertEquals("0", Html.number(0));
        assertEquals("1.235e+05", Html.number(123456));
        assertEquals("NaN", Html.number(Double.NaN));
    }

    @Test
    void levelsAreClampedAndRounded() {
        assertEquals(0, Thumbnails.level(-0.5f));
        assertEquals(0, Thumbnails.level(Float.NaN));
        assertEquals(255, Thumbnails.level(1.7f));
        // 0.5 · 255 = 127.5 rounds half up
        assertEquals(128, Thumbnails.level(0.5f));
        assertEquals(1, Thumbnails.level(0.003f)); // 0.765
    }

    @Test
    void confusionTableHasTheCountsAndTotals() {
        long[][] counts = {{5, 1, 0}, {2, 7, 1}};
        String html = HtmlReport.builder().confusion(counts, new String[] {"a", "b"}, new String[] {"c0", "c1", "c2"})
                .render();
        String table = html.substring(html.indexOf("<table class=\"confusion\">"), html.indexOf("</table>",
                html.indexOf("<table class=\"confusion\">")));
        List<Long> cells = new ArrayList<>();
        Matcher m = Pattern.compile("<td[^>]*>(\\d+)</td>").matcher(table);
        while (m.find()) {
            cells.add(Long.parseLong(m.group(1)));
        }
        // rows: 5 1 0 | 6, 2 7 1 | 10, totals 7 8 1 | 16 (added by hand)
        assertEquals(List.of(5L, 1L, 0L, 6L, 2L, 7L, 1L, 10L, 7L, 8L, 1L, 16L), cells);
        // shade = row fraction: 5/6 = 0.833, white text above one half
        assertTrue(table.contains("background:rgba(0,114,178,0.833);color:#fff\">5<"));
        assertTrue(table.contains("background:rgba(0,114,178,0.100)\">1<"));
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.builder().clusterSamples(3, new float[10], 2, 1, 4, 4));
        assertTrue(e.getMessage().contains("cluster 3") && e.getMessage().contains("32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.builder().clusterSamples(1, new float[32], 2, 2, 4, 4));
        assertTrue(e.getMessage().contains("C = 1 or 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.builder().confusion(new long[][] {{1, 2}}, new String[] {"a"}, new String[] {"x"}));
        assertTrue(e.getMessage().contains("row 0 has 2 counts"), e.getMessage());
    }

    @Test
    void writeIsAtomicAndReplacesAnOldReport(@TempDir Path dir) throws IOException {
        Path html = dir.resolve("sub").resolve("report.html");
        HtmlReport.builder().title("first").write(html);
        assertTrue(Files.readString(html).contains("<h1>first</h1>"));
        HtmlReport.builder().title("second").write(html);
        String s = Files.readString(html);
        assertTrue(s.contains("<h1>second</h1>") && !s.contains("first"));
        try (Stream<Path> files = Files.list(html.getParent())) {
            assertEquals(List.of(html.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "a temporary file was left behind");
        }
    }

    /** The {@code <svg>} of the chart with this id. */
    static String svg(String html, String id) {
        int i = html.indexOf("<svg class=\"chart\" id=\"" + id + "\"");
        assertTrue(i >= 0, "no chart " + id);
        return html.substring(i, html.indexOf("</svg>", i));
    }

    /** The y values (pixels) of a chart's first polyline. */
    static double[] lineYs(String svg) {
        Matcher m = Pattern.compile("<polyline fill=\"none\" points=\"([^\"]*)\"/>").matcher(svg);
        assertTrue(m.find(), svg);
        String[] points = m.group(1).split(" ");
        double[] y = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            y[i] = Double.parseDouble(points[i].split(",")[1]);
        }
        return y;
    }

    /** The y-axis tick labels of a chart, bottom to top. */
    static List<String> yTicks(String svg) {
        List<String> t = new ArrayList<>();
        Matcher m = Pattern.compile("<text class=\"tick\"[^>]*text-anchor=\"end\">([^<]*)</text>").matcher(svg);
        while (m.find()) {
            t.add(m.group(1));
        }
        return t;
    }

    /**
     * A panel with one point shows that one x: a run of one pretraining epoch had its x axis labelled 0, 1, 2 (epochs 0
     * and 2 never ran), a clustering that ended at its first recomputation of P had its metrics at iterations −1, 0, 1,
     * and a loss drawn only at iteration 140 (none at iteration 0) at 139, 140, 141. Now a single tick under the point,
     * which sits in the middle of the plot: x = 64 + 560 / 2 = 344 on a full chart, 64 + 340 / 2 = 234 on a panel.
     */
    @Test
    void aPanelWithOnePointShowsOnlyItsX() {
        String pre = svg(HtmlReport.builder().pretrainLog(List.of(new RunLogs.PretrainRow(1, 0.05, 1.0))).render(),
                "chart-pretrain-loss");
        assertEquals(List.of("1", "epoch"), xTicksAndLabel(pre));
        assertTrue(pre.contains("<circle class=\"dot\" cx=\"344.0\""), pre);
        // one value: the legend gives it once; "L_r: 0.05 → 0.05" told of a change from a first to a last epoch
        assertTrue(pre.contains(">L_r: 0.05</text>"), pre);
        String one = HtmlReport.builder().clusterLog(List.of(new RunLogs.ClusterRow(0, 0.5, 0.4, 0.3, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN))).render();
        assertEquals(List.of("0", "iteration"), xTicksAndLabel(svg(one, "chart-acc")));
        assertTrue(svg(one, "chart-acc").contains("<circle class=\"dot\" cx=\"234.0\""), svg(one, "chart-acc"));
        String two = HtmlReport.builder().clusterLog(List.of(
                new RunLogs.ClusterRow(0, 0.5, 0.4, 0.3, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                new RunLogs.ClusterRow(140, 0.6, 0.5, 0.4, 0.02, 0.01, 0.01, 0.3))).render();
        assertEquals(List.of("140", "iteration"), xTicksAndLabel(svg(two, "chart-loss-L")));
        assertTrue(svg(two, "chart-loss-L").contains(">L = L_r + γ·L_c: 0.02</text>"), two);
        // the changed-label chart spans every recomputation of P, iteration 0 included (where nothing is drawn)
        assertEquals(List.of("0", "20", "40", "60", "80", "100", "120", "140", "iteration"),
                xTicksAndLabel(svg(two, "chart-delta-label")));
        // two points: their own range, as before
        assertEquals(List.of("0", "20", "40", "60", "80", "100", "120", "140", "iteration"), xTicksAndLabel(svg(two, "chart-acc")));
    }

    /** The x tick labels and then the x-axis title (the only other centred text). */
    private static List<String> xTicksAndLabel(String svg) {
        List<String> t = new ArrayList<>();
        Matcher m = Pattern.compile("<text class=\"(?:tick|axis)\" x=[^>]*text-anchor=\"middle\">([^<]*)</text>").matcher(svg);
        while (m.find()) {
            t.add(m.group(1));
        }
        return t;
    }

    /**
     * A reference line's title on hover says what it is and its value once: the baseline's read
     * "pixel k-means 0.4185 = 0.4185" and the tol line's "tol = 0.005 (stops when strictly below) = 0.005" (the legend
     * entry, which has the value already, and the value again).
     */
    @Test
    void aReferenceLineSaysWhatItIsOnHover() {
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            rows.add(new RunLogs.ClusterRow(100 * r, 0.40 + 0.02 * r, 0.40 + 0.02 * r, 0.20 + 0.02 * r, 0.02, 0.01, 0.01,
                    r == 0 ? Double.NaN : 0.05 / r));
        }
        HtmlReport.ScoreRow base = new HtmlReport.ScoreRow("pixel k-means", 0.4185, 0.4113, 0.2031, "baseline");
        String html = HtmlReport.builder().clusterLog(rows).tol(0.005).metricReference(base).render();
        String acc = svg(html, "chart-acc");
        assertTrue(acc.contains("<line class=\"reference\" data-name=\"pixel k-means 0.4185\""), acc);
        assertTrue(acc.contains("<title>pixel k-means baseline: 0.4185</title></line>"), acc);
        assertTrue(acc.contains(">pixel k-means 0.4185</text>"), acc);
        assertTrue(svg(html, "chart-ari").contains("<title>pixel k-means baseline: 0.2031</title></line>"));
        String delta = svg(html, "chart-delta-label");
        assertTrue(delta.contains("<title>stopping tolerance tol = 0.005: the run stops at the first recomputation of P "
                + "after iteration 0 whose fraction of changed labels is strictly below it</title></line>"), delta);
        assertEquals(0, count(html, "= 0.4185</title>") + count(html, "= 0.005</title>"), html);
    }

    /**
     * A point's title on hover names the series, where it is and its value: it began with the legend entry, first and
     * last value included, so every point of the pretraining chart read "L_r: 0.02914 → 0.01167 at epoch 2: 0.02309",
     * three numbers of which the hovered point is the last.
     */
    @Test
    void aPointSaysItsOwnValueOnHover() {
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            rows.add(new RunLogs.ClusterRow(100 * r, 0.7 + 0.01 * r, 0.6, 0.5, 0.03 + 0.001 * r, 0.1, 0.02, 0.01));
        }
        String html = HtmlReport.builder().clusterLog(rows).pretrainLog(List.of(new RunLogs.PretrainRow(1, 0.02914, 1.0),
                new RunLogs.PretrainRow(2, 0.02309, 1.0), new RunLogs.PretrainRow(3, 0.01167, 1.0))).render();
        String pre = svg(html, "chart-pretrain-loss");
        assertTrue(pre.contains("<title>L_r at epoch 2: 0.02309</title>"), pre);
        assertTrue(pre.contains(">L_r: 0.02914 → 0.01167</text>"), pre);
        assertTrue(svg(html, "chart-loss-L").contains("<title>L = L_r + γ·L_c at iteration 100: 0.031</title>"), html);
        assertTrue(svg(html, "chart-acc").contains("<title>ACC at iteration 200: 0.72</title>"), html);
        assertEquals(0, count(html, "→ 0.01167 at "), html);
    }

    /**
     * A run that stopped because no label changed (the log of a 2-cluster, 60-image run: 0 at iteration 0, 1/3, 1/60,
     * 1/60, then 0 at iteration 560, where it stopped): a fraction of 0 has no place on the log axis, and the x axis,
     * fitted to the drawn points, ran from 100 to 450, so the chart ended before the iteration the run stopped at. Now the
     * x axis spans every recomputation (0..600 in steps of 100, as the metric panels) and the note says where no label
     * changed.
     */
    @Test
    void theChangedLabelChartReachesTheIterationWhereNoLabelChanged() {
        double[] delta = {0, 1 / 3.0, 1 / 60.0, 1 / 60.0, 0};
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < delta.length; r++) {
            rows.add(new RunLogs.ClusterRow(140 * r, Double.NaN, Double.NaN, Double.NaN, 0.01, 1e-6, 0.01, delta[r]));
        }
        String html = HtmlReport.builder().clusterLog(rows).tol(0.001).render();
        assertEquals(List.of("0", "100", "200", "300", "400", "500", "600", "iteration"),
                xTicksAndLabel(svg(html, "chart-delta-label")));
        assertTrue(html.contains("Zero changed-label fractions are not drawn on the log axis: no label changed at iteration 560.</p>"),
                html);
        assertEquals(": no label changed at iterations 140, 280, 420, 560, 700 and 1 more", HtmlReport.noneChanged(
                java.util.stream.IntStream.range(0, 7).mapToObj(r -> new RunLogs.ClusterRow(140 * r, Double.NaN, Double.NaN,
                        Double.NaN, 0.01, 0.01, 0.01, 0)).toList()));
    }

    /**
     * ACC from 0.665 to 0.689 over five recomputations of P: on the old fixed 0..1 axis the rise was 3.6 of 152 pixels.
     * Its panel's axis is fitted to the values and widened to 0.05 (0.652..0.702, ticks 0.65..0.71), so with the plot
     * 220 − 28 − 40 = 152 pixels high from y = 28: py(0.665) = 180 − 152 · 0.015/0.06 = 142.0 and py(0.689) = 81.2.
     * NMI moves by 0.0005 only: widened the same way (ticks 0.67..0.73) it stays within 2 pixels, i.e. flat.
     */
    @Test
    void metricPanelsShowATrendOfAFewPointsAndKeepATinyOneFlat() {
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            rows.add(new RunLogs.ClusterRow(100 * r, 0.665 + 0.006 * r, 0.7 + 0.000125 * r, 0.6 + 0.05 * r, Double.NaN,
                    Double.NaN, Double.NaN, r == 0 ? Double.NaN : 0.01));
        }
        String html = HtmlReport.builder().clusterLog(rows).render();
        String acc = svg(html, "chart-acc");
        assertEquals(List.of("0.65", "0.66", "0.67", "0.68", "0.69", "0.70", "0.71"), yTicks(acc));
        double[] y = lineYs(acc);
        assertEquals(142.0, y[0], 1e-9);
        assertEquals(81.2, y[4], 1e-9);
        assertTrue(acc.contains(">ACC: 0.6650 → 0.6890</text>"), acc);
        String nmi = svg(html, "chart-nmi");
        assertEquals(List.of("0.67", "0.68", "0.69", "0.70", "0.71", "0.72", "0.73"), yTicks(nmi));
        double[] n = lineYs(nmi);
        assertTrue(n[0] - n[4] < 2, "a change of 0.0005 stays flat: " + (n[0] - n[4]) + " pixels");
        // ARI 0.6 → 0.8 spans more than 0.05 already: its axis is its own nice range 0.6..0.8
        assertEquals("0.60", yTicks(svg(html, "chart-ari")).get(0));
    }

    /**
     * L_c is several times L_r: each loss has its own panel. L_r from 0.012 to 0.014 is widened to 20 % of 0.014 (0.0116..0.0144,
     * ticks 0.011..0.015), so py(0.012) = 180 − 152 · 0.25 = 142.0 and py(0.014) = 180 − 152 · 0.75 = 66.0.
     */
    @Test
    void eachLossHasItsOwnAxis() {
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            double Lc = 0.08 - 0.015 * r;
            double Lr = 0.012 + 0.0005 * r;
            rows.add(new RunLogs.ClusterRow(100 * r, Double.NaN, Double.NaN, Double.NaN, Lr + 0.1 * Lc, Lc, Lr, 0.01));
        }
        String html = HtmlReport.builder().clusterLog(rows).tol(0.001).render();
        double[] lr = lineYs(svg(html, "chart-loss-Lr"));
        assertEquals(142.0, lr[0], 1e-9);
        assertEquals(66.0, lr[4], 1e-9);
        // L_c 0.08 → 0.02: ticks 0.02..0.08 step 0.02, the line runs from the top of the plot (28) to its bottom (180)
        double[] lc = lineYs(svg(html, "chart-loss-Lc"));
        assertEquals(28.0, lc[0], 1e-9);
        assertEquals(180.0, lc[4], 1e-9);
        // the stop rule is strict: the line says so
        assertTrue(svg(html, "chart-delta-label").contains("data-name=\"tol = 0.001 (stops when strictly below)\""));
    }

    /**
     * The changed-label fraction is at most 1, so its log axis ends at 1: with 95 % of the labels changed at the first
     * recomputation the axis reached 10 (ceil(log10 0.95 + 0.05) = 1 decade), a value no fraction can take. Now
     * 0.95 → 0.004: decades floor(log10 0.004 − 0.05) = −3 to 0.
     */
    @Test
    void theChangedLabelAxisEndsAtOne() {
        double[] delta = {Double.NaN, 0.95, 0.3, 0.02, 0.004};
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < delta.length; r++) {
            rows.add(new RunLogs.ClusterRow(100 * r, Double.NaN, Double.NaN, Double.NaN, 0.02, 0.01, 0.01, delta[r]));
        }
        String svg = svg(HtmlReport.builder().clusterLog(rows).tol(0.005).render(), "chart-delta-label");
        assertEquals(List.of("1e-3", "0.01", "0.1", "1"), yTicks(svg));
        // 1 is the top of the plot (y = 28): 0.95 sits just under it, log10 0.95 = −0.0223 of 3 decades on 192 pixels
        assertEquals(28 + 192 * 0.0223 / 3, lineYs(svg)[0], 0.05);
        // every fraction drawn at most 1, a single point at 1 included: its axis still ends at 1
        rows.set(1, new RunLogs.ClusterRow(100, Double.NaN, Double.NaN, Double.NaN, 0.02, 0.01, 0.01, 1.0));
        List<String> ticks = yTicks(svg(HtmlReport.builder().clusterLog(rows).tol(0.005).render(), "chart-delta-label"));
        assertEquals("1", ticks.get(ticks.size() - 1));
    }

    /**
     * The pretraining chart is a loss panel like the clustering ones: at least 20 % of its largest value tall and its
     * first and last values in the legend. A run of 2 epochs (L_r 0.216940 → 0.215691, a drop of 0.6 %) drew a line
     * from near the top of the plot to near its bottom (35.7 → 195.6 of 28..220) under the bare legend "L_r".
     */
    @Test
    void thePretrainingLossHasAMinimumSpanAndItsTrend() {
        String html = HtmlReport.builder().pretrainLog(List.of(new RunLogs.PretrainRow(1, 0.216940, 4.6),
                new RunLogs.PretrainRow(2, 0.215691, 0.8))).render();
        String svg = svg(html, "chart-pretrain-loss");
        double[] y = lineYs(svg);
        // 0.00125 of a span of at least 0.0434 on 192 pixels: under 6 pixels
        assertTrue(y[1] - y[0] > 0 && y[1] - y[0] < 6, svg);
        assertTrue(svg.contains("data-name=\"L_r: 0.2169 → 0.2157\""), svg);
    }

    /** An infinite loss cannot be placed on an axis: it is left out of the line and the page names where it is. */
    @Test
    void anInfiniteLossIsNamedNotDroppedSilently() {
        List<RunLogs.ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < 9; r++) {
            double Lc = r == 2 || r >= 3 ? Double.POSITIVE_INFINITY : 0.05;
            rows.add(new RunLogs.ClusterRow(140 * r, Double.NaN, Double.NaN, Double.NaN, r == 0 ? Double.NaN : 0.02,
                    Lc, 0.01, 0.01));
        }
        List<RunLogs.PretrainRow> pre = List.of(new RunLogs.PretrainRow(1, 0.05, 1.0),
                new RunLogs.PretrainRow(2, Double.NEGATIVE_INFINITY, 1.0), new RunLogs.PretrainRow(3, 0.03, 1.0));
        String html = HtmlReport.builder().clusterLog(rows).pretrainLog(pre).render();
        // iterations 280, 420, ..., 1120 are infinite: five named, the other two counted
        assertTrue(html.contains("L_c = KL(P‖Q) is infinite (∞ at iteration 280, ∞ at iteration 420, ∞ at iteration 560, "
                + "∞ at iteration 700, ∞ at iteration 840 and 2 more): those values are not drawn."), html);
        assertTrue(html.contains("L_r is infinite (−∞ at epoch 2): that value is not drawn."), html);
        // the finite losses get no such line; L's NaN at iteration 0 is a missing value, not named
        assertEquals(2, count(html, "is infinite ("));
        assertEquals("", HtmlReport.infiniteNotDrawn("L", "iteration", new double[] {0, 1}, new double[] {Double.NaN, 1}));
    }
}
