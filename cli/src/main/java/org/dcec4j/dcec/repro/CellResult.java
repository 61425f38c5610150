package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.dcec.Method;

/**
 * The result file of one finished cell ({@code result.json}), flat JSON. Scores are fractions in [0, 1]
 * computed from the run's predictions.csv; times are seconds of wall clock (null when unknown, e.g. the
 * k-means phase of a resumed clustering run, which skipped it).
 *
 * @param settings            "reference" (the CLI defaults of the data set) or "quick" (the smoke-test preset)
 * @param images              N, the number of images clustered
 * @param nmi                 NMI with the arithmetic mean of the entropies
 * @param nmiGeometric        NMI with the geometric mean (what scikit-learn computed in 2017)
 * @param iterations          the last clustering iteration of dcec_log.csv (0 for methods without a clustering phase)
 * @param converged           the run stopped because fewer than tol of the labels changed; null without a clustering phase
 * @param pretrainSeconds     the shared pretraining's time (the same run for every method that uses it), null for kmeans
 * @param pretraining         the shared pretraining's folder under the results folder, or null
 * @param resumed             the cell's last attempt continued a killed one (its phase times cover that attempt only)
 * @param cellWallSeconds     wall time of the cell's own JVMs, all recorded attempts
 * @param cellCpuSeconds      process CPU time of those JVMs (null when an attempt did not report it)
 * @param arithmetic          the arithmetic version of the dcec4j that computed the model ({@link org.dcec4j.dcec.Version#ARITHMETIC}),
 *                            from the run folder's config.json; null when that file does not record it (older versions)
 * @param kernels             the kernels line of the CLI, e.g. "vector(256-bit, 2 threads) (auto: …)"
 * @param commands            the dcec command lines: the shared pretraining's attempts, then the cell's
 * @param modelSha256         SHA-256 of model.dc4j in hex
 */
record CellResult(String dataset, Method method, long seed, String settings, int images,
                  double acc, double nmi, double nmiGeometric, double ari, int iterations, Boolean converged,
                  Double pretrainSeconds, Double kmeansSeconds, Double clusterSeconds, String pretraining, boolean resumed,
                  double cellWallSeconds, Double cellCpuSeconds, Double pretrainingWallSeconds, Double pretrainingCpuSeconds,
                  Host host, Integer arithmetic, String kernels, int threads, String jvmOptions, List<String> commands, String modelSha256) {

    static final String FILE = "result.json";
    static final String FORMAT = "dcec4j-reproduce-cell 1";

    CellResult {
        commands = List.copyOf(commands);
    }

    Cell cell() { return new Cell(dataset, method, seed); }

    /** Wall time of the cell including the shared pretraining it used. */
    double totalWallSeconds() { return ms(cellWallSeconds + (pretrainingWallSeconds == null ? 0 : pretrainingWallSeconds)); }

    private static double ms(double seconds) { return Math.round(seconds * 1000) / 1000.0; }

    /** CPU time of the cell including the shared pretraining, or null when a part is unknown. */
    Double totalCpuSeconds() {
        if (cellCpuSeconds == null || (pretraining != null && pretrainingCpuSeconds == null)) return null;
        return ms(cellCpuSeconds + (pretrainingCpuSeconds == null ? 0 : pretrainingCpuSeconds));
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("dataset", dataset);
        m.put("method", method.cliName);
        m.put("seed", seed);
        m.put("settings", settings);
        m.put("images", images);
        m.put("acc", acc);
        m.put("nmi", nmi);
        m.put("nmi_geometric", nmiGeometric);
        m.put("ari", ari);
        m.put("clustering_iterations", iterations);
        m.put("converged", converged);
        m.put("pretrain_seconds", pretrainSeconds);
        m.put("kmeans_seconds", kmeansSeconds);
        m.put("cluster_seconds", clusterSeconds);
        m.put("pretraining", pretraining);
        m.put("resumed", resumed);
        m.put("cell_wall_seconds", cellWallSeconds);
        m.put("cell_cpu_seconds", cellCpuSeconds);
        m.put("pretraining_wall_seconds", pretrainingWallSeconds);
        m.put("pretraining_cpu_seconds", pretrainingCpuSeconds);
        m.put("total_wall_seconds", totalWallSeconds());
        m.put("total_cpu_seconds", totalCpuSeconds());
        putHost(m, host);
        m.put("arithmetic", arithmetic);
        m.put("kernels", kernels);
        m.put("threads", threads);
        m.put("jvm_options", jvmOptions);
        m.put("commands", commands);
        m.put("model_sha256", modelSha256);
        return FlatJson.write(m);
    }

    static void putHost(Map<String, Object> m, Host h) {
        m.put("cpu", h.cpu());
        m.put("processors", h.processors());
        m.put("java_version", h.javaVersion());
        m.put("java_vendor", h.javaVendor());
        m.put("git_commit", h.gitCommit());
        m.put("git_dirty", h.gitDirty());
    }

    static Host host(FlatJson.Fields f) {
        Long processors = f.integerOrNull("processors");
        return new Host(f.string("cpu"), processors == null ? null : processors.intValue(), f.string("java_version"), f.string("java_vendor"),
                f.string("git_commit"), f.booleanOrNull("git_dirty"));
    }

    static Double orNull(double v) { return Double.isNaN(v) ? null : v; }

    /** The "arithmetic" key: null when it is null or absent (files written before it was recorded). */
    static Integer arithmetic(FlatJson.Fields f) {
        Long a = f.optionalInteger("arithmetic");
        if (a != null && (a < 1 || a > Integer.MAX_VALUE))
            throw FlatJson.bad(f.source + ": key \"arithmetic\": expected an arithmetic version (1 or more), got " + a);
        return a == null ? null : a.intValue();
    }

    static CellResult parse(String text, String source) {
        FlatJson.Fields f = FlatJson.parse(text, source);
        if (!FORMAT.equals(f.string("format")))
            throw FlatJson.bad(source + ": key \"format\": expected \"" + FORMAT + "\", got \"" + f.string("format") + "\"");
        Method method;
        try {
            method = Method.parse(f.string("method"));
        } catch (IllegalArgumentException e) {
            throw FlatJson.bad(source + ": key \"method\": " + e.getMessage());
        }
        // values no reproduction writes: refused here, not shown as NaN or 750 % in the table
        String dataset = f.string("dataset");
        if (!org.dcec4j.datasets.Datasets.names().contains(dataset))
            throw FlatJson.bad(source + ": key \"dataset\": expected a built-in data set " + org.dcec4j.datasets.Datasets.names() + ", got \"" + dataset + "\"");
        String settings = f.string("settings");
        if (!settings.equals("reference") && !settings.equals("quick"))
            throw FlatJson.bad(source + ": key \"settings\": expected \"reference\" or \"quick\", got \"" + settings + "\"");
        if (f.integer("seed") < 0) throw FlatJson.bad(source + ": key \"seed\": expected 0 or more, got " + f.integer("seed"));
        for (String score : new String[] {"acc", "nmi", "nmi_geometric"}) fraction(f, score, 0, source);
        fraction(f, "ari", -1, source);
        if (f.strings("commands").isEmpty()) throw FlatJson.bad(source + ": key \"commands\": expected the cell's commands, got none");
        return new CellResult(dataset, method, f.integer("seed"), settings, (int) f.integer("images"),
                f.number("acc"), f.number("nmi"), f.number("nmi_geometric"), f.number("ari"),
                (int) f.integer("clustering_iterations"), f.booleanOrNull("converged"),
                orNull(f.number("pretrain_seconds")), orNull(f.number("kmeans_seconds")), orNull(f.number("cluster_seconds")),
                f.stringOrNull("pretraining"), Boolean.TRUE.equals(f.booleanOrNull("resumed")),
                f.number("cell_wall_seconds"), orNull(f.number("cell_cpu_seconds")),
                orNull(f.number("pretraining_wall_seconds")), orNull(f.number("pretraining_cpu_seconds")),
                host(f), arithmetic(f), f.stringOrNull("kernels"), (int) f.integer("threads"), f.string("jvm_options"), f.strings("commands"),
                f.string("model_sha256"));
    }

    /** A score key holding a number from {@code min} to 1 (ARI can be negative, down to -1). */
    private static void fraction(FlatJson.Fields f, String key, double min, String source) {
        double v = f.number(key);
        if (!(v >= min && v <= 1))
            throw FlatJson.bad(source + ": key \"" + key + "\": expected a number from " + (int) min + " to 1, got " + v);
    }

    static CellResult read(Path file) throws IOException {
        return parse(IoErrors.readUtf8(file), file.toString());
    }

    /**
     * Every result file under a results folder ({@code <data set>/seed-<s>/<method>/result.json}), sorted by
     * path; a file whose content names another cell than its folder is an error, and so is a folder that holds results
     * of two kinds of settings (the reference ones and {@code --quick}), which a table would otherwise average together.
     */
    static List<CellResult> readAll(Path results) throws IOException {
        List<CellResult> out = new ArrayList<>();
        if (!Files.isDirectory(results)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.walk(results)) {
            files = s.filter(p -> p.getFileName().toString().equals(FILE) && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path p : files) {
            CellResult r = read(p);
            Path expected = results.resolve(r.cell().folder()).resolve(FILE);
            if (!p.toAbsolutePath().normalize().equals(expected.toAbsolutePath().normalize())) {
                // the command line prints the cause's message: it carries the whole sentence
                String m = p + ": holds the result of " + r.cell() + ", which belongs in " + expected;
                throw new UncheckedIOException(m, new IOException(m));
            }
            if (!out.isEmpty() && !out.get(0).settings().equals(r.settings())) {
                String m = results + " mixes results of the " + out.get(0).settings() + " settings (" + files.get(0) + ") and of the "
                        + r.settings() + " settings (" + p + "): a results folder holds one kind; move one kind to another --results folder";
                throw new IllegalArgumentException(m);
            }
            out.add(r);
        }
        return out;
    }
}
