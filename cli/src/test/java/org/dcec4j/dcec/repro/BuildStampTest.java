package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static BuildStamp parse(String text) throws IOException {
        return BuildStamp.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test void parsesWhatTheBuildWrites() throws IOException {
        String c = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(new BuildStamp(c, false), parse("# comment\ncommit=" + c + "\ndirty=false\n"));
        assertEquals(new BuildStamp(c, true), parse("commit=" + c + "\ndirty=true\n"));
        assertEquals(new BuildStamp(c, null), parse("commit=" + c + "\ndirty=\n"));
        // anything but 40 hex digits is no commit at all, whatever the dirty flag says
        assertEquals(new BuildStamp(Host.UNKNOWN, null), parse("commit=unknown\ndirty=\n"));
        assertEquals(new BuildStamp(Host.UNKNOWN, null), parse("commit=0123abc\ndirty=true\n"));
        assertEquals(new BuildStamp(Host.UNKNOWN, null), parse(""));
    }

    /** A throw-away repository: one source file and one doc, committed. */
    private static Path repository(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(dir.resolve("docs"));
        assumeTrue(Host.git(dir, "--version") != null, "git is not installed");
        Files.writeString(dir.resolve("src/A.java"), "class A {}\n");
        Files.writeString(dir.resolve("docs/a.md"), "# a\n");
        assertNotNull(Host.git(dir, "init", "-q"));
        assertNotNull(Host.git(dir, "add", "."));
        assertNotNull(Host.git(dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"));
        return dir;
    }

    @Test void stampsTheRepositorysHeadAndWhetherItsCodeIsModified(@TempDir Path tmp) throws IOException {
        Path repo = repository(tmp);
        String head = Host.git(repo, "rev-parse", "HEAD").strip();
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo));
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo.resolve("src")), "from a module folder below the top");
        Files.writeString(repo.resolve("docs/a.md"), "# a, edited\n");
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo), "docs/ does not make the code dirty");
        Files.writeString(repo.resolve("src/B.java"), "class B {}\n");
        assertEquals(new BuildStamp(head, false), BuildStamp.of(repo), "untracked files are not part of the commit");
        Files.writeString(repo.resolve("src/A.java"), "class A { int x; }\n");
        assertEquals(new BuildStamp(head, true), BuildStamp.of(repo));
    }

    @Test void outsideARepositoryTheCommitIsUnknown(@TempDir Path tmp) {
        assumeTrue(Host.git(tmp, "--version") != null, "git is not installed");
        assumeTrue(Host.git(tmp, "rev-parse", "HEAD") == null, "the temporary folder lies inside a repository");
        assertEquals(new BuildStamp(Host.UNKNOWN, null), BuildStamp.of(tmp));
        assertEquals(new BuildStamp(Host.UNKNOWN, null), BuildStamp.of(tmp.resolve("no-such-folder")));
    }

    @Test void theBuildStepWritesAStampThatReadsBack(@TempDir Path tmp) throws IOException {
        Path repo = repository(tmp.resolve("repo"));
        Path out = tmp.resolve("classes/org/dcec4j/dcec/repro").resolve(BuildStamp.RESOURCE);
        BuildStamp.main(new String[] {repo.toString(), out.toString()});
        try (InputStream in = Files.newInputStream(out)) {
            assertEquals(BuildStamp.of(repo), BuildStamp.parse(in));
        }
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left beside the stamp");
        }
    }

    @Test void theHostRecordTakesTheCommitFromTheStampNotFromTheWorkingTree() {
        BuildStamp other = new BuildStamp("89abcdef0123456789abcdef0123456789abcdef", true);
        Host h = Host.detect(List.of(), other);
        assertEquals(other.commit(), h.gitCommit());
        assertEquals(Boolean.TRUE, h.gitDirty());
        assertEquals(new BuildStamp(Host.UNKNOWN, null).commit(), Host.detect(List.of(), new BuildStamp(Host.UNKNOWN, null)).gitCommit());
        // without a stamp: the working tree's commit, as before
        String head = Host.git(null, "rev-parse", "HEAD");
        assertEquals(head == null ? Host.UNKNOWN : head.strip(), Host.detect(List.of(), null).gitCommit());
    }

    /**
     * The classes under test were built by Maven, whose process-classes phase stamps them: the stamp names the
     * commit of the repository they were built in, and the reproduction's host record takes it from there.
     */
    @Test void theseClassesCarryTheStampOfTheirRepository() {
        BuildStamp s = BuildStamp.read();
        assertNotNull(s, "no " + BuildStamp.RESOURCE + " among the classes: the build did not stamp them");
        String head = Host.git(null, "rev-parse", "HEAD");
        if (head != null) assertEquals(head.strip(), s.commit());
        else assertEquals(Host.UNKNOWN, s.commit());
        assertTrue(s.commit().equals(Host.UNKNOWN) || s.commit().matches("[0-9a-f]{40}"), s.commit());
        Host h = Host.detect(List.of());
        assertEquals(s.commit(), h.gitCommit());
        assertEquals(s.dirty(), h.gitDirty());
        if (s.commit().equals(Host.UNKNOWN)) assertNull(s.dirty());
    }
}
