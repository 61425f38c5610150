package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportEdgeCasesTest {
    static void folder(Path dir, int[] cluster, float[] conf, boolean stopEarly) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"method\": \"dcec\", \"seed\": 3, \"tol\": 0.001, \"max_iter\": 280,"
                + " \"data\": \"<b>\\u00e9t\\u00e9 \\ud83d\\ude00 </script><script>alert(1)</script>\"}");
        Files.writeString(dir.resolve("pretrain_log.csv"), "epoch,loss,seconds\n1,0.1,1.0\n2,,nan\n3,0.05,1.0\n");
        if (stopEarly) return;
        Files.writeString(dir.resolve("dcec_log.csv"), "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n0,0.5,0.4,0.3,,,,0.1\n140,nan,,0.35,0.2,0.1,0.1,\n280,0.6,0.5,0.4,0.2,0.1,0.1,0.0005\n");
        StringBuilder p = new StringBuilder("index,cluster,confidence\n");
        for (int i = 0; i < cluster.length; i++) p.append(i).append(',').append(cluster[i]).append(',').append(String.format(Locale.ROOT, "%.6f", conf[i])).append('\n');
        Files.writeString(dir.resolve("predictions.csv"), p);
    }

    /**
     * docs/tools/check_report.sh's exit status and output for a page. Without Chromium the script stops after its static
     * check (which passed, or it would have exited 1) with "no Chromium found": then the browser check is skipped (a JUnit
     * assumption, after the test's own assertions on the page have run), as in {@link CheckReportScriptTest}; CI
     * installs Chromium.
     */
    static String check(Path html) throws Exception {
        Process pr = new ProcessBuilder("bash", "../docs/tools/check_report.sh", html.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = pr.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(exit == 2 && out.contains("no Chromium found"),
                "no Chromium: the page passed check_report.sh's static check; its browser check is skipped");
        return exit + " " + out;
    }

    @Test void manyClustersEmptyClustersAndOddNames(@TempDir Path tmp) throws Exception {
        int N = 700, K = 60, classes = 12;
        SplittableRandom r = new SplittableRandom(1);
        int[] cl = new int[N], y = new int[N];
        float[] q = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(classes);
            cl[i] = r.nextInt(K);
            if (cl[i] == 5 || cl[i] == 17) cl[i] = 6;        // empty clusters 5 and 17
            q[i] = (float) r.nextDouble(0.1, 1);
        }
        cl[0] = K - 1;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) names.add(c == 0 ? "x".repeat(300) : c == 1 ? "<img src=x onerror=alert(1)> & \"q\" 'a'" : c == 2 ? "caf\u00e9 \u4e2d\u6587 \ud83d\ude00" : "class-" + c);
        Path run = tmp.resolve("run");
        folder(run, cl, q, false);
        float[] images = SyntheticRun.images(N, 1, 12, 12);
        Path html = HtmlReport.fromRunDirectory(run, images, N, 1, 12, 12, y, names, 10).write(run.resolve("report.html"));
        String page = Files.readString(html);
        System.out.println("page bytes " + page.length());
        // cluster sizes sum to N
        Matcher m = Pattern.compile("<span class=\"size\">(\\d+) images?</span>").matcher(page);
        long sum = 0; int shown = 0;
        while (m.find()) { sum += Long.parseLong(m.group(1)); shown++; }
        assertEquals(N, sum);
        assertEquals(K, shown);
        // the empty clusters are listed, and say so
        for (int k : new int[] {5, 17})
            assertTrue(page.contains("<div class=\"cluster\" id=\"cluster-" + k + "\"><h3>cluster " + k + " <span class=\"size\">0 images</span></h3>\n"
                    + "<div class=\"strips\"></div>\n<p class=\"note\">empty</p>"), "cluster " + k);
        // the confusion table's grand total is N
        assertTrue(page.contains("<td class=\"total\">" + N + "</td></tr>\n</table>"));
        assertTrue(!page.contains("<img src=x"), "raw class name");
        String checked = check(html);
        System.out.println(checked);
        assertTrue(checked.startsWith("0 "), checked);
    }

    /**
     * A cluster whose confidences differ only in the 5th decimal (a short run with K = 6: q ≈ 1/6 everywhere, the
     * 15 members of one cluster between 0.167716 and 0.167743) read "highest 0.168, median 0.168, lowest 0.168" and
     * "confidence 0.168" under every image, so the most and least confident rows could not be told apart. The
     * confidences of a cluster are shown with as many decimals (3 to 6, predictions.csv has 6) as its highest and
     * lowest need to differ.
     */
    @Test void nearlyEqualConfidencesGetTheDigitsThatTellThemApart(@TempDir Path tmp) throws Exception {
        float[] q = {0.167743f, 0.167737f, 0.167736f, 0.167732f, 0.167730f, 0.167729f, 0.167729f, 0.167728f, 0.167725f,
                0.167725f, 0.167723f, 0.167723f, 0.167722f, 0.167718f, 0.167716f, 0.9f, 0.5f};
        int N = q.length;
        int[] cl = new int[N];
        cl[15] = 1;
        cl[16] = 1;
        Path run = tmp.resolve("run");
        folder(run, cl, q, false);
        String page = HtmlReport.fromRunDirectory(run, SyntheticRun.images(N, 1, 8, 8), N, 1, 8, 8, null, List.of(), 10).render();
        assertTrue(page.contains("confidence max_j q_ij: highest 0.16774, median 0.16773, lowest 0.16772"), page);
        assertTrue(page.contains("alt=\"#0 · confidence 0.16774\""), page);
        assertTrue(page.contains("alt=\"#14 · confidence 0.16772\""), page);
        // a cluster whose confidences are far apart keeps 3 decimals; of two, the median is their mean
        assertTrue(page.contains("confidence max_j q_ij: highest 0.900, median 0.700, lowest 0.500"), page);
    }

    /**
     * The classes of a cluster after its four largest are counted in images, named so: with digit class names the
     * rest read "2 other classes 2 (13.3 %)", as if a class 2 held 13.3 % of the cluster.
     */
    @Test void theRestOfAClustersClassesIsCountedInImages() {
        String[] names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        int[] labels = {7, 7, 7, 7, 7, 7, 1, 1, 1, 2, 2, 3, 3, 4, 5};
        int[] members = new int[labels.length];
        for (int i = 0; i < members.length; i++) members[i] = i;
        assertEquals("classes: 7 6 (40.0 %), 1 3 (20.0 %), 2 2 (13.3 %), 3 2 (13.3 %), 2 images (13.3 %) of 2 other classes",
                HtmlReport.composition(members, labels, names));
        assertEquals("classes: 7 6 (42.9 %), 1 3 (21.4 %), 2 2 (14.3 %), 3 2 (14.3 %), 1 image (7.1 %) of 1 other class",
                HtmlReport.composition(java.util.Arrays.copyOf(members, 14), labels, names));
    }

    /**
     * The median of an even number of confidences is the mean of the two middle ones: the page showed the upper of
     * the two (a cluster of 0.9, 0.8, 0.6, 0.5 had "median 0.800", of 0.9 and 0.5 "median 0.900"). An odd number
     * keeps its middle value.
     */
    @Test void theMedianOfAnEvenSizedClusterIsTheMeanOfItsTwoMiddleConfidences(@TempDir Path tmp) throws Exception {
        float[] q = {0.6f, 0.9f, 0.5f, 0.8f, 0.25f, 0.75f, 0.5f};
        int[] cl = {0, 0, 0, 0, 1, 1, 1};
        Path run = tmp.resolve("run");
        folder(run, cl, q, false);
        String page = HtmlReport.fromRunDirectory(run, SyntheticRun.images(q.length, 1, 8, 8), q.length, 1, 8, 8, null,
                List.of(), 10).render();
        assertTrue(page.contains("confidence max_j q_ij: highest 0.900, median 0.700, lowest 0.500"), page);
        assertTrue(page.contains("confidence max_j q_ij: highest 0.750, median 0.500, lowest 0.250"), page);
        assertEquals(0.7, HtmlReport.median(new float[] {0.9f, 0.8f, 0.6f, 0.5f}, new int[] {0, 1, 2, 3}), 1e-7);
    }

    /**
     * Without labels there is no score table, whose last row says how clustering ended; the page said only
     * "clustering iterations 280", not whether the stop rule ended the run or the iteration cap did (the command line
     * prints "end: iteration 280, converged ..." either way). The summary says it.
     */
    @Test void anUnlabelledRunSaysHowClusteringEnded(@TempDir Path tmp) throws Exception {
        int N = 20;
        float[] q = new float[N];
        java.util.Arrays.fill(q, 0.5f);
        Path run = tmp.resolve("run");
        folder(run, new int[N], q, false);
        String page = HtmlReport.fromRunDirectory(run, null, N, 1, 8, 8, null, List.of(), 10).render();
        assertTrue(page.contains("<tr><th>clustering ended</th><td>iteration 280, converged (fewer than tol of the labels changed)</td></tr>"), page);
        // with labels the score table's last row says it, once
        String labelled = HtmlReport.fromRunDirectory(run, null, N, 1, 8, 8, new int[N], List.of(), 10).render();
        assertTrue(labelled.contains("end: iteration 280, converged (fewer than tol of the labels changed)"), labelled);
        assertTrue(!labelled.contains("clustering ended"), labelled);
    }

    /**
     * How clustering ended, read from the log's last row by the trainer's stop rule (iteration > 0 and delta_label < tol,
     * strictly) and config.json's tol 0.001 and max_iter 280: a change of exactly tol at the cap is the cap, not
     * convergence; one just under tol converges; a last row before the cap that did not converge (a cancelled run) says
     * only its iteration, as does iteration 0, which never converges, even with no label changed.
     */
    @Test void howClusteringEndedFollowsTheTrainersStopRule(@TempDir Path tmp) throws Exception {
        String[][] cases = {
                {"280", "0.001", "iteration 280, stopped at the iteration cap (max_iter)"},
                {"280", "0.000999", "iteration 280, converged (fewer than tol of the labels changed)"},
                {"140", "0.001", "iteration 140"},
                {"0", "0", "iteration 0"},
        };
        int N = 20;
        float[] q = new float[N];
        java.util.Arrays.fill(q, 0.5f);
        for (int c = 0; c < cases.length; c++) {
            Path run = tmp.resolve("run" + c);
            folder(run, new int[N], q, false);
            String last = cases[c][0] + ",0.6,0.5,0.4,0.2,0.1,0.1," + cases[c][1] + "\n";
            Files.writeString(run.resolve("dcec_log.csv"), "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n"
                    + (cases[c][0].equals("0") ? "" : "0,0.5,0.4,0.3,,,,\n") + last);
            String page = HtmlReport.fromRunDirectory(run, null, N, 1, 8, 8, null, List.of(), 10).render();
            assertTrue(page.contains("<tr><th>clustering ended</th><td>" + cases[c][2] + "</td></tr>"),
                    "unlabelled, last row " + last);
            String labelled = HtmlReport.fromRunDirectory(run, null, N, 1, 8, 8, new int[N], List.of(), 10).render();
            assertTrue(labelled.contains("<td class=\"what\">end: " + cases[c][2] + "<"), "labelled, last row " + last);
        }
    }

    @Test void oneClusterNoLabels(@TempDir Path tmp) throws Exception {
        int N = 50;
        Path run = tmp.resolve("run");
        float[] q = new float[N];
        java.util.Arrays.fill(q, 1f);
        folder(run, new int[N], q, false);
        Path html = HtmlReport.fromRunDirectory(run, SyntheticRun.images(N, 3, 8, 8), N, 3, 8, 8, null, List.of(), 10).write(run.resolve("report.html"));
        String checked = check(html);
        assertTrue(checked.startsWith("0 "), checked);
        Path run2 = tmp.resolve("run2");
        folder(run2, null, null, true);
        Path html2 = HtmlReport.fromRunDirectory(run2, SyntheticRun.images(N, 1, 8, 8), N, 1, 8, 8, new int[N], List.of(), 10).write(run2.resolve("report.html"));
        checked = check(html2);
        assertTrue(checked.startsWith("0 "), checked);
    }

    @Test void largeImagesDoNotMakeAHugePage(@TempDir Path tmp) throws Exception {
        int N = 120, K = 4, H = 256, W = 256, C = 3;
        SplittableRandom r = new SplittableRandom(2);
        int[] cl = new int[N];
        float[] q = new float[N];
        for (int i = 0; i < N; i++) { cl[i] = i % K; q[i] = (float) r.nextDouble(); }
        float[] x = new float[N * C * H * W];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        Path run = tmp.resolve("run");
        folder(run, cl, q, false);
        Path html = HtmlReport.fromRunDirectory(run, x, N, C, H, W, null, List.of(), 10).write(run.resolve("report.html"));
        long size = Files.size(html);
        System.out.println("large page bytes " + size);
        assertTrue(size < 8_000_000, "page of " + size + " bytes");
    }

    /**
     * A 3×240×200 image is stored reduced by 3 (the smallest factor that brings 240 within 2 × 56 = 112): 80×67 pixels,
     * each the mean of its 3×3 block (the last column of blocks is 3×2), shown at that size.
     */
    @Test void aLargeImageIsReducedToBlockMeans() throws Exception {
        int C = 3, H = 240, W = 200;
        float[] x = SyntheticRun.images(1, C, H, W);
        String html = HtmlReport.builder().clusterSamples(0, x, 1, C, H, W).render();
        Matcher m = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\"").matcher(html);
        assertTrue(m.find());
        assertEquals("67", m.group(2));
        assertEquals("80", m.group(3));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(m.group(1))));
        assertEquals(67, img.getWidth());
        assertEquals(80, img.getHeight());
        for (int y = 0; y < 80; y += 7) {
            for (int xx = 0; xx < 67; xx += 11) {
                int[] rgb = new int[3];
                for (int c = 0; c < C; c++) {
                    double sum = 0; int n = 0;
                    for (int h = 3 * y; h < Math.min(H, 3 * y + 3); h++)
                        for (int w = 3 * xx; w < Math.min(W, 3 * xx + 3); w++) { sum += x[(c * H + h) * W + w]; n++; }
                    rgb[c] = (int) Math.round(sum / n * 255);
                }
                int p = img.getRGB(xx, y);
                assertEquals(rgb[0], (p >> 16) & 255, 1, "red at " + y + "," + xx);
                assertEquals(rgb[1], (p >> 8) & 255, 1);
                assertEquals(rgb[2], p & 255, 1);
            }
        }
        // an image of at most 112 pixels is stored as it is, at an integer zoom
        assertTrue(HtmlReport.builder().clusterSamples(0, SyntheticRun.images(1, 1, 112, 100), 1, 1, 112, 100).render()
                .contains("width=\"100\" height=\"112\""));
        assertTrue(HtmlReport.builder().clusterSamples(0, SyntheticRun.images(1, 1, 28, 28), 1, 1, 28, 28).render()
                .contains("width=\"56\" height=\"56\""));
    }

    /**
     * The final scores and the confusion matrix of a run folder against ACC (best one-to-one matching by brute force),
     * NMI (arithmetic mean) and ARI computed here from predictions.csv and the labels; cluster 2 is empty.
     */
    @Test void scoresAndConfusionMatchAnIndependentComputation(@TempDir Path tmp) throws Exception {
        int N = 230, R = 4, K = 5;
        SplittableRandom r = new SplittableRandom(9);
        int[] y = new int[N], c = new int[N];
        float[] q = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(R);
            c[i] = r.nextInt(10) < 7 ? new int[] {3, 0, 4, 1}[y[i]] : r.nextInt(K);
            if (c[i] == 2) c[i] = 1;
            q[i] = (float) r.nextDouble(0.2, 1);
        }
        Path run = tmp.resolve("run");
        folder(run, c, q, false);
        String page = HtmlReport.fromRunDirectory(run, null, N, 1, 8, 8, y, List.of("a", "b", "c", "d"), 10).render();
        long[][] n = new long[R][K];
        for (int i = 0; i < N; i++) n[y[i]][c[i]]++;
        double acc = best(n, 0, new boolean[R]) / (double) N;
        long[] a = new long[R], b = new long[K];
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) { a[i] += n[i][j]; b[j] += n[i][j]; }
        double mi = 0, ha = 0, hb = 0;
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) if (n[i][j] > 0)
            mi += n[i][j] / (double) N * Math.log((double) n[i][j] * N / ((double) a[i] * b[j]));
        for (long v : a) if (v > 0) ha -= v / (double) N * Math.log(v / (double) N);
        for (long v : b) if (v > 0) hb -= v / (double) N * Math.log(v / (double) N);
        double sij = 0, sa = 0, sb = 0;
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) sij += n[i][j] * (n[i][j] - 1) / 2.0;
        for (long v : a) sa += v * (v - 1) / 2.0;
        for (long v : b) sb += v * (v - 1) / 2.0;
        double exp = sa * sb / (N * (N - 1) / 2.0), ari = (sij - exp) / ((sa + sb) / 2 - exp);
        String row = String.format(Locale.ROOT, "<tr><th>DCEC</th><td>%.4f</td><td>%.4f</td><td>%.4f</td><td class=\"what\">end", acc, mi / ((ha + hb) / 2), ari);
        assertTrue(page.contains(row), row + "\n" + page.substring(page.indexOf("<table class=\"scores\">"), page.indexOf("</table>", page.indexOf("<table class=\"scores\">"))));
        // the confusion matrix: 4 non-empty clusters as columns, matched counts on the diagonal, totals N
        String table = page.substring(page.indexOf("<table class=\"confusion\">"), page.indexOf("</table>", page.indexOf("<table class=\"confusion\">")));
        Matcher m = Pattern.compile("<tr><th><span class=\"name\" title=\"[a-d]\">([a-d])</span></th>(.*?)<td class=\"total\">(\\d+)</td></tr>").matcher(table);
        long diagonal = 0, total = 0;
        int row_ = 0;
        while (m.find()) {
            Matcher cell = Pattern.compile(">(\\d+)</td>").matcher(m.group(2));
            List<Long> cells = new ArrayList<>();
            while (cell.find()) cells.add(Long.parseLong(cell.group(1)));
            assertEquals(4, cells.size());
            assertEquals(a[m.group(1).charAt(0) - 'a'], Long.parseLong(m.group(3)));
            diagonal += cells.get(row_);
            total += cells.stream().mapToLong(Long::longValue).sum();
            row_++;
        }
        assertEquals(R, row_);
        assertEquals(N, total);
        assertEquals(Math.round(acc * N), diagonal);
        assertTrue(table.contains("<td class=\"total\">" + N + "</td></tr>"));
    }

    static long best(long[][] n, int j, boolean[] used) {
        if (j == n[0].length) return 0;
        long b = best(n, j + 1, used);
        for (int i = 0; i < n.length; i++) if (!used[i]) {
            used[i] = true;
            b = Math.max(b, n[i][j] + best(n, j + 1, used));
            used[i] = false;
        }
        return b;
    }

    /**
     * A labelled run without a clustering log (the kmeans and cae-kmeans methods have no clustering phase): the metrics
     * section says there are no iterations, not that the data has no labels (its confusion matrix is on the same page).
     */
    /**
     * kmeans and cae-kmeans have no clustering phase: their clustering section read "No clustering log (dcec_log.csv)
     * was given." as if the file were missing, and their score row's note read "end" (the command line: "k-means on the
     * CAE's embedding"). The section says the method has no clustering phase, and the row what the method did.
     */
    @Test void aMethodWithoutAClusteringPhaseSaysSo(@TempDir Path tmp) throws Exception {
        for (String m : new String[] {"kmeans", "cae-kmeans"}) {
            Path run = Files.createDirectories(tmp.resolve(m));
            Files.writeString(run.resolve("config.json"), "{\"method\": \"" + m + "\", \"seed\": 0}");
            Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence\n0,0,0.9\n1,1,0.8\n2,1,0.7\n");
            String page = HtmlReport.fromRunDirectory(run, null, 3, 1, 8, 8, new int[] {0, 1, 1}, List.of(), 10).render();
            String clustering = page.substring(page.indexOf("<section id=\"clustering\">"),
                    page.indexOf("</section>", page.indexOf("<section id=\"clustering\">")));
            assertTrue(clustering.contains(m + " has no clustering phase (it ends with k-means"), clustering);
            assertTrue(!clustering.contains("was given"), clustering);
            assertTrue(page.contains(m.equals("kmeans") ? "<td class=\"what\">end: k-means on the raw pixels</td>"
                    : "<td class=\"what\">end: k-means on the CAE&#39;s embedding</td>"), page);
        }
        // a method that has one, without its log: the note stays
        assertTrue(HtmlReport.builder().render().contains("No clustering log (dcec_log.csv) was given."));
    }

    /**
     * The page said the matched counts lie on the diagonal and ACC = (sum of the diagonal) / N; that holds only when
     * the matched classes are the first rows. With fewer non-empty clusters than classes (a short USPS run: 4 of
     * 10 clusters held images) a cluster matched to class 7 stood in column 4: the diagonal summed to 69 of ACC·N = 102.
     * Here 3 classes, 2 clusters: cluster 1 is matched to class 2 (row 3) but stands in column 2. Each matched cell
     * is marked (class "matched", outlined) and the note gives the sum: ACC = 5 / 6.
     */
    @Test void theMatchedCellsAreMarkedWhereverTheyAre(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("config.json"), "{\"method\": \"dcec\", \"seed\": 0, \"clusters\": 2}");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence\n0,0,0.9\n1,0,0.8\n2,0,0.7\n3,0,0.7\n4,1,0.9\n5,1,0.9\n");
        String page = HtmlReport.fromRunDirectory(run, null, 6, 1, 8, 8, new int[] {0, 0, 0, 1, 2, 2}, List.of("a", "b", "c"), 10).render();
        String table = page.substring(page.indexOf("<table class=\"confusion\">"), page.indexOf("</table>", page.indexOf("<table class=\"confusion\">")));
        String[] rows = table.split("</tr>\n");
        // rows[0] is the header; rows 1..3 the classes a, b, c; columns cluster 0 (matched to a), cluster 1 (matched to c)
        assertTrue(rows[1].contains("<td class=\"matched\" style=\"background:rgba(0,114,178,1.000);color:#fff\" title=\"a ↔ cluster 0: matched\">3</td>"), rows[1]);
        assertTrue(!rows[2].contains("matched"), rows[2]);
        assertTrue(rows[3].matches("(?s).*<td style=[^>]*>0</td><td class=\"matched\"[^>]*>2</td>.*"), rows[3]);
        assertEquals(2, table.split("class=\"matched\"", -1).length - 1, table);
        assertTrue(page.contains("ACC = (sum of the outlined cells) / N = 5 / 6 = 0.8333"), page);
    }

    @Test void aLabelledRunWithoutAClusteringLogIsNotCalledUnlabelled(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("config.json"), "{\"method\": \"kmeans\", \"seed\": 0}");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence\n0,0,0.9\n1,1,0.8\n2,1,0.7\n");
        String page = HtmlReport.fromRunDirectory(run, null, 3, 1, 8, 8, new int[] {0, 1, 1}, List.of(), 10).render();
        String metrics = page.substring(page.indexOf("<section id=\"metrics\">"), page.indexOf("</section>", page.indexOf("<section id=\"metrics\">")));
        assertTrue(page.contains("<table class=\"confusion\">"));
        assertTrue(!metrics.contains("No labels"), metrics);
        assertTrue(metrics.contains("No clustering log (dcec_log.csv)"), metrics);
        // kmeans has no pretraining: its section says so, not that a log is missing
        String pretraining = page.substring(page.indexOf("<section id=\"pretraining\">"), page.indexOf("</section>", page.indexOf("<section id=\"pretraining\">")));
        assertTrue(pretraining.contains("kmeans clusters the raw pixels: it has no autoencoder to pretrain."), pretraining);
        assertTrue(!pretraining.contains("No pretraining log"), pretraining);
        // a method that pretrains, without its log: the note stays
        assertTrue(HtmlReport.builder().render().contains("No pretraining log (pretrain_log.csv) was given."));
        // without labels the note stays
        String unlabelled = HtmlReport.builder().clusterLog(SyntheticRun.clustering(3, 10, false)).render();
        assertTrue(unlabelled.contains("No labels: ACC, NMI and ARI need the true labels."));
    }

    /** Clusters after the last non-empty one (config.json's clusters = 6, predictions use 0..3) are listed as empty too. */
    @Test void trailingEmptyClustersAreListed(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("config.json"), "{\"method\": \"dcec\", \"clusters\": 6, \"seed\": 0}");
        StringBuilder p = new StringBuilder("index,cluster,confidence\n");
        for (int i = 0; i < 20; i++) p.append(i).append(',').append(i % 4 == 1 ? 3 : i % 4).append(",0.5\n");
        Files.writeString(run.resolve("predictions.csv"), p);
        Path html = HtmlReport.fromRunDirectory(run, SyntheticRun.images(20, 1, 8, 8), 20, 1, 8, 8, null, List.of(), 3).write(run.resolve("report.html"));
        String page = Files.readString(html);
        for (int k = 0; k < 6; k++) assertTrue(page.contains("id=\"cluster-" + k + "\""), "cluster " + k);
        assertEquals(3, page.split("<p class=\"note\">empty</p>", -1).length - 1);   // clusters 1, 4 and 5
        String checked = check(html);
        assertTrue(checked.startsWith("0 "), checked);
    }

    /**
     * A 300-character class name without spaces (an image folder's name) does not widen the page past a 1280-pixel window
     * (its composition line ran off the right edge, and the page scrolled sideways), and the confusion matrix's row
     * header is cut with an ellipsis (the full name on hover) instead of pushing the counts 1,900 pixels to the right.
     * Measured in headless Chromium.
     */
    @Test void aVeryLongClassNameDoesNotWidenThePage(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "no chromium");
        int N = 40;
        int[] y = new int[N], c = new int[N];
        float[] q = new float[N];
        for (int i = 0; i < N; i++) { y[i] = i % 3; c[i] = i % 3; q[i] = 0.5f; }
        Path run = tmp.resolve("run");
        folder(run, c, q, false);
        String name = "n" + "0123456789".repeat(30);
        String page = HtmlReport.fromRunDirectory(run, SyntheticRun.images(N, 1, 8, 8), N, 1, 8, 8, y, List.of(name, "b", "c"), 10).render();
        String probe = "<script>window.addEventListener('load',function(){setTimeout(function(){var t=document.querySelector('table.confusion td');"
                + "document.body.setAttribute('data-measured',document.documentElement.scrollWidth+' '+Math.round(t.getBoundingClientRect().left));},0)});</script></body>";
        Path html = Files.writeString(tmp.resolve("m.html"), page.replace("</body>", probe));
        Process p = new ProcessBuilder("timeout", "60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--virtual-time-budget=3000", "--user-data-dir=" + tmp.resolve("profile"), "--dump-dom", html.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("data-measured=\"(\\d+) (\\d+)\"").matcher(dom);
        assertTrue(m.find(), "no measurement in the dumped DOM");
        int width = Integer.parseInt(m.group(1)), firstCount = Integer.parseInt(m.group(2));
        assertTrue(width <= 1280, "the page is " + width + " pixels wide in a 1280-pixel window");
        assertTrue(firstCount < 500, "the first count of the confusion matrix starts " + firstCount + " pixels from the left");
        assertTrue(page.contains("title=\"" + name + "\""), "the full name on hover");
    }

    /** Whole-number x values (epochs, iterations) get whole-number ticks: 2 epochs were labelled 1.0, 1.2, ..., 2.0. */
    @Test void wholeNumberXValuesGetWholeNumberTicks() {
        String two = new SvgLineChart("c", "epoch", "loss", new double[] {1, 2}).series("L", new double[] {0.3, 0.2}).render();
        List<String> labels = new ArrayList<>();
        Matcher m = Pattern.compile("<text class=\"tick\" x=\"[0-9.]+\" y=\"[0-9.]+\" text-anchor=\"middle\">([^<]*)</text>").matcher(two);
        while (m.find()) labels.add(m.group(1));
        assertEquals(List.of("1", "2"), labels);
        String one = new SvgLineChart("c", "iteration", "L", new double[] {3}).series("L", new double[] {0.3}).render();
        labels.clear();
        m = Pattern.compile("<text class=\"tick\" x=\"[0-9.]+\" y=\"[0-9.]+\" text-anchor=\"middle\">([^<]*)</text>").matcher(one);
        while (m.find()) labels.add(m.group(1));
        // one x: one tick, at it (2 and 4 never ran; HtmlReportTest.aPanelWithOnePointShowsOnlyItsX)
        assertEquals(List.of("3"), labels);
        // many iterations keep their nice steps; fractional x values keep fractional ticks
        assertTrue(new SvgLineChart("c", "iteration", "L", new double[] {0, 140, 280, 20000}).series("L", new double[] {1, 2, 3, 4}).render()
                .contains(">5000</text>"));
        assertTrue(new SvgLineChart("c", "x", "y", new double[] {0.1, 0.9}).series("y", new double[] {1, 2}).render().contains(">0.5</text>"));
    }
}
