package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // a cluster number no run of N = 2 images writes (it sized the report's tables: 2147483647 overflowed)
        for (String k : new String[] {"2", "2147483647"}) {
            Files.writeString(pred, "index,cluster,confidence\n0,1,0.9\n1," + k + ",0.8\n");
            e = assertThrows(ReportException.class, () -> RunLogs.readPredictions(pred));
            assertTrue(e.getMessage().contains(":3: column 'cluster': expected a cluster number from 0 to 1"), e.getMessage());
        }
    }

    /** A byte that is not UTF-8 stops the report only where it is read, and is named with its line and column. */
    /**
     * A run appends its log rows in increasing iteration (epoch) order, and a resumed run drops the rows after its
     * checkpoint; a hand-edited log with rows out of order (60, 0, 30) was drawn in file order, a line running back
     * to iteration 0 and on to 30, its legend "ACC: 0.7000 → 0.7600" (file order: iteration 60's value first), the
     * summary's "clustering iterations" 30 and the score table without its iteration-0 start. Such a row is refused,
     * naming the line, as other bad input is.
     */
    @Test
    void rowsOutOfIterationOrderAreRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("dcec_log.csv");
        Files.writeString(csv, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n60,0.7,0.8,0.6,0.09,6e-05,0.0894,0.35\n"
                + "0,0.76,0.88,0.80,,,,0.0\n30,0.7,0.85,0.7,0.09,6e-05,0.09,0.1\n");
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readClusterLog(csv));
        assertEquals(csv + ":3: column 'iter': expected an iteration after 60 (the rows in increasing order), got 0",
                e.getMessage());
        Files.writeString(csv, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n0,0.76,0.88,0.80,,,,0.0\n60,0.7,0.8,0.6,0.09,6e-05,0.0894,0.35\n"
                + "60,0.7,0.8,0.6,0.09,6e-05,0.0894,0.35\n");
        e = assertThrows(ReportException.class, () -> RunLogs.readClusterLog(csv));
        assertEquals(csv + ":4: column 'iter': expected an iteration after 60 (the rows in increasing order), got 60",
                e.getMessage());
        Path pre = dir.resolve("pretrain_log.csv");
        Files.writeString(pre, "epoch,loss,seconds\n2,0.0412,2.25\n1,0.0731,2.5\n");
        e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(pre));
        assertEquals(pre + ":3: column 'epoch': expected an epoch after 2 (the rows in increasing order), got 1",
                e.getMessage());
    }

    /**
     * A confidence is max_j q_ij, in [1/K, 1]: a hand-edited predictions.csv with "nan" put that image first in its
     * cluster's "most confident" row ("confidence NaN"), and 1.5 or -0.2 were shown as read. Refused, naming the line.
     */
    @Test
    void aConfidenceOutsideZeroToOneIsRefused(@TempDir Path dir) throws IOException {
        Path pred = dir.resolve("predictions.csv");
        for (String bad : new String[] {"nan", "", "1.5", "-0.2", "inf"}) {
            Files.writeString(pred, "index,cluster,confidence\n0,0,0.9\n1,0," + bad + "\n");
            ReportException e = assertThrows(ReportException.class, () -> RunLogs.readPredictions(pred), bad);
            assertTrue(e.getMessage().startsWith(pred + ":3: column 'confidence': expected a number from 0 to 1"), e.getMessage());
        }
        Files.writeString(pred, "index,cluster,confidence\n0,0,1.000000\n1,0,0\n");
        assertEquals(2, RunLogs.readPredictions(pred).size());
    }

    /** delta_label is a fraction of the labels, or missing: the trainer writes one in [0, 1]; an infinite one was left off its chart unsaid. */
    @Test
    void aChangedLabelFractionOutsideZeroToOneIsRefused(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("dcec_log.csv");
        for (String bad : new String[] {"inf", "-inf", "1.5", "-0.01"}) {
            Files.writeString(log, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n0,0.5,0.4,0.3,1,0.1,0.9,0\n140,0.6,0.5,0.4,1,0.1,0.9," + bad + "\n");
            ReportException e = assertThrows(ReportException.class, () -> RunLogs.readClusterLog(log), bad);
            assertTrue(e.getMessage().startsWith(log + ":3: column 'delta_label': expected a fraction from 0 to 1"), e.getMessage());
        }
        Files.writeString(log, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n0,0.5,0.4,0.3,1,0.1,0.9,\n140,0.6,0.5,0.4,1,0.1,0.9,1\n");
        assertEquals(2, RunLogs.readClusterLog(log).size());     // the bounds, and a missing value (empty), as any column
    }

    @Test
    void aByteThatIsNotUtf8IsNamedWhereItIsRead(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pretrain_log.csv");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        // in a column the report does not read: the rows are read as they are (it used to fail the whole file with
        // "cannot read: java.nio.charset.MalformedInputException: Input length = 1")
        Files.write(csv, concat(bom, "epoch,loss,seconds,note\n1,0.07,2,a".getBytes(), new byte[] {(byte) 0xFF},
                "b\n2,0.05,2,\n".getBytes()));
        assertEquals(List.of(new PretrainRow(1, 0.07, 2), new PretrainRow(2, 0.05, 2)), RunLogs.readPretrainLog(csv));
        // in a column it reads: file, line, column and the byte
        Files.write(csv, concat("epoch,loss,seconds\n1,0.07,2\n2,0.0".getBytes(), new byte[] {(byte) 0xC3, (byte) 0x28},
                ",2\n".getBytes()));
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(csv));
        assertTrue(e.getMessage().contains(csv + ":3: column 'loss': expected a number, got \"0.0\\xc3(\""), e.getMessage());
    }

    /**
     * A quote inside an unquoted field (a hand-edited note) is a character of that field: the rows after it are read
     * as rows, and an error names its own line (the reader took every line after an odd quote into one record).
     */
    @Test
    void aQuoteInsideAFieldDoesNotJoinTheLinesAfterIt(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pretrain_log.csv");
        Files.writeString(csv, "epoch,loss,seconds,note\n1,0.07,2,say \"hi\n2,0.05,2,\n3,0.04,2,\n");
        assertEquals(List.of(new PretrainRow(1, 0.07, 2), new PretrainRow(2, 0.05, 2), new PretrainRow(3, 0.04, 2)),
                RunLogs.readPretrainLog(csv));
        Files.writeString(csv, "epoch,loss,seconds,note\n1,0.07,2,a\"b\n2,0.05,2,\"c\nd\"\n3,x,2,\n");
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readPretrainLog(csv));
        assertTrue(e.getMessage().contains(csv + ":5: column 'loss': expected a number, got \"x\""), e.getMessage());
    }

    /**
     * predictions.csv's file column reads back as written whatever line breaks a name holds: a \r or a \r\n in quotes
     * stays one (reading lines and joining them with \n made both \n), and a bad row after them names its own line.
     */
    @Test
    void fileNamesKeepTheirLineBreaks(@TempDir Path dir) throws IOException {
        Path pred = dir.resolve("predictions.csv");
        List<String> names = List.of("cr\r.png", "crlf\r\n.png", "lf\n.png", "\u00e9,\"q\".png");
        try (java.io.OutputStream out = Files.newOutputStream(pred)) {
            org.dcec4j.dcec.run.PredictionsCsv csv = new org.dcec4j.dcec.run.PredictionsCsv(out, false, names);
            for (int n = 0; n < names.size(); n++) csv.row(n, n % 2, 0.5f, -1);
            csv.flush();
        }
        assertEquals(names, List.of(RunLogs.readPredictions(pred).files()));
        Files.writeString(pred, Files.readString(pred) + "4,x,0.5,a.png\n");
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readPredictions(pred));
        assertTrue(e.getMessage().contains(pred + ":9: column 'cluster': expected an integer"), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
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

    /** A config.json that is not UTF-8 names its byte (it said "cannot read: java.nio.charset.MalformedInputException: Input length = 1"). */
    @Test
    void configJsonThatIsNotUtf8NamesTheByte(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("config.json");
        Files.write(json, concat("{\"dataset\": \"caf".getBytes(), new byte[] {(byte) 0xE9}, "\"}".getBytes()));
        ReportException e = assertThrows(ReportException.class, () -> RunLogs.readConfig(json));
        assertTrue(e.getMessage().startsWith(json + ": byte 16 (0xe9) is not UTF-8"), e.getMessage());
        Files.write(json, "{\"dataset\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("caf\u00e9", RunLogs.readConfig(json).get("dataset"));
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

        Files.writeString(dir.resolve("baseline.json"), "{\"restarts\": 20, \"acc\": 0.5, \"nmi\": 0.25, \"ari\": 0.125, \"seconds\": 1.25}");
        String html = HtmlReport.fromRunDirectory(dir, images, N, C, H, W, labels, List.of("a", "b", "c"), 2).render();

        // the score table: the baseline, the start (iteration 0 of dcec_log.csv) and the end (ACC = 10/12 from predictions.csv)
        int st = html.indexOf("<table class=\"scores\">");
        String scores = html.substring(st, html.indexOf("</table>", st));
        assertTrue(scores.contains("<tr><th>pixel k-means</th><td>0.5000</td><td>0.2500</td><td>0.1250</td>"
                + "<td class=\"what\">baseline: k-means on the raw pixels, 20 restarts (1.3 s)</td></tr>"), scores);
        assertTrue(scores.contains("<tr><th>CAE + k-means</th><td>0.7500</td><td>0.5000</td><td>0.4000</td>"
                + "<td class=\"what\">start: the k-means initialisation (iteration 0)</td></tr>"), scores);
        assertTrue(scores.contains("<tr><th>DCEC</th><td>0.8333</td>"), "ACC = 10/12: " + scores);
        assertTrue(scores.contains("end: iteration 140, converged (fewer than tol of the labels changed)"), "0.0005 < tol 0.001: " + scores);
        assertTrue(scores.indexOf("pixel k-means") < scores.indexOf("CAE + k-means") && scores.indexOf("CAE + k-means") < scores.indexOf("DCEC"));
        assertTrue(html.contains("<tr><th>pretraining epochs</th><td>2</td></tr>"));
        assertTrue(html.contains("<tr><th>pretraining time</th><td>2.8 s</td></tr>"), "1.5 + 1.25 = 2.75 s");
        // the pretraining's last loss, named as such: "final reconstruction loss 0.05" stood beside a clustering L_r of 0.012
        assertTrue(html.contains("<tr><th>last pretraining loss (L_r)</th><td>0.05</td></tr>"), html);
        assertFalse(html.contains("final reconstruction loss"), html);
        assertTrue(html.contains("<tr><th>clustering iterations</th><td>140</td></tr>"));
        assertTrue(html.contains("<tr><th>images</th><td>12</td></tr>"));
        assertTrue(html.contains("<tr><th>method</th><td>dcec</td></tr>"));
        assertTrue(html.contains("<line class=\"reference\" data-name=\"tol = 0.001 (stops when strictly below)\""),
                "tol from config.json drawn on the changed-label chart");
        // confusion columns in matched order: cluster 2 (class 0), cluster 0 (class 1), cluster 1 (class 2); rows by class name
        int t = html.indexOf("<table class=\"confusion\">");
        String table = html.substring(t, html.indexOf("</table>", t));
        assertTrue(table.contains("<th>cluster 2</th><th>cluster 0</th><th>cluster 1</th>"), table);
        assertTrue(table.contains("<tr><th><span class=\"name\" title=\"a\">a</span></th>") && table.contains("<tr><th><span class=\"name\" title=\"b\">b</span></th>")
                && table.contains("<tr><th><span class=\"name\" title=\"c\">c</span></th>"), table);
        List<Long> cells = new ArrayList<>();
        Matcher m = Pattern.compile("<td[^>]*>(\\d+)</td>").matcher(table);
        while (m.find()) {
            cells.add(Long.parseLong(m.group(1)));
        }
        // class 0: 3 in cluster 2, 1 in cluster 0; class 1: 4 in cluster 0; class 2: 3 in cluster 1, 1 in cluster 2
        assertEquals(List.of(3L, 1L, 0L, 4L, 0L, 4L, 0L, 4L, 1L, 0L, 3L, 4L, 4L, 5L, 3L, 12L), cells);
        // samples, 2 a row: the most confident (highest index first here), then one drawn from the rest, then the least
        // confident (lowest first); cluster 0 = {3, 4, 5, 6, 7}: most 7, 6; random 5 (the only one left); least 3, 4.
        // cluster 1 = {8, 9, 10}: most 10, 9; least 8. cluster 2 = {0, 1, 2, 11}: most 11, 2; least 0, 1.
        List<String> captions = new ArrayList<>();
        Matcher c = Pattern.compile("title=\"(#\\d+)").matcher(html);
        while (c.find()) {
            captions.add(c.group(1));
        }
        assertEquals(List.of("#7", "#6", "#5", "#3", "#4", "#10", "#9", "#8", "#11", "#2", "#0", "#1"), captions);
        int c0 = html.indexOf("id=\"cluster-0\"");
        String cluster0 = html.substring(c0, html.indexOf("id=\"cluster-1\""));
        assertTrue(cluster0.contains("<h4>most confident</h4>") && cluster0.contains("<h4>random sample</h4>")
                && cluster0.contains("<h4>least confident</h4>"), cluster0);
        // cluster 0 holds class 1 (b: 4, 5, 6, 7) and one image of class 0 (a: 3), the least confident
        assertTrue(cluster0.contains("classes: b 4 (80.0 %), a 1 (20.0 %)"), cluster0);
        assertTrue(cluster0.contains("confidence max_j q_ij: highest 0.570, median 0.550, lowest 0.530"), cluster0);
        assertTrue(cluster0.contains("alt=\"#3 · confidence 0.530 · a\"") && cluster0.contains("<figcaption style=\"max-width:58px\">a</figcaption>"), cluster0);
        // cluster 1 has no one left for a random sample: no such row
        String cluster1 = html.substring(html.indexOf("id=\"cluster-1\""), html.indexOf("id=\"cluster-2\""));
        assertFalse(cluster1.contains("random sample"), cluster1);
        assertTrue(html.contains("cluster 0 <span class=\"size\">5 images</span>"));
        assertTrue(html.contains("cluster 2 <span class=\"size\">4 images</span>"));
    }

    /**
     * config.json records what wrote the run; JSON null there means "not known" (local_changes of a build from sources
     * no git repository tracks), and the report's configuration table says "unknown" rather than "null". The file
     * itself keeps its null.
     */
    @Test
    void anUnknownLocalChangesShowsAsUnknownInTheReport(@TempDir Path dir) throws IOException {
        String json = "{\"method\": \"dcec\", \"K\": 3, \"dcec4j\": {\"release\": \"0.1.0\", \"commit\": \"unknown\","
                + " \"local_changes\": null, \"arithmetic\": 1}}";
        Files.writeString(dir.resolve("config.json"), json);
        String html = HtmlReport.fromRunDirectory(dir, null, 0, 1, 4, 4, null, 2).render();
        assertTrue(html.contains("<tr><th>dcec4j.local_changes</th><td>unknown</td></tr>"), html);
        assertTrue(html.contains("<tr><th>dcec4j.commit</th><td>unknown</td></tr>"), html);
        assertFalse(html.contains("<td>null</td>"), html);
        assertEquals(json, Files.readString(dir.resolve("config.json")), "config.json untouched");
        // a known value shows as it is
        Files.writeString(dir.resolve("config.json"), json.replace("null", "false"));
        html = HtmlReport.fromRunDirectory(dir, null, 0, 1, 4, 4, null, 2).render();
        assertTrue(html.contains("<tr><th>dcec4j.local_changes</th><td>false</td></tr>"), html);
        // the same record of the pretraining that a clustering run continued, kept under "pretraining"
        Files.writeString(dir.resolve("config.json"), json.replace("null", "false").replace("}}", "}, \"pretraining\": "
                + json.replace("\"K\": 3", "\"K\": 4") + "}"));
        html = HtmlReport.fromRunDirectory(dir, null, 0, 1, 4, 4, null, 2).render();
        assertTrue(html.contains("<tr><th>pretraining.dcec4j.local_changes</th><td>unknown</td></tr>"), html);
        assertTrue(html.contains("<tr><th>pretraining.K</th><td>4</td></tr>"), html);
        assertFalse(html.contains("<td>null</td>"), html);
    }

    /**
     * A clustering of weights whose pretraining is not known records its pretraining settings as null in config.json:
     * the report's configuration table shows "unknown" (it showed "null"); the file keeps its null, and other nulls
     * show as they are.
     */
    @Test
    void unknownPretrainingSettingsShowAsUnknownInTheReport(@TempDir Path dir) throws IOException {
        String json = "{\"method\": \"dcec\", \"K\": 3, \"pretrain_epochs\": null, \"checkpoint_every\": null,"
                + " \"pretrain_optimizer\": null, \"init\": null}";
        Files.writeString(dir.resolve("config.json"), json);
        String html = HtmlReport.fromRunDirectory(dir, null, 0, 1, 4, 4, null, 2).render();
        for (String key : List.of("pretrain_epochs", "pretrain_optimizer", "init"))
            assertTrue(html.contains("<tr><th>" + key + "</th><td>unknown</td></tr>"), html);
        assertTrue(html.contains("<tr><th>checkpoint_every</th><td>null</td></tr>"), html);
        assertEquals(json, Files.readString(dir.resolve("config.json")), "config.json untouched");
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
