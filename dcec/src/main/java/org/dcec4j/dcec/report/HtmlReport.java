package org.dcec4j.dcec.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dcec4j.dcec.metrics.ClusterMapping;
import org.dcec4j.dcec.metrics.Contingency;
import org.dcec4j.dcec.metrics.Hungarian;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.report.RunLogs.ClusterRow;
import org.dcec4j.dcec.report.RunLogs.PretrainRow;
import org.dcec4j.dcec.report.RunLogs.Predictions;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;

/**
 * {@code report.html}: one self-contained page about a run. Inline SVG charts (pretraining loss; L, L_c,
 * L_r and the changed-label fraction over clustering iterations; ACC/NMI/ARI when there are labels), the
 * confusion matrix against the labels, a grid of sample images for every cluster as inline PNG
 * {@code data:} URIs, and the summary and config tables. The page references nothing outside itself.
 *
 * <p>A small inline script records page errors ({@code window.onerror}, failed loads of any element,
 * {@code console.error})
 * and, once the page has loaded, checks that every section, chart and image it announces on
 * {@code <body>} is there and decoded; if so it sets {@code document.title} to {@link #OK_TITLE}.
 * docs/tools/check_report.sh opens the page in headless Chromium and looks for that title.
 *
 * <pre>{@code
 * HtmlReport.builder().title("shapes, DCEC").config(cfg).summary(sum)
 *     .pretrainLog(outDir.resolve("pretrain_log.csv")).clusterLog(outDir.resolve("dcec_log.csv"))
 *     .confusion(counts, classNames, clusterNames)
 *     .clusterSamples(0, imagesOfCluster0, 10, 1, 28, 28)
 *     .write(outDir.resolve("report.html"));
 * }</pre>
 * or, from a finished run folder, {@link #fromRunDirectory}.
 */
public final class HtmlReport {
    /** The document title the page sets on itself when its load-time self-check passes. */
    public static final String OK_TITLE = "dcec4j report OK";
    /** The document title when the self-check finds a problem (the problems are listed in #page-status). */
    public static final String FAILED_TITLE = "dcec4j report FAILED";
    /** The page's sections, by element id, in page order. */
    public static final List<String> SECTIONS =
            List.of("summary", "pretraining", "clustering", "metrics", "confusion", "samples", "config");
    /** The file name a run folder's report gets. */
    public static final String FILE_NAME = "report.html";

    private HtmlReport() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sample images of one cluster.
     *
     * @param cluster  the cluster number
     * @param size     how many samples the cluster has in all (−1 if unknown)
     * @param images   only read: n images, C×H×W each, values in [0, 1] (clamped when drawn), image i at i·C·H·W
     * @param captions null, or one hover text per image (e.g. "#1234 · q = 0.98")
     */
    public record ClusterSamples(int cluster, long size, float[] images, int n, int C, int H, int W, String[] captions) {
        public ClusterSamples {
            if (C != 1 && C != 3) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected C = 1 or 3 channels, got " + C);
            }
            if (n < 0 || H <= 0 || W <= 0) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected n >= 0, H > 0, W > 0, got n = "
                        + n + ", H = " + H + ", W = " + W);
            }
            if (images == null || (long) images.length < (long) n * C * H * W) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected at least n·C·H·W = "
                        + ((long) n * C * H * W) + " floats, got " + (images == null ? "null" : images.length));
            }
            if (captions != null && captions.length != n) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected " + n + " captions, got "
                        + captions.length);
            }
        }
    }

    /** Collects the page's content; every method returns this builder. Nothing is required. */
    public static final class Builder {
        private String title = "dcec4j run";
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<String, String> summary = new LinkedHashMap<>();
        private final List<PretrainRow> pretrain = new ArrayList<>();
        private final List<ClusterRow> clustering = new ArrayList<>();
        private long[][] confusion;
        private String[] confusionRows;
        private String[] confusionCols;
        private final TreeMap<Integer, ClusterSamples> samples = new TreeMap<>();
        private int thumbnailPixels = 56;
        private double tol = Double.NaN;

        private Builder() {
        }

        public Builder title(String title) {
            this.title = title == null ? "" : title;
            return this;
        }

        /** Adds config entries in the map's iteration order (a key given again is overwritten). */
        public Builder config(Map<String, String> entries) {
            config.putAll(entries);
            return this;
        }

        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /** Adds summary entries in the map's iteration order (a key given again is overwritten). */
        public Builder summary(Map<String, String> entries) {
            summary.putAll(entries);
            return this;
        }

        public Builder summary(String key, String value) {
            summary.put(key, value);
            return this;
        }

        /** Appends pretraining rows. */
        public Builder pretrainLog(List<PretrainRow> rows) {
            pretrain.addAll(rows);
            return this;
        }

        /** Appends the rows of a {@code pretrain_log.csv}. */
        public Builder pretrainLog(Path csv) {
            return pretrainLog(RunLogs.readPretrainLog(csv));
        }

        /** Appends pretraining rows given as {epoch, loss, seconds} arrays (only read). */
        public Builder pretrainLogArrays(List<double[]> rows) {
            for (int r = 0; r < rows.size(); r++) {
                double[] a = rows.get(r);
                if (a.length < 3) {
                    throw new IllegalArgumentException("pretraining row " + r + ": expected {epoch, loss, seconds}, got "
                            + a.length + " values");
                }
                pretrain.add(new PretrainRow((int) a[0], a[1], a[2]));
            }
            return this;
        }

        public Builder pretrainRow(int epoch, double loss, double seconds) {
            pretrain.add(new PretrainRow(epoch, loss, seconds));
            return this;
        }

        /** Appends clustering rows. */
        public Builder clusterLog(List<ClusterRow> rows) {
            clustering.addAll(rows);
            return this;
        }

        /** Appends the rows of a {@code dcec_log.csv}. */
        public Builder clusterLog(Path csv) {
            return clusterLog(RunLogs.readClusterLog(csv));
        }

        public Builder clusterRow(ClusterRow row) {
            clustering.add(row);
            return this;
        }

        /** The stopping tolerance, drawn as a line on the changed-label chart (NaN: none). */
        public Builder tol(double tol) {
            this.tol = tol;
            return this;
        }

        /**
         * The confusion matrix: counts[i][j] = samples of class i put in cluster j. Copied.
         *
         * @param rowLabels one name per class (row)
         * @param colLabels one name per cluster (column)
         */
        public Builder confusion(long[][] counts, String[] rowLabels, String[] colLabels) {
            if (counts.length != rowLabels.length) {
                throw new IllegalArgumentException("confusion: " + counts.length + " rows but " + rowLabels.length
                        + " row labels; expected one label per row");
            }
            for (int i = 0; i < counts.length; i++) {
                if (counts[i].length != colLabels.length) {
                    throw new IllegalArgumentException("confusion: row " + i + " has " + counts[i].length
                            + " counts but there are " + colLabels.length + " column labels; expected equal");
                }
            }
            confusion = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                confusion[i] = counts[i].clone();
            }
            confusionRows = rowLabels.clone();
            confusionCols = colLabels.clone();
            return this;
        }

        /** {@link #confusion(long[][], String[], String[])} with columns named "cluster 0", "cluster 1", .... */
        public Builder confusion(int[][] counts, String[] rowLabels) {
            int K = counts.length == 0 ? 0 : counts[0].length;
            long[][] c = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                c[i] = new long[counts[i].length];
                for (int j = 0; j < counts[i].length; j++) {
                    c[i][j] = counts[i][j];
                }
            }
            String[] cols = new String[K];
            for (int j = 0; j < K; j++) {
                cols[j] = "cluster " + j;
            }
            return confusion(c, rowLabels, cols);
        }

        /**
         * Sample images for one cluster (replaces earlier samples of the same cluster).
         *
         * @param images only read: n images of C×H×W floats in [0, 1], image i at offset i·C·H·W
         */
        public Builder clusterSamples(int cluster, float[] images, int n, int C, int H, int W) {
            return clusterSamples(new ClusterSamples(cluster, -1, images, n, C, H, W, null));
        }

        public Builder clusterSamples(ClusterSamples s) {
            samples.put(s.cluster(), s);
            return this;
        }

        /** The displayed size of the larger side of a thumbnail, in CSS pixels (rounded to an integer zoom). */
        public Builder thumbnailPixels(int px) {
            if (px <= 0) {
                throw new IllegalArgumentException("thumbnailPixels: expected > 0, got " + px);
            }
            this.thumbnailPixels = px;
            return this;
        }

        /** The page as a string. */
        public String render() {
            return new Page(this).render();
        }

        /** Writes the page atomically (a temporary file beside it, then a rename) and returns {@code html}. */
        public Path write(Path html) {
            try {
                OutputFiles.writeAtomically(html, render().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ReportException("cannot write the report: " + IoErrors.describe(e), e);
            }
            return html;
        }
    }

    /**
     * A builder filled from a finished run folder: {@code config.json}, {@code pretrain_log.csv},
     * {@code dcec_log.csv} and {@code predictions.csv}, whichever exist. With images, each cluster shows its
     * {@code samplesPerCluster} most confident members (highest confidence first, ties by index); with
     * labels, the confusion matrix (columns ordered so that each class's matched cluster, by the Hungarian
     * mapping that ACC uses, sits on the diagonal) and the final ACC/NMI/ARI computed from the predictions.
     * Add more (summary entries, a title) on the returned builder, then {@code write}.
     *
     * @param images     null, or all N images, C×H×W each, in the order of predictions.csv's indices (only read)
     * @param labels     null, or the N true labels (only read)
     */
    public static Builder fromRunDirectory(Path outDir, float[] images, int N, int C, int H, int W, int[] labels,
                                           int samplesPerCluster) {
        if (!Files.isDirectory(outDir)) {
            throw new ReportException(outDir + ": not a directory; expected a run's --out folder");
        }
        Builder b = builder().title("dcec4j run: " + outDir.toAbsolutePath().normalize().getFileName());
        Path config = outDir.resolve(RunLogs.CONFIG);
        if (Files.isRegularFile(config)) {
            Map<String, String> cfg = RunLogs.readConfig(config);
            b.config(cfg);
            String tol = cfg.get("tol");
            if (tol != null) {
                try {
                    b.tol(Double.parseDouble(tol));
                } catch (NumberFormatException e) {
                    throw new ReportException(config + ": key \"tol\": expected a number, got \"" + tol + "\"");
                }
            }
        }
        Path pre = outDir.resolve(RunLogs.PRETRAIN_LOG);
        if (Files.isRegularFile(pre)) {
            List<PretrainRow> rows = RunLogs.readPretrainLog(pre);
            b.pretrainLog(rows);
            if (!rows.isEmpty()) {
                double seconds = 0;
                for (PretrainRow r : rows) {
                    seconds += Double.isNaN(r.seconds()) ? 0 : r.seconds();
                }
                PretrainRow last = rows.get(rows.size() - 1);
                b.summary("pretraining epochs", Integer.toString(last.epoch()));
                b.summary("final reconstruction loss", Html.number(last.loss()));
                b.summary("pretraining time", Html.fixed(seconds, 1) + " s");
            }
        }
        Path log = outDir.resolve(RunLogs.CLUSTER_LOG);
        if (Files.isRegularFile(log)) {
            List<ClusterRow> rows = RunLogs.readClusterLog(log);
            b.clusterLog(rows);
            if (!rows.isEmpty()) {
                ClusterRow last = rows.get(rows.size() - 1);
                b.summary("clustering iterations", Integer.toString(last.iter()));
                b.summary("final L", Html.number(last.L()));
            }
        }
        if (labels != null && labels.length != N) {
            throw new IllegalArgumentException("fromRunDirectory: labels has " + labels.length + " entries but N = " + N);
        }
        if (images != null && (long) images.length != (long) N * C * H * W) {
            throw new IllegalArgumentException("fromRunDirectory: images has " + images.length
                    + " floats; expected N·C·H·W = " + ((long) N * C * H * W));
        }
        Path pred = outDir.resolve(RunLogs.PREDICTIONS);
        if (!Files.isRegularFile(pred)) {
            return b;
        }
        Predictions p = RunLogs.readPredictions(pred);
        if ((images != null || labels != null) && p.size() != N) {
            throw new ReportException(pred + ": has " + p.size() + " predictions but the data set has N = " + N
                    + " images; expected one line per image");
        }
        int K = 0;
        for (int k : p.cluster()) {
            K = Math.max(K, k + 1);
        }
        long[] size = new long[K];
        for (int k : p.cluster()) {
            size[k]++;
        }
        int nonEmpty = 0;
        for (long s : size) {
            nonEmpty += s > 0 ? 1 : 0;
        }
        b.summary("images", Integer.toString(p.size()));
        b.summary("clusters (non-empty)", Integer.toString(nonEmpty));
        if (labels != null) {
            Contingency table = Metrics.contingency(labels, p.cluster());
            ClusterMapping mapping = Metrics.bestMapping(table);
            b.summary("ACC (from predictions.csv)", Html.fixed(mapping.accuracy(), 4));
            b.summary("NMI (from predictions.csv)", Html.fixed(Metrics.nmi(labels, p.cluster()), 4));
            b.summary("ARI (from predictions.csv)", Html.fixed(Metrics.ari(labels, p.cluster()), 4));
            addConfusion(b, table, mapping);
        }
        if (images != null && samplesPerCluster > 0) {
            addSamples(b, p, size, images, C, H, W, labels, samplesPerCluster);
        }
        return b;
    }

    /** Confusion columns in the order of the rows they are matched to, unmatched clusters last. */
    private static void addConfusion(Builder b, Contingency table, ClusterMapping mapping) {
        long[][] dense = table.dense();
        int R = table.rows();
        int J = table.cols();
        int[] order = new int[J];
        int m = 0;
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < J; j++) {
                if (mapping.classOfCluster()[j] == i) {
                    order[m++] = j;
                }
            }
        }
        for (int j = 0; j < J; j++) {
            if (mapping.classOfCluster()[j] == Hungarian.UNASSIGNED) {
                order[m++] = j;
            }
        }
        long[][] counts = new long[R][J];
        String[] rows = new String[R];
        String[] cols = new String[J];
        for (int i = 0; i < R; i++) {
            rows[i] = "class " + table.classes()[i];
            for (int j = 0; j < J; j++) {
                counts[i][j] = dense[i][order[j]];
            }
        }
        for (int j = 0; j < J; j++) {
            cols[j] = "cluster " + table.clusters()[order[j]];
        }
        b.confusion(counts, rows, cols);
    }

    private static void addSamples(Builder b, Predictions p, long[] size, float[] images, int C, int H, int W,
                                   int[] labels, int S) {
        int N = p.size();
        int D = C * H * W;
        // indices sorted by cluster, then confidence descending, then index
        Integer[] idx = new Integer[N];
        for (int n = 0; n < N; n++) {
            idx[n] = n;
        }
        int[] cl = p.cluster();
        float[] q = p.confidence();
        Arrays.sort(idx, (a, c) -> cl[a] != cl[c] ? Integer.compare(cl[a], cl[c])
                : q[a] != q[c] ? Float.compare(q[c], q[a]) : Integer.compare(a, c));
        int start = 0;
        while (start < N) {
            int k = cl[idx[start]];
            int n = (int) Math.min(S, size[k]);
            float[] x = new float[n * D];
            String[] captions = new String[n];
            for (int s = 0; s < n; s++) {
                int i = idx[start + s];
                System.arraycopy(images, i * D, x, s * D, D);
                captions[s] = "#" + i + " · confidence " + Html.fixed(q[i], 3)
                        + (labels != null ? " · label " + labels[i] : "");
            }
            b.clusterSamples(new ClusterSamples(k, size[k], x, n, C, H, W, captions));
            start += (int) size[k];
        }
    }

    /** Renders a builder's content. */
    private static final class Page {
        private final Builder b;
        private int charts;
        private int images;

        Page(Builder b) {
            this.b = b;
        }

        String render() {
            StringBuilder body = new StringBuilder(1 << 16);
            StringBuilder page = new StringBuilder(1 << 16);
            // sections first, so the counts on <body> are known
            sectionSummary(body);
            sectionPretraining(body);
            sectionClustering(body);
            sectionMetrics(body);
            sectionConfusion(body);
            sectionSamples(body);
            sectionConfig(body);
            page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>").append(Html.text(b.title)).append(" · dcec4j report</title>\n")
                    .append("<script>\n").append(SCRIPT.replace("__OK__", OK_TITLE).replace("__FAILED__", FAILED_TITLE))
                    .append("</script>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                    .append("<body data-expect=\"").append(String.join(" ", SECTIONS)).append("\" data-charts=\"")
                    .append(charts).append("\" data-images=\"").append(images).append("\">\n")
                    .append("<header><h1>").append(Html.text(b.title)).append("</h1>\n<nav>");
            for (String s : SECTIONS) {
                page.append("<a href=\"#").append(s).append("\">").append(s).append("</a> ");
            }
            page.append("</nav></header>\n<main>\n").append(body).append("</main>\n")
                    .append("<footer><p id=\"page-status\">page check: not run (scripts disabled?)</p>")
                    .append("<p>Written by dcec4j. Self-contained: no network resources.</p></footer>\n")
                    .append("</body>\n</html>\n");
            return page.toString();
        }

        private static void open(StringBuilder o, String id, String heading) {
            o.append("<section id=\"").append(id).append("\">\n<h2>").append(Html.text(heading)).append("</h2>\n");
        }

        private static void note(StringBuilder o, String text) {
            o.append("<p class=\"note\">").append(Html.text(text)).append("</p>\n");
        }

        private static void table(StringBuilder o, String cls, Map<String, String> entries) {
            o.append("<table class=\"").append(cls).append("\">\n");
            for (Map.Entry<String, String> e : entries.entrySet()) {
                o.append("<tr><th>").append(Html.text(e.getKey())).append("</th><td>").append(Html.text(e.getValue()))
                        .append("</td></tr>\n");
            }
            o.append("</table>\n");
        }

        private void chart(StringBuilder o, SvgLineChart c) {
            o.append("<figure>").append(c.render()).append("</figure>\n");
            charts++;
        }

        private void sectionSummary(StringBuilder o) {
            open(o, "summary", "Summary");
            if (b.summary.isEmpty()) {
                note(o, "No summary was given.");
            } else {
                table(o, "kv", b.summary);
            }
            o.append("</section>\n");
        }

        private void sectionPretraining(StringBuilder o) {
            open(o, "pretraining", "Pretraining: reconstruction loss");
            List<PretrainRow> rows = b.pretrain;
            if (rows.isEmpty()) {
                note(o, "No pretraining log (pretrain_log.csv) was given.");
            } else {
                double[] x = new double[rows.size()];
                double[] y = new double[rows.size()];
                double seconds = 0;
                for (int r = 0; r < rows.size(); r++) {
                    x[r] = rows.get(r).epoch();
                    y[r] = rows.get(r).loss();
                    seconds += Double.isNaN(rows.get(r).seconds()) ? 0 : rows.get(r).seconds();
                }
                chart(o, new SvgLineChart("chart-pretrain-loss", "epoch", "L_r (MSE)", x).series("L_r", y)
                        .scale(SvgLineChart.Scale.AUTO));
                note(o, rows.size() + " epochs, " + Html.fixed(seconds, 1) + " s in all; last loss "
                        + Html.number(rows.get(rows.size() - 1).loss()) + ".");
            }
            o.append("</section>\n");
        }

        private void sectionClustering(StringBuilder o) {
            open(o, "clustering", "Clustering: losses and changed labels");
            List<ClusterRow> rows = b.clustering;
            if (rows.isEmpty()) {
                note(o, "No clustering log (dcec_log.csv) was given.");
            } else {
                int R = rows.size();
                double[] x = new double[R];
                double[] L = new double[R];
                double[] Lc = new double[R];
                double[] Lr = new double[R];
                double[] delta = new double[R];
                for (int r = 0; r < R; r++) {
                    ClusterRow c = rows.get(r);
                    x[r] = c.iter();
                    L[r] = c.L();
                    Lc[r] = c.Lc();
                    Lr[r] = c.Lr();
                    delta[r] = c.deltaLabel();
                }
                o.append("<div class=\"row\">\n");
                chart(o, new SvgLineChart("chart-cluster-loss", "iteration", "loss", x)
                        .series("L", L).series("L_c = KL(P‖Q)", Lc).series("L_r", Lr).scale(SvgLineChart.Scale.AUTO));
                SvgLineChart d = new SvgLineChart("chart-delta-label", "iteration", "fraction of labels changed", x)
                        .series("changed labels", delta);
                if (!Double.isNaN(b.tol) && b.tol > 0) {
                    d.reference("tol = " + Html.number(b.tol), b.tol);
                }
                chart(o, d.scale(SvgLineChart.Scale.LOG));
                o.append("</div>\n");
                note(o, R + " recomputations of P, the last at iteration " + rows.get(R - 1).iter()
                        + ". Zero changed-label fractions are not drawn on the log axis.");
            }
            o.append("</section>\n");
        }

        private void sectionMetrics(StringBuilder o) {
            open(o, "metrics", "Metrics over iterations");
            List<ClusterRow> rows = b.clustering;
            int R = rows.size();
            double[] x = new double[R];
            double[] acc = new double[R];
            double[] nmi = new double[R];
            double[] ari = new double[R];
            boolean any = false;
            for (int r = 0; r < R; r++) {
                ClusterRow c = rows.get(r);
                x[r] = c.iter();
                acc[r] = c.acc();
                nmi[r] = c.nmi();
                ari[r] = c.ari();
                any |= !Double.isNaN(c.acc()) || !Double.isNaN(c.nmi()) || !Double.isNaN(c.ari());
            }
            if (!any) {
                note(o, "No labels: ACC, NMI and ARI need the true labels.");
            } else {
                chart(o, new SvgLineChart("chart-metrics", "iteration", "score", x)
                        .series("ACC", acc).series("NMI", nmi).series("ARI", ari).yRange(0, 1));
                ClusterRow last = rows.get(R - 1);
                note(o, "At iteration " + last.iter() + ": ACC " + Html.fixed(last.acc(), 4) + ", NMI "
                        + Html.fixed(last.nmi(), 4) + ", ARI " + Html.fixed(last.ari(), 4) + ".");
            }
            o.append("</section>\n");
        }

        private void sectionConfusion(StringBuilder o) {
            open(o, "confusion", "Confusion matrix");
            if (b.confusion == null) {
                note(o, "No labels: the confusion matrix needs the true labels.");
                o.append("</section>\n");
                return;
            }
            long[][] n = b.confusion;
            int R = n.length;
            int J = b.confusionCols.length;
            long[] colSum = new long[J];
            long total = 0;
            o.append("<p class=\"note\">Rows: true classes; columns: clusters; cell shade: the fraction of the row.</p>\n");
            o.append("<div class=\"scroll\"><table class=\"confusion\">\n<tr><th></th>");
            for (String c : b.confusionCols) {
                o.append("<th>").append(Html.text(c)).append("</th>");
            }
            o.append("<th>total</th></tr>\n");
            for (int i = 0; i < R; i++) {
                long rowSum = 0;
                for (int j = 0; j < J; j++) {
                    rowSum += n[i][j];
                    colSum[j] += n[i][j];
                }
                total += rowSum;
                o.append("<tr><th>").append(Html.text(b.confusionRows[i])).append("</th>");
                for (int j = 0; j < J; j++) {
                    double f = rowSum == 0 ? 0 : (double) n[i][j] / rowSum;
                    o.append("<td style=\"background:rgba(0,114,178,").append(Html.fixed(f, 3)).append(')')
                            .append(f > 0.5 ? ";color:#fff" : "").append("\">").append(n[i][j]).append("</td>");
                }
                o.append("<td class=\"total\">").append(rowSum).append("</td></tr>\n");
            }
            o.append("<tr><th>total</th>");
            for (long s : colSum) {
                o.append("<td class=\"total\">").append(s).append("</td>");
            }
            o.append("<td class=\"total\">").append(total).append("</td></tr>\n</table></div>\n");
            o.append("</section>\n");
        }

        private void sectionSamples(StringBuilder o) {
            open(o, "samples", "Samples of each cluster");
            if (b.samples.isEmpty()) {
                note(o, "No sample images were given.");
            }
            for (ClusterSamples s : b.samples.values()) {
                int zoom = Math.max(1, Math.round((float) b.thumbnailPixels / Math.max(s.H(), s.W())));
                o.append("<div class=\"cluster\" id=\"cluster-").append(s.cluster()).append("\"><h3>cluster ")
                        .append(s.cluster());
                if (s.size() >= 0) {
                    o.append(" <span class=\"size\">").append(s.size()).append(s.size() == 1 ? " image" : " images")
                            .append("</span>");
                }
                o.append("</h3>\n<div class=\"thumbs\">");
                int D = s.C() * s.H() * s.W();
                for (int i = 0; i < s.n(); i++) {
                    String caption = s.captions() != null ? s.captions()[i] : "cluster " + s.cluster() + ", sample " + i;
                    o.append("<img src=\"").append(Thumbnails.dataUri(s.images(), i * D, s.C(), s.H(), s.W()))
                            .append("\" width=\"").append(s.W() * zoom).append("\" height=\"").append(s.H() * zoom)
                            .append("\" alt=\"").append(Html.text(caption)).append("\" title=\"")
                            .append(Html.text(caption)).append("\">");
                    images++;
                }
                if (s.n() == 0) {
                    o.append("<span class=\"note\">empty</span>");
                }
                o.append("</div></div>\n");
            }
            o.append("</section>\n");
        }

        private void sectionConfig(StringBuilder o) {
            open(o, "config", "Configuration");
            if (b.config.isEmpty()) {
                note(o, "No configuration was given.");
            } else {
                table(o, "kv", b.config);
            }
            o.append("</section>\n");
        }
    }

    /**
     * The page's self-check. Errors: window.onerror (script errors), a capturing 'error' listener (an
     * element that failed to load), console.error calls, unhandled promise rejections. On load: every announced section, chart
     * and image present, every image decoded. Then the title says OK or FAILED and #page-status lists why.
     */
    private static final String SCRIPT = """
            (function () {
              var errors = [];
              window.dcecErrors = errors;
              window.onerror = function (message, source, line, column) {
                errors.push('script error: ' + message + ' (line ' + line + ':' + column + ')');
              };
              window.addEventListener('error', function (e) {
                var t = e.target;
                if (t && t !== window && t.tagName) {
                  errors.push('failed to load <' + t.tagName.toLowerCase() + '> ' + (t.alt || t.id || ''));
                }
              }, true);
              var consoleError = console.error;
              console.error = function () {
                errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
                return consoleError.apply(console, arguments);
              };
              window.addEventListener('unhandledrejection', function (e) {
                errors.push('unhandled rejection: ' + e.reason);
              });
              window.addEventListener('load', function () {
                var body = document.body;
                var expect = (body.getAttribute('data-expect') || '').split(' ');
                for (var i = 0; i < expect.length; i++) {
                  if (!document.getElementById(expect[i])) errors.push('missing section #' + expect[i]);
                }
                var charts = document.querySelectorAll('svg.chart').length;
                if (String(charts) !== body.getAttribute('data-charts')) {
                  errors.push(charts + ' charts, expected ' + body.getAttribute('data-charts'));
                }
                var imgs = document.images;
                if (String(imgs.length) !== body.getAttribute('data-images')) {
                  errors.push(imgs.length + ' images, expected ' + body.getAttribute('data-images'));
                }
                for (var k = 0; k < imgs.length; k++) {
                  if (!imgs[k].complete || imgs[k].naturalWidth === 0) errors.push('image not decoded: ' + imgs[k].alt);
                }
                var status = document.getElementById('page-status');
                if (errors.length === 0) {
                  document.title = '__OK__';
                  status.textContent = 'page check: OK (' + expect.length + ' sections, ' + charts + ' charts, '
                      + imgs.length + ' images)';
                } else {
                  document.title = '__FAILED__';
                  status.textContent = 'page check FAILED:\\n' + errors.join('\\n');
                  status.className = 'failed';
                }
              });
            })();
            """;

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #222; background: #f6f7f9; }
            header { background: #1f2d3d; color: #fff; padding: 14px 24px; }
            header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
            nav a { color: #cfe3ff; margin-right: 12px; text-decoration: none; font-size: 13px; }
            main { max-width: 1340px; margin: 0 auto; padding: 8px 24px 24px; }
            section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; margin: 16px 0;
                      padding: 8px 18px 14px; }
            h2 { font-size: 16px; font-weight: 600; margin: 8px 0 10px; }
            h3 { font-size: 14px; font-weight: 600; margin: 10px 0 6px; }
            .row { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; }
            .note { color: #5a6470; font-size: 13px; margin: 6px 0; }
            table.kv { border-collapse: collapse; }
            table.kv th { text-align: left; font-weight: 500; color: #44505c; padding: 3px 18px 3px 0; vertical-align: top; }
            table.kv td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; padding: 3px 0;
                          word-break: break-all; }
            table.kv tr + tr { border-top: 1px solid #eef0f3; }
            .scroll { overflow-x: auto; }
            table.confusion { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
            table.confusion th { font-weight: 500; color: #44505c; padding: 4px 8px; white-space: nowrap; }
            table.confusion td { text-align: right; padding: 4px 8px; min-width: 36px; border: 1px solid #eef0f3; }
            table.confusion td.total { color: #5a6470; background: #f6f7f9; }
            svg.chart { max-width: 100%; height: auto; font-size: 11px; }
            svg.chart .grid line { stroke: #e5e8ec; }
            svg.chart .tick { fill: #5a6470; }
            svg.chart .axis { fill: #333; font-size: 12px; }
            svg.chart .frame { fill: none; stroke: #b8c0c8; }
            svg.chart polyline { stroke-width: 1.6; }
            svg.chart circle { stroke: none; }
            svg.chart circle.hover { fill-opacity: 0; }
            svg.chart line.reference { stroke: #555; stroke-width: 1.2; stroke-dasharray: 5 4; }
            svg.chart .legend text { fill: #333; font-size: 12px; }
            svg.chart .nodata { fill: #8a949e; font-size: 14px; }
            .cluster h3 .size { color: #5a6470; font-weight: 400; }
            .thumbs { display: flex; flex-wrap: wrap; gap: 3px; }
            .thumbs img { image-rendering: pixelated; border: 1px solid #dde1e6; background: #000; }
            footer { max-width: 1340px; margin: 0 auto; padding: 0 24px 24px; color: #5a6470; font-size: 12px; }
            #page-status { white-space: pre-wrap; }
            #page-status.failed { color: #b00020; font-weight: 600; }
            """;
}
