package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The performance guard: a quick forked JMH run (well under two minutes) of conv2 and deconv2,
 * forward + backward-input + backward-weight, scalar and vector on one thread, in the same run.
 * Fails unless vector is at least 3× faster than scalar on both. Only ratios are asserted: absolute
 * times depend on the machine and on whatever else shares it.
 *
 * <p>JMH's own output (banners, warm-up and measurement lines of the forked JVM) goes to
 * {@code target/jmh-speedup-guard.txt}, not into the build log; the table and the ratios are in the failure
 * message when the guard fails, and in {@code target/jmh-speedup-guard-summary.txt} either way.
 */
class SpeedupGuardTest {
    static final double MIN_SPEEDUP = 3.0;

    static final Path JMH_LOG = Path.of("target", "jmh-speedup-guard.txt");
    static final Path SUMMARY = Path.of("target", "jmh-speedup-guard-summary.txt");

    @Test
    void vectorIsAtLeastThreeTimesScalarOnConv2AndDeconv2() throws Exception {
        Files.createDirectories(JMH_LOG.getParent());
        Options opt = new OptionsBuilder()
                .output(JMH_LOG.toString())
                .include(ConvBenchmark.class.getName() + ".pass")
                .param("layer", "conv2", "deconv2")
                .param("pass", "all")
                .param("size", "28")
                .param("batch", "32")
                .param("impl", "scalar", "vector")
                .param("threads", "1")
                .forks(1)
                // explicit, so that the timed forks do not inherit this test JVM's flags (surefire's
                // -Ddcec4j.pool.chaos makes the worker pool yield at random); the benchmark's own @Fork flags still apply
                .jvmArgs("-Xms256m")
                .warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(4).measurementTime(TimeValue.milliseconds(500))
                .shouldFailOnError(true)
                .build();
        List<Report.Row> rows = Report.rows(new Runner(opt).run());
        String table = Report.table(rows);
        assertEquals(4, rows.size(), "expected 2 layers × 2 impls; JMH's output: " + JMH_LOG.toAbsolutePath());
        Map<String, Double> ms = new HashMap<>();
        for (Report.Row r : rows) ms.put(r.param("layer") + "/" + r.param("impl"), r.medianMs);
        StringBuilder summary = new StringBuilder();
        boolean ok = true;
        for (String layer : new String[] {"conv2", "deconv2"}) {
            double ratio = ms.get(layer + "/scalar") / ms.get(layer + "/vector");
            summary.append(String.format("%s forward+backward: vector is %.1f× scalar (need ≥ %.1f×)%n", layer, ratio, MIN_SPEEDUP));
            ok &= ratio >= MIN_SPEEDUP;
        }
        Files.writeString(SUMMARY, table + summary);
        assertTrue(ok, table + summary + "JMH's output: " + JMH_LOG.toAbsolutePath());
    }
}
