package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The files a run writes (model.dc4j, the pretrained weights, checkpoint.dc4j) must fit a tensor file, one byte
 * array, and the scores' table must fit its limit: checked with the configuration, from counts, before any work
 * (nothing here allocates the large models).
 */
class FileSizeCheckTest {
    static DcecConfig cfg(Method m, int K) { return DcecConfig.defaults().toBuilder().method(m).K(K).batchSize(32).build(); }

    /** The counts the check uses are those of the autoencoders actually built (weights and biases). */
    @Test void parameterCountsAreThoseOfTheBuiltAutoencoders() {
        int[][] geometries = {{1, 28, 28}, {3, 16, 16}, {1, 12, 12}, {3, 32, 24}};
        for (int[] g : geometries) {
            for (DcecConfig c : new DcecConfig[] {cfg(Method.DCEC, 10), cfg(Method.DEC_CONV, 3).toBuilder().filters(2, 3, 5).build(),
                    cfg(Method.IDEC, 4).toBuilder().denseDims(7, 9).build(), cfg(Method.DEC, 10)}) {
                if (c.method().network == Method.Network.CONV && (g[1] % 8 == 0) != (g[2] % 8 == 0)) continue;
                Autoencoder ae = Autoencoder.create(c, g[0], g[1], g[2], 0);
                long all = ae.module().parameters().stream().mapToLong(Tensor::size).sum();
                long encoder = ae.encoderModule().parameters().stream().mapToLong(Tensor::size).sum();
                assertArrayEquals(new long[] {all, encoder}, DcecTrainer.parameters(c, g[0], g[1], g[2]), c.method() + " " + java.util.Arrays.toString(g));
            }
        }
        assertArrayEquals(new long[] {0, 0}, DcecTrainer.parameters(cfg(Method.KMEANS, 10), 1, 28, 28));
    }

    /**
     * 1x2048x2048 images with the default CAE: the embedding and dense layers hold 8,388,608 × K weights each, so the
     * model file passes 2 GB between K = 31 (2,114,940,292 bytes) and K = 32 (2,182,049,412). Every weight tensor fits
     * an array either way: before the check, K = 32 to 255 trained through the pretraining and then failed to write the weights.
     */
    @Test void aModelFileLargerThanATensorFileIsRefusedNamingTheSettings() {
        DcecTrainer.checkFileSizes(cfg(Method.DCEC, 31), 200, 1, 2048, 2048);
        ConfigException e = assertThrows(ConfigException.class, () -> DcecTrainer.checkFileSizes(cfg(Method.DCEC, 32), 200, 1, 2048, 2048));
        assertTrue(e.getMessage().startsWith("filters 32,64,128 and clusters 32 on 1x2048x2048 images make a model file (model.dc4j) of "
                + "2,182,049,412 bytes, more than a dcec4j tensor file holds (2,146,435,055): lower clusters or filters, or use smaller images"),
                e.getMessage());
        // k-means on the pixels: the centres, K × C·H·W (127 × 4,194,304 × 4 bytes fits, 128 does not)
        DcecTrainer.checkFileSizes(cfg(Method.KMEANS, 127), 200, 1, 2048, 2048);
        e = assertThrows(ConfigException.class, () -> DcecTrainer.checkFileSizes(cfg(Method.KMEANS, 128), 200, 1, 2048, 2048));
        assertTrue(e.getMessage().startsWith("clusters 128 on 1x2048x2048 images make a model file (model.dc4j) of 2,147,483,648 bytes"), e.getMessage());
        // a dense autoencoder: 784 × 2,000,000 weights fit an array, the encoder's and the decoder's together not a file
        e = assertThrows(ConfigException.class, () -> DcecTrainer.checkFileSizes(cfg(Method.DEC, 10).toBuilder().denseDims(2_000_000).build(),
                200, 1, 28, 28));
        assertTrue(e.getMessage().contains("lower clusters or denseDims"), e.getMessage());
    }

    /** A checkpoint is larger than the model (the optimiser's state, P): refused only when checkpoints are on, which it names. */
    @Test void aCheckpointLargerThanATensorFileIsRefusedWhenCheckpointsAreOn() {
        DcecConfig ten = cfg(Method.DCEC, 10).toBuilder().checkpointEvery(5).build(), eleven = ten.toBuilder().K(11).build();
        DcecTrainer.checkFileSizes(ten, 200, 1, 2048, 2048);                                  // 3 × 4 bytes × 176,407,xxx parameters fit
        DcecTrainer.checkFileSizes(eleven.toBuilder().checkpointEvery(0).build(), 200, 1, 2048, 2048);
        ConfigException e = assertThrows(ConfigException.class, () -> DcecTrainer.checkFileSizes(eleven, 200, 1, 2048, 2048));
        assertTrue(e.getMessage().contains("make a checkpoint (checkpoint.dc4j) of "), e.getMessage());
        assertTrue(e.getMessage().endsWith("or write no checkpoints (checkpointEvery 0)"), e.getMessage());
        // SGD keeps one value a parameter, not Adam's two: K = 11 then fits
        OptimizerSpec sgd = OptimizerSpec.parse("sgd:0.01:0.9");
        DcecTrainer.checkFileSizes(eleven.toBuilder().pretrainOptimizer(sgd).clusterOptimizer(sgd).build(), 200, 1, 2048, 2048);
        // a dense autoencoder of 317,600,xxx parameters: a 1.3 GB model, a 3.8 GB checkpoint
        DcecConfig dense = cfg(Method.IDEC, 10).toBuilder().denseDims(200_000).build();
        DcecTrainer.checkFileSizes(dense, 200, 1, 28, 28);
        e = assertThrows(ConfigException.class, () -> DcecTrainer.checkFileSizes(dense.toBuilder().checkpointEvery(1).build(), 200, 1, 28, 28));
        assertTrue(e.getMessage().startsWith("denseDims 200000 and clusters 10 on 1x28x28 images make a checkpoint"), e.getMessage());
    }

    /** The run folder refuses such a run when it is made, before anything is written (the library's runFolder, the command line). */
    @Test void aRunFolderRefusesARunWhoseFilesCannotBeWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        DcecConfig dense = cfg(Method.IDEC, 10).toBuilder().denseDims(200_000).pretrainEpochs(1).build();
        org.dcec4j.datasets.Dataset data = org.dcec4j.datasets.Shapes.generate(30, 1);
        new org.dcec4j.dcec.run.RunFolder(tmp.resolve("a"), dense, data);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new org.dcec4j.dcec.run.RunFolder(tmp.resolve("b"), dense.toBuilder().checkpointEvery(1).build(), data));
        assertTrue(e.getMessage().contains("make a checkpoint (checkpoint.dc4j) of "), e.getMessage());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("b")));
    }

    /**
     * A mini-batch's images fit an array whenever the whole set does (one machine); a distributed set need not: DEC on
     * 100,000 images of 3x1024x1024 with batches of 1,000 passed every other check (3,145,728 × 500 weights, 1,000 × 500
     * outputs) while the batch of 3,145,728,000 values wrapped in the tasks' int products.
     */
    @Test void aMiniBatchLargerThanAnArrayIsRefusedNamingTheBatchSize() {
        DcecConfig dec = cfg(Method.DEC, 10).toBuilder().batchSize(1000).build();
        ConfigException e = assertThrows(ConfigException.class, () -> DcecTrainer.checkSizes(dec, 100_000, 3, 1024, 1024));
        assertTrue(e.getMessage().startsWith("batchSize 1000 of 3x1024x1024 images hold 3,145,728,000 elements, more than a Java array holds"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("lower batchSize"), e.getMessage());
        DcecTrainer.checkSizes(dec.toBuilder().batchSize(682).build(), 100_000, 3, 1024, 1024);
    }

    /**
     * Labels of more than 8,192 classes with more than 8,192 clusters: the scores need a classes × clusters table of more
     * than 2^26 cells, which failed at the first scoring, after the pretraining; refused before any work.
     */
    @Test void labelsTooManyToScoreAreRefusedBeforeAnyWork() {
        int n = 8193;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i;
        org.dcec4j.datasets.Dataset data = new org.dcec4j.datasets.Dataset("many", 1, 12, 12, new float[n * 144], labels, n);
        DcecConfig cfg = DcecConfig.defaults().toBuilder().method(Method.KMEANS).K(8193).build();
        ConfigException e = assertThrows(ConfigException.class, () -> new DcecTrainer(cfg, data));
        assertTrue(e.getMessage().startsWith("clusters 8193 with the 8193 classes of many's labels: scoring the clusters (ACC) needs a table"
                + " of 67125249 cells, more than 67108864"), e.getMessage());
        new DcecTrainer(cfg.toBuilder().K(8191).build(), data);                    // 8193 × 8191 fits
        new DcecTrainer(cfg, new org.dcec4j.datasets.Dataset("many", 1, 12, 12, new float[n * 144], null, 0));   // no labels: no scores
    }
}
