package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One reproduction at a time on a work folder and on a results folder. No cell runs here: the one planned cell is done
 * (its result.json is there), so a reproduction that gets both folders only rewrites the page.
 */
class ReproduceLockTest {
    static String[] args(Path w, Path r, Path t, String... extra) {
        List<String> a = new ArrayList<>(List.of("reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans",
                "--work", w.toString(), "--results", r.toString(), "--table", t.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static void doneCell(Path r) throws IOException {
        ReproductionTableTest.put(r, "shapes", "kmeans", 0, ReproductionTableTest.result("shapes", "kmeans", 0, 0.6, 0.5, 0.5, 0.4, 0, "null", 0,
                "1.0", "null", 2).replace("\"reference\"", "\"quick\""));
    }

    /**
     * A second reproduction with another --work and the same --results is refused at once, naming the folder and the
     * holder, exit 2, and runs nothing: the two ran the same cells and raced on the published files. The same with the
     * same --work and another --results. A dry run takes no lock: it says the folder is in use and goes on, exit 0.
     */
    @Test void aFolderHeldByAnotherReproductionIsRefused(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), t = dir.resolve("t.md");
        doneCell(r);
        try (RunLock held = RunLock.acquire(r, "dcec reproduce")) {
            String holder = Files.readString(r.resolve(RunLock.FILE_NAME)).strip();
            Object[] res = ReproduceDryRunTest.run(args(dir.resolve("w2"), r, t));
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --results " + r + " is in use by another run (" + holder + "): wait for it to finish, or choose another --results\n",
                    res[2]);
            assertFalse(Files.exists(t), "the refused reproduction wrote the page");

            res = ReproduceDryRunTest.run(args(dir.resolve("w2"), r, t, "--dry-run"));
            assertEquals(0, res[0], res[1] + "\n" + res[2]);
            assertTrue(((String) res[1]).startsWith("note: --results " + r + " is in use by another run (" + holder + "): a reproduction started now"
                    + " would be refused (exit code 2) until it ends; this dry run shows the folders as they are at this moment\n"), (String) res[1]);
            assertTrue(((String) res[1]).contains("[1/1] kmeans on shapes, seed 0: done"), (String) res[1]);
        }
        Path w = dir.resolve("w");
        try (RunLock held = RunLock.acquire(w, "dcec reproduce")) {
            String holder = Files.readString(w.resolve(RunLock.FILE_NAME)).strip();
            Object[] res = ReproduceDryRunTest.run(args(w, dir.resolve("r2"), t));
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --work " + w + " is in use by another run (" + holder + "): wait for it to finish, or choose another --work\n", res[2]);
            assertFalse(Files.exists(dir.resolve("r2")), "the refused reproduction wrote results");
        }
    }

    /**
     * The lock file of a killed reproduction (its holder line left, its lock released by the operating system) does not
     * block the next one: it takes the folder over and says whose it was; at its end it leaves the file empty.
     */
    @Test void theLockFileOfAKilledReproductionDoesNotBlock(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), w = dir.resolve("w"), t = dir.resolve("t.md");
        doneCell(r);
        String killed = "pid 4242 on host elsewhere, started 2026-12-01T00:00:00Z by dcec reproduce";
        Files.writeString(r.resolve(RunLock.FILE_NAME), killed + "\n");
        Object[] res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).startsWith("note: --results " + r + ": taking it over from a run that ended without releasing it (" + killed + ")\n"),
                (String) res[1]);
        assertTrue(((String) res[1]).contains("1 of 1 cell done before this run, 0 run now, 0 failed"), (String) res[1]);
        assertEquals("", Files.readString(r.resolve(RunLock.FILE_NAME)));
        assertEquals("", Files.readString(w.resolve(RunLock.FILE_NAME)));
    }
}
