package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that need a second process: two runs on one folder, a run killed while it writes checkpoints.
 * Each test forks one JVM running the dcec command.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultTest {
    @TempDir Path tmp;

    /** 20 images of 12×12, a tiny network, a checkpoint every epoch and every iteration. */
    static List<String> options(Path images, int epochs, int iterations) {
        return List.of("--dataset", images.toString(), "--image-size", "12", "--filters", "4,4,8", "--clusters", "4", "--batch-size", "8",
                "--pretrain-epochs", Integer.toString(epochs), "--kmeans-restarts", "2", "-T", "3", "--max-iter", Integer.toString(iterations),
                "--checkpoint-every", "1", "--threads", "1", "--no-report");
    }

    static String[] args(String command, List<String> options, String... more) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(options);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test void aSecondRunOnTheSameFolderIsRefusedAndAKilledRunsLockIsTakenOver() throws Exception {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path out = tmp.resolve("run");
        // the first run: pretraining that would last for hours
        Process first = Forked.dcec(tmp.resolve("first.log"), List.of(), args("train", options(images, 1_000_000, 10), "--out", out.toString()));
        try {
            Forked.awaitWhileAlive(first, tmp.resolve("first.log"), () -> Files.exists(out.resolve(RunFolder.CHECKPOINT)));
            byte[] config = Files.readAllBytes(out.resolve(RunFolder.CONFIG_JSON));
            // the second run, with other options, on the same folder
            Object[] r = run(args("train", options(images, 2, 3), "--seed", "7", "--out", out.toString()));
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("--out " + out + " is in use by another run (pid " + first.pid() + " on host "), (String) r[2]);
            assertTrue(first.isAlive());
            assertArrayEquals(config, Files.readAllBytes(out.resolve(RunFolder.CONFIG_JSON)), "the first run's config.json is untouched");
            assertFalse(new String(config).contains("\"seed\": 7"));
        } finally {
            first.destroyForcibly();
            first.waitFor();
        }
        // killed: the lock file still names the dead run, and the checkpoint is a complete one
        assertTrue(Files.readString(out.resolve(RunLock.FILE_NAME)).startsWith("pid " + first.pid() + " on host "));
        assertEquals("pretrain", TensorFile.read(out.resolve(RunFolder.CHECKPOINT)).meta("phase"));
        // a new run takes the lock over, but refuses the killed run's results without --overwrite
        Object[] r = run(args("train", options(images, 2, 3), "--seed", "7", "--out", out.toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("taking over " + out + " from a run that ended without releasing it (pid " + first.pid()), (String) r[2]);
        assertTrue(((String) r[2]).contains("holds the results of another run") && ((String) r[2]).contains("--overwrite"), (String) r[2]);
        r = run(args("train", options(images, 2, 3), "--seed", "7", "--overwrite", "--out", out.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(((String) r[2]).contains("taking over"), (String) r[2]);
        assertTrue(Files.readString(out.resolve(RunFolder.CONFIG_JSON)).contains("\"seed\": 7"));
        assertEquals(List.of(RunLock.FILE_NAME, "baseline.json", "cae_weights.dc4j", "checkpoint.dc4j", "config.json", "dcec_log.csv",
                "model.dc4j", "predictions.csv", "pretrain_log.csv"), names(out), "no temporary file");
        assertEquals("", Files.readString(out.resolve(RunLock.FILE_NAME)), "released");
    }

    @Test void aRunKilledWhileWritingCheckpointsResumesBitForBit() throws Exception {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path killed = tmp.resolve("killed"), whole = tmp.resolve("whole");
        List<String> o = options(images, 40, 40);
        Process p = Forked.dcec(tmp.resolve("killed.log"), List.of(), args("train", o, "--out", killed.toString()));
        try {
            Forked.awaitWhileAlive(p, tmp.resolve("killed.log"), () -> Files.exists(killed.resolve(RunFolder.CHECKPOINT)));
            Thread.sleep(150);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        // whatever moment the kill hit: the checkpoint is a complete one (the old or the new)
        TensorFile ck = TensorFile.read(killed.resolve(RunFolder.CHECKPOINT));
        assertTrue(List.of("pretrain", "cluster").contains(ck.meta("phase")), ck.meta("phase"));
        Object[] r = run(args("train", o, "--resume", "--out", killed.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(0, run(args("train", o, "--out", whole.toString()))[0]);
        for (String f : List.of(RunFolder.MODEL, RunFolder.PREDICTIONS, RunFolder.DCEC_LOG, "cae_weights.dc4j", RunFolder.CHECKPOINT))
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(killed.resolve(f)), f);
        assertEquals(names(whole), names(killed), "no temporary file left");
        assertEquals("", Files.readString(killed.resolve(RunLock.FILE_NAME)), "released");
    }

    /** mnist-test files holding N images of 28×28 (pixel (n, i) = (7n + 3i) mod 256), labels n mod 10, gzipped. */
    static Path mnistTest(Path dataDir, int N) throws IOException {
        return mnistTest(dataDir, N, n -> n % 10);
    }

    /** The same with these labels (any byte value). */
    static Path mnistTest(Path dataDir, int N, java.util.function.IntUnaryOperator label) throws IOException {
        Path dir = dataDir.resolve("mnist");
        Files.createDirectories(dir);
        try (var z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("t10k-images-idx3-ubyte.gz")), 1 << 16)) {
            z.write(java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(N).putInt(28).putInt(28).array());
            byte[] image = new byte[784];
            for (int n = 0; n < N; n++) {
                for (int i = 0; i < 784; i++) image[i] = (byte) ((7 * n + 3 * i) % 256);
                z.write(image);
            }
        }
        try (var z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("t10k-labels-idx1-ubyte.gz")))) {
            z.write(java.nio.ByteBuffer.allocate(8).putInt(0x801).putInt(N).array());
            for (int n = 0; n < N; n++) z.write(label.applyAsInt(n));
        }
        return dataDir;
    }

    /**
     * predict holds one batch, not the images: out of memory, it names --batch-size (which cures it and changes no result),
     * not --limit (which only drops images). A batch of 4,000 images needs several times a 32 MB heap.
     */
    @Test void predictOutOfMemoryNamesTheBatchSize() throws Exception {
        int N = 4_000;
        Path data = mnistTest(tmp.resolve("data"), N), run = tmp.resolve("run");
        Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--limit", "200", "--filters", "4,4,8",
                "--pretrain-epochs", "1", "--max-iter", "0", "--kmeans-restarts", "1", "--threads", "1", "--no-report", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);
        Path pred = tmp.resolve("pred.csv"), log = tmp.resolve("predict.log");
        Process p = Forked.dcec(log, List.of("-Xmx32m"), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "mnist-test",
                "--data-dir", data.toString(), "--threads", "1", "--batch-size", Integer.toString(N), "--output", pred.toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("dcec: out of memory") && out.contains("--batch-size") && !out.contains("--limit"), out);
        assertFalse(Files.exists(pred), out);
        p = Forked.dcec(log, List.of("-Xmx32m"), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "mnist-test",
                "--data-dir", data.toString(), "--threads", "1", "--batch-size", "64", "--output", pred.toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /** 20,000 images are 63 MB as floats: predict in a 64 MB heap streams them a batch at a time. */
    @Test void predictOnALargeSetRunsInASmallHeap() throws Exception {
        int N = 20_000;
        Path data = mnistTest(tmp.resolve("data"), N), run = tmp.resolve("run");
        Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--limit", "200", "--filters", "4,4,8",
                "--pretrain-epochs", "1", "--max-iter", "0", "--kmeans-restarts", "1", "--threads", "1", "--no-report", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);
        Path pred = tmp.resolve("pred.csv"), log = tmp.resolve("predict.log");
        Process p = Forked.dcec(log, List.of("-Xmx64m"), "predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "mnist-test",
                "--data-dir", data.toString(), "--threads", "1", "--output", pred.toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
        List<String> rows = Files.readAllLines(pred);
        assertEquals(N + 1, rows.size());
        assertEquals("index,cluster,confidence", rows.get(0), "a named set's images have no file of their own");
        // the first rows are those of a prediction of the first 300 images
        Path first = tmp.resolve("first.csv");
        assertEquals(0, run("predict", "--model", run.resolve(RunFolder.MODEL).toString(), "--dataset", "mnist-test", "--data-dir", data.toString(),
                "--limit", "300", "--output", first.toString())[0]);
        assertEquals(Files.readAllLines(first), rows.subList(0, 301));
    }
}
