package org.dcec4j.dcec.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** k-means against brute force, against its plain reference Lloyd, and on the worked examples of the docs. */
class KMeansTest {

    /** docs/math/kmeans-metrics.md#lloyd: 1-D points 0, 2, 10, 12, 13 from centres 0 and 2. */
    @Test
    void workedExampleLloyd() {
        float[] x = {0, 2, 10, 12, 13};
        KMeansResult r = new KMeans(2).withTolerance(0).fitFrom(x, 5, 1, new double[] {0, 2});
        // iteration 1: {0} | {2, 10, 12, 13} → μ = 0, 9.25; iteration 2: {0, 2} | {10, 12, 13} → μ = 1, 35/3;
        // iteration 3: labels unchanged → converged
        assertArrayEquals(new double[] {1, 35.0 / 3}, r.centres(), 1e-12);
        assertArrayEquals(new int[] {0, 0, 1, 1, 1}, r.labels());
        assertEquals(3, r.iterations());
        // inertia = 1 + 1 + (25 + 1 + 16)/9 = 20/3
        assertEquals(20.0 / 3, r.inertia(), 1e-12);
    }

    /**
     * docs/math/kmeans-metrics.md#kmeans-plus-plus: with the first centre at 0, the second is drawn with
     * probability D²/Σ D² = (0, 4, 100, 144, 169)/417. Over many seeds, the pair (first, second) must occur
     * with frequency 1/5 · D²(second | first) / Σ D².
     */
    @Test
    void plainKMeansPlusPlusDrawsInProportionToSquaredDistance() {
        float[] x = {0, 2, 10, 12, 13};
        int draws = 40_000;
        int[][] seen = seededPairs(new KMeansRun(x, 5, 1, 2, 1, 1, 0), x, draws);
        for (int a = 0; a < 5; a++) {
            double total = 0;
            for (int b = 0; b < 5; b++) {
                total += sq(x[b] - x[a]);
            }
            for (int b = 0; b < 5; b++) {
                double p = 0.2 * sq(x[b] - x[a]) / total;
                double sigma = Math.sqrt(draws * p * (1 - p));
                assertEquals(draws * p, seen[a][b], 5 * sigma + 1e-9, "first " + x[a] + ", second " + x[b]);
            }
        }
        // the doc's numbers: first centre 0 → P(second = 13) = 169/417
        assertEquals(169.0 / 417, sq(13) / (sq(2) + sq(10) + sq(12) + sq(13)), 1e-15);
    }

    /** How often k-means++ on 1-D points x, seeded 0..draws−1, chose each (first, second) pair of centres, by index. */
    private static int[][] seededPairs(KMeansRun run, float[] x, int draws) {
        int[][] seen = new int[x.length][x.length];
        for (int s = 0; s < draws; s++) {
            run.seedPlusPlus(new SplittableRandom(s));
            seen[index(x, run.centres[0])][index(x, run.centres[1])]++;
        }
        return seen;
    }

    /**
     * scikit-learn's greedy k-means++ on the same points with two candidates per centre: both are drawn with probability
     * D²/Σ D² and the one leaving the lower potential Σ_n min(D²(x_n, μ_0), D²(x_n, c)) is kept (the first on a tie). The
     * oracle sums the probability of every ordered pair of candidates by hand; with the first centre at 0 the potentials
     * are 285, 17, 9, 14 for candidates 2, 10, 12, 13, so 12 is the second centre unless neither draw is 12: 1 − (273/417)²
     * = 0.571, where plain k-means++ (one candidate) gives 144/417 = 0.345 and keeping the worse candidate 0.119.
     */
    @Test
    void greedyKMeansPlusPlusKeepsTheCandidateOfLeastPotential() {
        float[] x = {0, 2, 10, 12, 13};
        int trials = 2;
        int draws = 40_000;
        int[][] seen = seededPairs(new KMeansRun(x, 5, 1, 2, trials, 1, 0), x, draws);
        for (int a = 0; a < 5; a++) {
            double total = 0;
            double[] potential = new double[5];
            for (int b = 0; b < 5; b++) {
                total += sq(x[b] - x[a]);
                for (int n = 0; n < 5; n++) {
                    potential[b] += Math.min(sq(x[n] - x[a]), sq(x[n] - x[b]));
                }
            }
            double[] p = new double[5];
            for (int c1 = 0; c1 < 5; c1++) {
                for (int c2 = 0; c2 < 5; c2++) {
                    int kept = potential[c2] < potential[c1] ? c2 : c1;
                    p[kept] += 0.2 * (sq(x[c1] - x[a]) / total) * (sq(x[c2] - x[a]) / total);
                }
            }
            if (a == 0) {
                assertEquals(0.2 * (1 - sq(273.0 / 417)), p[3], 1e-15, "the hand-computed P(0, 12)");
            }
            for (int b = 0; b < 5; b++) {
                double sigma = Math.sqrt(draws * p[b] * (1 - p[b]));
                assertEquals(draws * p[b], seen[a][b], 5 * sigma + 1e-9, "first " + x[a] + ", second " + x[b]);
            }
        }
    }

    /**
     * scikit-learn's candidates per k-means++ centre, 2 + int(np.log(K)) (natural log), by hand at the steps of ⌊ln K⌋:
     * ln 2 = 0.69, ln 3 = 1.10, ln 7 = 1.95, ln 8 = 2.08, ln 20 = 3.00, ln 21 = 3.04, ln 54 = 3.99, ln 55 = 4.01.
     */
    @Test
    void defaultCandidatesPerCentreAreScikitLearns() {
        int[][] kAndTrials = {{1, 2}, {2, 2}, {3, 3}, {7, 3}, {8, 4}, {10, 4}, {20, 4}, {21, 5}, {54, 5}, {55, 6}};
        for (int[] c : kAndTrials) {
            assertEquals(c[1], KMeans.defaultLocalTrials(c[0]), "K = " + c[0]);
            assertEquals(c[1], new KMeans(c[0]).localTrials(), "K = " + c[0]);
        }
    }

    @Test
    void labelsAreNearestCentresAndInertiaIsTheirSum() {
        for (long seed = 1; seed <= 4; seed++) {
            int N = 400 + 37 * (int) seed;
            int D = 1 + (int) seed * 2;
            int K = 2 + (int) seed;
            float[] x = Blobs.gaussian(null, seed, N, D, K + 1, 0.8);
            KMeansResult r = new KMeans(K).withRestarts(3).withSeed(seed).withThreads(1).fit(x, N, D);
            double inertia = 0;
            for (int n = 0; n < N; n++) {
                double[] d2 = new double[K];
                double min = Double.POSITIVE_INFINITY;
                for (int k = 0; k < K; k++) {
                    for (int d = 0; d < D; d++) {
                        d2[k] += sq(x[n * D + d] - r.centres()[k * D + d]);
                    }
                    min = Math.min(min, d2[k]);
                }
                assertEquals(min, d2[r.labels()[n]], 0.0, "point " + n + " is not at its nearest centre");
                inertia += min;
            }
            assertEquals(inertia, r.inertia(), 1e-9 * inertia);
        }
    }

    @Test
    void centresAreTheMeansOfTheirPointsAfterConvergence() {
        float[] x = Blobs.gaussian(null, 9, 600, 3, 4, 6.0);
        KMeansResult r = new KMeans(4).withTolerance(0).withRestarts(2).withSeed(3).fit(x, 600, 3);
        double[] sum = new double[4 * 3];
        int[] count = new int[4];
        for (int n = 0; n < 600; n++) {
            count[r.labels()[n]]++;
            for (int d = 0; d < 3; d++) {
                sum[r.labels()[n] * 3 + d] += x[n * 3 + d];
            }
        }
        for (int k = 0; k < 4; k++) {
            for (int d = 0; d < 3; d++) {
                assertEquals(sum[k * 3 + d] / count[k], r.centres()[k * 3 + d], 1e-9);
            }
        }
    }

    /**
     * A far point that joins a cluster and leaves it again must not leave its rounding behind in the cluster's sum. 1-D
     * points 0, 1, 10, 11, V = 1e17f from centres 0, 12, −1e17: the first E-step gives {0, 1} | {10, 11, V} | {}; the
     * empty third cluster takes V (the farthest point of a cluster that keeps another). In double 10 + 11 + V rounds to
     * V + 16 (the spacing of doubles near 1e17 is 16), so a sum kept up to date by adding and subtracting points held
     * 16 after V left, and the run converged with μ_1 = 8 instead of (10 + 11)/2 = 10.5 (inertia 13.5 instead of 1).
     * Expected by hand: μ = (0.5, 10.5, V), inertia 4 · 0.25 = 1, for the plain reference Lloyd and Hamerly's alike.
     */
    @Test
    void centresAreExactMeansAfterAFarPointLeavesACluster() {
        float far = 1e17f;
        float[] x = {0, 1, 10, 11, far};
        double[] start = {0, 12, -1e17};
        KMeansResult r = new KMeans(3).withTolerance(0).fitFrom(x, 5, 1, start);
        assertArrayEquals(new double[] {0.5, 10.5, far}, r.centres(), 0.0);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, r.labels());
        assertEquals(1.0, r.inertia(), 0.0);
        for (boolean hamerly : new boolean[] {false, true}) {
            KMeansRun run = new KMeansRun(x, 5, 1, 3, 1, 300, 0);
            System.arraycopy(start, 0, run.centres, 0, 3);
            if (hamerly) {
                run.runHamerly();
            } else {
                run.runPlain();
            }
            assertArrayEquals(new double[] {0.5, 10.5, far}, run.centres, 0.0, hamerly ? "Hamerly" : "plain");
            assertEquals(1.0, run.inertia, 0.0, hamerly ? "Hamerly" : "plain");
        }
    }

    /** Hamerly's bounds must reproduce the plain reference's iterates exactly (random data has no ties). */
    @Test
    void hamerlyMatchesPlainLloydBitForBit() {
        for (long seed = 1; seed <= 5; seed++) {
            int N = 1500;
            int D = (int) seed + 1;
            int K = 3 + 2 * (int) seed;
            float[] x = seed % 2 == 0 ? Blobs.uniform(seed, N, D) : Blobs.gaussian(null, seed, N, D, 6, 1.0);
            KMeansRun plain = new KMeansRun(x, N, D, K, 3, 300, 1e-6);
            KMeansRun hamerly = new KMeansRun(x, N, D, K, 3, 300, 1e-6);
            plain.seedPlusPlus(new SplittableRandom(seed));
            hamerly.seedPlusPlus(new SplittableRandom(seed));
            assertArrayEquals(plain.centres, hamerly.centres, 0.0, "same seeding");
            plain.runPlain();
            hamerly.runHamerly();
            assertTrue(plain.iterations > 3, "a run long enough to exercise the bounds");
            assertEquals(plain.iterations, hamerly.iterations, "seed " + seed);
            assertArrayEquals(plain.labels, hamerly.labels, "seed " + seed);
            assertArrayEquals(plain.centres, hamerly.centres, 0.0, "seed " + seed);
            assertEquals(plain.inertia, hamerly.inertia, 0.0);
        }
    }

    @Test
    void sameResultForAnyThreadCount() {
        float[] x = Blobs.uniform(5, 3000, 4);
        KMeansResult one = new KMeans(7).withRestarts(9).withSeed(11).withThreads(1).fit(x, 3000, 4);
        for (int threads : new int[] {2, 3}) {
            KMeansResult many = new KMeans(7).withRestarts(9).withSeed(11).withThreads(threads).fit(x, 3000, 4);
            assertArrayEquals(one.centres(), many.centres(), 0.0, threads + " threads");
            assertArrayEquals(one.labels(), many.labels(), threads + " threads");
            assertEquals(one.inertia(), many.inertia(), 0.0);
            assertEquals(one.restart(), many.restart());
            assertEquals(one.iterations(), many.iterations());
        }
    }

    /**
     * A fit is its restarts run one by one: restart r seeds k-means++ with the r-th long of a SplittableRandom on the
     * master seed, runs Lloyd, and the lowest inertia wins (the lowest r on a tie). The fit, on one thread and on three,
     * must return the winner's centres to the bit, its iteration count and its index, which here is not 0.
     */
    @Test
    void aFitKeepsTheBestOfItsRestartsRunOneByOne() {
        int N = 800, D = 2, K = 7, restarts = 8;
        long seed = 5;
        float[] x = Blobs.uniform(3, N, D);
        SplittableRandom master = new SplittableRandom(seed);
        int best = -1;
        double bestInertia = Double.POSITIVE_INFINITY;
        double[] bestCentres = null;
        int bestIterations = -1;
        java.util.Set<Double> inertias = new java.util.HashSet<>();
        for (int r = 0; r < restarts; r++) {
            KMeansRun run = new KMeansRun(x, N, D, K, KMeans.defaultLocalTrials(K), KMeans.DEFAULT_MAX_ITERATIONS, 0);
            run.seedPlusPlus(new SplittableRandom(master.nextLong()));
            run.runPlain();
            inertias.add(run.inertia);
            if (run.inertia < bestInertia) {
                best = r;
                bestInertia = run.inertia;
                bestCentres = run.centres.clone();
                bestIterations = run.iterations;
            }
        }
        assertTrue(best > 0 && inertias.size() > 2, "the case needs restarts that differ and a winner after the first: restart "
                + best + " of " + inertias.size() + " distinct inertias");
        for (int threads : new int[] {1, 3}) {
            KMeansResult r = new KMeans(K).withRestarts(restarts).withSeed(seed).withTolerance(0).withThreads(threads).fit(x, N, D);
            assertEquals(best, r.restart(), threads + " threads");
            assertArrayEquals(bestCentres, r.centres(), 0.0, threads + " threads");
            assertEquals(bestIterations, r.iterations(), threads + " threads");
            assertEquals(bestInertia, r.inertia(), 1e-9 * bestInertia, threads + " threads");
        }
    }

    @Test
    void moreRestartsNeverRaiseTheInertia() {
        float[] x = Blobs.uniform(8, 2000, 3);
        double previous = Double.POSITIVE_INFINITY;
        for (int restarts = 1; restarts <= 8; restarts *= 2) {
            // the first restarts use the same seeds whatever the total, so the best can only improve
            double inertia = new KMeans(6).withRestarts(restarts).withSeed(4).fit(x, 2000, 3).inertia();
            assertTrue(inertia <= previous, restarts + " restarts: " + inertia + " > " + previous);
            previous = inertia;
        }
    }

    @Test
    void emptyClusterTakesTheFarthestPoint() {
        // start with a centre far from every point: it is empty after the first E-step and must be
        // re-seeded at the point farthest from its centre, 100 (distance 98.5 from μ = 1.5)
        float[] x = {0, 1, 2, 3, 100};
        KMeansResult r = new KMeans(2).withTolerance(0).fitFrom(x, 5, 1, new double[] {1.5, -1000});
        assertArrayEquals(new double[] {1.5, 100}, r.centres(), 1e-12);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1}, r.labels());
    }

    /**
     * An empty cluster never takes the only point of a singleton cluster (that would empty it), checked against a
     * hand-run Lloyd: from centres 1, 30, −1000 the first E-step gives {0, 1, 2} | {50} | {}; the farthest point of a
     * cluster that keeps another point is 0 (distance² 1 from μ = 1, tied with 2, lowest index wins; 50 is farther,
     * 400, but alone), so μ = (1 + 2)/2 = 1.5, 50, 0 and the next E-step changes nothing.
     */
    @Test
    void relocationNeverTakesTheOnlyPointOfASingleton() {
        float[] x = {0, 1, 2, 50};
        KMeansResult r = new KMeans(3).withTolerance(0).fitFrom(x, 4, 1, new double[] {1, 30, -1000});
        assertArrayEquals(new double[] {1.5, 50, 0}, r.centres(), 1e-12);
        assertArrayEquals(new int[] {2, 0, 0, 1}, r.labels());
        // inertia = 0.25 + 0.25 (points 1, 2 around 1.5) + 0 + 0
        assertEquals(0.5, r.inertia(), 1e-12);
    }

    /**
     * The tolerance is relative to mean_d Var(x_·d), as scikit-learn's: data scaled by 2⁻¹⁰ (exact in float, and every
     * distance then scales by an exact power of two) runs the same iterations to the same labels, and a run equals a
     * {@link KMeansRun} given the absolute tolerance tol · variance computed by hand.
     */
    @Test
    void toleranceIsRelativeToTheDataVariance() {
        int N = 600, D = 3, K = 6;
        float[] x = new float[N * D], scaled = new float[N * D];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
            scaled[i] = x[i] / 1024f;
            assertEquals(x[i], scaled[i] * 1024f, 0f, "exact scaling");
        }
        int strict = new KMeans(K).withRestarts(1).withSeed(3).withTolerance(0).withThreads(1).fit(x, N, D).iterations();
        for (double tol : new double[] {1e-2, 1e-3}) {
            KMeansResult a = new KMeans(K).withRestarts(1).withSeed(3).withTolerance(tol).withThreads(1).fit(x, N, D);
            KMeansResult b = new KMeans(K).withRestarts(1).withSeed(3).withTolerance(tol).withThreads(1).fit(scaled, N, D);
            assertTrue(a.iterations() < strict, "tol " + tol + " stops the run early (" + a.iterations() + " of " + strict + ")");
            assertEquals(a.iterations(), b.iterations(), "tol " + tol);
            assertArrayEquals(a.labels(), b.labels(), "tol " + tol);
            for (int i = 0; i < a.centres().length; i++) assertEquals(a.centres()[i] / 1024, b.centres()[i], 0.0, "tol " + tol);
        }
        // the oracle: mean_d Var(x_·d) by hand (two passes, population variance), the run given tol · variance
        double[] mean = new double[D];
        for (int n = 0; n < N; n++) for (int d = 0; d < D; d++) mean[d] += x[n * D + d] / (double) N;
        double variance = 0;
        for (int n = 0; n < N; n++) for (int d = 0; d < D; d++) variance += sq(x[n * D + d] - mean[d]) / ((double) N * D);
        double[] start = new double[K * D];
        for (int i = 0; i < start.length; i++) start[i] = x[i];       // the first K points
        for (double tol : new double[] {1e-2, 1e-3}) {
            KMeansResult r = new KMeans(K).withTolerance(tol).fitFrom(x, N, D, start);
            KMeansRun run = new KMeansRun(x, N, D, K, 1, KMeans.DEFAULT_MAX_ITERATIONS, tol * variance);
            System.arraycopy(start, 0, run.centres, 0, start.length);
            run.runHamerly();
            assertEquals(run.iterations, r.iterations(), "tol " + tol);
            assertArrayEquals(run.centres, r.centres(), 1e-12, "tol " + tol);
        }
    }

    /**
     * Equal inertia goes to the lowest restart, on any thread count: two tight groups far apart reach inertia 0 from
     * every k-means++ seeding (the second centre is always drawn from the other group), so restart 0 must win.
     */
    @Test
    void equalInertiaKeepsTheFirstRestart() {
        float[] x = {0, 0, 0, 10, 10, 10};
        for (int threads : new int[] {1, 3}) {
            KMeansResult r = new KMeans(2).withRestarts(6).withSeed(1).withThreads(threads).fit(x, 6, 1);
            assertEquals(0.0, r.inertia(), 0.0, threads + " threads");
            assertEquals(0, r.restart(), threads + " threads");
        }
    }

    @Test
    void fewerDistinctPointsThanClustersStillTerminates() {
        float[] x = {1, 1, 1, 1, 5, 5};
        KMeansResult r = new KMeans(4).withRestarts(3).withSeed(2).fit(x, 6, 1);
        assertEquals(0.0, r.inertia(), 0.0);
        for (int n = 0; n < 6; n++) {
            assertEquals(x[n], r.centres()[r.labels()[n]], 0.0);
        }
    }

    /**
     * {@link KMeans#assign} gives a point equidistant from several centres the lowest of them, by hand: 1-D centres
     * μ = 0, 2, 2, 0 (two pairs of equal centres) and points −1, 0, 1, 2, 3. −1 and 0 are nearest to μ_0 = μ_3, 2 and 3 to
     * μ_1 = μ_2, and 1 is at distance 1 from all four; inertia 1 + 0 + 1 + 0 + 1 = 3. A fit on data with fewer distinct
     * points than clusters keeps equal centres, and its labels follow the same rule.
     */
    @Test
    void tiesGoToTheLowestCentre() {
        int[] labels = new int[5];
        double inertia = KMeans.assign(labels, new float[] {-1, 0, 1, 2, 3}, 5, 1, new double[] {0, 2, 2, 0}, 4);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, labels);
        assertEquals(3.0, inertia, 0.0);
        float[] x = {1, 1, 1, 1, 5, 5};
        KMeansResult r = new KMeans(4).withRestarts(3).withSeed(2).fit(x, 6, 1);
        boolean equalCentres = false;
        for (int n = 0; n < 6; n++) {
            int lowest = -1;
            for (int k = 0; k < 4; k++) {
                if (r.centres()[k] == x[n]) {
                    if (lowest < 0) {
                        lowest = k;
                    } else {
                        equalCentres = true;
                    }
                }
            }
            assertEquals(lowest, r.labels()[n], "point " + n + " at " + x[n] + ", centres " + java.util.Arrays.toString(r.centres()));
        }
        assertTrue(equalCentres, "the fit must leave two centres equal: " + java.util.Arrays.toString(r.centres()));
    }

    /**
     * Lloyd's E-step gives a point equidistant from two centres the lower one, by hand, with the tie at each place the
     * distances are compared (the first of a pair of centres, the second, the odd last one): from μ = 1, 3 the point 2
     * joins μ_0, so μ = (0 + 2)/2 = 1 and 4 (the other choice gives 0 and 3, also a fixed point); the same tie between μ_0
     * and μ_2 with K = 3 and K = 4. Inertia 1 + 1 = 2 in each. The plain reference Lloyd and Hamerly's alike.
     */
    @Test
    void lloydBreaksDistanceTiesTowardTheLowerCentre() {
        float[][] xs = {{0, 2, 4}, {0, 2, 4, 10}, {0, 2, 4, 10, 20}};
        double[][] starts = {{1, 3}, {1, 10, 3}, {1, 10, 3, 20}};
        double[][] centres = {{1, 4}, {1, 10, 4}, {1, 10, 4, 20}};
        int[][] labels = {{0, 0, 1}, {0, 0, 2, 1}, {0, 0, 2, 1, 3}};
        for (int c = 0; c < xs.length; c++) {
            int N = xs[c].length;
            int K = starts[c].length;
            KMeansResult r = new KMeans(K).withTolerance(0).fitFrom(xs[c], N, 1, starts[c]);
            assertArrayEquals(centres[c], r.centres(), 0.0, "K = " + K);
            assertArrayEquals(labels[c], r.labels(), "K = " + K);
            assertEquals(2.0, r.inertia(), 0.0, "K = " + K);
            KMeansRun plain = new KMeansRun(xs[c], N, 1, K, 1, 300, 0);
            System.arraycopy(starts[c], 0, plain.centres, 0, K);
            plain.runPlain();
            assertArrayEquals(centres[c], plain.centres, 0.0, "plain, K = " + K);
            assertArrayEquals(labels[c], plain.labels, "plain, K = " + K);
        }
    }

    @Test
    void badInputIsRejected() {
        float[] x = {0, 1, 2, 3};
        assertThrows(IllegalArgumentException.class, () -> new KMeans(0));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> new KMeans(5).fit(x, 4, 1));
        assertTrue(tooMany.getMessage().contains("K = 5") && tooMany.getMessage().contains("N = 4"),
                tooMany.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new KMeans(1).fit(new float[] {0, 1, Float.NaN, 3}, 2, 2));
        assertTrue(nan.getMessage().contains("n = 1, d = 0") && nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KMeans(1).fit(x, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(2).withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(2).withRestarts(0));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(2).withTolerance(-1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(2).fitFrom(x, 4, 1, new double[3]));
    }

    /**
     * Starting centres and the arguments of {@link KMeans#assign} are checked like the points of a fit: a NaN or infinite
     * value is named, not absorbed (before, fitFrom from a NaN centre re-seeded it as an empty cluster and returned a
     * result, and assign gave a NaN point label 0 and an infinite inertia, a NaN centre was silently never nearest).
     */
    @Test
    void nonFiniteCentresAndPointsAreNamedNotAbsorbed() {
        float[] x = {0, 1, 2, 3};
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new KMeans(2).fitFrom(x, 4, 1, new double[] {1, bad}));
            assertTrue(e.getMessage().contains("k = 1, d = 0") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> KMeans.assign(new int[4], x, 4, 1, new double[] {bad, 1}, 2));
            assertTrue(e.getMessage().contains("k = 0, d = 0") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> KMeans.assign(new int[2], new float[] {0, 1, (float) bad, 3}, 2, 2, new double[] {0, 0}, 1));
            assertTrue(e.getMessage().contains("n = 1, d = 0") && e.getMessage().contains(String.valueOf((float) bad)), e.getMessage());
        }
    }

    private static int index(float[] x, double value) {
        for (int n = 0; n < x.length; n++) {
            if (x[n] == value) {
                return n;
            }
        }
        throw new AssertionError("not a data point: " + value);
    }

    private static double sq(double v) {
        return v * v;
    }

    /**
     * A cancelled {@link org.dcec4j.dcec.Cancellation} ends the fit with its own CancellationException (its reason, and
     * how many restarts had finished), on one thread and on several, without touching the thread's interrupt flag;
     * an uncancelled handle changes no bit of the result.
     */
    @Test
    void aCancellationEndsTheFitWithItsOwnException() {
        int N = 20_000, D = 8;
        float[] x = Blobs.uniform(5, N, D);
        for (int threads : new int[] {1, 2}) {
            org.dcec4j.dcec.Cancellation c = new org.dcec4j.dcec.Cancellation();
            c.cancel("stopped by the test");
            KMeans km = new KMeans(10).withRestarts(8).withThreads(threads).withSeed(1);
            java.util.concurrent.CancellationException e = assertThrows(java.util.concurrent.CancellationException.class,
                    () -> km.fit(x, N, D, c));
            assertEquals("stopped by the test (k-means, 0 of 8 restarts done)", e.getMessage());
            assertFalse(Thread.currentThread().isInterrupted());
        }
        KMeans km = new KMeans(7).withRestarts(5).withThreads(2).withSeed(3);
        KMeansResult a = km.fit(x, N, D), b = km.fit(x, N, D, new org.dcec4j.dcec.Cancellation());
        assertArrayEquals(a.centres(), b.centres());      // bits: a delta of 0 takes +0 and −0 for equal
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(a.inertia(), b.inertia(), 0.0);
        assertEquals(a.restart(), b.restart());
    }

    /**
     * A restart asks its stop check before each k-means++ centre after the first and before each Lloyd iteration, and
     * ends at the first true: a cancelled fit does not wait for the restart under way (seconds on raw pixels).
     */
    @Test
    void aRunEndsAtTheFirstStepAfterItsStopCheckSaysSo() {
        int N = 1500, D = 3, K = 9;
        float[] x = Blobs.uniform(2, N, D);
        KMeansRun whole = new KMeansRun(x, N, D, K, 3, 300, 0);
        int[] asked = {0};
        whole.stop = () -> ++asked[0] < 0;
        whole.seedPlusPlus(new SplittableRandom(4));
        assertEquals(K - 1, asked[0], "one check per k-means++ centre after the first");
        whole.runHamerly();
        assertTrue(whole.iterations > 3, "a run long enough to be cut: " + whole.iterations);
        assertEquals(K - 1 + whole.iterations, asked[0], "one check per Lloyd iteration");
        KMeansRun cut = new KMeansRun(x, N, D, K, 3, 300, 0);
        int[] cutAsked = {0};
        cut.stop = () -> ++cutAsked[0] > K - 1 + 2;      // true from the third Lloyd iteration on
        cut.seedPlusPlus(new SplittableRandom(4));
        cut.runHamerly();
        assertEquals(K - 1 + 3, cutAsked[0], "no iteration after the check said stop");
        int[] seedingAsked = {0};
        cut.stop = () -> ++seedingAsked[0] > 2;         // true at the third centre
        cut.seedPlusPlus(new SplittableRandom(4));
        assertEquals(3, seedingAsked[0], "no k-means++ step after the check said stop");
    }

    /**
     * An interrupt while the restarts run on several threads: the call waits for every restart thread, then ends as a
     * cancellation (the library's documented type, not an IllegalStateException) with the interrupt flag set again, whose
     * message says how many restarts had finished, as a cancel's does.
     */
    @Test
    void anInterruptEndsAThreadedFitAsACancellation() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        int N = 20_000, D = 8;
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        Thread.currentThread().interrupt();
        try {
            java.util.concurrent.CancellationException e = assertThrows(java.util.concurrent.CancellationException.class,
                    () -> new KMeans(10).withRestarts(8).withThreads(2).withSeed(1).fit(x, N, D));
            assertTrue(e.getMessage().matches("interrupted \\(k-means, \\d+ of 8 restarts done\\)"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        // no restart thread outlives the call
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("kmeans-") && t.isAlive()));
    }

    /**
     * A restart thread that cannot start (the JVM's OutOfMemoryError "unable to create native thread", here from the
     * factory) ends the call with that error, and the threads already started have ended by then: they stop before their
     * next restart and are waited for. Before, the first thread went on with all 400 restarts after the call had failed.
     */
    @Test
    void aThreadThatCannotStartEndsTheCallAndNoStartedThreadOutlivesIt() {
        SplittableRandom rng = new SplittableRandom(6);
        int N = 20_000, D = 8;
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        java.util.List<Thread> made = new java.util.ArrayList<>();
        java.util.concurrent.ThreadFactory second = r -> {
            if (made.size() == 1) throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            Thread t = new Thread(r);
            made.add(t);
            return t;
        };
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class,
                () -> new KMeans(10).withRestarts(400).withThreads(4).withSeed(2).fit(x, N, D, second));
        assertTrue(e.getMessage().startsWith("unable to create native thread"), e.getMessage());
        assertEquals(1, made.size());
        assertTrue(!made.get(0).isAlive(), "the started restart thread is still running after the call failed");
        // and the same k-means with threads that start gives the result of one thread
        KMeansResult ok = new KMeans(10).withRestarts(3).withThreads(3).withSeed(2).fit(x, N, D, Thread::new);
        KMeansResult one = new KMeans(10).withRestarts(3).withThreads(1).withSeed(2).fit(x, N, D);
        assertArrayEquals(one.centres(), ok.centres());   // bits, as above
    }
}
