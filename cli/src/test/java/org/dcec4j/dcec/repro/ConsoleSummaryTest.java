package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {
    static final String KILLED = """
            ==== dcec reproduce: attempt 1: dcec cluster --dataset usps --method dcec --out w
            dcec cluster: dcec on usps, 9298 images of 1x16x16, K=10, seed 0
            kernels: vector(256-bit, 2 threads) (auto: jdk.incubator.vector present), threads: 2
            """;
    static final String RESUMED = """
            ==== dcec reproduce: attempt 2: dcec cluster --dataset usps --method dcec --out w --resume
            dcec cluster: dcec on usps, 9298 images of 1x16x16, K=10, seed 0
            kernels: scalar, threads: 1

            summary
              ACC 0.7812  NMI 0.8012  ARI 0.7001
              clustering iterations: 2940 (converged: < tol labels changed)
              cluster sizes: [1, 2]
              cluster     1234.5 s
              kernels: scalar, threads: 1
              output: w
            """;

    @Test void readsTheLastAttemptsSummary() {
        ConsoleSummary s = ConsoleSummary.parse(KILLED + RESUMED);
        assertEquals(Map.of("cluster", 1234.5), s.seconds());
        assertNull(s.phase("kmeans"));
        assertEquals("scalar", s.kernels());
        assertEquals(1, s.threads());
        assertTrue(s.complete());
    }

    @Test void aKilledAttemptHasNoSummary() {
        ConsoleSummary s = ConsoleSummary.parse(RESUMED + KILLED);
        assertFalse(s.complete());
        assertTrue(s.seconds().isEmpty());
        assertEquals("vector(256-bit, 2 threads) (auto: jdk.incubator.vector present)", s.kernels());
        assertEquals(2, s.threads());
    }

    @Test void everyPhaseOfAPlainRun() {
        String train = "dcec train: dcec on shapes\nkernels: k, threads: 3\n\nsummary\n  ACC 0.5  NMI 0.5  ARI 0.5\n"
                + "  pretrain     112.0 s\n  kmeans         1.2 s\n  cluster      106.3 s\n  kernels: k, threads: 3\n  output: /x\n  report: /x/report.html\n";
        ConsoleSummary s = ConsoleSummary.parse(train);
        assertEquals(112.0, s.phase("pretrain"));
        assertEquals(1.2, s.phase("kmeans"));
        assertEquals(106.3, s.phase("cluster"));
        assertTrue(s.complete());
    }

    /**
     * Phase times and completeness come from the summary block only: lines shaped like a phase time or the output line
     * printed before it (an attempt killed before its summary) count for nothing, and a summary printed again in the
     * same attempt replaces the first one's times.
     */
    @Test void onlyTheSummaryBlockCounts() {
        String killed = "dcec train: dcec on shapes\nkernels: k, threads: 3\n  pretrain     99.0 s\n  output: /x\n";
        ConsoleSummary s = ConsoleSummary.parse(killed);
        assertTrue(s.seconds().isEmpty(), s.seconds().toString());
        assertFalse(s.complete());
        assertEquals("k", s.kernels());
        ConsoleSummary twice = ConsoleSummary.parse(killed + "summary\n  pretrain     12.0 s\n  kmeans    1.5 s\n"
                + "summary\n  cluster      7.0 s\n  output: /x\n");
        assertEquals(Map.of("cluster", 7.0), twice.seconds());
        assertTrue(twice.complete());
    }
}
