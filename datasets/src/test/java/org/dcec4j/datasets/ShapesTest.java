package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void balancedSeededAndInRange() {
        Dataset d = Shapes.generate(1003, 5L);
        assertEquals(1003, d.size());
        assertEquals(28, d.height());
        assertEquals(10, d.numClasses());
        // 1003 = 10 · 100 + 3: the first three classes once more
        assertArrayEquals(new int[] {101, 101, 101, 100, 100, 100, 100, 100, 100, 100}, d.labelCounts());
        Dataset again = Shapes.generate(1003, 5L);
        assertArrayEquals(d.images(), again.images());
        assertArrayEquals(d.labels(), again.labels());
        Dataset other = Shapes.generate(1003, 6L);
        assertFalse(Arrays.equals(d.images(), other.images()));
        Dataset small = Shapes.generate(20, 1L, 16);
        assertEquals(16, small.width());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, small.labelCounts());
    }

    @Test
    void everyImageHasInkAndBackground() {
        Dataset d = Shapes.generate(500, 3L);
        int D = d.imageSize();
        for (int n = 0; n < d.size(); n++) {
            int ink = 0;
            int background = 0;
            for (int i = 0; i < D; i++) {
                float v = d.images()[n * D + i];
                ink += v > 0.6f ? 1 : 0;
                background += v < 0.25f ? 1 : 0;
            }
            // every shape covers at least a dozen pixels and leaves most of the frame empty
            assertTrue(ink >= 12, "image " + n + " (class " + d.labels()[n] + ") has " + ink + " ink pixels");
            assertTrue(background >= D / 3, "image " + n + " has " + background + " background pixels");
        }
    }

    /** A class's distance function is negative at its centre of ink, positive far away. */
    @Test
    void distanceFunctionsHaveInsideAndOutside() {
        for (int k = 0; k < Shapes.K; k++) {
            assertTrue(Shapes.distance(k, 2f, 2f, 0.2f) > 0.5f, "class " + k);
        }
        assertTrue(Shapes.distance(0, 0f, 0f, 0.2f) < 0);     // disk centre
        assertTrue(Shapes.distance(5, 0f, 0f, 0.2f) > 0);     // ring hole
        assertTrue(Shapes.distance(5, 0.55f, 0f, 0.2f) < 0);  // ring stroke
        assertTrue(Shapes.distance(9, 0f, 0f, 0.2f) > 0);     // between the two dots
        assertTrue(Shapes.distance(3, 0.3f, 0.3f, 0.2f) < 0); // on the × diagonal
        assertTrue(Shapes.distance(7, 0.3f, 0.3f, 0.2f) > 0); // off the + arms
    }

    /**
     * Hard but learnable: k-means on raw pixels scores well below 1 (and above chance), while a
     * 1-nearest-neighbour classifier on the same pixels, given labels, is nearly perfect.
     */
    @Test
    void kMeansOnPixelsIsClearlyImperfect() {
        Dataset d = Shapes.generate(2000, 7L);
        int N = d.size();
        int D = d.imageSize();
        float[] x = d.images();
        int[] y = d.labels();
        double bestInertia = Double.MAX_VALUE;
        int[] best = null;
        Random r = new Random(3);
        for (int restart = 0; restart < 3; restart++) {
            int[] assign = new int[N];
            double inertia = lloyd(x, N, D, 10, r, assign);
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = assign;
            }
        }
        double acc = accuracy(best, y, 10);
        assertTrue(acc > 0.3 && acc < 0.8, "k-means ACC " + acc);

        int train = 1000;
        int correct = 0;
        for (int n = train; n < N; n++) {
            double nearest = Double.MAX_VALUE;
            int label = -1;
            for (int m = 0; m < train; m++) {
                double s = 0;
                for (int i = 0; i < D; i++) {
                    double e = x[n * D + i] - x[m * D + i];
                    s += e * e;
                }
                if (s < nearest) {
                    nearest = s;
                    label = y[m];
                }
            }
            correct += label == y[n] ? 1 : 0;
        }
        double oneNn = correct / (double) (N - train);
        assertTrue(oneNn > 0.9 && oneNn > acc + 0.15, "1-NN accuracy " + oneNn + ", k-means ACC " + acc);
    }

    /** Lloyd's algorithm with k-means++ seeding; assign written; returns the inertia. */
    static double lloyd(float[] x, int N, int D, int K, Random r, int[] assign) {
        double[] mu = new double[K * D];
        double[] d2 = new double[N];
        int first = r.nextInt(N);
        for (int i = 0; i < D; i++) {
            mu[i] = x[first * D + i];
        }
        Arrays.fill(d2, Double.MAX_VALUE);
        for (int k = 1; k < K; k++) {
            double total = 0;
            for (int n = 0; n < N; n++) {
                d2[n] = Math.min(d2[n], dist(x, n, mu, k - 1, D));
                total += d2[n];
            }
            double u = r.nextDouble() * total;
            int pick = N - 1;
            for (int n = 0; n < N; n++) {
                u -= d2[n];
                if (u <= 0) {
                    pick = n;
                    break;
                }
            }
            for (int i = 0; i < D; i++) {
                mu[k * D + i] = x[pick * D + i];
            }
        }
        double inertia = 0;
        for (int iter = 0; iter < 30; iter++) {
            inertia = 0;
            boolean changed = false;
            for (int n = 0; n < N; n++) {
                int bestK = 0;
                double bestD = Double.MAX_VALUE;
                for (int k = 0; k < K; k++) {
                    double e = dist(x, n, mu, k, D);
                    if (e < bestD) {
                        bestD = e;
                        bestK = k;
                    }
                }
                changed |= assign[n] != bestK || iter == 0;
                assign[n] = bestK;
                inertia += bestD;
            }
            if (!changed) {
                break;
            }
            double[] sum = new double[K * D];
            int[] count = new int[K];
            for (int n = 0; n < N; n++) {
                count[assign[n]]++;
                for (int i = 0; i < D; i++) {
                    sum[assign[n] * D + i] += x[n * D + i];
                }
            }
            for (int k = 0; k < K; k++) {
                if (count[k] > 0) {
                    for (int i = 0; i < D; i++) {
                        mu[k * D + i] = sum[k * D + i] / count[k];
                    }
                }
            }
        }
        return inertia;
    }

    private static double dist(float[] x, int n, double[] mu, int k, int D) {
        double s = 0;
        for (int i = 0; i < D; i++) {
            double e = x[n * D + i] - mu[k * D + i];
            s += e * e;
        }
        return s;
    }

    /** Best one-to-one cluster→class accuracy, exact, by dynamic programming over class subsets. */
    static double accuracy(int[] cluster, int[] label, int K) {
        int[][] count = new int[K][K];
        for (int n = 0; n < cluster.length; n++) {
            count[cluster[n]][label[n]]++;
        }
        // best[mask] = the largest matched count with clusters 0..popcount(mask)-1 given the classes in mask
        int[] best = new int[1 << K];
        Arrays.fill(best, -1);
        best[0] = 0;
        for (int mask = 0; mask < (1 << K); mask++) {
            if (best[mask] < 0) {
                continue;
            }
            int k = Integer.bitCount(mask);
            if (k == K) {
                continue;
            }
            for (int c = 0; c < K; c++) {
                if ((mask & (1 << c)) == 0) {
                    int next = mask | (1 << c);
                    best[next] = Math.max(best[next], best[mask] + count[k][c]);
                }
            }
        }
        return best[(1 << K) - 1] / (double) cluster.length;
    }

    @Test
    void accuracyOracleOnAHandExample() {
        // clusters 0,1,2 are classes 2,0,1: a permutation gives 1; one mistake in six gives 5/6
        assertEquals(1.0, accuracy(new int[] {0, 0, 1, 1, 2, 2}, new int[] {2, 2, 0, 0, 1, 1}, 3));
        assertEquals(5 / 6.0, accuracy(new int[] {0, 0, 1, 1, 2, 2}, new int[] {2, 2, 0, 1, 1, 1}, 3), 1e-12);
    }
}
