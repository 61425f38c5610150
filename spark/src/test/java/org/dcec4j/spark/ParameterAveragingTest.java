package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;

/** The driver's average of the partitions' states in averaging-mode pretraining (docs/scale-out.md#pretraining). */
class ParameterAveragingTest {
    /** A partition's state: one weight tensor [2], one Adam moment [1] and Adam's step count. */
    static byte[] state(float w0, float w1, float m, long t) {
        return TensorFile.builder().meta("adam.t", Long.toString(t))
                .tensor("model.w", new int[] {2}, new float[] {w0, w1})
                .tensor("adam.m.0", new int[] {1}, new float[] {m}).toBytes();
    }

    /**
     * Weights and Adam moments are averaged weighted by the images each partition trained (by hand: partitions of 1
     * and 3 images holding 0 and 4 average to (1·0 + 3·4)/4 = 3, not 2 unweighted nor 8/3 by steps), shapes kept, and
     * Adam's t is t0 plus the most steps any partition took (5 + max(1, 2) = 7).
     */
    @Test void theAverageIsWeightedByImagesAndAdamsStepIsT0PlusTheMostSteps() {
        List<ParameterAveraging.Round> rounds = List.of(
                new ParameterAveraging.Round(0, 1, 1, 0.5, 0.5f, state(0f, 8f, 1f, 6)),
                new ParameterAveraging.Round(1, 3, 2, 1.5, 0.5f, state(4f, -8f, 5f, 7)));
        TensorFile f = TensorFile.parse(ParameterAveraging.average(rounds, 5), "average");
        assertArrayEquals(new float[] {3f, -4f}, f.get("model.w").data(), 0f);      // (1·8 + 3·(−8))/4 = −4
        assertArrayEquals(new int[] {2}, f.get("model.w").shape());
        assertArrayEquals(new float[] {4f}, f.get("adam.m.0").data(), 0f);         // (1·1 + 3·5)/4 = 4
        assertEquals("7", f.meta("adam.t"));
    }

    /** One partition passes its state through unchanged (weight 1), Adam's t advanced by its steps from t0. */
    @Test void onePartitionPassesItsStateThrough() {
        float w0 = 0.1f, w1 = -3.7e-5f, m = 1e-9f;
        TensorFile f = TensorFile.parse(ParameterAveraging.average(
                List.of(new ParameterAveraging.Round(0, 7, 3, 1, 1f, state(w0, w1, m, 0))), 10), "average");
        assertArrayEquals(new float[] {w0, w1}, f.get("model.w").data(), 0f);
        assertArrayEquals(new float[] {m}, f.get("adam.m.0").data(), 0f);
        assertEquals("13", f.meta("adam.t"));
    }

    /**
     * A task of the averaging pretraining holds its whole partition in one array: a partition of more values than an
     * array holds is refused on the driver, naming it and the partitions that would do (n·C·H·W was an int product:
     * 60,000 images of 3×128×128 in one partition, 2,949,120,000 values, wrapped to a negative array length in the task).
     */
    @Test void averagingRefusesAPartitionLargerThanAnArray() {
        SparkDcecTrainer.checkAveragingPartitions(new long[] {43_690, 16_310}, 3, 128, 128);      // 2,147,450,880 values fit
        org.dcec4j.dcec.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(org.dcec4j.dcec.ConfigException.class,
                () -> SparkDcecTrainer.checkAveragingPartitions(new long[] {10, 60_000}, 3, 128, 128));
        org.junit.jupiter.api.Assertions.assertEquals("pretrainMode averaging: partition 1 holds 60000 images of 3x128x128, 2,949,120,000 values, "
                + "more than one array holds (2,147,483,583): use at least 2 partitions (at most 43690 images each), or the synchronous pretraining",
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.dcec4j.dcec.ConfigException.class,
                () -> SparkDcecTrainer.checkAveragingPartitions(new long[] {43_691}, 3, 128, 128));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("partition 0 holds 43691 images"), e.getMessage());
    }

    /** A block (one float array) holds 1024 images, fewer when 1024 would be more than an array holds. */
    @Test void aBlockOfLargeImagesFitsAnArray() {
        org.junit.jupiter.api.Assertions.assertEquals(1024, TrainingData.blockImages(784));
        org.junit.jupiter.api.Assertions.assertEquals(1024, TrainingData.blockImages(2_097_151));
        org.junit.jupiter.api.Assertions.assertEquals(511, TrainingData.blockImages(4_194_304));           // 1x2048x2048
        org.junit.jupiter.api.Assertions.assertEquals(682, TrainingData.blockImages(3 * 1024 * 1024));
        org.junit.jupiter.api.Assertions.assertEquals(1, TrainingData.blockImages(Integer.MAX_VALUE - 64));
        for (int D : new int[] {784, 2_097_153, 4_194_304, 3 * 1024 * 1024, 12_582_912})
            org.junit.jupiter.api.Assertions.assertTrue((long) TrainingData.blockImages(D) * D <= Integer.MAX_VALUE - 64, "D = " + D);
    }
}
