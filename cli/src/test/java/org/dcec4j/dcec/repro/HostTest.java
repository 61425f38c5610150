package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTest {
    @Test void theReproductionsOwnOutputsDoNotMakeTheTreeDirty() {
        Path top = Path.of("/repo");
        List<Path> ignored = List.of(Path.of("/repo/docs/results"), Path.of("/repo/docs/reproduction.md"));
        assertFalse(Host.isDirty("", top, ignored));
        assertFalse(Host.isDirty(" M docs/results/usps/seed-0/dcec/result.json\n M docs/reproduction.md\n", top, ignored));
        assertTrue(Host.isDirty(" M docs/results/x.json\nM  dcec/src/main/java/A.java\n", top, ignored));
        assertTrue(Host.isDirty("R  old.md -> docs/usage.md\n", top, ignored));
        assertFalse(Host.isDirty("R  docs/old.md -> docs/results/NOTES.md\n", top, ignored));
        assertTrue(Host.isDirty(" M docs/results-other.md\n", top, ignored));
    }

    @Test void detectsThisMachine() {
        Host h = Host.detect(List.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), h.processors());
        assertEquals(System.getProperty("java.version"), h.javaVersion());
        assertFalse(h.cpu().isBlank());
        assertTrue(h.gitCommit().equals(Host.UNKNOWN) || h.gitCommit().matches("[0-9a-f]{40}"), h.gitCommit());
        assertEquals(h.gitCommit().equals(Host.UNKNOWN), h.gitDirty() == null);
    }
}
