package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.datasets.IoErrors;

/**
 * The record of one shared pretraining ({@code pretraining.json}), stored once beside its logs; the cells
 * that use it copy its time and reference its folder.
 *
 * @param kind            cae, cae-da or ae
 * @param epochs          the epochs pretrain_log.csv shows
 * @param finalLoss       the last epoch's mean reconstruction loss
 * @param seconds         the pretraining phase's wall time: the summary's when the run was not resumed, else the
 *                        sum of the epochs' seconds in pretrain_log.csv (the resumed attempt's summary misses the killed epochs)
 * @param resumed         the last attempt continued a killed one
 * @param wallSeconds     wall time of the pretraining's JVMs, all recorded attempts
 * @param cpuSeconds      process CPU time of those JVMs (null when an attempt did not report it)
 * @param arithmetic      the arithmetic version that computed the weights, from the run folder's config.json; null when
 *                        unknown (older versions)
 * @param commands        the dcec command line of each recorded attempt
 * @param weightsSha256   SHA-256 of the weights file in hex
 */
record PretrainingRecord(String dataset, String kind, long seed, String settings, int epochs, double finalLoss, double seconds,
                         boolean resumed, double wallSeconds, Double cpuSeconds, Host host, Integer arithmetic, String kernels, int threads,
                         String jvmOptions, List<String> commands, String weightsSha256) {

    static final String FILE = "pretraining.json";
    static final String FORMAT = "dcec4j-reproduce-pretraining 1";

    PretrainingRecord {
        commands = List.copyOf(commands);
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("dataset", dataset);
        m.put("kind", kind);
        m.put("seed", seed);
        m.put("settings", settings);
        m.put("epochs", epochs);
        m.put("final_loss", finalLoss);
        m.put("pretrain_seconds", seconds);
        m.put("resumed", resumed);
        m.put("wall_seconds", wallSeconds);
        m.put("cpu_seconds", cpuSeconds);
        CellResult.putHost(m, host);
        m.put("arithmetic", arithmetic);
        m.put("kernels", kernels);
        m.put("threads", threads);
        m.put("jvm_options", jvmOptions);
        m.put("commands", commands);
        m.put("weights_sha256", weightsSha256);
        return FlatJson.write(m);
    }

    static PretrainingRecord read(Path file) throws IOException {
        String source = file.toString();
        FlatJson.Fields f = FlatJson.parse(IoErrors.readUtf8(file), source);
        if (!FORMAT.equals(f.string("format")))
            throw FlatJson.bad(source + ": key \"format\": expected \"" + FORMAT + "\", got \"" + f.string("format") + "\"");
        if (f.strings("commands").isEmpty()) throw FlatJson.bad(source + ": key \"commands\": expected the pretraining's commands, got none");
        return new PretrainingRecord(f.string("dataset"), f.string("kind"), f.integer("seed"), f.string("settings"),
                (int) f.integer("epochs"), f.number("final_loss"), f.number("pretrain_seconds"),
                Boolean.TRUE.equals(f.booleanOrNull("resumed")), f.number("wall_seconds"), CellResult.orNull(f.number("cpu_seconds")),
                CellResult.host(f), CellResult.arithmetic(f), f.stringOrNull("kernels"), (int) f.integer("threads"), f.string("jvm_options"),
                f.strings("commands"), f.string("weights_sha256"));
    }
}
