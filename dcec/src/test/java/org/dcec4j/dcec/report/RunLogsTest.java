package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.report.RunLogs.ClusterRow;
import org.dcec4j.dcec.report.RunLogs.PretrainRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogsTest {

    @Test
    void readsThePretrainLog(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pretrain_log.csv");
        Files.writeString(csv, "epoch,loss,seconds\n1,0.0731,2.5\n2,0.0412,2.25\n\n");
        assertEquals(List.of(new PretrainRow(1, 0.0731, 2.5), new PretrainRow(2, 0.0412, 2.25)),
                RunLogs.readPretrainLog(csv));
    }

    @Test
    void readsTheClusterLogWithAndWithoutMetrics(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("dcec_log.csv");
        Files.writeString(csv, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n"
                + "0,0.61,0.52,0.43,0.0201,0.081,0.0120,\n"
                + "140,,,,0.0190,0.07,0.0120,0.125\n");
        List<ClusterRow> rows = RunLogs.readClusterLog(csv);
        assertEquals(2, rows.size());
        assertEquals(new ClusterRow(0, 0.61, 0.52, 0.43, 0.0201, 0.081, 0.0120, Double.NaN), rows.get(0));
        assertEquals(new ClusterRow(140, Double.NaN, Double.NaN, Double.NaN, 0.0190, 0.07, 0.0120, 0.125), rows.get(1));
    }

    @Test
    void columnsAreFoundByName(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pretrain_log.csv");
        Files.writeString(csv, "seconds,extra,epoch,loss\n3.0,x,7,0.5\n");
        assertEquals(List.of(new PretrainRow(7, 0.5, 3.0)), RunLogs.readPretrainLog(csv));
    }

    @Test
    void errorsNameTheFileLineAndColumn(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pretrain_log.csv");
        Files.writeString(csv, "epoch,loss,seconds\n1,0.07,2\n2,abc,2\n");
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(csv));
        assertTrue(e.getMessage().contains(csv + ":3: column 'loss': expected a number, got \"abc\""), e.getMessage());

        Files.writeString(csv, "epoch,seconds\n1,2\n");
        e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(csv));
        assertTrue(e.getMessage().contains(":1: header has no column 'loss'"), e.getMessage());

        Files.writeString(csv, "epoch,loss,seconds\n1,0.07\n");
        e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(csv));
        assertTrue(e.getMessage().contains(":2: expected 3 fields like the header, got 2"), e.getMessage());

        Path pred = dir.resolve("predictions.csv");
        Files.writeString(pred, "index,cluster,confidence\n0,1,0.9\n0,2,0.8\n");
        e = assertThrows(ReportException.class, () -> RunLogs.readPredictions(pred));
        assertTrue(e.getMessage().contains(":3: column 'index': index 0 appears twice"), e.getMessage());
    }

    @Test
    void predictionsAreReadInIndexOrder(@TempDir Path dir) throws IOException {
        Path pred = dir.resolve("predictions.csv");
        Files.writeString(pred, "index,cluster,confidence\n2,0,0.5\n0,1,0.75\n1,1,0.25\n");
        RunLogs.Predictions p = RunLogs.readPredictions(pred);
        assertArrayEquals(new int[] {1, 1, 0}, p.cluster());
        assertArrayEquals(new float[] {0.75f, 0.25f, 0.5f}, p.confidence());
    }

    @Test
    void configJsonIsFlattened(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("config.json");
        Files.writeString(json, "{\n  \"method\": \"dcec\",\n  \"K\": 10,\n  \"gamma\": 0.1,\n"
                + "  \"filters\": [32, 64, 128],\n  \"adam\": {\"lr\": 1e-3, \"amsgrad\": false},\n"
                + "  \"path\": \"a\\\\b \\\"q\\\" \\u00e9\",\n  \"none\": null, \"empty\": {}\n}\n");
        Map<String, String> cfg = RunLogs.readConfig(json);
        assertEquals(List.of("method", "K", "gamma", "filters", "adam.lr", "adam.amsgrad", "path", "none"),
                new ArrayList<>(cfg.keySet()));
        assertEquals("dcec", cfg.get("method"));
        assertEquals("10", cfg.get("K"));
        assertEquals("[32, 64, 128]", cfg.get("filters"));
        assertEquals("1e-3", cfg.get("adam.lr"));
        assertEquals("false", cfg.get("adam.amsgrad"));
        assertEquals("a\\b \"q\" é", cfg.get("path"));
        assertEquals("null", cfg.get("none"));
    }

    @Test
    void badJsonSaysWhere(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("config.json");
        Files.writeString(json, "{\n  \"K\": 10\n  \"gamma\": 0.1\n}");
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readConfig(json));
        // the error is at line 3, column 3: the key that should have been preceded by a comma
        assertTrue(e.getMessage().contains(json + ":3:3: expected ',' or '}' after the value of \"K\", got '\"'"),
                e.getMessage());
    }

    /**
     * A run folder with 12 samples in 3 classes; the clustering renames the classes (class 0 → cluster 2,
     * 1 → 0, 2 → 1) and gets two samples wrong, so ACC = 10/12 by construction.
     */
    @Test
    void fromRunDirectoryReadsEverything(@TempDir Path dir) throws IOException {
        int N = 12;
        int[] labels = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        int[] clusterOf = {2, 0, 1};
        int[] pred = new int[N];
        for (int n = 0; n < N; n++) {
            pred[n] = clusterOf[labels[n]];
        }
        pred[3] = 0; // a class-0 sample in class 1's cluster
        pred[11] = 2; // a class-2 sample in class 0's cluster
        StringBuilder p = new StringBuilder("index,cluster,confidence\n");
        for (int n = 0; n < N; n++) {
            // confidence rises with the index inside every cluster, so the most confident come last
            p.append(n).append(',').append(pred[n]).append(',').append(0.5 + 0.01 * n).append('\n');
        }
        Files.writeString(dir.resolve("predictions.csv"), p);
        Files.writeString(dir.resolve("pretrain_log.csv"), "epoch,loss,seconds\n1,0.08,1.5\n2,0.05,1.25\n");
        Files.writeString(dir.resolve("dcec_log.csv"), "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n"
                + "0,0.75,0.5,0.4,0.02,0.08,0.012,\n140,0.8333,0.6,0.5,0.019,0.07,0.012,0.0005\n");
        Files.writeString(dir.resolve("config.json"), "{\"method\": \"dcec\", \"K\": 3, \"tol\": 0.001}");
        int C = 1;
        int H = 4;
        int W = 4;
        float[] images = SyntheticRun.images(N, C, H, W);

        String html = HtmlReport.fromRunDirectory(dir, images, N, C, H, W, labels, 2).render();

        assertTrue(html.contains("<tr><th>ACC (from predictions.csv)</th><td>0.8333</td></tr>"), "ACC = 10/12");
        assertTrue(html.contains("<tr><th>pretraining epochs</th><td>2</td></tr>"));
        assertTrue(html.contains("<tr><th>pretraining time</th><td>2.8 s</td></tr>"), "1.5 + 1.25 = 2.75 s");
        assertTrue(html.contains("<tr><th>clustering iterations</th><td>140</td></tr>"));
        assertTrue(html.contains("<tr><th>images</th><td>12</td></tr>"));
        assertTrue(html.contains("<tr><th>method</th><td>dcec</td></tr>"));
        assertTrue(html.contains("<line class=\"reference\" data-name=\"tol = 0.001\""),
                "tol from config.json drawn on the changed-label chart");
        // confusion columns in matched order: cluster 2 (class 0), cluster 0 (class 1), cluster 1 (class 2)
        int t = html.indexOf("<table class=\"confusion\">");
        String table = html.substring(t, html.indexOf("</table>", t));
        assertTrue(table.contains("<th>cluster 2</th><th>cluster 0</th><th>cluster 1</th>"), table);
        List<Long> cells = new ArrayList<>();
        Matcher m = Pattern.compile("<td[^>]*>(\\d+)</td>").matcher(table);
        while (m.find()) {
            cells.add(Long.parseLong(m.group(1)));
        }
        // class 0: 3 in cluster 2, 1 in cluster 0; class 1: 4 in cluster 0; class 2: 3 in cluster 1, 1 in cluster 2
        assertEquals(List.of(3L, 1L, 0L, 4L, 0L, 4L, 0L, 4L, 1L, 0L, 3L, 4L, 4L, 5L, 3L, 12L), cells);
        // samples: 2 per cluster, the most confident (highest index) first
        List<String> captions = new ArrayList<>();
        Matcher c = Pattern.compile("title=\"(#\\d+)").matcher(html);
        while (c.find()) {
            captions.add(c.group(1));
        }
        // cluster 0 = {3, 4, 5, 6, 7}, cluster 1 = {8, 9, 10}, cluster 2 = {0, 1, 2, 11}
        assertEquals(List.of("#7", "#6", "#10", "#9", "#11", "#2"), captions);
        assertTrue(html.contains("cluster 0 <span class=\"size\">5 images</span>"));
        assertTrue(html.contains("cluster 2 <span class=\"size\">4 images</span>"));
    }

    @Test
    void fromRunDirectoryChecksSizes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("predictions.csv"), "index,cluster,confidence\n0,0,0.9\n1,1,0.8\n");
        ReportException e = assertThrows(ReportException.class,
                () -> HtmlReport.fromRunDirectory(dir, new float[3 * 4], 3, 1, 2, 2, null, 2));
        assertTrue(e.getMessage().contains("predictions.csv: has 2 predictions but the data set has N = 3"),
                e.getMessage());
        e = assertThrows(ReportException.class,
                () -> HtmlReport.fromRunDirectory(dir.resolve("missing"), null, 0, 1, 1, 1, null, 0));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
