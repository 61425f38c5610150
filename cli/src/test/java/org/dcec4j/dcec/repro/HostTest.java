package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.BuildStamp;
import org.junit.jupiter.api.Test;

class HostTest {
    @Test void theHostRecordTakesTheCommitFromTheStampNotFromTheWorkingTree() {
        BuildStamp other = new BuildStamp("89abcdef0123456789abcdef0123456789abcdef", true);
        Host h = Host.detect(List.of(), other);
        assertEquals(other.commit(), h.gitCommit());
        assertEquals(Boolean.TRUE, h.gitDirty());
        assertEquals(new BuildStamp(Host.UNKNOWN, null).commit(), Host.detect(List.of(), new BuildStamp(Host.UNKNOWN, null)).gitCommit());
        // without a stamp: the working tree's commit, as before
        String head = git("rev-parse", "HEAD");
        assertEquals(head == null ? Host.UNKNOWN : head.strip(), Host.detect(List.of(), null).gitCommit());
    }

    @Test void detectsThisMachine() {
        Host h = Host.detect(List.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), h.processors());
        assertEquals(System.getProperty("java.version"), h.javaVersion());
        assertFalse(h.cpu().isBlank());
        assertTrue(h.gitCommit().equals(Host.UNKNOWN) || h.gitCommit().matches("[0-9a-f]{40}"), h.gitCommit());
        assertEquals(h.gitCommit().equals(Host.UNKNOWN), h.gitDirty() == null);
        BuildStamp s = BuildStamp.read();
        assertNotNull(s, "the dcec module's build stamps its classes");
        assertEquals(s.commit(), h.gitCommit());
        assertEquals(s.dirty(), h.gitDirty());
    }

    /** {@code git args…} in the working directory: its output, or null when git fails. */
    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
