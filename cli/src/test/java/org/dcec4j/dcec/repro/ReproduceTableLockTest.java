package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dcec4j.dcec.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever writes the page holds its folder, and {@code reproduce table} holds the results folder it reads, as a
 * reproduction does: {@code reproduce table} took no lock and rewrote the page while a reproduction was writing the same
 * page or its results, and two reproductions with different results folders but the same --table wrote it in turn.
 * No cell runs here (the one planned cell is done), so a reproduction that gets its folders only rewrites the page.
 */
class ReproduceTableLockTest {
    static final String OLD_PAGE = "the page as the holder left it\n";
    /** The done cell's row of the page: ACC 60.00, linked to its result.json. */
    static final String DONE_ROW = "| shapes | kmeans | 0 | — | [60.00](";

    static Object[] table(Path r, Path t) {
        return ReproduceDryRunTest.run("reproduce", "table", "--quick", "--plan", "shapes:0", "--methods", "kmeans",
                "--results", r.toString(), "--table", t.toString());
    }

    static Path oldPage(Path t) throws IOException {
        Files.createDirectories(t.getParent());
        return Files.writeString(t, OLD_PAGE);
    }

    /**
     * reproduce table while a reproduction holds the results folder: refused, exit 2, naming the folder and the holder as
     * a second reproduction is refused; the page is not touched. Once the folder is free it writes the page, and leaves
     * the lock files it took empty.
     */
    @Test void theTableIsNotRewrittenWhileAReproductionHoldsTheResults(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), t = oldPage(dir.resolve("pages/t.md"));
        ReproduceLockTest.doneCell(r);
        try (RunLock held = RunLock.acquire(r, "dcec reproduce")) {
            String holder = Files.readString(r.resolve(RunLock.FILE_NAME)).strip();
            Object[] res = table(r, t);
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --results " + r + " is in use by another run (" + holder + "): wait for it to finish, or choose another --results\n",
                    res[2]);
            assertEquals(OLD_PAGE, Files.readString(t), "the refused rewrite wrote the page");
            assertEquals(List.of(), lockFiles(t.getParent()), "the refused rewrite left the page's folder held or marked");
        }
        Object[] res = table(r, t);
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("wrote " + t + " from the result files under " + r), (String) res[1]);
        assertTrue(Files.readString(t).contains(DONE_ROW), Files.readString(t));
        assertEquals("", Files.readString(r.resolve(RunLock.FILE_NAME)));
        assertEquals("", Files.readString(t.getParent().resolve(RunLock.FILE_NAME)));
    }

    /**
     * reproduce table while another run holds the page's folder (a reproduction with other results writing the same page):
     * refused, exit 2, naming the page, its folder and the holder; the page is not touched and the results folder is free
     * again.
     */
    @Test void theTableIsNotRewrittenWhileAnotherWriterHoldsThePagesFolder(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), pages = dir.resolve("pages"), t = oldPage(pages.resolve("t.md"));
        ReproduceLockTest.doneCell(r);
        try (RunLock held = RunLock.acquire(pages, "dcec reproduce")) {
            String holder = Files.readString(pages.resolve(RunLock.FILE_NAME)).strip();
            Object[] res = table(r, t);
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --table " + t + ": its folder " + pages + " is in use by another run (" + holder
                    + "): wait for it to finish, or choose another --table\n", res[2]);
            assertEquals(OLD_PAGE, Files.readString(t), "the refused rewrite wrote the page");
            assertEquals(null, RunLock.holder(r), "the refused rewrite still holds the results folder");
        }
    }

    /**
     * The same, the page's folder held by another process (the operating system's lock, not this JVM's own record of
     * the folders it holds): refused naming that process's pid; the page is not touched.
     */
    @Test void theTableIsNotRewrittenWhileAnotherProcessHoldsThePagesFolder(@TempDir Path dir) throws Exception {
        Path r = dir.resolve("r"), pages = dir.resolve("pages"), t = oldPage(pages.resolve("t.md"));
        ReproduceLockTest.doneCell(r);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldFolder.class.getName(), pages.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader child = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = child.readLine();
            assertEquals("held", line, "the child JVM did not take the lock");
            String holder = Files.readString(pages.resolve(RunLock.FILE_NAME)).strip();
            assertTrue(holder.startsWith("pid " + p.pid() + " on host "), holder);
            Object[] res = table(r, t);
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --table " + t + ": its folder " + pages + " is in use by another run (" + holder
                    + "): wait for it to finish, or choose another --table\n", res[2]);
            assertEquals(OLD_PAGE, Files.readString(t), "the refused rewrite wrote the page");
        } finally {
            p.getOutputStream().close();    // the child ends when its standard input does
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        Object[] res = table(r, t);
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).startsWith("wrote " + t), (String) res[1]);
    }

    /**
     * A second reproduction with its own --work and --results but the same --table is refused before any cell, naming the
     * page's folder and the holder; it writes neither the page nor a result. A dry run says the folder is in use.
     */
    @Test void twoReproductionsDoNotShareAPage(@TempDir Path dir) throws IOException {
        Path pages = dir.resolve("pages"), t = oldPage(pages.resolve("t.md")), r2 = dir.resolve("r2");
        ReproduceLockTest.doneCell(r2);
        try (RunLock held = RunLock.acquire(pages, "dcec reproduce")) {
            String holder = Files.readString(pages.resolve(RunLock.FILE_NAME)).strip();
            Object[] res = ReproduceDryRunTest.run(ReproduceLockTest.args(dir.resolve("w2"), r2, t));
            assertEquals(2, res[0], res[1] + "\n" + res[2]);
            assertEquals("dcec: --table " + t + ": its folder " + pages + " is in use by another run (" + holder
                    + "): wait for it to finish, or choose another --table\n", res[2]);
            assertEquals(OLD_PAGE, Files.readString(t), "the refused reproduction wrote the page");
            assertFalse(Files.exists(r2.resolve("shapes/report.html")), "the refused reproduction wrote a report");
            assertEquals(null, RunLock.holder(r2), "the refused reproduction still holds its results folder");

            res = ReproduceDryRunTest.run(ReproduceLockTest.args(dir.resolve("w2"), r2, t, "--dry-run"));
            assertEquals(0, res[0], res[1] + "\n" + res[2]);
            assertTrue(((String) res[1]).startsWith("note: --table " + t + ": its folder " + pages + " is in use by another run (" + holder
                    + "): a reproduction started now would be refused (exit code 2) until it ends;"), (String) res[1]);
        }
        Object[] res = ReproduceDryRunTest.run(ReproduceLockTest.args(dir.resolve("w2"), r2, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(Files.readString(t).contains(DONE_ROW), Files.readString(t));
        assertEquals("", Files.readString(pages.resolve(RunLock.FILE_NAME)));
    }

    /**
     * A page in the results folder, or in the work folder (--quick's default, repro-quick/reproduction.md), is in a folder
     * the command holds already: held once, not refused as in use by the command itself.
     */
    @Test void aPageInAFolderHeldAlreadyIsNotRefused(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), w = dir.resolve("w");
        ReproduceLockTest.doneCell(r);
        Object[] res = table(r, r.resolve("page.md"));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        res = ReproduceDryRunTest.run(ReproduceLockTest.args(w, r, r.resolve("page.md")));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        res = ReproduceDryRunTest.run(ReproduceLockTest.args(w, r, w.resolve("page.md")));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(Files.readString(w.resolve("page.md")).contains(DONE_ROW));
        assertEquals("", Files.readString(r.resolve(RunLock.FILE_NAME)));
        assertEquals("", Files.readString(w.resolve(RunLock.FILE_NAME)));
    }

    /**
     * A --table under a file is refused naming the option and the file, exit 2, as the reproduction refuses it (not the
     * page's folder, which the rewrite creates to lock it, as an I/O failure); nothing is written.
     */
    @Test void aPageUnderAFileIsRefusedNamingTheOption(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x"), t = file.resolve("t.md");
        Object[] res = table(dir.resolve("r"), t);
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertEquals("dcec: --table " + t + " cannot be written: " + file + " is a file, not a folder\n", res[2]);
        assertEquals("x", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("r")));
    }

    private static List<Path> lockFiles(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.filter(f -> f.getFileName().toString().equals(RunLock.FILE_NAME)).toList();
        }
    }

    /** A process holding the folder {@code args[0]} as a reproduction does, until its standard input ends. */
    public static final class HoldFolder {
        public static void main(String[] args) throws IOException {
            try (RunLock lock = RunLock.acquire(Path.of(args[0]), "dcec reproduce")) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }
}
