package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed, same model, whatever runs it: the command line's whole pipeline (pretraining, k-means, clustering,
 * predictions) in forked JVMs with the scalar kernels and with the vector kernels at each species width and 1, 2 or
 * 3 threads writes byte-identical cae_weights.dc4j, model.dc4j and predictions.csv. Each configuration needs its
 * own JVM because the species width is fixed once per JVM (docs/kernels.md#reduction-order).
 */
class PipelineReproducibilityTest {

    /**
     * {kernels, vector bits (0 = preferred), threads}: the scalar kernels, each species width, the width the JVM prefers
     * (no property), and 1, 2 and 3 threads; not every pair of width and thread count: each is a whole training run in
     * its own JVM, and ThreadCountDeterminismTest checks the whole loop at 1 to 7 threads, KernelEquivalenceTest every
     * kernel at each width against the scalar ones.
     */
    static final String[][] CONFIGS = {
        {"scalar", "0", "1"}, {"vector", "128", "1"}, {"vector", "256", "2"}, {"vector", "512", "3"}, {"vector", "0", "2"}};

    static final String[] FILES = {"cae_weights.dc4j", "model.dc4j", "predictions.csv"};

    @Test
    void everyKernelWidthAndThreadCountWritesTheSameFiles(@TempDir Path dir) throws Exception {
        // the forked JVMs choose their own flags; the run without the vector module would only repeat this
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        List<byte[][]> outputs = new ArrayList<>();
        for (String[] c : CONFIGS) {
            Path out = dir.resolve(c[0] + "-" + c[1] + "-" + c[2]);
            String log = train(out, c[0], c[1], c[2]);
            assertTrue(log.contains("kernels: " + (c[0].equals("scalar") ? "scalar" : "vector(")), log);
            if (!c[1].equals("0")) assertTrue(log.contains(c[1] + "-bit"), "the run did not use the " + c[1] + "-bit species:\n" + log);
            byte[][] files = new byte[FILES.length][];
            for (int i = 0; i < FILES.length; i++) files[i] = Files.readAllBytes(out.resolve(FILES[i]));
            outputs.add(files);
        }
        for (int k = 1; k < CONFIGS.length; k++)
            for (int i = 0; i < FILES.length; i++)
                assertArrayEquals(outputs.get(0)[i], outputs.get(k)[i],
                        FILES[i] + " of " + String.join("/", CONFIGS[k]) + " differs from " + String.join("/", CONFIGS[0]));
    }

    /** Runs `dcec train` on a small shapes set in a forked JVM; returns its output. */
    static String train(Path out, String kernels, String bits, String threads) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Ddcec4j.kernels=" + kernels));
        if (!bits.equals("0")) cmd.add("-Ddcec4j.vector.bits=" + bits);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.dcec4j.dcec.cli.DcecCommand",
                "train", "--limit", "240", "--pretrain-epochs", "2", "--batch-size", "64", "--kmeans-restarts", "3",
                "--update-interval", "5", "--max-iter", "25", "--tol", "0", "--seed", "3", "--threads", threads, "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "train with " + kernels + "/" + bits + "/" + threads + " timed out");
        assertEquals(0, p.exitValue(), "train with " + kernels + "/" + bits + "/" + threads + " failed:\n" + log);
        return log;
    }
}
