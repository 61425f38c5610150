package org.dcec4j.dcec.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dcec4j.dcec.train.Scores;

/**
 * The score table of the summary that {@code dcec train} and {@code dcec cluster} print at the end: where clustering
 * started (the k-means initialisation) and ended, beside the pixel k-means baseline, one aligned row each.
 * <pre>
 *                     ACC     NMI     ARI
 *   pixel k-means  0.6488  0.8172  0.6504  baseline: k-means on the raw pixels, 20 restarts, 9.6 s
 *   CAE + k-means  0.7155  0.8363  0.6915  start: the k-means initialisation (iteration 0)
 *   DCEC           0.7420  0.8710  0.7370  end: iteration 1200, stopped at --max-iter
 * </pre>
 */
final class ScoreTable {
    private ScoreTable() {}

    /** One row: a method or stage, its scores and what it is. */
    record Row(String name, Scores scores, String note) {}

    /** The header and one line per row, each indented by two spaces; names padded to the longest. */
    static List<String> lines(List<Row> rows) {
        int w = 0;
        for (Row r : rows) w = Math.max(w, r.name().length());
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "  %-" + Math.max(w, 1) + "s %7s %7s %7s", "", "ACC", "NMI", "ARI").stripTrailing());
        for (Row r : rows)
            out.add(String.format(Locale.ROOT, "  %-" + Math.max(w, 1) + "s %7.4f %7.4f %7.4f  %s", r.name(), r.scores().acc(),
                    r.scores().nmi(), r.scores().ari(), r.note()).stripTrailing());
        return out;
    }
}
