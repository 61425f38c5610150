package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.cli.DcecCommand;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.spark.cli.SparkCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dcec-spark train --weights} records the pretraining that made the weights, as {@code dcec cluster --weights}
 * does: the config.json beside them (read through Hadoop's file systems, here a file: URI) kept under "pretraining",
 * its pretrain_epochs, pretrain_optimizer and init taken (a contradicting option refused); without such a config.json
 * those settings are null in config.json and the model's metadata, except those given. It recorded the command line's
 * (200 epochs, Adam, glorot-uniform when not given) before.
 */
class SparkClusterFromWeightsTest {
    @TempDir static Path tmp;
    static Path folder, pretraining;
    static String pretrainingJson;

    /** The single-machine pretraining's settings: none of them the clustering command line's defaults (SGD, which Spark does not pretrain with). */
    static final List<String> PRETRAINING = List.of("--pretrain-epochs", "2", "--pretrain-optimizer", "sgd:0.5:0.9", "--init", "uniform-fan-in");

    /** The clustering's options, without any of the pretraining's. */
    static final List<String> CLUSTERING = List.of("--image-size", "16", "--clusters", "4", "--filters", "4,4,8", "--batch-size", "32",
            "--max-iter", "12", "-T", "6", "--kmeans-restarts", "1", "--partitions", "2");

    @BeforeAll static void pretrain() throws IOException {
        SparkTests.session();       // the commands use the running session (and leave it running)
        folder = tmp.resolve("shapes");
        SparkTests.writeFolder(folder, Shapes.generate(120, 9, 16));
        pretraining = tmp.resolve("pretraining");
        List<String> args = new ArrayList<>(List.of("pretrain", "--dataset", folder.toString(), "--image-size", "16", "--clusters", "4",
                "--filters", "4,4,8", "--batch-size", "32", "--out", pretraining.toString()));
        args.addAll(PRETRAINING);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = DcecCommand.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        pretrainingJson = Files.readString(pretraining.resolve(RunFolder.CONFIG_JSON));
    }

    /**
     * The run in out took the pretraining's pretrain_epochs, pretrain_optimizer and init from the config.json beside its
     * weights and kept that config.json's every setting under "pretraining"; its config.json's text.
     */
    static String assertRecordsThePretraining(Path out) throws IOException {
        Map<String, String> c = RunLogs.readConfig(out.resolve(RunFolder.CONFIG_JSON));
        String text = Files.readString(out.resolve(RunFolder.CONFIG_JSON));
        assertEquals("2", c.get("pretrain_epochs"), text);
        assertEquals("sgd:0.5:0.9", c.get("pretrain_optimizer"), text);
        assertEquals("uniform-fan-in", c.get("init"), text);
        Map<String, String> pre = RunLogs.parseConfig(pretrainingJson, "pretraining config.json");
        assertTrue(pre.size() > 20, pre.toString());
        for (Map.Entry<String, String> e : pre.entrySet()) assertEquals(e.getValue(), c.get("pretraining." + e.getKey()), e.getKey());
        return text;
    }

    static SparkCommandTest.Run train(Path out, String weights, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", folder.toString(), "--weights", weights, "--out", out.toString()));
        args.addAll(CLUSTERING);
        args.addAll(List.of(more));
        return SparkCommandTest.run(args.toArray(new String[0]));
    }

    @Test void weightsFromAPretrainingFolderRecordItsConfig() throws IOException {
        Path out = tmp.resolve("recorded");
        SparkCommandTest.Run r = train(out, "file:" + pretraining.toAbsolutePath().resolve("cae_weights.dc4j"));
        assertEquals(0, r.code(), r.err());
        String text = assertRecordsThePretraining(out);
        assertEquals("local[2,2]", RunLogs.readConfig(out.resolve(RunFolder.CONFIG_JSON)).get("spark"), text);
        // the pretraining's config.json itself, whole and as it was written, under "pretraining"
        assertTrue(text.contains("  \"pretraining\": " + pretrainingJson.strip().replace("\n", "\n  ")), text);
        String model = TensorFile.read(out.resolve(RunFolder.MODEL)).meta("config");
        assertTrue(model.contains("\"pretrain_epochs\": 2") && model.contains("\"init\": \"uniform-fan-in\"")
                && model.contains("\"pretrain_optimizer\": \"sgd:0.5:0.9\""), model);

        // an option that contradicts the pretraining is refused, naming both values, before anything is written
        Path refused = tmp.resolve("refused");
        r = train(refused, pretraining.resolve("cae_weights.dc4j").toString(), "--pretrain-epochs", "5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--pretrain-epochs 5 differs from the pretraining that made the weights") && r.err().contains("pretrain_epochs 2"), r.err());
        assertFalse(Files.exists(refused), "nothing written at " + refused);
    }

    @Test void weightsWithoutAConfigRecordTheSettingsAsUnknown() throws IOException {
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(pretraining.resolve("cae_weights.dc4j"), bare.resolve("cae_weights.dc4j"));
        Path out = tmp.resolve("unknown");
        SparkCommandTest.Run r = train(out, bare.resolve("cae_weights.dc4j").toString(), "--pretrain-epochs", "7");
        assertEquals(0, r.code(), r.err());
        Map<String, String> c = RunLogs.readConfig(out.resolve(RunFolder.CONFIG_JSON));
        String text = Files.readString(out.resolve(RunFolder.CONFIG_JSON));
        assertEquals("7", c.get("pretrain_epochs"), "given explicitly: " + text);
        assertEquals("null", c.get("pretrain_optimizer"), text);
        assertEquals("null", c.get("init"), text);
        assertFalse(c.keySet().stream().anyMatch(k -> k.startsWith("pretraining")), text);
        String model = TensorFile.read(out.resolve(RunFolder.MODEL)).meta("config");
        assertTrue(model.contains("\"pretrain_epochs\": 7") && model.contains("\"pretrain_optimizer\": null") && model.contains("\"init\": null"), model);
    }

    /**
     * --weights DIR/cae_weights.dc4j --out DIR --overwrite would delete the weights the run starts from (the run does not
     * write them again): refused with nothing deleted. Before, the folder was emptied and the pretraining's weights lost.
     */
    @Test void overwritingTheFolderOfTheWeightsIsRefused() throws IOException {
        Path own = Files.createDirectories(tmp.resolve("own"));
        for (String name : List.of("cae_weights.dc4j", RunFolder.CONFIG_JSON, RunFolder.PRETRAIN_LOG))
            Files.copy(pretraining.resolve(name), own.resolve(name));
        byte[] weights = Files.readAllBytes(own.resolve("cae_weights.dc4j"));
        for (String given : List.of(own.resolve("cae_weights.dc4j").toString(), "file:" + own.toAbsolutePath().resolve("cae_weights.dc4j"))) {
            SparkCommandTest.Run r = train(own, given, "--overwrite");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--overwrite would delete") && r.err().contains("--weights"), r.err());
            assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(own.resolve("cae_weights.dc4j"))), "the weights are kept");
            assertEquals(pretrainingJson, Files.readString(own.resolve(RunFolder.CONFIG_JSON)));
            assertTrue(Files.exists(own.resolve(RunFolder.PRETRAIN_LOG)));
        }
    }

    /**
     * A Hadoop file system of the scheme hdfs that serves this machine's files ({@code hdfs://test/ABS} is ABS): what
     * an HDFS cluster would be to the driver, without one. Registered in the running session's Hadoop settings.
     */
    public static class LocalAsHdfs extends org.apache.hadoop.fs.RawLocalFileSystem {
        @Override public java.net.URI getUri() { return java.net.URI.create("hdfs://test/"); }
        @Override public String getScheme() { return "hdfs"; }
    }

    /**
     * --weights on another Hadoop file system than the local one (an hdfs: URI, served here by {@link LocalAsHdfs}):
     * the weights are read through the session's file systems and so is the config.json beside them, whose settings
     * the run records as from a file: path; a path there with no file is refused naming it, before anything is written.
     * Only file: URIs and local paths were tested: a read through java.nio, or through a fresh Hadoop configuration
     * without the session's settings, passes those and fails here.
     */
    @Test void weightsOnAnotherHadoopFileSystemAreReadWithTheConfigBesideThem() throws IOException {
        org.apache.hadoop.conf.Configuration hadoop = SparkTests.session().sparkContext().hadoopConfiguration();
        hadoop.set("fs.hdfs.impl", LocalAsHdfs.class.getName());
        try {
            readFromHdfs();
        } finally {
            hadoop.unset("fs.hdfs.impl");
        }
    }

    private static void readFromHdfs() throws IOException {
        String weights = "hdfs://test" + pretraining.toAbsolutePath().resolve("cae_weights.dc4j").toUri().getRawPath();
        Path out = tmp.resolve("from-hdfs");
        SparkCommandTest.Run r = train(out, weights);
        assertEquals(0, r.code(), r.err());
        assertRecordsThePretraining(out);
        // the same model as from the file: path (the same weights, the same seed)
        Path local = tmp.resolve("from-file");
        r = train(local, "file:" + pretraining.toAbsolutePath().resolve("cae_weights.dc4j"));
        assertEquals(0, r.code(), r.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(local.resolve(RunFolder.MODEL)), Files.readAllBytes(out.resolve(RunFolder.MODEL))),
                "the model from hdfs: weights is the model from file: weights");

        String missing = "hdfs://test" + tmp.toAbsolutePath().resolve("nothing").resolve("cae_weights.dc4j").toUri().getRawPath();
        Path refused = tmp.resolve("refused-hdfs");
        r = train(refused, missing);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--weights: no file at " + missing), r.err());
        assertFalse(Files.exists(refused), "nothing written at " + refused);
    }

    /**
     * A file system that cannot be reached: an hdfs: URI whose name node's host does not resolve, and a scheme no file
     * system serves. Each is a failure (exit code 1) naming --weights, the path and the file system's reason, with
     * nothing written; the first was "dcec-spark: java.net.UnknownHostException: no-such-host.invalid" (exit code 2).
     */
    @Test void weightsOnAFileSystemThatCannotBeReachedNameTheOptionAndThePath() {
        for (String[] c : new String[][] {{"hdfs://no-such-host.invalid/w/cae_weights.dc4j", "UnknownHostException"},
                {"nosuchfs://x/w/cae_weights.dc4j", "No FileSystem for scheme \"nosuchfs\""}}) {
            Path out = tmp.resolve("unreachable");
            SparkCommandTest.Run r = train(out, c[0]);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("dcec-spark: --weights " + c[0] + ": cannot read it through its file system (")
                    && r.err().contains(c[1]), r.err());
            assertFalse(Files.exists(out), "nothing written at " + out);
        }
    }
}
