package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/tools/check_report.sh the way CI does: on a generated report it must pass, on pages that are
 * broken in different ways it must fail. The Chromium runs are skipped (JUnit assumption) only where
 * /usr/bin/chromium is missing; CI installs it.
 */
class CheckReportScriptTest {
    private static final Path SCRIPT = Path.of("..", "docs", "tools", "check_report.sh").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private record Result(int exit, String output) {
    }

    private static Result check(Path html) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(SCRIPT), "missing " + SCRIPT);
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), html.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // a guard against a hung browser, not a timing assertion
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("check_report.sh did not finish within 180 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out);
    }

    private static void needChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": the headless-browser check is skipped");
    }

    @Test
    void aGeneratedReportPasses(@TempDir Path dir) throws Exception {
        needChromium();
        Path html = SyntheticRun.fullReport().config("source", "https://example.org/shapes")
                .write(dir.resolve("report dir #1").resolve("report.html"));
        Result r = check(html);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("OK (page check: OK (7 sections, 8 charts, 12 images in 4 labelled rows))"), r.output());
    }

    @Test
    void aPageWhoseScriptThrowsFails(@TempDir Path dir) throws Exception {
        needChromium();
        String html = SyntheticRun.fullReport().render()
                .replace("</main>", "</main>\n<script>null.boom();</script>");
        Path page = dir.resolve("broken.html");
        Files.writeString(page, html);
        Result r = check(page);
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Uncaught TypeError"), r.output());
    }

    /**
     * Four faults only the page's own check sees (Chromium logs none of them as an uncaught error): a missing
     * section, a console.error call, an image whose data URI is not a PNG and a row of sample images without its
     * label. All four are listed.
     */
    @Test
    void aPageThatFailsItsOwnCheckSaysWhy(@TempDir Path dir) throws Exception {
        needChromium();
        String html = SyntheticRun.fullReport().render()
                .replace("<section id=\"config\">", "<section>")
                .replace("</main>", "</main>\n<script>console.error('something odd');</script>");
        int img = html.indexOf("<img src=\"data:image/png;base64,") + "<img src=\"data:image/png;base64,".length();
        html = html.substring(0, img) + "AAAA" + html.substring(img + 4);
        html = html.replaceFirst("(?s)<div class=\"cluster\" id=\"cluster-2\">(.*?)<h4>samples</h4>", "<div class=\"cluster\" id=\"cluster-2\">$1<h4> </h4>");
        Path page = dir.resolve("incomplete.html");
        Files.writeString(page, html);
        Result r = check(page);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("the OK marker 'dcec4j report OK' is missing"), r.output());
        assertTrue(r.output().contains("missing section #config"), r.output());
        assertTrue(r.output().contains("console.error: something odd"), r.output());
        assertTrue(r.output().contains("failed to load <img> cluster 0, samples 0"), r.output());
        assertTrue(r.output().contains("a row of sample images without its label, in #cluster-2"), r.output());
    }

    /** The static check runs before the browser, so this one needs no Chromium. */
    @Test
    void aPageWithANetworkReferenceFails(@TempDir Path dir) throws Exception {
        String html = SyntheticRun.fullReport().render()
                .replace("</main>", "</main>\n<img src=\"https://example.invalid/pixel.png\" alt=\"x\">");
        Path page = dir.resolve("online.html");
        Files.writeString(page, html);
        Result r = check(page);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("references a network resource"), r.output());
        assertTrue(r.output().contains("https://example.invalid/pixel.png"), r.output());

        Files.writeString(page, SyntheticRun.fullReport().render()
                .replace("</style>", "</style>\n<link rel=\"stylesheet\" href=\"//cdn.example.invalid/a.css\">"));
        r = check(page);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("href=\"//cdn.example.invalid/a.css"), r.output());
    }

    @Test
    void aMissingFileIsAUsageError(@TempDir Path dir) throws Exception {
        Result r = check(dir.resolve("nothing.html"));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("no such file"), r.output());
    }
}
