package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.dcec4j.dcec.cli.FaultTest.args;
import static org.dcec4j.dcec.cli.FaultTest.names;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@link Process#destroy()} sends on Linux, and a scheduler's stop) to a forked {@code dcec train}: the run
 * stops at a batch boundary, says so in run.log and on stderr, releases its folder as a normal end does, exits with 143,
 * and its checkpoint continues with --resume to the same bytes as a run never stopped. Before {@link SignalStop} the JVM
 * died at once: exit 143 too, but the lock file still named the dead run, no line said what happened or how to go on.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalStopTest {
    @TempDir Path tmp;

    /** 200 shapes images, a small network: far more pretraining epochs after the first checkpoint than a signal takes to arrive. */
    static List<String> options(int checkpointEvery) {
        return List.of("--dataset", "shapes", "--limit", "200", "--filters", "4,4,8", "--clusters", "4", "--batch-size", "32",
                "--pretrain-epochs", "80", "--kmeans-restarts", "2", "-T", "5", "--max-iter", "20", "--checkpoint-every",
                Integer.toString(checkpointEvery), "--threads", "1", "--no-report");
    }

    /** Every line ends with a newline and has the header's number of cells (none cut in the middle). */
    static void assertCompleteCsv(Path csv) throws Exception {
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), csv + " ends inside a line:\n" + text);
        List<String> lines = text.lines().toList();
        int cells = lines.get(0).split(",", -1).length;
        for (String line : lines) assertEquals(cells, line.split(",", -1).length, csv + ": a line cut short: '" + line + "'");
        for (String line : lines.subList(1, lines.size())) assertTrue(line.matches("[0-9]+,.*"), csv + ": '" + line + "'");
    }

    @Test void sigtermStopsAtABatchBoundaryReleasesTheFolderAndTheCheckpointResumesBitForBit() throws Exception {
        Path stopped = tmp.resolve("stopped"), whole = tmp.resolve("whole"), log = tmp.resolve("stopped.log");
        List<String> o = options(1);
        Process p = Forked.dcec(log, List.of(), args("train", o, "--out", stopped.toString()));
        sigtermWhen(p, log, () -> Files.exists(stopped.resolve(RunFolder.CHECKPOINT)), "run");
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        // released as a normal end releases it: no holder line, so the next run takes over nothing
        assertEquals("", Files.readString(stopped.resolve(RunLock.FILE_NAME)), "the lock file still names the stopped run");
        // the checkpoint is a complete one, and the stop line names it
        TensorFile ck = TensorFile.read(stopped.resolve(RunFolder.CHECKPOINT));
        assertEquals("pretrain", ck.meta("phase"), "80 epochs of 200 images outlast the signal");
        String named = "it starts from checkpoint.dc4j (pretraining, after epoch " + ck.meta("epoch") + ")";
        List<String> runLog = Files.readAllLines(stopped.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertTrue(Files.readString(stopped.resolve(RunFolder.RUN_LOG)).endsWith("\n"));
        String last = runLog.get(runLog.size() - 1);
        assertTrue(last.matches("[0-9T:-]+Z stopped by SIGTERM \\(pretraining, epoch [0-9]+, batch [0-9]+\\), before that step: .*"), last);
        assertTrue(last.contains("continue with the same command and --resume: " + named), last);
        assertTrue(err.contains("dcec: stopped by SIGTERM (pretraining, epoch "), err);
        assertTrue(err.contains(named), err);
        assertTrue(err.lines().filter(l -> l.contains("stopped by")).count() == 1, "one stop line on stderr:\n" + err);
        assertFalse(err.contains("did not reach a batch boundary"), err);
        assertCompleteCsv(stopped.resolve(RunFolder.PRETRAIN_LOG));
        assertEquals(Integer.parseInt(ck.meta("epoch")) + 1, Files.readAllLines(stopped.resolve(RunFolder.PRETRAIN_LOG)).size(),
                "a row for every epoch up to the checkpoint, none after it (the stop came before the next one ended)");
        // nothing half-written: no temporary file, no model of an unfinished run
        assertEquals(List.of(RunLock.FILE_NAME, RunFolder.CHECKPOINT, RunFolder.CONFIG_JSON, RunFolder.PRETRAIN_LOG, RunFolder.RUN_LOG),
                names(stopped));

        // --resume continues it to the end: the same bytes as a run never stopped
        Object[] r = run(args("train", o, "--resume", "--out", stopped.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(((String) r[2]).contains("taking over"), (String) r[2]);
        assertEquals(0, run(args("train", o, "--out", whole.toString()))[0]);
        for (String f : List.of(RunFolder.MODEL, RunFolder.PREDICTIONS, RunFolder.DCEC_LOG, "cae_weights.dc4j", RunFolder.CHECKPOINT))
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(stopped.resolve(f)), f);
        List<String> expected = new ArrayList<>(names(whole));
        expected.add(RunFolder.RUN_LOG);
        expected.sort(null);
        assertEquals(expected, names(stopped), "no temporary file left");
        runLog = Files.readAllLines(stopped.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertEquals(2, runLog.size(), String.join("\n", runLog));
        assertTrue(runLog.get(1).endsWith(" resumed by dcec train --resume from checkpoint.dc4j (pretraining, after epoch " + ck.meta("epoch") + ")"),
                runLog.get(1));
        assertEquals("", Files.readString(stopped.resolve(RunLock.FILE_NAME)), "released");
    }

    /**
     * A run resumed without {@code --checkpoint-every} (0, the default: it writes no checkpoint of its own) and stopped
     * again: its folder still holds the checkpoint it resumed from, so the stop line says to continue from it with
     * {@code --resume}. It said "no checkpoint to continue from (--checkpoint-every 0): start it again with --overwrite",
     * which deletes that checkpoint and the epochs it holds.
     */
    @Test void aResumedRunWithoutCheckpointsThatIsStoppedSaysItCanResumeFromTheOldOne() throws Exception {
        Path dir = tmp.resolve("run"), log = tmp.resolve("first.log"), again = tmp.resolve("again.log");
        Process p = Forked.dcec(log, List.of(), args("train", options(1), "--out", dir.toString()));
        sigtermWhen(p, log, () -> Files.exists(dir.resolve(RunFolder.CHECKPOINT)), "run");
        assertEquals(143, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        byte[] checkpoint = Files.readAllBytes(dir.resolve(RunFolder.CHECKPOINT));
        int epoch = Integer.parseInt(TensorFile.read(dir.resolve(RunFolder.CHECKPOINT)).meta("epoch"));
        // resumed with --checkpoint-every 0, stopped once it has trained two more epochs
        Process q = Forked.dcec(again, List.of(), args("train", options(0), "--resume", "--out", dir.toString()));
        sigtermWhen(q, again, quietly(() -> Files.readAllLines(dir.resolve(RunFolder.PRETRAIN_LOG)).size() > epoch + 3), "resumed run");
        String err = Files.readString(again, StandardCharsets.UTF_8);
        assertEquals(143, q.exitValue(), err);
        assertArrayEquals(checkpoint, Files.readAllBytes(dir.resolve(RunFolder.CHECKPOINT)), "the checkpoint it resumed from, kept");
        List<String> runLog = Files.readAllLines(dir.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        String last = runLog.get(runLog.size() - 1);
        assertTrue(last.contains(", before that step: nothing half-written is left in " + dir + "; continue with the same command and"
                + " --resume: it starts from checkpoint.dc4j (pretraining, after epoch " + epoch + "), the checkpoint this run resumed from"
                + " (it wrote none: --checkpoint-every 0; pass --checkpoint-every N to keep its progress)"), last);
        assertFalse(last.contains("--overwrite"), last);
        assertTrue(err.contains("continue with the same command and --resume"), err);
        // and it said so when it began, before any progress could be lost
        assertTrue(err.contains("dcec: this resumed run writes no checkpoints (--checkpoint-every 0, the default, was not given again): if it"
                + " stops, it continues from checkpoint.dc4j (pretraining, after epoch " + epoch + ") again; pass --checkpoint-every N with"
                + " --resume to keep its progress\n"), err);
    }

    /**
     * A stopped clustering started again with {@code cluster --overwrite} in its pretraining's folder: cluster keeps
     * run.log (it tells about the pretraining), so the finished run's log must not end with the earlier stop's line,
     * which points at a checkpoint the --overwrite deleted. Before, run.log's last line still said "stopped by SIGTERM
     * (clustering, …) continue with the same command and --resume" in a finished folder.
     */
    @Test void clusterStartedAgainAfterAStopSaysSoInRunLog() throws Exception {
        Path dir = tmp.resolve("run"), log = tmp.resolve("cluster.log");
        List<String> o = List.of("--dataset", "shapes", "--limit", "200", "--filters", "4,4,8", "--clusters", "4", "--batch-size", "32",
                "--kmeans-restarts", "1", "--threads", "1");
        Object[] r = run(args("pretrain", o, "--pretrain-epochs", "2", "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        // a clustering far longer than a signal takes to arrive, stopped after its first checkpoint
        Process p = Forked.dcec(log, List.of(), args("cluster", o, "--no-baseline", "--pretrain-epochs", "2", "-T", "1", "--tol", "0", "--max-iter", "1000000",
                "--checkpoint-every", "1", "--out", dir.toString()));
        sigtermWhen(p, log, () -> Files.exists(dir.resolve(RunFolder.CHECKPOINT)), "run");
        assertEquals(143, p.exitValue(), Files.readString(log));
        List<String> runLog = Files.readAllLines(dir.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertTrue(runLog.size() == 1 && runLog.get(0).contains(" stopped by SIGTERM (clustering, "), String.join("\n", runLog));

        // started again from the pretrained weights, to the end
        r = run(args("cluster", o, "--no-baseline", "--pretrain-epochs", "2", "-T", "1", "--max-iter", "3", "--overwrite", "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.MODEL)) && !Files.exists(dir.resolve(RunFolder.CHECKPOINT)));
        runLog = Files.readAllLines(dir.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        String last = runLog.get(runLog.size() - 1);
        assertFalse(last.contains("stopped by"), "run.log of a finished run still ends with the earlier stop:\n" + String.join("\n", runLog));
        assertTrue(last.matches("[0-9T:-]+Z clustering started again by dcec cluster --overwrite \\(deleted: dcec_log\\.csv, checkpoint\\.dc4j\\)"), last);
    }

    /** Without checkpoints the stop line says there is nothing to continue from, and how to start again. */
    @Test void withoutCheckpointsTheStopLineSaysThereIsNoneToContinueFrom() throws Exception {
        Path stopped = tmp.resolve("stopped"), log = tmp.resolve("stopped.log");
        Process p = Forked.dcec(log, List.of(), args("train", options(0), "--out", stopped.toString()));
        // the first epoch's row: the run is in its pretraining, writing no checkpoint
        Path csv = stopped.resolve(RunFolder.PRETRAIN_LOG);
        sigtermWhen(p, log, quietly(() -> Files.exists(csv) && Files.readAllLines(csv).size() >= 2), "run");
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        assertEquals("", Files.readString(stopped.resolve(RunLock.FILE_NAME)));
        String expected = "no checkpoint to continue from (--checkpoint-every 0): start it again with --overwrite";
        assertTrue(err.contains("dcec: stopped by SIGTERM (pretraining, epoch ") && err.contains(expected), err);
        List<String> runLog = Files.readAllLines(stopped.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertEquals(1, runLog.size(), String.join("\n", runLog));
        assertTrue(runLog.get(0).contains(expected), runLog.get(0));
        assertCompleteCsv(stopped.resolve(RunFolder.PRETRAIN_LOG));
        assertEquals(List.of(RunLock.FILE_NAME, RunFolder.CONFIG_JSON, RunFolder.PRETRAIN_LOG, RunFolder.RUN_LOG), names(stopped));
    }

    /**
     * predict stops between two batches: its atomic write's temporary file is deleted, an earlier file of the --output's
     * name is untouched, and a line says so. Before, the temporary CSV stayed beside it (until a later predict, ten
     * minutes on) and nothing was said.
     */
    @Test void sigtermStopsPredictWithoutATemporaryFileLeft() throws Exception {
        Path run = tmp.resolve("run"), dir = Files.createDirectories(tmp.resolve("predicted")), csv = dir.resolve("p.csv");
        Object[] r = run("train", "--dataset", "shapes", "--limit", "100", "--pretrain-epochs", "1", "--max-iter", "0", "--kmeans-restarts", "1",
                "--threads", "1", "--no-report", "--no-baseline", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);
        Files.writeString(csv, "an earlier file\n");
        Path log = tmp.resolve("predict.log");
        // 10,000 shapes images one at a time through the full-size network: seconds after its temporary file appears
        Process p = Forked.dcec(log, List.of(), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "shapes",
                "--threads", "1", "--batch-size", "1", "--output", csv.toString());
        sigtermWhen(p, log, quietly(() -> names(dir).size() > 1), "predict");      // its temporary file beside p.csv
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        assertEquals(List.of("p.csv"), names(dir), "no temporary file left");
        assertEquals("an earlier file\n", Files.readString(csv));
        assertTrue(err.contains("dcec: stopped by SIGTERM (image ") && err.contains(csv + " was not written"), err);
    }

    /**
     * A signal while predict is still getting its images (here a download that hangs: the proxy never answers) ends it
     * at once, as before SignalStop and as a training command that is still loading its images: there is no batch to
     * stop at and nothing of its output to clean up. Before, the shutdown waited the whole 10 s for a batch boundary
     * and then said the run "ends now without releasing its --out folder ... --resume continues from its last
     * checkpoint", which predict has neither of.
     */
    @Test void sigtermWhilePredictGetsItsImagesEndsItAtOnce() throws Exception {
        Path run = tmp.resolve("run"), home = Files.createDirectories(tmp.resolve("home")), log = tmp.resolve("predict.log");
        Object[] r = run("train", "--dataset", "shapes", "--limit", "100", "--pretrain-epochs", "1", "--max-iter", "0", "--kmeans-restarts", "1",
                "--threads", "1", "--no-report", "--no-baseline", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);
        try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Duser.home=" + home, "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + proxy.getLocalPort(),
                    "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=" + proxy.getLocalPort(), "-cp", System.getProperty("java.class.path"),
                    DcecCommand.class.getName(), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "usps",
                    "--threads", "1", "--output", tmp.resolve("p.csv").toString()));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().keySet().removeIf(k -> k.startsWith("DCEC4J_"));
            b.environment().put("HOME", home.toString());
            Process p = b.start();
            try (java.net.Socket accepted = proxy.accept()) {       // the download has begun, and waits for the proxy
                Thread.sleep(200);
                long t0 = System.nanoTime();
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the stopped predict did not end");
                double seconds = (System.nanoTime() - t0) / 1e9;
                String out = Files.readString(log, StandardCharsets.UTF_8);
                assertEquals(143, p.exitValue(), out);
                assertFalse(out.contains("did not reach a batch boundary"), out);
                assertTrue(seconds < 5, "ended " + seconds + " s after SIGTERM:\n" + out);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /**
     * A predict whose one batch outlasts the shutdown's wait ends when the wait runs out, with a line that speaks of its
     * output: before, the line was the training's ("without releasing its --out folder ... --resume continues from its
     * last checkpoint"), which predict has neither of.
     */
    @Test void predictNotStoppedInTimeSaysWhatItLeaves() throws Exception {
        Path run = tmp.resolve("run"), dir = Files.createDirectories(tmp.resolve("predicted")), csv = dir.resolve("p.csv");
        Object[] r = run("train", "--dataset", "shapes", "--limit", "100", "--filters", "32,64,128", "--pretrain-epochs", "1", "--max-iter", "0",
                "--kmeans-restarts", "1", "--threads", "1", "--no-report", "--no-baseline", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);
        Path log = tmp.resolve("predict.log");
        // one batch of 2,000 images through 32-64-128 filters on one thread of the scalar kernels (several seconds), and a
        // wait of 1 s: on a quiet machine the batch ended within the default 10 s, and the test saw a stop in time
        Process p = Forked.dcec(log, false, List.of("-Xmx1g", "-D" + SignalStop.WAIT_PROPERTY + "=1"), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "shapes",
                "--limit", "2000", "--threads", "1", "--batch-size", "2000", "--output", csv.toString());
        try {
            Forked.awaitWhileAlive(p, log, quietly(() -> !names(dir).isEmpty()));       // its temporary file: the batch begins
            Thread.sleep(1000);                           // past the check before the batch
            assertTrue(p.isAlive(), Files.readString(log));
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the stopped predict did not end");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        assertTrue(err.contains("dcec: SIGTERM: the command did not reach a batch boundary within 1 s"), err);
        assertFalse(err.contains("--out folder") || err.contains("--resume") || err.contains("checkpoint"), err);
        assertTrue(err.contains(csv + " was not written"), err);
    }

    /**
     * A stop during the pixel baseline (k-means on raw pixels: no batches, seconds per restart on a large set) interrupts
     * it at its next restart: the training's outputs stay, the baseline and report are not made, the folder is released.
     * Without the interrupt the shutdown's wait ran out (1,000 restarts) and the JVM died with the folder still locked.
     */
    @Test void sigtermDuringThePixelBaselineInterruptsItAndKeepsTheTrainedModel() throws Exception {
        Path stopped = tmp.resolve("stopped"), log = tmp.resolve("stopped.log");
        Process p = Forked.dcec(log, List.of(), "train", "--dataset", "shapes", "--limit", "500", "--filters", "4,4,8", "--pretrain-epochs", "1",
                "--max-iter", "0", "--kmeans-restarts", "1000", "--threads", "1", "--baseline", "--out", stopped.toString());
        sigtermWhen(p, log, quietly(() -> Files.readString(log).contains("baseline: k-means on the raw pixels")), "run");
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        assertEquals("", Files.readString(stopped.resolve(RunLock.FILE_NAME)), err);
        String line = "stopped by SIGTERM after the training had ended: its outputs in " + stopped
                + " are complete; the pixel k-means baseline, report.html and the summary were not made";
        assertTrue(err.contains("dcec: " + line), err);
        List<String> runLog = Files.readAllLines(stopped.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertTrue(runLog.size() == 1 && runLog.get(0).endsWith(" " + line), String.join("\n", runLog));
        assertEquals(List.of(RunLock.FILE_NAME, "cae_weights.dc4j", RunFolder.CONFIG_JSON, RunFolder.DCEC_LOG, RunFolder.MODEL,
                RunFolder.PREDICTIONS, RunFolder.PRETRAIN_LOG, RunFolder.RUN_LOG), names(stopped));
        TensorFile.read(stopped.resolve(RunFolder.MODEL));      // complete
    }

    /**
     * A signal while a training command decodes its image folder, before it takes its --out folder, ends the reading
     * between two images: one line saying how many were read and that nothing was written, the signal's exit code, and
     * no --out folder made. Before, the JVM ended at once without a word (the exit code was the same).
     */
    @Test void sigtermWhileTheImagesAreReadStopsWithOneLineAndWritesNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see which file the run reads");
        Path images = Files.createDirectories(tmp.resolve("images")), out = tmp.resolve("run"), log = tmp.resolve("reading.log");
        // 60 flat 2048x2048 PNGs: 4 KB each on disk, tens of milliseconds each to decode and shrink to 28x28
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2048, 2048, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", png);
        for (int i = 0; i < 60; i++) Files.write(images.resolve(String.format("img%02d.png", i)), png.toByteArray());
        Process p = Forked.dcec(log, List.of(), "train", "--dataset", images.toString(), "--pretrain-epochs", "1", "--max-iter", "0",
                "--clusters", "2", "--threads", "1", "--out", out.toString());
        Path real = images.toRealPath();
        sigtermWhen(p, log, () -> reads(p, real), "run");         // it has one of the images open: it is decoding them
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("dcec: stopped by SIGTERM \\(reading the images, ([0-9]+) of 60 read\\),"
                + " before the run began: nothing was written \\(" + java.util.regex.Pattern.quote(out.toString())
                + " was not touched\\); run the command again").matcher(err);
        assertTrue(m.find(), err);
        assertTrue(err.lines().filter(l -> l.contains("stopped by")).count() == 1, "one stop line:\n" + err);
        assertFalse(Files.exists(out), "nothing written:\n" + err);
    }

    /** Whether process p has a PNG file under dir open (Linux's /proc). */
    private static boolean reads(Process p, Path dir) {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    Path open = Files.readSymbolicLink(fd);       // an image, not the folder being listed
                    return open.startsWith(dir) && open.getFileName().toString().endsWith(".png");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * A finished run keeps its last checkpoint and can be resumed; a stop after the resumed run's training (during the
     * pixel baseline) leaves the new model beside no baseline.json or report.html of the earlier end: --resume deletes
     * them once it has accepted the checkpoint, and a further --resume makes them again. Before, the earlier end's
     * baseline.json and report.html stayed beside the new model, though the stop line said they were not made.
     */
    @Test void aStopAfterTheTrainingOfAResumedFinishedRunLeavesNothingOfItsEarlierEnd() throws Exception {
        Path dir = tmp.resolve("run"), log = tmp.resolve("resumed.log");
        // 40 restarts of the pixel baseline on 500 images: a couple of seconds, time for the signal to arrive in it
        List<String> o = List.of("--dataset", "shapes", "--limit", "500", "--filters", "4,4,8", "--pretrain-epochs", "1", "--max-iter", "2",
                "-T", "1", "--kmeans-restarts", "40", "--checkpoint-every", "1", "--threads", "1", "--baseline");
        Object[] r = run(args("train", o, "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        List<String> finished = names(dir);
        assertTrue(finished.contains("baseline.json") && finished.contains("report.html") && finished.contains(RunFolder.CHECKPOINT), finished.toString());
        byte[] model = Files.readAllBytes(dir.resolve(RunFolder.MODEL));

        Process p = Forked.dcec(log, List.of(), args("train", o, "--resume", "--out", dir.toString()));
        sigtermWhen(p, log, quietly(() -> Files.readString(log).contains("baseline: k-means on the raw pixels")), "run");
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), err);
        assertTrue(err.contains("dcec: stopped by SIGTERM after the training had ended: its outputs in " + dir + " are complete;"
                + " the pixel k-means baseline, report.html and the summary were not made"), err);
        assertEquals(List.of(RunLock.FILE_NAME, "cae_weights.dc4j", RunFolder.CHECKPOINT, RunFolder.CONFIG_JSON, RunFolder.DCEC_LOG,
                RunFolder.MODEL, RunFolder.PREDICTIONS, RunFolder.PRETRAIN_LOG, RunFolder.RUN_LOG), names(dir), "nothing of the earlier end");
        assertArrayEquals(model, Files.readAllBytes(dir.resolve(RunFolder.MODEL)), "the resumed run's model, the same bytes");

        // a further --resume completes the folder; run.log says what it deleted
        r = run(args("train", o, "--resume", "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        List<String> expected = new ArrayList<>(finished);
        expected.add(RunFolder.RUN_LOG);
        expected.sort(null);
        assertEquals(expected, names(dir));
        List<String> runLog = Files.readAllLines(dir.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertEquals(2, runLog.size(), String.join("\n", runLog));
        assertTrue(runLog.get(1).endsWith(" resumed by dcec train --resume from checkpoint.dc4j (clustering, at iteration 2);"
                + " deleted model.dc4j, predictions.csv of its earlier end, made again when it ends"), runLog.get(1));

        // a --resume that will not make the report or the baseline says so, not that they are made again
        List<String> without = new ArrayList<>(o);
        without.remove("--baseline");
        without.addAll(List.of("--no-baseline", "--no-report"));
        r = run(args("train", without, "--resume", "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(names(dir).contains("report.html") || names(dir).contains("baseline.json"), names(dir).toString());
        runLog = Files.readAllLines(dir.resolve(RunFolder.RUN_LOG), StandardCharsets.UTF_8);
        assertTrue(runLog.get(2).endsWith(" resumed by dcec train --resume from checkpoint.dc4j (clustering, at iteration 2);"
                + " deleted model.dc4j, predictions.csv of its earlier end, made again when it ends; deleted baseline.json, report.html"
                + " of its earlier end, which dcec train with these options does not make"), runLog.get(2));
    }

    /**
     * SIGTERM to a reproduction while a cell runs: the cell is stopped, its attempt recorded with its exit code, the
     * reproduction ends with 143 and starts no further cell, and no cell's JVM is left behind. Before, the main thread
     * saw the stopped cell's exit, reported it as a failure and started the next cell in the moments before the JVM
     * halted; that cell ran on until it noticed its parent was gone.
     */
    @Test void sigtermToAReproductionStopsItsCellAndStartsNoOther() throws Exception {
        Path work = tmp.resolve("work"), log = tmp.resolve("reproduce.log");
        Process p = Forked.dcec(log, List.of(), "reproduce", "--quick", "--plan", "shapes:0", "--methods", "cae-kmeans,dec-conv,dcec",
                "--threads", "1", "--work", work.toString(), "--results", tmp.resolve("results").toString(), "--table",
                tmp.resolve("table.md").toString());
        Path seed = work.resolve("shapes").resolve("seed-0");
        sigtermWhen(p, log, () -> Files.exists(seed.resolve("cae-kmeans").resolve("stdout.log")), "reproduction");
        List<String> left = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(work.toString()))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("")).toList();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(List.of(), left, "cells still running after the reproduction ended:\n" + out);
        assertEquals(143, p.exitValue(), out);
        assertFalse(Files.exists(seed.resolve("dcec")), "a cell was started after the stop:\n" + out);
        assertFalse(out.contains("FAILED"), out);
    }

    /** The wait's property: whole seconds from 1 to 3600; a value outside stops the command before it starts, in one line. */
    @Test void theWaitPropertyTakesWholeSecondsFromOneTo3600() throws Exception {
        assertEquals(10, SignalStop.waitSeconds(null));
        assertEquals(1, SignalStop.waitSeconds("1"));
        assertEquals(3600, SignalStop.waitSeconds(" 3600 "));
        for (String bad : new String[] {"0", "-5", "3601", "2.5", "ten", ""}) assertEquals(-1, SignalStop.waitSeconds(bad), bad);
        Path log = tmp.resolve("bad-wait.log");
        Process p = Forked.dcec(log, List.of("-D" + SignalStop.WAIT_PROPERTY + "=ten"), "--version");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("dcec: dcec4j.stopWaitSeconds=ten: expected whole seconds from 1 to 3600") && !err.contains("\tat "), err);
    }

    /** Sends SIGTERM to {@code p} once {@code ready} holds (while it is alive), and waits a minute at most for it to end. */
    private static void sigtermWhen(Process p, Path log, java.util.function.BooleanSupplier ready, String what) throws Exception {
        try {
            Forked.awaitWhileAlive(p, log, ready);
            p.destroy();                                             // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the stopped " + what + " did not end");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A condition that reads files: false while they cannot be read. */
    private static java.util.function.BooleanSupplier quietly(IoCondition c) {
        return () -> {
            try {
                return c.holds();
            } catch (java.io.IOException e) {
                return false;
            }
        };
    }

    interface IoCondition { boolean holds() throws java.io.IOException; }
}
