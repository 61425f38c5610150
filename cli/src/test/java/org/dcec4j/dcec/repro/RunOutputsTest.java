package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * The run converged exactly when dcec_log.csv's last row has iter > 0 and delta_label below config.json's tol
     * (docs/math/dcec.md#stop-rule): a change equal to tol, or a last row at iteration 0, is the cap, not convergence;
     * the iterations are that last row's.
     */
    @Test void convergedMeansFewerThanTolLabelsChangedAfterIterationZero(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\n  \"dataset\": \"usps\",\n  \"tol\": 0.001\n}\n");
        String header = "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n0,0.7,0.6,0.5,,,,0.00000\n";
        Path log = dir.resolve("dcec_log.csv");
        Files.writeString(log, header + "140,0.75,0.65,0.55,0.1,0.2,0.05,0.0009\n");
        assertEquals(new RunOutputs.ClusterOutcome(140, true), RunOutputs.clusterOutcome(dir));
        Files.writeString(log, header + "140,0.75,0.65,0.55,0.1,0.2,0.05,0.0009\n280,0.75,0.65,0.55,0.1,0.2,0.05,0.001\n");
        assertEquals(new RunOutputs.ClusterOutcome(280, false), RunOutputs.clusterOutcome(dir));
        Files.writeString(log, header);
        assertEquals(new RunOutputs.ClusterOutcome(0, false), RunOutputs.clusterOutcome(dir));
    }

    /**
     * Rows are placed by their index, not their order, and each index in 0..N-1 appears once: a repeated index (which
     * would leave another image at cluster 0, label 0 in the scores) and an index past the rows are refused naming the line.
     */
    @Test void aRepeatedOrMissingIndexIsRefused(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("predictions.csv");
        Files.writeString(csv, "index,cluster,confidence,label\n1,2,0.5,1\n0,3,0.5,4\n2,5,0.5,6\n");
        RunOutputs.Labels l = RunOutputs.predictions(csv);
        assertArrayEquals(new int[] {3, 2, 5}, l.cluster());
        assertArrayEquals(new int[] {4, 1, 6}, l.truth());
        for (String rows : new String[] {"0,1,0.5,1\n1,1,0.5,1\n1,2,0.5,2\n", "0,1,0.5,1\n1,1,0.5,1\n3,2,0.5,2\n"}) {
            Files.writeString(csv, "index,cluster,confidence,label\n" + rows);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RunOutputs.predictions(csv));
            assertTrue(e.getMessage().startsWith(csv + ":4: expected 4 fields with an index in 0..2 (each once)"), e.getMessage());
        }
    }
}
