package org.dcec4j.dcec.repro;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.PredictionsCsv;
import org.dcec4j.dcec.run.RunFolder;

/** Reads what a result needs from a finished run folder's files (never from the console text, see {@link ConsoleSummary}). */
final class RunOutputs {
    private RunOutputs() {}

    /** The run's standard output as copied into the results folder (machine paths removed; not *.log, which git ignores here). */
    static final String CONSOLE_LOG = "console.txt";

    /** The cluster and true label of each image, from predictions.csv's {@code cluster} and {@code label} columns, by index. */
    record Labels(int[] cluster, int[] truth) {}

    static Labels predictions(Path csv) throws IOException {
        try (BufferedReader in = new BufferedReader(new java.io.StringReader(IoErrors.readUtf8(csv)))) {
            String header = in.readLine();
            if (header == null) throw FlatJson.bad(csv + ": empty file; expected the header index,cluster,confidence,label");
            List<String> h = Arrays.asList(header.split(",", -1));
            int iIndex = h.indexOf("index"), iCluster = h.indexOf("cluster"), iLabel = h.indexOf("label");
            if (iIndex < 0 || iCluster < 0 || iLabel < 0)
                throw FlatJson.bad(csv + ":1: expected the columns index, cluster and label (a labelled data set), got " + header);
            List<String> rows = new java.util.ArrayList<>();
            List<String[]> fields = new java.util.ArrayList<>();
            List<Integer> lineOf = new java.util.ArrayList<>();     // the line each row starts on, for errors
            // a quoted field (the file column of an image folder's run) may hold commas and line breaks
            PredictionsCsv.Records records = new PredictionsCsv.Records(in, 1);
            for (String line; (line = records.next()) != null; ) {
                if (!line.isEmpty()) {
                    rows.add(line);
                    fields.add(records.fields());
                    lineOf.add(records.line());
                }
            }
            int N = rows.size();
            int[] cluster = new int[N], truth = new int[N];
            boolean[] seen = new boolean[N];
            for (int r = 0; r < N; r++) {
                String[] f = fields.get(r);
                try {
                    if (f.length != h.size()) throw new NumberFormatException();
                    int n = Integer.parseInt(f[iIndex]);
                    if (n < 0 || n >= N || seen[n]) throw new NumberFormatException();
                    seen[n] = true;
                    cluster[n] = Integer.parseInt(f[iCluster]);
                    truth[n] = Integer.parseInt(f[iLabel]);
                } catch (NumberFormatException e) {
                    throw FlatJson.bad(csv + ":" + lineOf.get(r) + ": expected " + h.size() + " fields with an index in 0.." + (N - 1)
                            + " (each once) and integer cluster and label, got: " + rows.get(r));
                }
            }
            if (N == 0) throw FlatJson.bad(csv + ": no predictions");
            return new Labels(cluster, truth);
        }
    }

    /**
     * The last clustering iteration and whether the run converged, from dcec_log.csv and config.json's tol. The
     * trainer stops when, at a recomputation of P after iteration 0, the fraction of changed labels is below tol
     * (docs/math/dcec.md#stop-rule), and logs that recomputation as the last row; so the run converged exactly
     * when the last row has iter > 0 and delta_label < tol. Otherwise it stopped at the iteration cap.
     */
    record ClusterOutcome(int iterations, boolean converged) {}

    static ClusterOutcome clusterOutcome(Path runDir) {
        List<RunLogs.ClusterRow> rows = RunLogs.readClusterLog(runDir.resolve(RunFolder.DCEC_LOG));
        if (rows.isEmpty()) throw FlatJson.bad(runDir.resolve(RunFolder.DCEC_LOG) + ": no rows");
        RunLogs.ClusterRow last = rows.get(rows.size() - 1);
        return new ClusterOutcome(last.iter(), last.iter() > 0 && last.deltaLabel() < number(runDir.resolve(RunFolder.CONFIG_JSON), "tol"));
    }

    /** A numeric key of config.json. */
    static double number(Path config, String key) {
        Map<String, String> c = RunLogs.readConfig(config);
        String v = c.get(key);
        try {
            return Double.parseDouble(v);
        } catch (NullPointerException | NumberFormatException e) {
            throw FlatJson.bad(config + ": key \"" + key + "\": expected a number, got " + v);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
