package org.dcec4j.dcec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The commit the library was built from, stamped into its classes at build time, so that what a run writes
 * (its {@code config.json} and checkpoints, a reproduction's results) names the code that computed it rather than
 * whatever checkout the jar happens to be started in (a jar built at one commit and run from a clone moved to
 * another would otherwise record the clone's commit). {@link Version} puts it beside the release and the
 * arithmetic version.
 *
 * <p>The build writes it ({@link #main}, run by exec-maven-plugin in the process-classes phase of this module)
 * into {@value #RESOURCE} next to this class; {@link #read()} reads it, and the reproduction's host record falls back
 * to the working tree ({@link #of(Path, List)}) only when the classes carry no stamp.
 *
 * @param commit the 40-digit commit, or "unknown" when the build had no git or no repository
 * @param dirty  tracked files outside {@code docs/} differed from the commit at build time; null when unknown
 */
public record BuildStamp(String commit, Boolean dirty) {

    /** The commit of classes built without git or outside a repository. */
    public static final String UNKNOWN = "unknown";

    /** The stamp's file name, a resource of this package. */
    static final String RESOURCE = "build-stamp.properties";

    /** The stamp of the running classes, or null when they were compiled without one (an IDE, a bare javac). */
    public static BuildStamp read() {
        try (InputStream in = BuildStamp.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build stamp " + RESOURCE, e);
        }
    }

    static BuildStamp parse(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String commit = p.getProperty("commit", UNKNOWN).strip();
        String dirty = p.getProperty("dirty", "").strip();
        if (!commit.matches("[0-9a-f]{40}")) return new BuildStamp(UNKNOWN, null);
        return new BuildStamp(commit, dirty.isEmpty() ? null : Boolean.valueOf(dirty));
    }

    /**
     * The stamp of the repository that holds {@code dir} (null: the working directory): its HEAD, and whether
     * tracked files outside {@code ignored} are modified. Relative {@code ignored} paths are taken from the
     * repository's top: the build passes {@code docs} (the documentation and the committed results, which the code
     * does not read), the reproduction its own outputs.
     */
    public static BuildStamp of(Path dir, List<Path> ignored) {
        String commit = git(dir, "rev-parse", "HEAD");
        commit = commit == null ? "" : commit.strip();
        if (!commit.matches("[0-9a-f]{40}")) return new BuildStamp(UNKNOWN, null);
        String top = git(dir, "rev-parse", "--show-toplevel");
        String status = git(dir, "status", "--porcelain", "--untracked-files=no");
        if (top == null || status == null) return new BuildStamp(commit, null);
        Path root = Path.of(top.strip());
        List<Path> skip = new ArrayList<>();
        for (Path p : ignored) skip.add(root.resolve(p));
        return new BuildStamp(commit, isDirty(status, root, skip));
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

    /** {@code git args…} run in {@code dir} (null: the working directory): its output, or null when git fails or is missing. */
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

    /**
     * Build step: {@code BuildStamp <module directory> <output file>} writes the stamp of the repository around the
     * module directory (without git, outside a repository, or in one that tracks no file of the module directory:
     * commit "unknown"; the build never fails for it). The last is a source tarball unpacked inside another
     * repository (a home folder kept in git, a packaging repository): that repository's commit is not the code's.
     * The file is written to a temporary file first and moved into place.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: BuildStamp <module directory> <output file>");
        Path module = Path.of(args[0]);
        String tracked = git(module, "ls-files", "--", ".");
        BuildStamp s = tracked != null && tracked.isBlank() ? new BuildStamp(UNKNOWN, null) : of(module, List.of(Path.of("docs")));
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".build-stamp", ".tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            String text = "# written by the build (org.dcec4j.dcec.BuildStamp): the commit these classes were built from\n"
                    + "commit=" + s.commit() + "\n" + "dirty=" + (s.dirty() == null ? "" : s.dirty()) + "\n";
            o.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
