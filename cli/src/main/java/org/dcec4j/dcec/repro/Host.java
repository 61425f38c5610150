package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dcec4j.dcec.BuildStamp;

/**
 * Where a cell ran: the CPU model (from /proc/cpuinfo), the processors the JVM sees, the JDK, and the
 * git commit of the code that ran, with whether tracked files were modified.
 *
 * @param cpu        the CPU's model name, or the os.arch property where /proc/cpuinfo has none; "unknown" in a result
 *                   whose run folder does not say ({@link CellJvm})
 * @param processors the processors the JVM saw; null when unknown
 * @param gitCommit  the commit the running classes were built from ({@link BuildStamp}); for classes built
 *                   without a stamp, {@code git rev-parse HEAD} of the working tree; "unknown" without git
 * @param gitDirty   tracked files differed from that commit (at build time: outside docs/; in the working tree:
 *                   ignoring the reproduction's own outputs); null when unknown
 */
record Host(String cpu, Integer processors, String javaVersion, String javaVendor, String gitCommit, Boolean gitDirty) {

    static final String UNKNOWN = BuildStamp.UNKNOWN;

    /**
     * Looks at this machine and at the build stamp of the running classes; without a stamp, at the repository
     * around the working directory, where {@code ignored} are the reproduction's own outputs (results folder,
     * table), whose changes do not make the tree dirty.
     */
    static Host detect(List<Path> ignored) { return detect(ignored, BuildStamp.read()); }

    /** {@link #detect(List)} with the given build stamp (null: none). */
    static Host detect(List<Path> ignored, BuildStamp stamp) {
        BuildStamp s = stamp != null ? stamp : BuildStamp.of(null, ignored);
        return new Host(cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), s.commit(), s.dirty());
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) return line.substring(colon + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }
}
