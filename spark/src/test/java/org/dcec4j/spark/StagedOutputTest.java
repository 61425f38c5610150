package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.spark.cli.SparkCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict's and embed's output folder appears only complete. Before, Spark's committer started the folder itself
 * ({@code out/_temporary/0}) and only the driver's catch removed it after a failure: a SIGTERM early in the job left
 * the half-made folder, and the rerun was refused ("already exists: pass --overwrite").
 */
class StagedOutputTest {
    static SparkSession spark;
    @TempDir static Path tmp;

    @BeforeAll static void start() {
        spark = SparkTests.session();
    }

    /** The hidden folders beside path that a run writes into. */
    static List<Path> staged(Path path) throws IOException {
        try (Stream<Path> s = Files.list(path.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + path.getFileName() + StagedOutput.INFIX)).toList();
        }
    }

    /** What the shutdown hook does (abandon) removes the hidden folder, and nothing is published after it; publish renames. */
    @Test void theOutputAppearsOnlyWhenPublishedAndAnAbandonedOneLeavesNothing() throws IOException {
        Path target = tmp.resolve("abandoned.parquet");
        try (StagedOutput s = StagedOutput.begin(spark, target.toString())) {
            spark.range(5).write().parquet(s.staging());
            assertFalse(Files.exists(target), "the output appeared before it was published");
            assertEquals(1, staged(target).size());
            s.abandon();
            assertEquals(List.of(), staged(target), "the hidden folder is removed");
            IOException e = assertThrows(IOException.class, () -> s.publish(spark, false));
            assertTrue(e.getMessage().endsWith("abandoned.parquet: stopped before the output was complete"), e.getMessage());
            // a task the failure cancelled writes into it after the removal: the hook (abandon again, at the JVM's exit) removes that too
            Files.writeString(Files.createDirectories(Path.of(java.net.URI.create(s.staging())).resolve("_temporary/0")).resolve("late"), "x");
            s.abandon();
            assertEquals(List.of(), staged(target), "what a late task wrote is left");
        }
        assertFalse(Files.exists(target));

        // published: renamed into place whole; closing (or the hook) afterwards leaves it
        Path done = tmp.resolve("done.parquet");
        try (StagedOutput s = StagedOutput.begin(spark, done.toString())) {
            spark.range(5).write().parquet(s.staging());
            s.publish(spark, false);
            s.abandon();
        }
        assertTrue(Files.exists(done.resolve("_SUCCESS")));
        assertEquals(5, spark.read().parquet(done.toString()).count());
        assertEquals(List.of(), staged(done));

        // an output made while the job ran is not replaced without --overwrite, and the hidden folder goes
        Path raced = tmp.resolve("raced.parquet");
        try (StagedOutput s = StagedOutput.begin(spark, raced.toString())) {
            spark.range(5).write().parquet(s.staging());
            Files.createDirectories(raced);
            Files.writeString(raced.resolve("mine.txt"), "the user's");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.publish(spark, false));
            assertTrue(e.getMessage().contains("already exists (made while the job ran): pass --overwrite"), e.getMessage());
            // with --overwrite, only an earlier output is replaced
            assertThrows(IllegalArgumentException.class, () -> s.publish(spark, true));
        }
        assertEquals("the user's", Files.readString(raced.resolve("mine.txt")));
        assertEquals(List.of(), staged(raced));
    }

    /**
     * SIGTERM to a forked {@code dcec-spark predict} as soon as its output (or the hidden folder it writes into) appears:
     * afterwards the output path is absent or complete, no hidden folder is left, and the same command runs again.
     * Before, the kill left {@code out.parquet/_temporary/0} in about half the runs, and the rerun was refused.
     */
    @Test @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sigtermDuringPredictLeavesNoHalfMadeOutputAndTheRerunSucceeds() throws Exception {
        Dataset shapes = Shapes.generate(300, 5, 28);
        Path model = tmp.resolve("model.dc4j"), images = tmp.resolve("images"), out = tmp.resolve("term.parquet"), log = tmp.resolve("term.log");
        Files.write(model, SparkTests.model(shapes, 4).toBytes());
        SparkTests.writeFolder(images, shapes);
        // a batch of 1: the job runs long enough for the signal to arrive while it writes
        List<String> args = List.of("predict", "--model", model.toString(), "--dataset", images.toString(), "--output", out.toString(),
                "--batch-size", "1");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(JvmOptions.get().trim().split("\\s+")));
        cmd.addAll(List.of("-Xmx768m", "-cp", System.getProperty("java.class.path"), SparkCommand.class.getName()));
        cmd.addAll(args);
        cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long end = System.nanoTime() + 240_000_000_000L;
            while (!Files.exists(out) && staged(out).isEmpty()) {
                if (!p.isAlive()) throw new AssertionError("the forked run ended (exit " + p.exitValue() + ") too early:\n" + Files.readString(log));
                if (System.nanoTime() > end) throw new AssertionError("no output after 240 s:\n" + Files.readString(log));
                Thread.sleep(5);
            }
            p.destroy();       // SIGTERM
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not end after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        String printed = Files.readString(log);
        if (Files.exists(out)) {
            assertTrue(Files.exists(out.resolve("_SUCCESS")), "a half-made output is left: " + printed);
            assertEquals(shapes.size(), spark.read().parquet(out.toString()).count());
        }
        assertEquals(List.of(), staged(out), "the hidden folder is left:\n" + printed);

        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        List<String> again = new ArrayList<>(args);
        if (Files.exists(out)) again.add("--overwrite");
        int code = SparkCommand.run(again.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, code, e.toString(StandardCharsets.UTF_8));
        assertTrue(o.toString(StandardCharsets.UTF_8).contains("wrote " + shapes.size() + " predictions"), o.toString(StandardCharsets.UTF_8));
    }
}
