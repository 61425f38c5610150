package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a cell ran: the CPU model (from /proc/cpuinfo), the processors the JVM sees, the JDK, and the
 * git commit of the code that ran, with whether tracked files were modified.
 *
 * @param cpu        the CPU's model name, or the os.arch property where /proc/cpuinfo has none
 * @param gitCommit  the commit the running classes were built from ({@link BuildStamp}); for classes built
 *                   without a stamp, {@code git rev-parse HEAD} of the working tree; "unknown" without git
 * @param gitDirty   tracked files differed from that commit (at build time: outside docs/; in the working tree:
 *                   ignoring the reproduction's own outputs); null when unknown
 */
record Host(String cpu, int processors, String javaVersion, String javaVendor, String gitCommit, Boolean gitDirty) {

    static final String UNKNOWN = "unknown";

    /**
     * Looks at this machine and at the build stamp of the running classes; without a stamp, at the repository
     * around the working directory, where {@code ignored} are the reproduction's own outputs (results folder,
     * table), whose changes do not make the tree dirty.
     */
    static Host detect(List<Path> ignored) { return detect(ignored, BuildStamp.read()); }

    /** {@link #detect(List)} with the given build stamp (null: none). */
    static Host detect(List<Path> ignored, BuildStamp stamp) {
        if (stamp != null)
            return new Host(cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    System.getProperty("java.vendor"), stamp.commit(), stamp.dirty());
        String commit = git(null, "rev-parse", "HEAD");
        commit = commit == null ? null : commit.strip();
        Boolean dirty = null;
        if (commit != null && commit.matches("[0-9a-f]{40}")) {
            String top = git(null, "rev-parse", "--show-toplevel");
            String status = git(null, "status", "--porcelain", "--untracked-files=no");
            if (top != null && status != null) dirty = isDirty(status, Path.of(top.strip()), ignored);
        } else {
            commit = UNKNOWN;
        }
        return new Host(cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), commit, dirty);
    }

    /** Whether a {@code git status --porcelain} listing names a file outside the ignored paths. */
    static boolean isDirty(String porcelain, Path top, List<Path> ignored) {
        List<Path> skip = new ArrayList<>();
        for (Path p : ignored) skip.add(p.toAbsolutePath().normalize());
        for (String line : porcelain.split("\n")) {
            if (line.length() < 4) continue;
            String path = line.substring(3);
            int arrow = path.indexOf(" -> ");
            if (arrow >= 0) path = path.substring(arrow + 4);
            if (path.startsWith("\"") && path.endsWith("\"")) path = path.substring(1, path.length() - 1);
            Path abs = top.resolve(path).toAbsolutePath().normalize();
            if (skip.stream().noneMatch(abs::startsWith)) return true;
        }
        return false;
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

    /** The output of a git command in {@code dir} (null: the working directory), or null when git fails or is missing. */
    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder b = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            if (dir != null) b.directory(dir.toFile());
            Process p = b.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
