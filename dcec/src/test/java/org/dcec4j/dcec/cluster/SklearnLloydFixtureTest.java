package org.dcec4j.dcec.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lloyd from given centres against scikit-learn 1.2's {@code KMeans(K, init=centres, n_init=1, algorithm="lloyd")}:
 * the runs written by docs/tools/make_kmeans_fixtures.py into src/test/resources/kmeans/sklearn_lloyd.txt (blobs,
 * uniform noise with tol = 0 and the default 1e-4, an iteration limit of 1 and 3, a cluster emptied by the start).
 * The same labels and iteration count, centres and inertia within rounding (scikit-learn forms distances as
 * ‖x‖² − 2x·μ + ‖μ‖² on centred data, we as Σ_d (x_d − μ_d)²).
 *
 * <p>Math: docs/math/kmeans-metrics.md#lloyd
 */
class SklearnLloydFixtureTest {
    private static final double RELATIVE = 1e-9;

    record LloydCase(String name, int N, int D, int K, double tol, int maxIterations, float[] x, double[] init,
                     int[] labels, double[] centres, double inertia, int iterations) {
    }

    @Test
    void fitFromMatchesScikitLearnLloyd() throws IOException {
        List<LloydCase> cases = readFixtures();
        assertTrue(cases.size() >= 6, "expected the six generated cases, got " + cases.size());
        for (LloydCase c : cases) {
            KMeansResult r = new KMeans(c.K()).withTolerance(c.tol()).withMaxIterations(c.maxIterations())
                    .fitFrom(c.x(), c.N(), c.D(), c.init());
            assertArrayEquals(c.labels(), r.labels(), c.name() + ": labels");
            assertEquals(c.iterations(), r.iterations(), c.name() + ": iterations");
            assertEquals(c.inertia(), r.inertia(), RELATIVE * c.inertia(), c.name() + ": inertia");
            double scale = 0;
            for (double v : c.centres()) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertArrayEquals(c.centres(), r.centres(), RELATIVE * scale, c.name() + ": centres");
        }
    }

    /** The plain reference Lloyd that the Hamerly run must equal reaches scikit-learn's answer too. */
    @Test
    void plainReferenceLloydMatchesScikitLearn() throws IOException {
        for (LloydCase c : readFixtures()) {
            double variance = meanVariance(c.x(), c.N(), c.D());
            KMeansRun run = new KMeansRun(c.x(), c.N(), c.D(), c.K(), 1, c.maxIterations(), c.tol() * variance);
            System.arraycopy(c.init(), 0, run.centres, 0, c.init().length);
            run.runPlain();
            assertArrayEquals(c.labels(), run.labels, c.name() + ": labels");
            assertEquals(c.iterations(), run.iterations, c.name() + ": iterations");
            assertEquals(c.inertia(), run.inertia, RELATIVE * c.inertia(), c.name() + ": inertia");
        }
    }

    /** mean_d Var(x_·d), population variance, as numpy's {@code np.var(X, axis=0).mean()}. */
    private static double meanVariance(float[] x, int N, int D) {
        double variance = 0;
        for (int d = 0; d < D; d++) {
            double mean = 0;
            for (int n = 0; n < N; n++) {
                mean += x[n * D + d];
            }
            mean /= N;
            for (int n = 0; n < N; n++) {
                double diff = x[n * D + d] - mean;
                variance += diff * diff;
            }
        }
        return variance / ((double) N * D);
    }

    static List<LloydCase> readFixtures() throws IOException {
        List<LloydCase> cases = new ArrayList<>();
        try (InputStream in = SklearnLloydFixtureTest.class.getResourceAsStream("/kmeans/sklearn_lloyd.txt")) {
            if (in == null) {
                throw new IOException("kmeans/sklearn_lloyd.txt: not on the test classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null;
            int N = 0, D = 0, K = 0, maxIterations = 0, iterations = 0;
            double tol = 0, inertia = 0;
            float[] x = null;
            double[] init = null, centres = null;
            int[] labels = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "case" -> name = f[1];
                    case "size" -> {
                        N = Integer.parseInt(f[1]);
                        D = Integer.parseInt(f[2]);
                        K = Integer.parseInt(f[3]);
                    }
                    case "run" -> {
                        tol = Double.parseDouble(f[1]);
                        maxIterations = Integer.parseInt(f[2]);
                    }
                    case "x" -> {
                        x = new float[f.length - 1];
                        for (int i = 1; i < f.length; i++) {
                            x[i - 1] = Float.parseFloat(f[i]);
                        }
                    }
                    case "init" -> init = doubles(f);
                    case "labels" -> {
                        labels = new int[f.length - 1];
                        for (int i = 1; i < f.length; i++) {
                            labels[i - 1] = Integer.parseInt(f[i]);
                        }
                    }
                    case "centres" -> centres = doubles(f);
                    case "inertia" -> inertia = Double.parseDouble(f[1]);
                    case "iterations" -> iterations = Integer.parseInt(f[1]);
                    case "end" -> {
                        if (x == null || x.length != N * D || init == null || init.length != K * D || labels == null
                                || labels.length != N || centres == null || centres.length != K * D) {
                            throw new IOException("kmeans/sklearn_lloyd.txt, case " + name
                                    + ": expected x[N·D], init[K·D], labels[N], centres[K·D] for size " + N + " " + D + " " + K);
                        }
                        cases.add(new LloydCase(name, N, D, K, tol, maxIterations, x, init, labels, centres, inertia,
                                iterations));
                    }
                    default -> throw new IOException("kmeans/sklearn_lloyd.txt: unexpected line '" + f[0] + " …'");
                }
            }
        }
        return cases;
    }

    /** float32 values (the shortest decimals of the file) widened to double, as the generator widened them. */
    private static double[] doubles(String[] f) {
        double[] out = new double[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            out[i - 1] = f[0].equals("init") ? Float.parseFloat(f[i]) : Double.parseDouble(f[i]);
        }
        return out;
    }
}
