package org.dcec4j.dcec.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.report.RunLogs.ClusterRow;
import org.dcec4j.dcec.report.RunLogs.PretrainRow;

/**
 * Made-up run data for the report tests: smooth loss curves, rising metrics, and images whose pixel
 * levels are exact multiples of 1/255 so a decoded PNG can be compared level by level.
 */
final class SyntheticRun {
    private SyntheticRun() {
    }

    static List<PretrainRow> pretrain(int epochs) {
        List<PretrainRow> rows = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            rows.add(new PretrainRow(e, 0.01 + 0.09 * Math.exp(-e / 8.0), 1.5 + 0.01 * e));
        }
        return rows;
    }

    /** Rows every T iterations; with labels = false the metric columns are NaN as in an unlabeled run. */
    static List<ClusterRow> clustering(int recomputations, int T, boolean labels) {
        List<ClusterRow> rows = new ArrayList<>();
        for (int r = 0; r < recomputations; r++) {
            double t = r / (double) Math.max(1, recomputations - 1);
            double acc = labels ? 0.6 + 0.3 * t : Double.NaN;
            double nmi = labels ? 0.5 + 0.3 * t : Double.NaN;
            double ari = labels ? 0.4 + 0.35 * t : Double.NaN;
            double Lc = 0.08 * Math.exp(-3 * t) + 0.005;
            double Lr = 0.012 + 0.002 * t;
            double delta = r == 0 ? Double.NaN : 0.2 * Math.exp(-5 * t);
            rows.add(new ClusterRow(r * T, acc, nmi, ari, Lr + 0.1 * Lc, Lc, Lr, delta));
        }
        return rows;
    }

    static Map<String, String> config() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("method", "dcec");
        c.put("dataset", "shapes");
        c.put("K", "4");
        c.put("gamma", "0.1");
        c.put("tol", "0.001");
        return c;
    }

    /**
     * n images of C×H×W: pixel (c, h, w) of image i has level (7·i + 3·c + h·W + w) mod 256, stored as level / 255.
     * Written: the returned array.
     */
    static float[] images(int n, int C, int H, int W) {
        float[] x = new float[n * C * H * W];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < C; c++) {
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        x[((i * C + c) * H + h) * W + w] = expectedLevel(i, c, h, w, W) / 255f;
                    }
                }
            }
        }
        return x;
    }

    static int expectedLevel(int i, int c, int h, int w, int W) {
        return (7 * i + 3 * c + h * W + w) % 256;
    }

    /** A report with every section filled: 4 clusters of 3 grey 12×8 images, labels, config. */
    static HtmlReport.Builder fullReport() {
        int[][] counts = {{30, 2, 0, 1}, {1, 25, 3, 0}, {0, 4, 28, 2}, {2, 0, 1, 31}};
        HtmlReport.Builder b = HtmlReport.builder().title("synthetic run").config(config())
                .summary("ACC", "0.8833").summary("threads", "2")
                .pretrainLog(pretrain(30)).clusterLog(clustering(12, 140, true)).tol(0.001)
                .confusion(counts, new String[] {"square", "circle", "triangle", "cross"});
        for (int k = 0; k < 4; k++) {
            b.clusterSamples(k, images(3, 1, 12, 8), 3, 1, 12, 8);
        }
        return b;
    }
}
