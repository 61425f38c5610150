package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AverageTimeResult;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.SingleShotResult;
import org.openjdk.jmh.results.ThroughputResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Report's median, spread and GFLOP/s against values worked out by hand, on JMH results built here (no benchmark
 * is run): an odd and an even number of iterations, iterations of several forks pooled, a time unit other than
 * milliseconds, and a throughput-mode run, whose scores are operations per time unit, not time per operation.
 */
class ReportTest {

    static BenchmarkParams params(String benchmark, Mode mode, TimeUnit unit, String... keyValues) {
        WorkloadParams wp = new WorkloadParams();
        for (int i = 0; i < keyValues.length; i += 2) wp.put(keyValues[i], keyValues[i + 1], i / 2);
        IterationParams warmup = new IterationParams(IterationType.WARMUP, 1, TimeValue.seconds(1), 1);
        IterationParams measurement = new IterationParams(IterationType.MEASUREMENT, 5, TimeValue.seconds(1), 1);
        return new BenchmarkParams("org.dcec4j.bench." + benchmark, "generated", false, 1, new int[] {1}, List.of(),
                1, 0, warmup, measurement, mode, wp, unit, 1, "java", List.of(), "17", "vm", "17", "1.37",
                TimeValue.minutes(10));
    }

    /** One fork's iterations, each one call of the given milliseconds, scored as the benchmark's mode scores it. */
    static BenchmarkResult fork(BenchmarkParams bp, double... millis) {
        List<IterationResult> its = new ArrayList<>();
        for (double ms : millis) {
            IterationResult ir = new IterationResult(bp, bp.getMeasurement(), new IterationResultMetaData(0, 1));
            long nanos = Math.round(ms * 1e6);
            Result<?> r;
            switch (bp.getMode()) {
                case AverageTime: r = new AverageTimeResult(ResultRole.PRIMARY, "x", 1, nanos, bp.getTimeUnit()); break;
                case Throughput: r = new ThroughputResult(ResultRole.PRIMARY, "x", 1, nanos, bp.getTimeUnit()); break;
                case SingleShotTime: r = new SingleShotResult(ResultRole.PRIMARY, "x", nanos, 1, bp.getTimeUnit()); break;
                default: throw new IllegalArgumentException(bp.getMode().toString());
            }
            ir.addResult(r);
            its.add(ir);
        }
        return new BenchmarkResult(bp, its);
    }

    static Report.Row row(BenchmarkParams bp, BenchmarkResult... forks) {
        List<Report.Row> rows = Report.rows(List.of(new RunResult(bp, List.of(forks))));
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    static final String[] CONV2_ALL = {"layer", "conv2", "pass", "all", "size", "28", "batch", "256", "impl", "vector", "threads", "1"};

    @Test
    void oddCountMedianIsTheMiddleIterationAndTheSpreadIsMinToMax() {
        BenchmarkParams bp = params("ConvBenchmark.pass", Mode.AverageTime, TimeUnit.MILLISECONDS, CONV2_ALL);
        Report.Row r = row(bp, fork(bp, 41.0, 38.535168, 45.0, 37.0, 38.0));
        assertEquals("ConvBenchmark.pass", r.name);
        assertEquals(38.535168, r.medianMs, 1e-9);   // sorted: 37, 38, 38.54, 41, 45
        assertEquals(37.0, r.minMs, 1e-9);
        assertEquals(45.0, r.maxMs, 1e-9);
        // conv2 at 28×28, batch 256, three passes: 3 · 2 · 256 · 2,508,800 MACs = 3,853,516,800 FLOP in 38.535168 ms
        assertEquals(100.0, r.gflops, 1e-6);
        assertEquals("batch=256 impl=vector layer=conv2 pass=all size=28 threads=1", r.params);   // JMH sorts the keys
    }

    @Test
    void evenCountMedianIsTheMeanOfTheTwoMiddleIterationsOverAllForks() {
        BenchmarkParams bp = params("TrainStepBenchmark.step", Mode.AverageTime, TimeUnit.MILLISECONDS,
                "size", "28", "batch", "256", "impl", "vector", "threads", "2", "arena", "true");
        // two forks of three: pooled and sorted 60, 62, 64, 66, 70, 90: median (64 + 66) / 2 = 65
        Report.Row r = row(bp, fork(bp, 90.0, 64.0, 60.0), fork(bp, 66.0, 62.0, 70.0));
        assertEquals(65.0, r.medianMs, 1e-9);
        assertEquals(60.0, r.minMs, 1e-9);
        assertEquals(90.0, r.maxMs, 1e-9);
        // the step at 28×28: 10,182,262,784 FLOP in 65 ms
        assertEquals(10_182_262_784.0 / 65e-3 / 1e9, r.gflops, 1e-9);
    }

    @Test
    void otherTimeUnitsAreConvertedToMilliseconds() {
        BenchmarkParams bp = params("AdamBenchmark.step", Mode.AverageTime, TimeUnit.MICROSECONDS,
                "n", "275979", "impl", "vector", "threads", "1");
        Report.Row r = row(bp, fork(bp, 0.150, 0.120, 0.200));     // scores 150, 120, 200 µs
        assertEquals(0.150, r.medianMs, 1e-12);
        assertEquals(0.120, r.minMs, 1e-12);
        assertEquals(0.200, r.maxMs, 1e-12);
        assertTrue(Double.isNaN(r.gflops), "Adam is not a multiply-add kernel: no GFLOP/s");
    }

    @Test
    void denseFlopsAreTwoBatchInOut() {
        BenchmarkParams bp = params("DenseBenchmark.pass", Mode.AverageTime, TimeUnit.MILLISECONDS,
                "layer", "decoder", "pass", "backwardWeight", "size", "16", "batch", "256", "impl", "vector", "threads", "1");
        Report.Row r = row(bp, fork(bp, 0.2621440));
        assertEquals(2.0 * 256 * 512 * 10 / 0.262144e-3 / 1e9, r.gflops, 1e-9);   // 2,621,440 FLOP in 0.262144 ms: 10 GFLOP/s
        assertEquals(10.0, r.gflops, 1e-9);
    }

    @Test
    void singleShotScoresAreTimesToo() {
        BenchmarkParams bp = params("ConvBenchmark.pass", Mode.SingleShotTime, TimeUnit.MILLISECONDS, CONV2_ALL);
        Report.Row r = row(bp, fork(bp, 40.0, 50.0, 45.0));
        assertEquals(45.0, r.medianMs, 1e-9);
    }

    /**
     * {@code -bm thrpt} scores are calls per time unit: read as milliseconds per call they turned a 2 ms call into
     * "0.5 ms" and its GFLOP/s up by the square of the error. Each iteration is turned into ms per call first.
     */
    @Test
    void throughputScoresAreInvertedIntoMillisecondsPerCall() {
        BenchmarkParams bp = params("ConvBenchmark.pass", Mode.Throughput, TimeUnit.SECONDS, CONV2_ALL);
        // iterations of 40, 50 and 38.535168 ms per call: scores 25, 20 and 25.95 calls per second
        Report.Row r = row(bp, fork(bp, 40.0, 50.0, 38.535168));
        assertEquals(40.0, r.medianMs, 1e-6);
        assertEquals(38.535168, r.minMs, 1e-6);
        assertEquals(50.0, r.maxMs, 1e-6);
        assertEquals(3_853_516_800.0 / 40e-3 / 1e9, r.gflops, 1e-6);
    }

    @Test
    void aRunWithoutMeasuredIterationsIsRefusedNotPrinted() {
        BenchmarkParams bp = params("ConvBenchmark.pass", Mode.AverageTime, TimeUnit.MILLISECONDS, CONV2_ALL);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Report.rows(List.of(new RunResult(bp, List.of()))));
        assertTrue(e.getMessage().contains("no measured iterations"), e.getMessage());
    }
}
