package org.dcec4j.dcec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.evaluation.SumOfClusterVariances;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** Apache Commons Math's k-means++ (MultiKMeansPlusPlusClusterer) as the oracle. */
class CommonsMathOracleTest {

    @Test
    void samePartitionAsCommonsMathOnWellSeparatedBlobs() {
        for (long seed = 1; seed <= 3; seed++) {
            int N = 900;
            int D = 4;
            int K = 5;
            int[] blob = new int[N];
            float[] x = Blobs.gaussian(blob, seed, N, D, K, 12.0);
            int[] ours = new KMeans(K).withRestarts(5).withSeed(seed).fit(x, N, D).labels();
            int[] theirs = commonsMathLabels(x, N, D, K, 5, seed);
            assertSamePartition(blob, ours, K, "ours vs the generating blobs, seed " + seed);
            assertSamePartition(theirs, ours, K, "ours vs Commons Math, seed " + seed);
        }
    }

    /**
     * Commons Math iterates until no point changes cluster, so ours runs to the same strict convergence
     * (tolerance 0); with the default tolerance it may stop ~1e-6 (relative) short of the local optimum.
     * Both use 20 restarts (the default): on overlapping blobs the best of 10 restarts is a coin toss
     * between local optima 1e-6 apart (seed 4 goes Commons Math's way with 10).
     */
    @Test
    void inertiaNoWorseThanCommonsMath() {
        for (long seed = 1; seed <= 4; seed++) {
            int N = 1200;
            int D = 3 + (int) seed;
            int K = 4 + (int) seed;
            float[] x = Blobs.gaussian(null, 100 + seed, N, D, K, 2.0);
            double ours = new KMeans(K).withTolerance(0).withSeed(seed).fit(x, N, D).inertia();
            int[] theirs = commonsMathLabels(x, N, D, K, KMeans.DEFAULT_RESTARTS, seed);
            double theirInertia = inertiaOfPartition(x, N, D, K, theirs);
            assertTrue(ours <= theirInertia * (1 + 1e-6), "seed " + seed + ": ours " + ours
                    + " vs Commons Math " + theirInertia);
        }
    }

    /** Commons Math labels: the index of the returned cluster holding each point. */
    static int[] commonsMathLabels(float[] x, int N, int D, int K, int trials, long seed) {
        List<DoublePoint> points = new ArrayList<>(N);
        for (int n = 0; n < N; n++) {
            double[] p = new double[D];
            for (int d = 0; d < D; d++) {
                p[d] = x[n * D + d];
            }
            points.add(new DoublePoint(p));
        }
        KMeansPlusPlusClusterer<DoublePoint> one =
                new KMeansPlusPlusClusterer<>(K, 300, new EuclideanDistance(), new Well19937c(seed));
        MultiKMeansPlusPlusClusterer<DoublePoint> multi =
                new MultiKMeansPlusPlusClusterer<>(one, trials, new SumOfClusterVariances<>(new EuclideanDistance()));
        List<CentroidCluster<DoublePoint>> clusters = multi.cluster(points);
        int[] labels = new int[N];
        java.util.IdentityHashMap<DoublePoint, Integer> clusterOf = new java.util.IdentityHashMap<>();
        for (int k = 0; k < clusters.size(); k++) {
            for (DoublePoint p : clusters.get(k).getPoints()) {
                clusterOf.put(p, k);
            }
        }
        for (int n = 0; n < N; n++) {
            labels[n] = clusterOf.get(points.get(n));
        }
        return labels;
    }

    /** Σ_n ‖x_n − mean of x_n's part‖²: the best inertia for a given partition. */
    static double inertiaOfPartition(float[] x, int N, int D, int K, int[] labels) {
        double[] mean = new double[K * D];
        int[] count = new int[K];
        for (int n = 0; n < N; n++) {
            count[labels[n]]++;
            for (int d = 0; d < D; d++) {
                mean[labels[n] * D + d] += x[n * D + d];
            }
        }
        for (int k = 0; k < K; k++) {
            for (int d = 0; d < D; d++) {
                mean[k * D + d] /= Math.max(count[k], 1);
            }
        }
        double inertia = 0;
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                double diff = x[n * D + d] - mean[labels[n] * D + d];
                inertia += diff * diff;
            }
        }
        return inertia;
    }

    /** The two labelings are the same partition: label a ↔ label b is a bijection. */
    static void assertSamePartition(int[] a, int[] b, int K, String what) {
        int[] aToB = new int[K];
        int[] bToA = new int[K];
        java.util.Arrays.fill(aToB, -1);
        java.util.Arrays.fill(bToA, -1);
        for (int n = 0; n < a.length; n++) {
            if (aToB[a[n]] < 0 && bToA[b[n]] < 0) {
                aToB[a[n]] = b[n];
                bToA[b[n]] = a[n];
            }
            assertEquals(aToB[a[n]], b[n], what + ": point " + n);
            assertEquals(bToA[b[n]], a[n], what + ": point " + n);
        }
    }
}
