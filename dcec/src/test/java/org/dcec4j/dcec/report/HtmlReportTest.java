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
        // pretraining loss, clustering losses, changed labels, metrics
        assertEquals(4, count(html, "<svg class=\"chart\""));
        assertTrue(html.contains("data-charts=\"4\""));
        assertEquals(12, count(html, "<img "));
        assertTrue(html.contains("data-images=\"12\""));
        assertTrue(html.contains("data-expect=\"summary pretraining clustering metrics confusion samples config\""));
        for (String id : List.of("chart-pretrain-loss", "chart-cluster-loss", "chart-delta-label", "chart-metrics")) {
            assertEquals(1, count(html, "id=\"" + id + "\""), id);
        }
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
        assertEquals(3, count(html, "<svg class=\"chart\""));
        assertTrue(html.contains("data-charts=\"3\""));
        assertFalse(html.contains("id=\"chart-metrics\""));
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
}
