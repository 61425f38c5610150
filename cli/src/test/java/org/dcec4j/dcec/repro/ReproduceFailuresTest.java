package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dcec4j.dcec.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cell that cannot finish fails alone: it is reported, and the reproduction goes on with the other cells. */
class ReproduceFailuresTest {
    /**
     * A finished run folder that cannot be collected (its stdout.log is gone) is that cell's failure, named with the
     * file; the next cell still runs. The reproduction stopped at once ("dcec: …/stdout.log: no such file or folder",
     * exit 1) and ran no other cell.
     */
    @Test void aRunFolderThatCannotBeCollectedFailsItsCellOnly(@TempDir Path dir) throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        Path w = dir.resolve("w"), r = dir.resolve("r");
        Commands cmd = new Commands(w, null, null, true, 1, 10);
        Cell c = new Cell("shapes", Method.KMEANS, 0);
        Path run = cmd.runDir(c);
        Files.createDirectories(run);
        Files.writeString(run.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.000\t1.000\t" + Commands.quoted(cmd.cell(c)) + "\n");
        Files.writeString(run.resolve("model.dc4j"), "m");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence,label\n0,0,1.0,0\n");
        Object[] res = ReproduceDryRunTest.run("reproduce", "--quick", "--plan", "shapes:0,1", "--methods", "kmeans",
                "--work", w.toString(), "--results", r.toString(), "--table", dir.resolve("t.md").toString());
        String out = (String) res[1];
        assertEquals(1, res[0], out + res[2]);
        assertTrue(out.contains("[1/2] kmeans on shapes, seed 0: FAILED: " + run.resolve("stdout.log")), out);
        assertTrue(out.contains("[2/2] kmeans on shapes, seed 1: finished"), out);
        assertTrue(out.contains("1 failed"), out);
        assertTrue(Files.isRegularFile(r.resolve("shapes/seed-1/kmeans/result.json")));
        assertFalse(Files.exists(r.resolve("shapes/seed-0/kmeans/result.json")));
    }
}
