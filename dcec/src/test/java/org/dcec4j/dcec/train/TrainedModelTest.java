package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.model.DenseAutoencoder;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model's soft assignment keeps the run's degrees of freedom α, in memory and through its file. */
class TrainedModelTest {
    static final int N = TrainerTest.TINY.size(), K = 3;

    /** Student's t q of image i by hand, in double: q_ij ∝ (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2), normalised over j. */
    static double[] studentT(float[] z, float[] mu, int D, int i, double alpha) {
        double[] q = new double[K];
        double sum = 0;
        for (int j = 0; j < K; j++) {
            double d2 = 0;
            for (int d = 0; d < D; d++) {
                double diff = z[i * D + d] - mu[j * D + d];
                d2 += diff * diff;
            }
            q[j] = Math.pow(1 + d2 / alpha, -(alpha + 1) / 2);
            sum += q[j];
        }
        for (int j = 0; j < K; j++) q[j] /= sum;
        return q;
    }

    /**
     * A model trained with α = 2 gives the trainer's final q (bit for bit) before and after save/load, its file keeps
     * α = 2, and that q is the hand-computed α = 2 Student's t of the embeddings, measurably not the α = 1 one.
     */
    @Test void aModelTrainedWithAlpha2AssignsWithAlpha2BeforeAndAfterSaving(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = TrainerTest.tiny().toBuilder().alpha(2f).pretrainEpochs(1).maxIter(3).build();
        DcecResult r = new DcecTrainer(cfg, TrainerTest.TINY).run();
        float[] x = TrainerTest.TINY.images();
        TrainedModel model = r.model();
        assertEquals(2f, model.config.alpha());
        assertArrayEquals(r.q(), model.softAssign(x, N, cfg.batchSize()), "the model's q is the trainer's final q");

        Path file = tmp.resolve("model.dc4j");
        model.save(file);
        TrainedModel loaded = TrainedModel.load(file);
        assertEquals(2f, loaded.config.alpha(), "α survives save/load");
        assertArrayEquals(r.q(), loaded.softAssign(x, N, cfg.batchSize()), "the loaded model's q is the trainer's final q");

        // the oracle: q by hand from the model's embeddings and centres, with α = 2 and, to tell them apart, α = 1
        int D = model.featureSize();
        float[] z = model.features(x, N, cfg.batchSize());
        double largestGap = 0;
        for (int i = 0; i < N; i++) {
            double[] q2 = studentT(z, model.mu, D, i, 2), q1 = studentT(z, model.mu, D, i, 1);
            for (int j = 0; j < K; j++) {
                assertEquals(q2[j], r.q()[i * K + j], 1e-6, "q[" + i + ", " + j + "] with α = 2");
                largestGap = Math.max(largestGap, Math.abs(q1[j] - q2[j]));
            }
        }
        // (the embeddings of this tiny run lie close together, so the gap is small, but 100 times the tolerance above)
        assertTrue(largestGap > 1e-4, "α = 1 and α = 2 give different q (largest gap " + largestGap + ")");
    }

    /**
     * The most images one inference batch takes: the batch and every layer's output within one array (2^31 − 65
     * values). 3x2048x2048 images are 12,582,912 values each (170 a batch for k-means on the pixels); the CAE's conv1
     * output, 32 x 1024 x 1024 = 33,554,432 an image, allows 63; a dense autoencoder's widest layer counts too.
     */
    /**
     * A save deletes the temporary file that a killed save of the same name left (kill -9 between the temporary file and
     * the rename) once nothing has touched it for ten minutes, and leaves a recent one (another save at work) and other
     * names' alone: such a file stayed beside the model for ever.
     */
    @Test void aSaveDeletesWhatAKilledSaveOfTheSameNameLeft(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = TrainerTest.tiny().toBuilder().pretrainEpochs(1).maxIter(1).build();
        TrainedModel model = new DcecTrainer(cfg, TrainerTest.TINY).run().model();
        Path file = tmp.resolve("m.dc4j");
        Path killed = java.nio.file.Files.write(tmp.resolve(".m.dc4j.123456789.tmp"), new byte[100]);
        java.nio.file.Files.setLastModifiedTime(killed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(11 * 60)));
        Path working = java.nio.file.Files.write(tmp.resolve(".m.dc4j.987654321.tmp"), new byte[100]);
        Path otherName = java.nio.file.Files.write(tmp.resolve(".other.dc4j.55.tmp"), new byte[100]);
        java.nio.file.Files.setLastModifiedTime(otherName, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(11 * 60)));
        model.save(file);
        assertTrue(java.nio.file.Files.notExists(killed), "the killed save's temporary file is deleted");
        assertTrue(java.nio.file.Files.exists(working), "a recent one (another save at work) is kept");
        assertTrue(java.nio.file.Files.exists(otherName), "another name's is kept");
        assertArrayEquals(model.toBytes(), java.nio.file.Files.readAllBytes(file));
    }

    @Test void theLargestBatchKeepsEveryArrayOfTheBatchWithinTheLimit() {
        int limit = Integer.MAX_VALUE - 64;
        DcecConfig base = DcecConfig.defaults();
        assertEquals(limit / 12_582_912, TrainedModel.largestBatch(base.toBuilder().method(org.dcec4j.dcec.Method.KMEANS).build(), 3, 2048, 2048));
        assertEquals(170, TrainedModel.largestBatch(base.toBuilder().method(org.dcec4j.dcec.Method.KMEANS).build(), 3, 2048, 2048));
        assertEquals(63, TrainedModel.largestBatch(base.toBuilder().method(org.dcec4j.dcec.Method.DCEC).build(), 3, 2048, 2048));
        assertEquals(limit / 50_000_000, TrainedModel.largestBatch(base.toBuilder().method(org.dcec4j.dcec.Method.DEC)
                .denseDims(new int[] {500, 50_000_000}).build(), 1, 28, 28));
        // the same as an instance's, which is what the commands call
        assertEquals(TrainedModel.largestBatch(TrainerTest.tiny(), 1, 12, 12),
                new TrainedModel(TrainerTest.tiny(), 1, 12, 12, null, new float[TrainerTest.tiny().K() * 144]).largestBatch());
    }

    /** The weights counted from the architecture are those the networks allocate. */
    @Test void parameterCountsWithoutBuildingAreThoseOfTheNetworks() {
        int[][] conv = {{1, 28, 28, 10, 32, 64, 128}, {3, 32, 32, 4, 5, 6, 7}, {1, 12, 12, 2, 1, 1, 1}, {3, 36, 20, 7, 8, 9, 10}};
        for (int[] c : conv)
            assertEquals(new ConvAutoencoder(c[0], c[1], c[2], c[3], new int[] {c[4], c[5], c[6]}, 0).parameterCount(),
                    ConvAutoencoder.parameterCount(c[0], c[1], c[2], c[3], new int[] {c[4], c[5], c[6]}), java.util.Arrays.toString(c));
        int[][] hidden = {{500, 500, 2000}, {7}, {3, 11}};
        for (int[] h : hidden)
            assertEquals(new DenseAutoencoder(3, 5, 4, 6, h, 0).parameterCount(), DenseAutoencoder.parameterCount(3, 5, 4, 6, h),
                    java.util.Arrays.toString(h));
    }

    /**
     * A model file of a few hundred bytes whose metadata declares a network for 1x1024x1024 images (42 million weights,
     * 168 MB) is refused from the counts, before the network is allocated; the network was built first (a 4096x4096 one
     * ended a predict in -Xmx1g with an out-of-memory error advising a smaller --batch-size).
     */
    @Test void aModelWhoseMetadataDeclaresAHugeNetworkIsRefusedBeforeAllocatingIt(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("model.dc4j");
        Files.write(file, TensorFile.builder().meta("kind", "dcec-model").meta("method", Method.DCEC.cliName).meta("channels", "1")
                .meta("height", "1024").meta("width", "1024").meta("clusters", "10").meta("filters", "32,64,128")
                .meta("dense_dims", "500,500,2000").meta("alpha", "1.0")
                .tensor("model.encoder.conv1.weight", new int[] {32, 1, 5, 5}, new float[800])
                .tensor("mu", new int[] {10, 10}, new float[100]).toBytes());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> TrainedModel.load(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(file + ": the metadata declares a dcec network for 1x1024x1024 images, of "
                + ConvAutoencoder.parameterCount(1, 1024, 1024, 10, new int[] {32, 64, 128}) + " weights, but the file holds only 800"
                + " values under 'model.' (damaged, or not a model `dcec train` wrote); refused before allocating it", e.getMessage());
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    }

    /**
     * A model the 2026-12-04 version trained with {@code --alpha 1e9} (it accepted any finite α; the bound of 1e8 came
     * on 2026-12-05) is an older version's file, not a damaged one: it was refused as "the model's metadata is not one a
     * run writes". The fixture is that version's own file: built from 5e90aa9, {@code dcec train --dataset shapes
     * --limit 20 --method kmeans -k 2 --alpha 1e9 --seed 0 --threads 1 --no-report --no-baseline} (6.8 KB, the
     * k-means method keeps it small: no network, μ of 2 x 784).
     */
    @Test void aModelOfAnOlderVersionWithAnAlphaAboveTheBoundSaysSoAndWhatToDo(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("model.dc4j");
        try (java.io.InputStream in = TrainedModelTest.class.getResourceAsStream("/compat/kmeans-alpha-1e9-5e90aa9.dc4j")) {
            java.nio.file.Files.write(file, in.readAllBytes());
        }
        assertEquals("1.0E9", TensorFile.read(file).meta("alpha"));
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> TrainedModel.load(file));
        assertEquals(file + ": the model was trained with alpha 1.0E9, which a dcec4j from before 2026-12-05 accepted; this"
                + " version takes alpha up to 1e8 (beyond it the Student's t kernel cannot tell distances apart in double"
                + " precision): train the model again with alpha at most 1e8, or use the version that trained it", e.getMessage());
    }
}
