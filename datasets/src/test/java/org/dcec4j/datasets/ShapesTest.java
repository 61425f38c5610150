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
    void everyImageIsOneGlyphOnACleanBackground() {
        Dataset d = Shapes.generate(2000, 3L);
        int D = d.imageSize();
        float[] x = d.images();
        for (int n = 0; n < d.size(); n++) {
            double ink = 0;
            float max = 0;
            int zero = 0;
            for (int i = 0; i < D; i++) {
                float v = x[n * D + i];
                assertTrue(v >= 0f && v <= 1f, "image " + n + " pixel " + i + " = " + v);
                ink += v;
                max = Math.max(max, v);
                zero += v == 0f ? 1 : 0;
            }
            // a stroke at least 0.6 pixels wide is drawn with ink >= 0.8: some pixel is at least 0.4,
            // and the glyph's strokes add up to several pixels' worth of ink
            String what = "image " + n + " (class " + Shapes.CLASS_NAMES.get(d.labels()[n]) + ")";
            assertTrue(max >= 0.4f, what + ": brightest pixel " + max);
            assertTrue(ink >= 5, what + ": total ink " + ink);
            // no noise: the background is exactly 0, and it is most of the frame
            assertTrue(zero >= D * 2 / 3, what + ": only " + zero + " background pixels");
        }
    }

    /** Vertices move by at most MAX_JITTER, closed polylines stay closed, segments follow the polylines. */
    @Test
    void jitterKeepsTheGlyphsTopology() {
        Random random = new Random(11);
        float[] segments = new float[4 * Shapes.MAX_SEGMENTS];
        float[] vertices = new float[2 * (Shapes.MAX_SEGMENTS + 1)];
        assertEquals(Shapes.K, Shapes.GLYPHS.length);
        assertEquals(Shapes.K, Shapes.CLASS_NAMES.size());
        for (int k = 0; k < Shapes.K; k++) {
            float[][] glyph = Shapes.GLYPHS[k];
            int expected = 0;
            for (float[] line : glyph) {
                expected += line.length / 2 - 1;
                for (float c : line) {
                    // every glyph fits the frame with room for jitter, scale and translation
                    assertTrue(Math.abs(c) <= 0.75f, Shapes.CLASS_NAMES.get(k) + " vertex coordinate " + c);
                }
            }
            assertTrue(expected <= Shapes.MAX_SEGMENTS);
            for (int trial = 0; trial < 50; trial++) {
                int count = Shapes.jitteredSegments(segments, vertices, glyph, random);
                assertEquals(expected, count, Shapes.CLASS_NAMES.get(k));
                int seg = 0;
                for (float[] line : glyph) {
                    int V = line.length / 2;
                    int first = seg;
                    for (int v = 0; v + 1 < V; v++, seg++) {
                        for (int e = 0; e < 2; e++) {   // both ends of the segment near their template vertices
                            assertTrue(Math.abs(segments[4 * seg + 2 * e] - line[2 * (v + e)]) <= Shapes.MAX_JITTER);
                            assertTrue(Math.abs(segments[4 * seg + 2 * e + 1] - line[2 * (v + e) + 1]) <= Shapes.MAX_JITTER);
                        }
                        if (v > 0) {                    // a polyline is connected
                            assertEquals(segments[4 * seg - 2], segments[4 * seg]);
                            assertEquals(segments[4 * seg - 1], segments[4 * seg + 1]);
                        }
                    }
                    boolean closed = line[0] == line[2 * V - 2] && line[1] == line[2 * V - 1];
                    if (closed) {                       // the last segment ends where the first starts
                        assertEquals(segments[4 * first], segments[4 * (seg - 1) + 2]);
                        assertEquals(segments[4 * first + 1], segments[4 * (seg - 1) + 3]);
                    }
                }
            }
        }
    }

    @Test
    void segmentDistanceOnHandExamples() {
        float[] s = {0f, 0f, 2f, 0f};   // from (0, 0) to (2, 0)
        assertEquals(1f, Shapes.segmentDistanceSquared(1f, 1f, s, 0));    // above the middle
        assertEquals(1f, Shapes.segmentDistanceSquared(3f, 0f, s, 0));    // beyond the end, on the line
        assertEquals(2f, Shapes.segmentDistanceSquared(-1f, -1f, s, 0));  // diagonal from the start
        assertEquals(0f, Shapes.segmentDistanceSquared(0.5f, 0f, s, 0));  // on the segment
    }

    /**
     * Rotation stays within ±18°, so the orientation that separates × from + survives: in the mean
     * image of each class, the + has more ink on the central row and column than on the diagonals,
     * the × the other way round; the circle's mean is darker at its centre than on its rim.
     */
    @Test
    void classMeansKeepTheirDefiningOrientation() {
        Dataset d = Shapes.generate(3000, 4L);
        int S = d.height();
        int D = d.imageSize();
        double[][] mean = new double[Shapes.K][D];
        int[] count = d.labelCounts();
        for (int n = 0; n < d.size(); n++) {
            for (int i = 0; i < D; i++) {
                mean[d.labels()[n]][i] += d.images()[n * D + i] / (double) count[d.labels()[n]];
            }
        }
        int c = S / 2;
        int r = S / 4;   // a quarter of the frame from the centre: on the arms
        double[] plus = mean[3];
        double[] cross = mean[2];
        double plusAxes = plus[(c - r) * S + c] + plus[(c + r) * S + c] + plus[c * S + c - r] + plus[c * S + c + r];
        double plusDiagonals = plus[(c - r) * S + c - r] + plus[(c - r) * S + c + r] + plus[(c + r) * S + c - r] + plus[(c + r) * S + c + r];
        double crossAxes = cross[(c - r) * S + c] + cross[(c + r) * S + c] + cross[c * S + c - r] + cross[c * S + c + r];
        double crossDiagonals = cross[(c - r) * S + c - r] + cross[(c - r) * S + c + r] + cross[(c + r) * S + c - r] + cross[(c + r) * S + c + r];
        assertTrue(plusAxes > 2 * plusDiagonals, "plus: axes " + plusAxes + ", diagonals " + plusDiagonals);
        assertTrue(crossDiagonals > 2 * crossAxes, "cross: diagonals " + crossDiagonals + ", axes " + crossAxes);
        double[] circle = mean[0];
        // the circle has radius 0.6 · scale 0.7-1: about 6 to 8 pixels from the centre at 28×28
        double rim = circle[(c - 7) * S + c] + circle[(c + 7) * S + c] + circle[c * S + c - 7] + circle[c * S + c + 7];
        assertTrue(rim > 4 * circle[c * S + c] && rim > 4 * circle[(c - 1) * S + c - 1],
                "circle: rim " + rim + ", centre " + circle[c * S + c]);
    }

    /**
     * Hard for k-means, but the classes are in the pixels: k-means on raw pixels stays far below 1
     * (measured 0.38: strokes a pixel or two wide, shifted by up to two pixels, rarely overlap), while a
     * 1-nearest-neighbour classifier on the same pixels, given labels, gets most of them (measured 0.86).
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
        assertTrue(acc > 0.25 && acc < 0.55, "k-means ACC " + acc);

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
        assertTrue(oneNn > 0.8 && oneNn > acc + 0.3, "1-NN accuracy " + oneNn + ", k-means ACC " + acc);
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
