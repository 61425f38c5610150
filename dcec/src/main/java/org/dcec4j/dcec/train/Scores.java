package org.dcec4j.dcec.train;

import java.util.Locale;
import org.dcec4j.dcec.metrics.Metrics;

/** ACC, NMI (arithmetic) and ARI of a labeling against true labels; NaN when there are no labels. */
public record Scores(double acc, double nmi, double ari) {
    public static final Scores NONE = new Scores(Double.NaN, Double.NaN, Double.NaN);

    /** Scores of {@code pred} against {@code truth}, or {@link #NONE} when truth is null. */
    public static Scores of(int[] truth, int[] pred) {
        if (truth == null) return NONE;
        return new Scores(Metrics.acc(truth, pred), Metrics.nmi(truth, pred), Metrics.ari(truth, pred));
    }

    public boolean present() { return !Double.isNaN(acc); }

    @Override public String toString() {
        return present() ? String.format(Locale.ROOT, "ACC %.4f  NMI %.4f  ARI %.4f", acc, nmi, ari) : "no labels";
    }
}
