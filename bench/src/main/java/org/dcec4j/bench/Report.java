package org.dcec4j.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command-line options and prints one table: median time per call with the
 * spread (min–max over all measured iterations) and GFLOP/s = FLOPs / median, FLOPs = 2·MACs
 * ({@link Layers}). Every benchmark mode is reported as time per call: a throughput run's iterations (calls per
 * time unit) are inverted before the median is taken. Usage: {@code java -cp bench/target/benchmarks.jar org.dcec4j.bench.Report
 * [JMH options, e.g. 'ConvBenchmark' -p layer=conv2 -p impl=vector]}.
 */
public final class Report {

    /** One measured configuration. */
    public static final class Row {
        public final String name;
        public final String params;
        public final double medianMs, minMs, maxMs, gflops;
        public final BenchmarkParams bp;

        Row(String name, String params, double medianMs, double minMs, double maxMs, double gflops, BenchmarkParams bp) {
            this.name = name; this.params = params; this.medianMs = medianMs; this.minMs = minMs; this.maxMs = maxMs;
            this.gflops = gflops; this.bp = bp;
        }

        public String param(String key) { return bp.getParam(key); }
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        System.out.println();
        System.out.print(table(rows(results)));
    }

    public static List<Row> rows(Collection<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (RunResult rr : results) {
            BenchmarkParams bp = rr.getParams();
            String bench = bp.getBenchmark();
            String name = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            List<Double> ms = new ArrayList<>();
            double toMs = toMillis(bp.getTimeUnit());
            // a time-per-call mode scores time per call; Throughput (-bm thrpt) scores calls per time unit, so each
            // of its iterations is inverted first (the median of the inverses, not the inverse of a median of rates)
            boolean rate = bp.getMode() == Mode.Throughput;
            for (var br : rr.getBenchmarkResults())
                for (IterationResult ir : br.getIterationResults()) {
                    double score = ir.getPrimaryResult().getScore();
                    ms.add(rate ? toMs / score : score * toMs);
                }
            if (ms.isEmpty()) throw new IllegalStateException(name + ": no measured iterations");
            ms.sort(null);
            double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2) : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
            StringBuilder p = new StringBuilder();
            for (String key : bp.getParamsKeys()) p.append(key).append('=').append(bp.getParam(key)).append(' ');
            double flops = flops(name, bp);
            rows.add(new Row(name, p.toString().trim(), median, ms.get(0), ms.get(ms.size() - 1),
                             flops > 0 ? flops / (median * 1e-3) / 1e9 : Double.NaN, bp));
        }
        return rows;
    }

    /** FLOPs of one benchmark call (2·MACs), or 0 when the benchmark is not a multiply-add kernel. */
    static double flops(String name, BenchmarkParams bp) {
        if (name.startsWith("ConvBenchmark"))
            return Layers.convFlops(bp.getParam("layer"), Integer.parseInt(bp.getParam("size")),
                                    Integer.parseInt(bp.getParam("batch")), bp.getParam("pass"));
        if (name.startsWith("DenseBenchmark")) {
            int size = Integer.parseInt(bp.getParam("size"));
            return 2.0 * Integer.parseInt(bp.getParam("batch")) * Layers.flat(size) * 10;
        }
        if (name.startsWith("TrainStepBenchmark"))
            return Layers.stepFlops(Integer.parseInt(bp.getParam("size")), Integer.parseInt(bp.getParam("batch")), 10);
        return 0;
    }

    private static double toMillis(java.util.concurrent.TimeUnit u) {
        return u.toNanos(1) / 1e6;
    }

    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-26s %-72s %10s %21s %9s%n", "benchmark", "params", "median ms", "min–max ms", "GFLOP/s"));
        for (Row r : rows)
            sb.append(String.format(Locale.ROOT, "%-26s %-72s %10.3f %10.3f–%-10.3f %9s%n", r.name, r.params, r.medianMs,
                    r.minMs, r.maxMs, Double.isNaN(r.gflops) ? "—" : String.format(Locale.ROOT, "%.1f", r.gflops)));
        return sb.toString();
    }
}
