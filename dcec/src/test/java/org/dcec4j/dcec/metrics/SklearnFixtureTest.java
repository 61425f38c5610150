package org.dcec4j.dcec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ACC, MI, NMI (four normalisations) and ARI against scikit-learn 1.2 / scipy values written by
 * docs/tools/make_metric_fixtures.py into src/test/resources/metrics/sklearn_metrics.txt.
 */
class SklearnFixtureTest {
    private static final double TOLERANCE = 1e-12;

    record FixtureCase(String name, int[] truth, int[] pred, Map<String, Double> expected) {
    }

    @Test
    void everyMetricMatchesScikitLearn() throws IOException {
        List<FixtureCase> cases = readFixtures();
        assertTrue(cases.size() >= 30, "expected a few dozen fixture cases, got " + cases.size());
        for (FixtureCase c : cases) {
            Contingency table = Metrics.contingency(c.truth(), c.pred());
            Map<String, Double> actual = new LinkedHashMap<>();
            actual.put("acc", Metrics.acc(c.truth(), c.pred()));
            actual.put("mi", Metrics.mutualInformation(table));
            actual.put("nmi_arithmetic", Metrics.nmi(c.truth(), c.pred(), NmiAverage.ARITHMETIC));
            actual.put("nmi_geometric", Metrics.nmi(table, NmiAverage.GEOMETRIC));
            actual.put("nmi_min", Metrics.nmi(table, NmiAverage.MIN));
            actual.put("nmi_max", Metrics.nmi(table, NmiAverage.MAX));
            actual.put("ari", Metrics.ari(c.truth(), c.pred()));
            assertEquals(actual.keySet(), c.expected().keySet(), c.name() + ": metric names");
            for (Map.Entry<String, Double> e : c.expected().entrySet()) {
                assertEquals(e.getValue(), actual.get(e.getKey()), TOLERANCE, c.name() + ": " + e.getKey());
            }
        }
    }

    @Test
    void defaultNmiIsArithmetic() throws IOException {
        for (FixtureCase c : readFixtures()) {
            assertEquals(c.expected().get("nmi_arithmetic"), Metrics.nmi(c.truth(), c.pred()), TOLERANCE, c.name());
        }
    }

    private static List<FixtureCase> cached;

    /** The fixture's cases, read (and the large labelings regenerated: a million labels) once per test class. */
    static synchronized List<FixtureCase> readFixtures() throws IOException {
        if (cached == null) {
            cached = List.copyOf(parseFixtures());
        }
        return cached;
    }

    private static List<FixtureCase> parseFixtures() throws IOException {
        List<FixtureCase> cases = new ArrayList<>();
        try (InputStream in = SklearnFixtureTest.class.getResourceAsStream("/metrics/sklearn_metrics.txt")) {
            if (in == null) {
                throw new IOException("metrics/sklearn_metrics.txt: not on the test classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null;
            int[] truth = null;
            int[] pred = null;
            Map<String, Double> expected = null;
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "case" -> {
                        name = f[1];
                        truth = null;
                        pred = null;
                        expected = new LinkedHashMap<>();
                    }
                    case "truth" -> truth = f[1].equals("splitmix")
                            ? SplitMix.truth(Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]))
                            : ints(f);
                    case "pred" -> pred = f[1].equals("splitmix-noisy")
                            ? SplitMix.noisyPred(truth, Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]))
                            : ints(f);
                    case "end" -> cases.add(new FixtureCase(name, truth, pred, expected));
                    default -> {
                        if (expected == null || f.length != 2) {
                            throw new IOException("metrics/sklearn_metrics.txt line " + lineNo
                                    + ": expected '<metric> <value>' inside a case, got '" + line + "'");
                        }
                        expected.put(f[0], Double.parseDouble(f[1]));
                    }
                }
            }
        }
        return cases;
    }

    private static int[] ints(String[] fields) {
        int[] out = new int[fields.length - 1];
        for (int k = 1; k < fields.length; k++) {
            out[k - 1] = Integer.parseInt(fields[k]);
        }
        return out;
    }

    /** The label generator of make_metric_fixtures.py (SplitMix64), for the large cases. */
    static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            state = seed;
        }

        long next() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        int nextMod(int K) {
            return (int) Long.remainderUnsigned(next(), K);
        }

        static int[] truth(long seed, int N, int K) {
            SplitMix g = new SplitMix(seed);
            int[] out = new int[N];
            for (int n = 0; n < N; n++) {
                out[n] = g.nextMod(K);
            }
            return out;
        }

        static int[] noisyPred(int[] truth, long seed, int K, int perMille) {
            SplitMix g = new SplitMix(seed);
            long threshold = ((long) perMille << 53) / 1000;
            int[] out = new int[truth.length];
            for (int n = 0; n < truth.length; n++) {
                out[n] = (g.next() >>> 11) < threshold ? g.nextMod(K) : (7 * truth[n] + 3) % K;
            }
            return out;
        }
    }
}
