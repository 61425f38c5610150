package org.dcec4j.dcec.metrics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * External clustering metrics of a predicted labeling against true labels: ACC, NMI, ARI, and the
 * contingency (confusion) table and cluster-to-class mapping behind them.
 *
 * <p>Every method takes {@code truth} and {@code pred} of equal length N ≥ 1 with arbitrary int labels,
 * reads them and never modifies them. Values agree with scikit-learn 1.2 ({@code normalized_mutual_info_score},
 * {@code adjusted_rand_score}) to about 1e-15, including its conventions for degenerate labelings; the
 * one difference is that N = 0 is rejected here instead of scoring 1.0.
 *
 * <p>Math: docs/math/kmeans-metrics.md#metrics
 */
public final class Metrics {
    private Metrics() {
    }

    /** The contingency table n_ij (rows: sorted true labels, columns: sorted predicted labels). */
    public static Contingency contingency(int[] truth, int[] pred) {
        return Contingency.of(truth, pred);
    }

    /** The dense confusion matrix n_ij, rows = sorted distinct true labels, columns = sorted distinct predicted. */
    public static long[][] confusionMatrix(int[] truth, int[] pred) {
        return Contingency.of(truth, pred).dense();
    }

    /**
     * The one-to-one cluster → class mapping that maximises the number of matched samples.
     * Math: docs/math/kmeans-metrics.md#acc
     */
    public static ClusterMapping bestMapping(int[] truth, int[] pred) {
        return bestMapping(Contingency.of(truth, pred));
    }

    /** {@link #bestMapping(int[], int[])} on a table already counted. */
    public static ClusterMapping bestMapping(Contingency table) {
        long[][] counts = table.dense();
        int R = table.rows();
        int C = table.cols();
        // clusters are the rows of the assignment problem, classes its columns; weight = n_ij
        double[][] weight = new double[C][R];
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                weight[j][i] = counts[i][j];
            }
        }
        int[] classOfCluster = Hungarian.maxWeightAssignment(weight);
        long matched = 0;
        for (int j = 0; j < C; j++) {
            if (classOfCluster[j] != Hungarian.UNASSIGNED) {
                matched += counts[classOfCluster[j]][j];
            }
        }
        return new ClusterMapping(table, classOfCluster, matched);
    }

    /**
     * Clustering accuracy: ACC = max over one-to-one maps m of Σ_n [truth_n = m(pred_n)] / N.
     * Math: docs/math/kmeans-metrics.md#acc
     *
     * @throws IllegalArgumentException if the arrays are empty or of different lengths, or if the distinct classes times
     *         the distinct clusters exceed {@link Contingency#MAX_DENSE_CELLS} (the assignment needs the dense table: two
     *         labellings of over about 8,000 images that are all distinct, say)
     */
    public static double acc(int[] truth, int[] pred) {
        return bestMapping(truth, pred).accuracy();
    }

    /**
     * Entropy of a labeling in nats: H(U) = −Σ_i (a_i/N)·ln(a_i/N).
     * Math: docs/math/kmeans-metrics.md#entropy
     */
    public static double entropy(int[] labels) {
        Contingency table = Contingency.of(labels, labels);
        return entropy(table.classSizes(), table.n());
    }

    private static double entropy(long[] sizes, long N) {
        if (sizes.length == 1) {
            return 0.0;
        }
        double logN = StrictMath.log(N);
        // H = Σ_i (a_i/N)·(ln N − ln a_i)
        double h = 0;
        for (long a : sizes) {
            h += ((double) a / N) * (logN - StrictMath.log(a));
        }
        return h;
    }

    /**
     * Mutual information in nats: I(U; V) = Σ_ij (n_ij/N)·ln(N·n_ij / (a_i·b_j)), clipped at 0.
     * Math: docs/math/kmeans-metrics.md#mutual-information
     */
    public static double mutualInformation(int[] truth, int[] pred) {
        return mutualInformation(Contingency.of(truth, pred));
    }

    /** {@link #mutualInformation(int[], int[])} on a table already counted. */
    public static double mutualInformation(Contingency table) {
        if (table.rows() == 1 || table.cols() == 1) {
            return 0.0;
        }
        double N = table.n();
        // I = Σ_ij (n_ij/N)·ln(N·n_ij / (a_i·b_j)); empty cells contribute 0
        double mi = 0;
        for (int c = 0; c < table.nonZeroCells(); c++) {
            double nij = table.cellCount(c);
            double outer = (double) table.classSize(table.cellRow(c)) * (double) table.clusterSize(table.cellCol(c));
            mi += (nij / N) * StrictMath.log(N * nij / outer);
        }
        return Math.max(mi, 0.0);
    }

    /** NMI with the arithmetic mean of the entropies (scikit-learn's default). */
    public static double nmi(int[] truth, int[] pred) {
        return nmi(truth, pred, NmiAverage.ARITHMETIC);
    }

    /**
     * Normalised mutual information NMI = I(U; V) / mean(H(U), H(V)). Both labelings with a single label
     * score 1 (nothing to tell apart); otherwise I = 0 scores 0.
     * Math: docs/math/kmeans-metrics.md#nmi
     */
    public static double nmi(int[] truth, int[] pred, NmiAverage average) {
        return nmi(Contingency.of(truth, pred), average);
    }

    /** {@link #nmi(int[], int[], NmiAverage)} on a table already counted. */
    public static double nmi(Contingency table, NmiAverage average) {
        java.util.Objects.requireNonNull(average, "average");
        if (table.rows() == 1 && table.cols() == 1) {
            return 1.0;
        }
        double mi = mutualInformation(table);
        if (mi == 0) {
            return 0.0;
        }
        double hU = entropy(table.classSizes(), table.n());
        double hV = entropy(table.clusterSizes(), table.n());
        return mi / average.of(hU, hV);
    }

    /**
     * Adjusted Rand index, from the pair counts (tp: pairs together in both labelings, fp: together only
     * in pred, fn: together only in truth, tn: apart in both):
     * ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)), and 1 when fn = fp = 0.
     * The products are formed exactly (with M = C(N, 2) one can reach M², past 2^63 for N beyond about 78,000).
     * Math: docs/math/kmeans-metrics.md#ari
     */
    public static double ari(int[] truth, int[] pred) {
        return ari(Contingency.of(truth, pred));
    }

    /** {@link #ari(int[], int[])} on a table already counted. */
    public static double ari(Contingency table) {
        long N = table.n();
        // Σ_ij C(n_ij, 2), Σ_i C(a_i, 2), Σ_j C(b_j, 2): unordered pairs together in both / truth / pred
        long togetherBoth = 0;
        for (int c = 0; c < table.nonZeroCells(); c++) {
            togetherBoth += pairs(table.cellCount(c));
        }
        long togetherTruth = 0;
        for (int i = 0; i < table.rows(); i++) {
            togetherTruth += pairs(table.classSize(i));
        }
        long togetherPred = 0;
        for (int j = 0; j < table.cols(); j++) {
            togetherPred += pairs(table.clusterSize(j));
        }
        long tp = togetherBoth;
        long fp = togetherPred - togetherBoth;
        long fn = togetherTruth - togetherBoth;
        long tn = pairs(N) - togetherTruth - togetherPred + togetherBoth;
        if (fn == 0 && fp == 0) {
            return 1.0;
        }
        BigInteger numerator = big(tp).multiply(big(tn)).subtract(big(fn).multiply(big(fp))).shiftLeft(1);
        BigInteger denominator = big(tp + fn).multiply(big(fn + tn)).add(big(tp + fp).multiply(big(fp + tn)));
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), MathContext.DECIMAL128).doubleValue();
    }

    private static long pairs(long m) {
        return m * (m - 1) / 2;
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }
}
