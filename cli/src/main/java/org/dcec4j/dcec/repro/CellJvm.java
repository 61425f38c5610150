package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;

/**
 * The JVM that ran an attempt of a cell or pretraining, as that JVM saw itself: {@link CellMain} writes it to the run
 * folder's {@value #FILE} when it starts, and the reproduction deletes the file before each attempt, so the file there
 * describes the last attempt, the one that wrote the model. The result files take the CPU, JDK and JVM options from
 * it: a run collected by a later reproduction (killed between the cell's end and its result) recorded the collecting
 * JVM's, which may have run on another host, JDK or options. Without the file (run folders of older versions) they are
 * recorded as {@link #UNKNOWN}.
 *
 * @param cpu         the CPU model ({@link Host#cpuModel})
 * @param processors  the processors the JVM saw
 * @param jvmOptions  the JVM's options (before its main class), space-separated; {@link #UNKNOWN} when the operating
 *                    system does not tell a process its command line
 */
record CellJvm(String cpu, Integer processors, String javaVersion, String javaVendor, String jvmOptions) {

    static final String FILE = "jvm.json";
    static final String FORMAT = "dcec4j-reproduce-jvm 1";
    static final String UNKNOWN = "unknown";

    /** What the result files record for a run folder without the file: unknown, not the collector's. */
    static final CellJvm UNKNOWN_JVM = new CellJvm(UNKNOWN, null, UNKNOWN, UNKNOWN, UNKNOWN);

    /** This JVM, started as {@code java <options> <launcher> <main class> <mainArgs words>}. */
    static CellJvm current(int mainArgs) {
        List<String> words = ProcessHandle.current().info().arguments().map(Arrays::asList).orElse(null);
        return new CellJvm(Host.cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), jvmOptions(words, mainArgs));
    }

    /**
     * The JVM options of a command line {@code words} (the words after the java executable) that ends with
     * {@code mainArgs} arguments of the main class: the words before the launcher that {@link ChildJvm#launcher} adds
     * ({@code -cp} or {@code --module-path}); {@link #UNKNOWN} when the words are not known or not of that shape.
     */
    static String jvmOptions(List<String> words, int mainArgs) {
        if (words == null || words.size() < mainArgs) return UNKNOWN;
        List<String> before = words.subList(0, words.size() - mainArgs);
        for (int i = 0; i < before.size(); i++)
            if (before.get(i).equals("-cp") || before.get(i).equals("--module-path")) return String.join(" ", before.subList(0, i));
        return UNKNOWN;
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("cpu", cpu);
        m.put("processors", processors);
        m.put("java_version", javaVersion);
        m.put("java_vendor", javaVendor);
        m.put("jvm_options", jvmOptions);
        return FlatJson.write(m);
    }

    /** Written by the cell's JVM into its run folder. */
    void write(Path runDir) throws IOException {
        OutputFiles.writeAtomically(runDir.resolve(FILE), toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** The run folder's record of its last attempt's JVM, or {@link #UNKNOWN_JVM} when it has none. */
    static CellJvm read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return UNKNOWN_JVM;
        FlatJson.Fields j = FlatJson.parse(IoErrors.readUtf8(f), f.toString());
        if (!FORMAT.equals(j.string("format")))
            throw FlatJson.bad(f + ": key \"format\": expected \"" + FORMAT + "\", got \"" + j.string("format") + "\"");
        Long n = j.integerOrNull("processors");
        return new CellJvm(j.string("cpu"), n == null ? null : n.intValue(), j.string("java_version"), j.string("java_vendor"),
                j.string("jvm_options"));
    }
}
