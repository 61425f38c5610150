package org.dcec4j.dcec.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ACC against brute force over all permutations; the worked examples of docs/math/kmeans-metrics.md. */
class MetricsTest {

    @Test
    void accMatchesBruteForceOverAllPermutations() {
        SplittableRandom rng = new SplittableRandom(2024);
        for (int trial = 0; trial < 300; trial++) {
            int kTruth = 1 + rng.nextInt(7);
            int kPred = 1 + rng.nextInt(7);
            int N = 1 + rng.nextInt(60);
            int[] truth = new int[N];
            int[] pred = new int[N];
            boolean correlated = trial % 2 == 0;
            for (int n = 0; n < N; n++) {
                truth[n] = rng.nextInt(kTruth);
                pred[n] = correlated && rng.nextInt(4) != 0 ? (truth[n] * 5 + 1) % kPred : rng.nextInt(kPred);
            }
            double expected = bruteForceAcc(truth, pred);
            assertEquals(expected, Metrics.acc(truth, pred), 0.0, "trial " + trial);
        }
    }

    /**
     * ACC by trying every one-to-one map of cluster ids to class ids: labels are taken as indices
     * 0..K−1 of max(#classes, #clusters) = S slots, and every permutation of S is scored.
     */
    static double bruteForceAcc(int[] truth, int[] pred) {
        int S = 0;
        for (int n = 0; n < truth.length; n++) {
            S = Math.max(S, Math.max(truth[n], pred[n]) + 1);
        }
        int[] classOf = new int[S];
        for (int k = 0; k < S; k++) {
            classOf[k] = k;
        }
        int best = 0;
        do {
            int hits = 0;
            for (int n = 0; n < truth.length; n++) {
                if (classOf[pred[n]] == truth[n]) {
                    hits++;
                }
            }
            best = Math.max(best, hits);
        } while (HungarianTest.nextPermutation(classOf));
        return (double) best / truth.length;
    }

    // docs/math/kmeans-metrics.md#contingency, #acc: the worked example
    private static final int[] DOC_TRUTH = {0, 0, 0, 1, 1, 1};
    private static final int[] DOC_PRED = {0, 0, 1, 1, 2, 2};

    @Test
    void workedExampleContingencyAndAcc() {
        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 1, 2}}, Metrics.confusionMatrix(DOC_TRUTH, DOC_PRED));
        ClusterMapping m = Metrics.bestMapping(DOC_TRUTH, DOC_PRED);
        // cluster 0 → class 0 (2 samples), cluster 2 → class 1 (2 samples), cluster 1 left over
        assertArrayEquals(new int[] {0, Hungarian.UNASSIGNED, 1}, m.classOfCluster());
        assertEquals(4, m.matched());
        assertEquals(4.0 / 6, m.accuracy(), 0.0);
        assertEquals(OptionalInt.of(1), m.classFor(2));
        assertEquals(OptionalInt.empty(), m.classFor(1));
        int[] relabelled = new int[6];
        m.relabel(relabelled, DOC_PRED, -1);
        assertArrayEquals(new int[] {0, 0, -1, -1, 1, 1}, relabelled);
    }

    @Test
    void workedExampleEntropiesMutualInformationNmi() {
        double ln2 = Math.log(2);
        double ln3 = Math.log(3);
        assertEquals(ln2, Metrics.entropy(DOC_TRUTH), 1e-15);
        assertEquals(ln3, Metrics.entropy(DOC_PRED), 1e-15);
        // I = 2·(2/6)·ln(6·2/(3·2)) + 2·(1/6)·ln(6·1/(3·2)) = (2/3)·ln 2
        double mi = 2.0 / 3 * ln2;
        assertEquals(mi, Metrics.mutualInformation(DOC_TRUTH, DOC_PRED), 1e-15);
        assertEquals(mi / ((ln2 + ln3) / 2), Metrics.nmi(DOC_TRUTH, DOC_PRED), 1e-15);
        assertEquals(mi / Math.sqrt(ln2 * ln3), Metrics.nmi(DOC_TRUTH, DOC_PRED, NmiAverage.GEOMETRIC), 1e-15);
    }

    @Test
    void workedExampleAri() {
        // truth pairs together: {0,1}, {2,3}; pred pairs together: {0,2}, {1,3}; none shared
        // tp = 0, fp = 2, fn = 2, tn = 2: ARI = 2(0·2 − 2·2) / ((0+2)(2+2) + (0+2)(2+2)) = −8/16
        assertEquals(-0.5, Metrics.ari(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}), 0.0);
        // the NMI example: Σ C(n_ij,2) = 2, Σ C(a_i,2) = 6, Σ C(b_j,2) = 3, C(6,2) = 15
        // tp = 2, fp = 1, fn = 4, tn = 8: 2(16 − 4) / (6·12 + 3·9) = 24/99
        assertEquals(24.0 / 99, Metrics.ari(DOC_TRUTH, DOC_PRED), 1e-16);
    }

    @Test
    void perfectAndRelabelledPredictionsScoreOne() {
        int[] truth = {3, 3, 1, 1, 2, 2, 2};
        int[] pred = {9, 9, -4, -4, 0, 0, 0};
        assertEquals(1.0, Metrics.acc(truth, pred), 0.0);
        assertEquals(1.0, Metrics.nmi(truth, pred), 1e-15);
        assertEquals(1.0, Metrics.nmi(truth, pred, NmiAverage.GEOMETRIC), 1e-15);
        assertEquals(1.0, Metrics.ari(truth, pred), 0.0);
    }

    @Test
    void contingencyKeepsOnlyNonZeroCellsInRowMajorOrder() {
        Contingency t = Metrics.contingency(new int[] {5, -1, 5, 5, -1}, new int[] {2, 2, 7, 2, 2});
        assertArrayEquals(new int[] {-1, 5}, t.classes());
        assertArrayEquals(new int[] {2, 7}, t.clusters());
        assertArrayEquals(new long[] {2, 3}, t.classSizes());
        assertArrayEquals(new long[] {4, 1}, t.clusterSizes());
        assertEquals(3, t.nonZeroCells());
        assertEquals(0, t.cellRow(0));
        assertEquals(0, t.cellCol(0));
        assertEquals(2, t.cellCount(0));
        assertEquals(1, t.cellRow(2));
        assertEquals(1, t.cellCol(2));
        assertEquals(1, t.cellCount(2));
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.acc(new int[] {0, 1}, new int[] {0}));
        assertTrue(e.getMessage().contains("truth has 2") && e.getMessage().contains("pred has 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.nmi(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Metrics.ari(null, new int[] {1}));
    }
}
