package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutputsTest {
    /**
     * predictions.csv of a run on an image folder: a file name in quotes may span lines, and a bad row after it is
     * named by its own line in the file (it was named by its row number + 2, a line too early for each line break
     * before it, and for each blank line).
     */
    @Test void aBadRowAfterAFileNameOfTwoLinesIsNamedByItsLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("predictions.csv");
        Files.writeString(csv, "index,cluster,confidence,label,file\n0,1,0.5,1,\"two\nlines.png\"\n1,0,0.5,0,\"a,\"\"b\"\".png\"\n");
        RunOutputs.Labels l = RunOutputs.predictions(csv);
        assertArrayEquals(new int[] {1, 0}, l.cluster());
        assertArrayEquals(new int[] {1, 0}, l.truth());

        Files.writeString(csv, "index,cluster,confidence,label,file\n0,1,0.5,1,\"two\nlines\n.png\"\n\n1,x,0.5,0,b.png\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RunOutputs.predictions(csv));
        assertTrue(e.getMessage().startsWith(csv + ":6: expected 5 fields"), e.getMessage());
    }
}
