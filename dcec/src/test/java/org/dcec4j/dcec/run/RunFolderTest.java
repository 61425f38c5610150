package org.dcec4j.dcec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder's lock and its refusal to mix two runs' files. */
class RunFolderTest {
    static final Dataset TINY = Shapes.generate(40, 5, 12);
    static final DcecConfig CFG = DcecConfig.defaults().toBuilder().filters(4, 4, 8).K(3).batchSize(16).pretrainEpochs(2)
            .kmeansRestarts(2).updateInterval(3).maxIter(6).seed(9).checkpointEvery(2).build();

    @TempDir Path tmp;

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test void aLockedFolderIsRefusedNamingTheHolder() throws IOException {
        Path dir = tmp.resolve("run");
        String host = InetAddress.getLocalHost().getHostName();
        try (RunLock lock = RunLock.acquire(dir, "dcec train")) {
            assertNull(lock.previousHolder());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(dir, "dcec cluster"));
            assertTrue(e.getMessage().startsWith("runFolder " + dir + " is in use by another run (pid " + ProcessHandle.current().pid()
                    + " on host " + host + ", started "), e.getMessage());
            assertTrue(e.getMessage().contains("by dcec train)"), e.getMessage());
            assertEquals(List.of(RunLock.FILE_NAME), names(dir));
        }
        // released: the file stays, empty, so the next run takes it without a word
        assertEquals("", Files.readString(dir.resolve(RunLock.FILE_NAME)));
        try (RunLock again = RunLock.acquire(dir, "dcec train")) {
            assertNull(again.previousHolder());
        }
    }

    /**
     * Two threads of one process that take the same folder at once: one holds it, the other is refused with this
     * process named as the holder, and every other process still finds the folder locked. (The second thread used to
     * open the lock file too, find it locked and close its descriptor, and POSIX then released the first thread's
     * lock: the folder stood unlocked while its run went on, in every one of 40 rounds.)
     */
    @Test void twoThreadsTakingOneFolderAtOnceLeaveItLocked() throws Exception {
        int rounds = 12;
        List<RunLock> held = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int r = 0; r < rounds; r++) {
                Path dir = tmp.resolve("race" + r);
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<Object> take = () -> {
                    start.await();
                    try {
                        return RunLock.acquire(dir, "dcec train");
                    } catch (IllegalArgumentException e) {
                        return e;
                    }
                };
                Future<Object> a = threads.submit(take), b = threads.submit(take);
                List<Object> got = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
                for (Object o : got) if (o instanceof RunLock lock) held.add(lock);
                assertEquals(r + 1, held.size(), "round " + r + ": exactly one thread holds the folder: " + got);
                IllegalArgumentException refused = (IllegalArgumentException) (got.get(0) instanceof RunLock ? got.get(1) : got.get(0));
                assertTrue(refused.getMessage().contains("in use by another run (pid " + ProcessHandle.current().pid() + " on host "),
                        refused.getMessage());
                dirs.add(dir.toString());
            }
            assertEquals(dirs.stream().map(d -> "HELD " + d).toList(), probe(dirs), "what another process finds");
        } finally {
            threads.shutdownNow();
            for (RunLock lock : held) lock.close();
        }
        // released: another acquisition succeeds
        try (RunLock again = RunLock.acquire(tmp.resolve("race0"), "dcec train")) {
            assertNull(again.previousHolder());
        }
    }

    /** Closing a lock again, after the folder has passed to another holder in this process, leaves that holder alone. */
    @Test void aSecondCloseLeavesTheNextHolderAlone() throws Exception {
        Path dir = tmp.resolve("run");
        RunLock first = RunLock.acquire(dir, "dcec train");
        first.close();
        try (RunLock second = RunLock.acquire(dir, "dcec cluster")) {
            first.close();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(dir, "dcec train"));
            assertTrue(e.getMessage().contains("by dcec cluster)"), e.getMessage());
            // (the test does not read the file itself here: closing its own descriptor would release the lock, POSIX)
            assertEquals(List.of("HELD " + dir), probe(List.of(dir.toString())), "what another process finds");
        }
    }

    /** What another process finds for each folder's lock: "HELD dir" or "FREE dir" ({@link LockProbeMain}). */
    private static List<String> probe(List<String> dirs) throws Exception {
        String javaBin = System.getProperty("java.home") + java.io.File.separator + "bin" + java.io.File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"), LockProbeMain.class.getName()));
        cmd.addAll(dirs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out:\n" + out);
        return out.lines().toList();
    }

    @Test void aStaleLockIsTakenOver() throws IOException {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        // what a killed run leaves: the file with its holder line, and no process holding the lock
        Files.writeString(dir.resolve(RunLock.FILE_NAME), "pid 99999999 on host elsewhere, started 2026-01-01T00:00:00Z by dcec train\nnonce 1\n");
        try (RunLock lock = RunLock.acquire(dir, "dcec train")) {
            assertEquals("pid 99999999 on host elsewhere, started 2026-01-01T00:00:00Z by dcec train", lock.previousHolder());
            assertTrue(Files.readString(dir.resolve(RunLock.FILE_NAME)).startsWith("pid " + ProcessHandle.current().pid() + " "));
        }
    }

    /**
     * A run folder deleted, or replaced by another, during the run stops the run at its next write, naming the folder;
     * nothing is written into a folder made again (every write used to create its folder: the run went on into a new
     * folder without its lock, config and earlier files, and a later --resume trusted what it found there).
     */
    @Test void aFolderDeletedOrReplacedDuringTheRunStopsIt() throws IOException {
        for (boolean replace : new boolean[] {false, true}) {
            Path dir = tmp.resolve(replace ? "replaced" : "deleted");
            TrainingListener vandal = new TrainingListener() {
                @Override public void epochDone(int epoch, double loss, double seconds) throws IOException {
                    if (epoch != 1) return;
                    try (Stream<Path> s = Files.walk(dir)) {
                        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
                    }
                    if (replace) Files.createDirectories(dir);
                }
            };
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> new DcecTrainer(CFG, TINY).listener(vandal).listener(new RunFolder(dir, CFG, TINY)).run());
            assertEquals(dir.toString(), e.getFile());
            assertTrue(e.getMessage().contains("the run folder was " + (replace ? "replaced" : "deleted") + " during the run"), e.getMessage());
            if (replace) assertEquals(List.of(), names(dir));
            else org.junit.jupiter.api.Assertions.assertFalse(Files.exists(dir));
        }
    }

    /**
     * config.json is JSON whatever the data set's name (a folder's name): quotes, backslashes and control characters are
     * escaped (a tab or a line break in a folder's name was written raw, and the file was not JSON).
     */
    @Test void configJsonEscapesTheDataSetsName() throws IOException {
        String name = "a\tb\nc\u0001\"d\\e é";
        Dataset named = new Dataset(name, 1, 12, 12, TINY.images(), TINY.labels());
        Path dir = tmp.resolve("named");
        new RunFolder(dir, CFG, named).runStarted(org.dcec4j.engine.Backend.scalar());
        List<String> lines = Files.readAllLines(dir.resolve(RunFolder.CONFIG_JSON));
        assertTrue(lines.contains("  \"dataset\": \"a\\tb\\nc\\u0001\\\"d\\\\e é\","), String.join("\n", lines));
        for (String line : lines)
            for (char c : line.toCharArray()) assertTrue(c >= 0x20, "a raw control character in " + line);
        assertEquals(name, org.dcec4j.dcec.report.RunLogs.readConfig(dir.resolve(RunFolder.CONFIG_JSON)).get("dataset"));
    }

    /** A log line that cannot be written names its file (FileOutputStream's own message puts the reason in brackets). */
    /**
     * A resumed log that holds bytes that are not UTF-8 (a damaged or hand-edited log) is continued: lines that are not
     * rows are dropped as a torn line is, the rows up to the checkpoint kept byte for byte. The resume stopped with
     * "dcec: Input length = 1" (a MalformedInputException naming no file).
     */
    @Test void aLogWithBytesThatAreNotUtf8IsResumed() throws IOException {
        Path log = tmp.resolve(RunFolder.PRETRAIN_LOG);
        byte[] row2 = "2,0.400000,1.00000 ?\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        row2[row2.length - 2] = (byte) 0xE9;   // Latin-1 'é': not UTF-8
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        content.writeBytes((RunFolder.PRETRAIN_HEADER + "\n1,0.500000,1.00000\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        content.writeBytes(row2);
        content.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, ' ', 'x', '\n'});
        content.writeBytes("3,0.300000,1.00000\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.write(log, content.toByteArray());
        CsvLog.resume(log, RunFolder.PRETRAIN_HEADER, epoch -> epoch <= 2).row(3, 0.25, 1.0);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes((RunFolder.PRETRAIN_HEADER + "\n1,0.500000,1.00000\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        expected.writeBytes(row2);
        expected.writeBytes("3,0.250000,1.00000\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(new String(expected.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /**
     * A log whose unsynced tail a power cut shortened (the checkpoint itself is synced): a row cut short keeps its step
     * number and may be one the checkpoint covers. A row with fewer cells than the header, and a last line without its
     * line break, are dropped; they were kept, and the resumed log went on after a torn row.
     */
    @Test void aResumedLogDropsRowsCutShort() throws IOException {
        Path log = tmp.resolve(RunFolder.DCEC_LOG);
        String row0 = "0,0.500000,0.400000,0.300000,,,,1.00000\n", row3 = "3,0.600000,0.500000,0.400000,0.100000,0.0100000,,0.0500000\n";
        Files.writeString(log, RunFolder.DCEC_HEADER + "\n" + row0 + "3,0.600000,0.500\n" + row3 + "6,0.61");
        CsvLog.resume(log, RunFolder.DCEC_HEADER, iteration -> iteration < 9);
        assertEquals(RunFolder.DCEC_HEADER + "\n" + row0 + row3, Files.readString(log));
    }

    /**
     * A log that lacks rows its checkpoint covers (the checkpoint is newer than the log: an edit, or a power cut that took
     * the log's unsynced tail after the checkpoint was synced) is continued, and run.log names the rows that are missing,
     * which the resumed run cannot make again (the losses of those steps are not in the checkpoint). The resume went on
     * after the gap without a word, and the log read as complete.
     */
    @Test void aResumedLogThatLacksRowsItsCheckpointCoversIsNamedInRunLog() throws IOException {
        DcecConfig cfg = CFG.toBuilder().pretrainEpochs(5).maxIter(14).updateInterval(4).tol(0).checkpointEvery(2).build();
        Path dir = tmp.resolve("run");
        // killed in epoch 4 (the checkpoint holds epoch 2), then the log loses its rows of epochs 1 and 2
        TrainingListener killPretrain = new TrainingListener() {
            @Override public void batchDone(org.dcec4j.dcec.train.Phase phase, int step, int batch, int n, double loss) {
                if (phase == org.dcec4j.dcec.train.Phase.PRETRAIN && step == 3) throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> new DcecTrainer(cfg, TINY).listener(new RunFolder(dir, cfg, TINY)).listener(killPretrain).run());
        Path pretrainLog = dir.resolve(RunFolder.PRETRAIN_LOG), clusterLog = dir.resolve(RunFolder.DCEC_LOG), runLog = dir.resolve(RunFolder.RUN_LOG);
        List<String> rows = Files.readAllLines(pretrainLog);
        assertEquals(List.of("1", "2", "3"), rows.subList(1, rows.size()).stream().map(r -> r.substring(0, r.indexOf(','))).toList());
        Files.write(pretrainLog, List.of(rows.get(0), rows.get(3)));
        // resumed, and killed in iteration 11 (the checkpoint holds iteration 10; rows 0, 4 and 8), then row 4 is lost
        TrainingListener killCluster = new TrainingListener() {
            @Override public void batchDone(org.dcec4j.dcec.train.Phase phase, int step, int batch, int n, double loss) {
                if (phase == org.dcec4j.dcec.train.Phase.CLUSTER && step == 11) throw new IllegalStateException("killed");
            }
        };
        RunFolder again = new RunFolder(dir, cfg, TINY);
        assertThrows(IllegalStateException.class, () -> new DcecTrainer(cfg, TINY).listener(again).resumeFrom(again.readCheckpoint())
                .listener(killCluster).run());
        List<String> log = Files.readAllLines(runLog);
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).endsWith(" " + pretrainLog + " lacks the rows of epochs 1, 2, which the checkpoint it resumed from"
                + " covers (pretraining, after epoch 2): lost after that checkpoint was written, they cannot be made again; the resumed"
                + " run goes on after them"), log.get(0));
        assertEquals(List.of("3", "4", "5"), Files.readAllLines(pretrainLog).stream().skip(1).map(r -> r.substring(0, r.indexOf(','))).toList());
        rows = Files.readAllLines(clusterLog);
        assertEquals(List.of("0", "4", "8"), rows.stream().skip(1).map(r -> r.substring(0, r.indexOf(','))).toList());
        Files.write(clusterLog, List.of(rows.get(0), rows.get(1), rows.get(3)));
        RunFolder last = new RunFolder(dir, cfg, TINY);
        new DcecTrainer(cfg, TINY).listener(last).resumeFrom(last.readCheckpoint()).run();
        log = Files.readAllLines(runLog);
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(1).endsWith(" " + clusterLog + " lacks the row of iteration 4, which the checkpoint it resumed from"
                + " covers (clustering, at iteration 10): lost after that checkpoint was written, it cannot be made again; the resumed"
                + " run goes on after it"), log.get(1));
        assertEquals(List.of("0", "8", "12", "14"), Files.readAllLines(clusterLog).stream().skip(1).map(r -> r.substring(0, r.indexOf(','))).toList());
    }

    /**
     * --resume in the folder of a run killed before its first checkpoint was complete says to start it again with
     * overwrite: "drop resume" (right for a folder with no run in it) was refused in turn, for that run's config.json.
     */
    @Test void aResumeWithoutACheckpointInAStartedRunsFolderSaysToOverwrite() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        RunFolder empty = new RunFolder(dir, CFG, TINY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, empty::requireCheckpoint);
        assertTrue(e.getMessage().contains("drop resume"), e.getMessage());
        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), "{}\n");
        Files.writeString(dir.resolve(".checkpoint.dc4j.123.tmp"), "half a checkpoint");
        e = assertThrows(IllegalArgumentException.class, new RunFolder(dir, CFG, TINY)::requireCheckpoint);
        assertTrue(e.getMessage().contains("start it again with overwrite instead of resume"), e.getMessage());
        assertTrue(!e.getMessage().contains("drop resume"), e.getMessage());
        // a folder or a link to nothing at the checkpoint's name is named as such, not as a run that wrote no checkpoint
        Path ck = dir.resolve(RunFolder.CHECKPOINT);
        Files.createDirectory(ck);
        e = assertThrows(IllegalArgumentException.class, new RunFolder(dir, CFG, TINY)::requireCheckpoint);
        assertEquals("resume: " + ck + " is a folder; expected the checkpoint file that a run with checkpointEvery writes",
                e.getMessage());
        Files.delete(ck);
        Files.createSymbolicLink(ck, tmp.resolve("gone.dc4j"));
        e = assertThrows(IllegalArgumentException.class, new RunFolder(dir, CFG, TINY)::requireCheckpoint);
        assertEquals("resume: " + ck + " is a link to nothing (" + tmp.resolve("gone.dc4j") + "); expected the checkpoint file"
                + " that a run with checkpointEvery writes", e.getMessage());
    }

    @Test void aLogThatCannotBeWrittenNamesItsFile() throws IOException {
        Path notAFolder = Files.writeString(tmp.resolve("plain"), "a file, not a folder");
        Path log = notAFolder.resolve("dcec_log.csv");
        FileSystemException e = assertThrows(FileSystemException.class, () -> CsvLog.create(log, "iter,acc"));
        assertEquals(log.toString(), e.getFile());
        assertEquals("not a directory", e.getReason());
    }

    /**
     * A log started where a symbolic link lies replaces the link and leaves its target alone: the link was followed, so a
     * run wrote its log into an existing target, or created the file where a dangling link pointed (a dangling link is
     * not another run's result, so the folder was not refused; with pretrain --out the link's target got the log).
     */
    @Test void aLogReplacesASymbolicLinkAtItsName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "precious data\n");
        Path nowhere = tmp.resolve("created-by-the-run.txt");
        Files.createSymbolicLink(dir.resolve(RunFolder.PRETRAIN_LOG), precious);
        Files.createSymbolicLink(dir.resolve(RunFolder.DCEC_LOG), nowhere);
        CsvLog.create(dir.resolve(RunFolder.PRETRAIN_LOG), RunFolder.PRETRAIN_HEADER).row(1, 0.5, 2.0);
        CsvLog.create(dir.resolve(RunFolder.DCEC_LOG), RunFolder.DCEC_HEADER);
        assertEquals("precious data\n", Files.readString(precious));
        assertTrue(Files.notExists(nowhere), "nothing created where the dangling link pointed");
        for (String log : List.of(RunFolder.PRETRAIN_LOG, RunFolder.DCEC_LOG))
            assertTrue(Files.isRegularFile(dir.resolve(log), java.nio.file.LinkOption.NOFOLLOW_LINKS), log + " is a file of its own");
        assertEquals(RunFolder.PRETRAIN_HEADER + "\n1,0.500000,2.00000\n", Files.readString(dir.resolve(RunFolder.PRETRAIN_LOG)));
    }

    /**
     * dcec_log.csv keeps ACC, NMI, ARI and delta_label as the doubles the run computed, and the report reads them back
     * so: written to six digits, 0.16224999999999998 became 0.162250, which the report's four decimals (and the
     * reproduction table's percent to two) showed as 0.1623, where the same score from predictions.csv shows 0.1622;
     * and a delta_label just under the stopping tolerance read as equal to it. The losses keep six digits.
     */
    @Test void theClusteringLogKeepsScoresAndDeltaLabelExactly() throws IOException {
        double acc = 0.16224999999999998, nmi = 1 / 3.0, ari = -1.2345678901234567e-4, delta = 0.0009999999999999998;
        assertEquals("0.162250", String.format(java.util.Locale.ROOT, "%.6g", acc), "the example double-rounds at six digits");
        Path log = tmp.resolve(RunFolder.DCEC_LOG);
        CsvLog.create(log, RunFolder.DCEC_HEADER).row(RunFolder.clusterLogCells(7, delta,
                new org.dcec4j.dcec.train.Scores(acc, nmi, ari), new TrainingListener.Losses(0.123456789, 0.1, 0.0234567891)));
        String[] cells = Files.readAllLines(log).get(1).split(",", -1);
        assertEquals(List.of("7", "0.123457", "0.100000", "0.0234568"), List.of(cells[0], cells[4], cells[5], cells[6]));
        List<org.dcec4j.dcec.report.RunLogs.ClusterRow> rows = org.dcec4j.dcec.report.RunLogs.readClusterLog(log);
        assertEquals(1, rows.size());
        org.dcec4j.dcec.report.RunLogs.ClusterRow r = rows.get(0);
        assertEquals(acc, r.acc());
        assertEquals(nmi, r.nmi());
        assertEquals(ari, r.ari());
        assertEquals(delta, r.deltaLabel());
        assertEquals("0.1622", String.format(java.util.Locale.ROOT, "%.4f", r.acc()));
        // without labels the metric cells stay empty
        CsvLog.create(log, RunFolder.DCEC_HEADER).row(RunFolder.clusterLogCells(0, Double.NaN,
                new org.dcec4j.dcec.train.Scores(Double.NaN, Double.NaN, Double.NaN), new TrainingListener.Losses(Double.NaN, Double.NaN, Double.NaN)));
        assertEquals("0,,,,,,,", Files.readAllLines(log).get(1));
    }

    /**
     * A lock file that cannot be opened (a read-only file system, a folder in its place) names it and the reason, like every
     * other failed file operation, not in RandomAccessFile's "path (Reason)" form.
     */
    @Test void aLockFileThatCannotBeOpenedNamesItAndTheReason() throws IOException {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir.resolve(".dcec.lock"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> RunLock.acquire(dir, "dcec train"));
        assertEquals(dir.toRealPath().resolve(".dcec.lock").toString(), e.getFile());
        assertEquals("is a directory", e.getReason());
        assertEquals(dir.toRealPath().resolve(".dcec.lock") + ": is a directory", org.dcec4j.datasets.IoErrors.describe(e));
        Files.delete(dir.resolve(".dcec.lock"));      // and the folder is free once the cause is gone
        RunLock.acquire(dir, "dcec train").close();
    }

    /**
     * A lock that cannot be emptied at the end (the file system turned read-only, the file made immutable: its file
     * descriptor fails here) names the lock file: the line read only "Operation not permitted". The folder is free
     * afterwards, and the next run takes it over from the holder line that stayed.
     */
    @Test void aLockThatCannotBeReleasedNamesItsFile() throws Exception {
        Path dir = tmp.resolve("run");
        RunLock lock = RunLock.acquire(dir, "dcec train");
        java.lang.reflect.Field raf = RunLock.class.getDeclaredField("raf");
        raf.setAccessible(true);
        ((java.io.RandomAccessFile) raf.get(lock)).close();   // every later call on the file fails, as on a read-only file system
        FileSystemException e = assertThrows(FileSystemException.class, lock::close);
        assertEquals(dir.toRealPath().resolve(RunLock.FILE_NAME).toString(), e.getFile());
        try (RunLock next = RunLock.acquire(dir, "dcec train --resume")) {
            assertTrue(next.previousHolder() != null && next.previousHolder().endsWith("by dcec train"), next.previousHolder());
        }
    }

    /**
     * A symbolic link at the lock file's name is refused, its target untouched: the lock was opened through it, so the
     * target got the holder line and was emptied when the run ended (a file of 14 bytes was left empty).
     */
    @Test void aLockFileThatIsASymbolicLinkIsRefusedAndItsTargetLeftAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "precious data\n");
        Files.createSymbolicLink(dir.resolve(RunLock.FILE_NAME), precious);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(dir, "dcec train"));
        assertEquals("runFolder " + dir + ": its lock file .dcec.lock is a symbolic link (to " + precious + "), not the plain"
                + " file a run creates: the run would write into the link's target and empty it when it ends; delete the link ("
                + dir.toRealPath().resolve(RunLock.FILE_NAME) + ") or choose another runFolder", e.getMessage());
        assertEquals("precious data\n", Files.readString(precious));
        assertTrue(Files.isSymbolicLink(dir.resolve(RunLock.FILE_NAME)));
        Files.delete(dir.resolve(RunLock.FILE_NAME));      // and the folder is free once the link is gone
        RunLock.acquire(dir, "dcec train").close();
        assertEquals("precious data\n", Files.readString(precious));
    }

    @Test void anotherRunsResultsAreRefusedOrReplacedButNeverMixed() throws IOException {
        Path dir = tmp.resolve("run");
        RunFolder first = new RunFolder(dir, CFG, TINY);
        new DcecTrainer(CFG, TINY).listener(first).run();
        Files.writeString(dir.resolve("report.html"), "<html>old</html>");
        Files.writeString(dir.resolve(".checkpoint.dc4j.8261530.tmp"), "what a killed write left");
        List<String> all = List.of("cae_weights.dc4j", "checkpoint.dc4j", "config.json", "dcec_log.csv", "model.dc4j", "predictions.csv",
                "pretrain_log.csv", "report.html");

        RunFolder second = new RunFolder(dir, CFG.toBuilder().seed(10).build(), TINY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> second.prepare(RunFolder.Start.NEW, false));
        assertTrue(e.getMessage().contains("holds the results of another run (config.json, pretrain_log.csv, cae_weights.dc4j, dcec_log.csv, "
                + "checkpoint.dc4j, model.dc4j, predictions.csv, report.html)") && e.getMessage().contains("pass overwrite to replace them"), e.getMessage());
        // the refusal deleted only the killed write's temporary file
        assertEquals(all, names(dir));
        // a clustering run after pretraining keeps the pretraining's files but not the clustering results
        e = assertThrows(IllegalArgumentException.class, () -> second.prepare(RunFolder.Start.AFTER_PRETRAINING, false));
        assertTrue(e.getMessage().contains("(dcec_log.csv, checkpoint.dc4j, model.dc4j, predictions.csv, report.html)"), e.getMessage());
        assertEquals(List.of(), second.prepare(RunFolder.Start.RESUME, false));

        List<Path> deleted = second.prepare(RunFolder.Start.NEW, true);
        assertEquals(8, deleted.size(), deleted.toString());
        assertEquals(List.of(), names(dir));
        // a run killed before its first checkpoint left results but nothing to resume: resume is not offered
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("pretrain_log.csv"), "epoch,loss,seconds\n");
        e = assertThrows(IllegalArgumentException.class, () -> second.prepare(RunFolder.Start.NEW, false));
        assertTrue(e.getMessage().endsWith("(config.json, pretrain_log.csv): pass overwrite to replace them, or choose another runFolder"),
                e.getMessage());
    }

    @Test void clusteringAfterPretrainingReplacesOnlyThePretrainingsCheckpoint() throws IOException {
        Path dir = tmp.resolve("run");
        new DcecTrainer(CFG, TINY).listener(new RunFolder(dir, CFG, TINY)).pretrainOnly(true).run();
        assertEquals(List.of("cae_weights.dc4j", "checkpoint.dc4j", "config.json", "pretrain_log.csv"), names(dir));
        RunFolder cluster = new RunFolder(dir, CFG, TINY);
        assertEquals(List.of(dir.resolve("checkpoint.dc4j")), cluster.prepare(RunFolder.Start.AFTER_PRETRAINING, false));
        assertEquals(List.of("cae_weights.dc4j", "config.json", "pretrain_log.csv"), names(dir));
    }
}
