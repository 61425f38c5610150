package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;

/**
 * The commit the command line was built from, stamped into its classes at build time, so that a reproduction
 * result names the code that computed it rather than whatever checkout the jar happens to be started in (a jar
 * built at one commit and run from a clone moved to another would otherwise record the clone's commit).
 *
 * <p>The build writes it ({@link #main}, run by exec-maven-plugin in the process-classes phase of the cli module)
 * into {@value #RESOURCE} next to this class; {@code Host.detect} reads it with {@link #read()} and falls back to
 * the working tree's {@code git rev-parse HEAD} only when the classes carry no stamp. Public only so that the build
 * can run {@link #main}.
 *
 * @param commit the 40-digit commit, or "unknown" when the build had no git or no repository
 * @param dirty  tracked files outside {@code docs/} differed from the commit at build time; null when unknown
 */
public record BuildStamp(String commit, Boolean dirty) {

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
        String commit = p.getProperty("commit", Host.UNKNOWN).strip();
        String dirty = p.getProperty("dirty", "").strip();
        if (!commit.matches("[0-9a-f]{40}")) return new BuildStamp(Host.UNKNOWN, null);
        return new BuildStamp(commit, dirty.isEmpty() ? null : Boolean.valueOf(dirty));
    }

    /**
     * The stamp of the repository that holds {@code dir}: its HEAD, and whether tracked files outside {@code docs/}
     * (the documentation and the committed results, which the code does not read) are modified.
     */
    static BuildStamp of(Path dir) {
        String commit = Host.git(dir, "rev-parse", "HEAD");
        commit = commit == null ? "" : commit.strip();
        if (!commit.matches("[0-9a-f]{40}")) return new BuildStamp(Host.UNKNOWN, null);
        String top = Host.git(dir, "rev-parse", "--show-toplevel");
        String status = Host.git(dir, "status", "--porcelain", "--untracked-files=no");
        if (top == null || status == null) return new BuildStamp(commit, null);
        Path root = Path.of(top.strip());
        return new BuildStamp(commit, Host.isDirty(status, root, List.of(root.resolve("docs"))));
    }

    /**
     * Build step: {@code BuildStamp <module directory> <output file>} writes the stamp of the repository around the
     * module directory (without git, or outside a repository: commit "unknown"; the build never fails for it).
     * The file is written to a temporary file first and moved into place.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: BuildStamp <module directory> <output file>");
        BuildStamp s = of(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".build-stamp", ".tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            String text = "# written by the build (org.dcec4j.dcec.repro.BuildStamp): the commit these classes were built from\n"
                    + "commit=" + s.commit() + "\n" + "dirty=" + (s.dirty() == null ? "" : s.dirty()) + "\n";
            o.write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
