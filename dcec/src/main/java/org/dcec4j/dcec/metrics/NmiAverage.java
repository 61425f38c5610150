package org.dcec4j.dcec.metrics;

/**
 * How NMI normalises I(U; V) by the two entropies H(U), H(V).
 *
 * <p>Math: docs/math/kmeans-metrics.md#nmi
 */
public enum NmiAverage {
    /** (H(U) + H(V)) / 2: scikit-learn's default since 0.22. */
    ARITHMETIC,
    /** √(H(U)·H(V)): the default in 2017, used by the DCEC paper's reference code. */
    GEOMETRIC,
    /** min(H(U), H(V)). */
    MIN,
    /** max(H(U), H(V)). */
    MAX;

    /** The mean of two entropies that this normalisation divides by. */
    public double of(double hU, double hV) {
        return switch (this) {
            case ARITHMETIC -> (hU + hV) / 2;
            case GEOMETRIC -> Math.sqrt(hU * hV);
            case MIN -> Math.min(hU, hV);
            case MAX -> Math.max(hU, hV);
        };
    }
}
