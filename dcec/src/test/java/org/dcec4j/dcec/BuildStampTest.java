package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildStampTest {
    /** What the build ignores: the documentation and the committed results. */
    private static final List<Path> DOCS = List.of(Path.of("docs"));

    private static BuildStamp parse(String text) throws IOException {
        return BuildStamp.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test void parsesWhatTheBuildWrites() throws IOException {
        String c = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(new BuildStamp(c, false), parse("# comment\ncommit=" + c + "\ndirty=false\n"));
        assertEquals(new BuildStamp(c, true), parse("commit=" + c + "\ndirty=true\n"));
        assertEquals(new BuildStamp(c, null), parse("commit=" + c + "\ndirty=\n"));
        // anything but 40 hex digits is no commit at all, whatever the dirty flag says
        assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), parse("commit=unknown\ndirty=\n"));
        assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), parse("commit=0123abc\ndirty=true\n"));
        assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), parse(""));
    }

    /** A throw-away repository: one source file and one doc, committed. */
    private static Path repository(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(dir.resolve("docs"));
        assumeTrue(BuildStamp.git(dir, "--version") != null, "git is not installed");
        Files.writeString(dir.resolve("src/A.java"), "class A {}\n");
        Files.writeString(dir.resolve("docs/a.md"), "# a\n");
        assertNotNull(BuildStamp.git(dir, "init", "-q"));
        assertNotNull(BuildStamp.git(dir, "add", "."));
        assertNotNull(BuildStamp.git(dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"));
        return dir;
    }

    @Test void stampsTheRepositorysHeadAndWhetherItsCodeIsModified(@TempDir Path tmp) throws IOException {
        Path repo = repository(tmp);
        String head = BuildStamp.git(repo, "rev-parse", "HEAD").strip();
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo, DOCS));
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo.resolve("src"), DOCS), "from a module folder below the top");
        Files.writeString(repo.resolve("docs/a.md"), "# a, edited\n");
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo, DOCS), "docs/ does not make the code dirty");
        Files.writeString(repo.resolve("src/B.java"), "class B {}\n");
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo, DOCS), "untracked files are not part of the commit");
        Files.writeString(repo.resolve("src/A.java"), "class A { int x; }\n");
        assertEquals(new BuildStamp(head, true), BuildStamp.of(repo, DOCS));
    }

    @Test void filesUnderTheIgnoredPathsDoNotMakeTheTreeDirty() {
        Path top = Path.of("/repo");
        List<Path> ignored = List.of(Path.of("/repo/docs/results"), Path.of("/repo/docs/reproduction.md"));
        assertFalse(BuildStamp.isDirty("", top, ignored));
        assertFalse(BuildStamp.isDirty(" M docs/results/usps/seed-0/dcec/result.json\n M docs/reproduction.md\n", top, ignored));
        assertTrue(BuildStamp.isDirty(" M docs/results/x.json\nM  dcec/src/main/java/A.java\n", top, ignored));
        assertTrue(BuildStamp.isDirty("R  old.md -> docs/usage.md\n", top, ignored));
        assertFalse(BuildStamp.isDirty("R  docs/old.md -> docs/results/NOTES.md\n", top, ignored));
        assertTrue(BuildStamp.isDirty(" M docs/results-other.md\n", top, ignored));
    }

    @Test void outsideARepositoryTheCommitIsUnknown(@TempDir Path tmp) {
        assumeTrue(BuildStamp.git(tmp, "--version") != null, "git is not installed");
        assumeTrue(BuildStamp.git(tmp, "rev-parse", "HEAD") == null, "the temporary folder lies inside a repository");
        assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), BuildStamp.of(tmp, DOCS));
        assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), BuildStamp.of(tmp.resolve("no-such-folder"), DOCS));
    }

    /**
     * Sources without git history (a release's source tarball) unpacked inside another repository, say a home folder
     * kept in git or a packaging repository: the build step must not stamp that repository's commit, which is not the
     * code's. It did (its HEAD, and whether its own files were modified), and config.json and --version named it.
     */
    @Test void sourcesUnpackedInsideAnotherRepositoryAreStampedUnknown(@TempDir Path tmp) throws IOException {
        Path outer = repository(tmp.resolve("home"));
        Path module = Files.createDirectories(outer.resolve("build/dcec4j-0.1.0/dcec/src/main/java"));
        Files.writeString(outer.resolve("build/dcec4j-0.1.0/dcec/pom.xml"), "<project/>\n");
        Path out = tmp.resolve("classes").resolve(BuildStamp.RESOURCE);
        BuildStamp.main(new String[] {outer.resolve("build/dcec4j-0.1.0/dcec").toString(), out.toString()});
        try (InputStream in = Files.newInputStream(out)) {
            assertEquals(new BuildStamp(BuildStamp.UNKNOWN, null), BuildStamp.parse(in),
                    "stamped with the commit of the repository around the unpacked sources");
        }
        // once the sources are committed there, that commit is theirs
        assertNotNull(BuildStamp.git(outer, "add", "."));
        assertNotNull(BuildStamp.git(outer, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "two"));
        BuildStamp.main(new String[] {outer.resolve("build/dcec4j-0.1.0/dcec").toString(), out.toString()});
        try (InputStream in = Files.newInputStream(out)) {
            assertEquals(new BuildStamp(BuildStamp.git(outer, "rev-parse", "HEAD").strip(), false), BuildStamp.parse(in));
        }
        assertTrue(Files.isDirectory(module));
    }

    @Test void theBuildStepWritesAStampThatReadsBack(@TempDir Path tmp) throws IOException {
        Path repo = repository(tmp.resolve("repo"));
        Path out = tmp.resolve("classes/org/dcec4j/dcec").resolve(BuildStamp.RESOURCE);
        BuildStamp.main(new String[] {repo.toString(), out.toString()});
        try (InputStream in = Files.newInputStream(out)) {
            assertEquals(BuildStamp.of(repo, DOCS), BuildStamp.parse(in));
        }
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left beside the stamp");
        }
    }

    /**
     * The classes under test were built by Maven, whose process-classes phase stamps them: the stamp names the
     * commit of the repository they were built in, and {@link Version} reports it.
     */
    @Test void theseClassesCarryTheStampOfTheirRepository() {
        BuildStamp s = BuildStamp.read();
        assertNotNull(s, "no " + BuildStamp.RESOURCE + " among the classes: the build did not stamp them");
        String head = BuildStamp.git(null, "rev-parse", "HEAD");
        if (head != null) assertEquals(head.strip(), s.commit());
        else assertEquals(BuildStamp.UNKNOWN, s.commit());
        assertTrue(s.commit().equals(BuildStamp.UNKNOWN) || s.commit().matches("[0-9a-f]{40}"), s.commit());
        assertEquals(s.commit(), Version.commit());
        assertEquals(s.dirty(), Version.localChanges());
        if (s.commit().equals(BuildStamp.UNKNOWN)) assertNull(s.dirty());
    }
}
