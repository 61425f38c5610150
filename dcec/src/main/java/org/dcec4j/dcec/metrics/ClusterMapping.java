package org.dcec4j.dcec.metrics;

import java.util.OptionalInt;

/**
 * The best one-to-one mapping of clusters to classes (the one ACC scores), found by the Hungarian
 * algorithm on the contingency table.
 *
 * <p>Math: docs/math/kmeans-metrics.md#acc
 *
 * @param table          the contingency table the mapping was found on
 * @param classOfCluster for every column j of {@code table} the row (class index) it is mapped to, or
 *                       {@link Hungarian#UNASSIGNED} when there are more clusters than classes and cluster j
 *                       is left over
 * @param matched        Σ_j n_{classOfCluster[j], j}: the samples that land in their cluster's class
 */
public record ClusterMapping(Contingency table, int[] classOfCluster, long matched) {

    /** ACC = matched / N. */
    public double accuracy() {
        return (double) matched / table.n();
    }

    /** The class label a predicted cluster label maps to; empty if the cluster is unmapped or unknown. */
    public OptionalInt classFor(int clusterLabel) {
        int j = java.util.Arrays.binarySearch(table.clusters(), clusterLabel);
        if (j < 0 || classOfCluster[j] == Hungarian.UNASSIGNED) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(table.classes()[classOfCluster[j]]);
    }

    /**
     * Translates predicted cluster labels into class labels.
     *
     * @param out       written: out[n] = the class that pred[n]'s cluster maps to, or {@code unmapped}
     * @param pred      predicted labels, only read
     * @param unmapped  the label written for clusters without a class (or unknown to the table)
     */
    public void relabel(int[] out, int[] pred, int unmapped) {
        if (out.length != pred.length) {
            throw new IllegalArgumentException("relabel: out has " + out.length + " entries but pred has "
                    + pred.length + "; expected equal lengths");
        }
        int[] clusters = table.clusters();
        int[] classes = table.classes();
        for (int n = 0; n < pred.length; n++) {
            int j = java.util.Arrays.binarySearch(clusters, pred[n]);
            out[n] = (j < 0 || classOfCluster[j] == Hungarian.UNASSIGNED) ? unmapped : classes[classOfCluster[j]];
        }
    }
}
