package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.datasets.augment.RandomAffine;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.dcec.model.Autoencoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-augmented methods (dcec-da, dec-conv-da): pretraining drops the last partial batch and trains on the
 * transformed batch, which is also its target; the result is the same for any thread count and after a resume.
 */
class AugmentedTrainingTest {
    static final Dataset DATA = Shapes.generate(70, 4, 16);   // N = 70, B = 16: 4 whole batches and a partial one of 6

    static DcecConfig cfg(Method m) {
        return DcecConfig.defaults().toBuilder().method(m).filters(4, 4, 8).K(3).batchSize(16).pretrainEpochs(3)
                .kmeansRestarts(2).updateInterval(3).tol(0).maxIter(8).seed(6).build();
    }

    /** The first pretraining batch of an augmented run, computed by hand from the same pieces: equal loss. */
    @Test void pretrainingTrainsOnTheTransformedBatchAndDropsTheLastPartialOne() throws IOException {
        List<double[]> losses = new ArrayList<>();
        List<Integer> batchesPerEpoch = new ArrayList<>();
        double[] epochLoss = {Double.NaN};
        TrainingListener rec = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.PRETRAIN) { losses.add(new double[] {step, batch, loss}); if (batch == 0) batchesPerEpoch.add(n); }
            }
            @Override public void epochDone(int epoch, double loss, double seconds) { epochLoss[0] = loss; }
        };
        DcecConfig c = cfg(Method.DCEC_DA).toBuilder().pretrainEpochs(1).build();
        new DcecTrainer(c, DATA).listener(rec).pretrainOnly(true).run();
        assertEquals(List.of(4), batchesPerEpoch, "⌊70/16⌋ batches, the partial one dropped");
        assertEquals(4, losses.size());
        // the epoch's loss is the mean over the 64 images trained (it was divided by all 70: 64/70 of the mean)
        double mean = 0;
        for (double[] l : losses) mean += (float) l[2] * 16.0;
        assertEquals(mean / 64, epochLoss[0], 1e-12 * mean);
        // by hand: the same initial weights, the epoch-0 permutation, the pretraining transform stream
        Autoencoder ae = Autoencoder.create(c, 1, 16, 16, Seeds.derive(c.seed(), Seeds.WEIGHTS, 0));
        int[] perm = Batches.permutation(70, Seeds.rng(c.seed(), Seeds.SHUFFLE, 0));
        float[] xb = new float[16 * 256], xa = new float[16 * 256];
        Batches.gather(xb, DATA.images(), 256, perm, 0, 16);
        int[] rows = java.util.Arrays.copyOf(perm, 16);
        RandomAffine.decDa().applyBatch(xa, xb, 1, 16, 16, Seeds.derive(c.seed(), Seeds.AUGMENT_PRETRAIN, 0), 0, rows, 0, 16);
        Tensor t = Tensor.of(xa, 16, 1, 16, 16);
        float want = F.mse(ae.decode(ae.encode(t)), t).item();
        assertEquals(want, (float) losses.get(0)[2], 0f, "first batch loss: the transformed batch against itself");
        Tensor clean = Tensor.of(xb, 16, 1, 16, 16);
        assertFalse(want == F.mse(ae.decode(ae.encode(clean)), clean).item(), "the transform changed the batch");
    }

    /**
     * The first clustering step of dec-conv-da, by hand: P from the clean images at iteration 0 (a run stopped there,
     * maxIter 0, gives its Q and model), the batch of images 0–15 transformed with (seed_clu, 0, i), and the step's
     * loss KL(P‖Q(x̃)) averaged over the batch. The untransformed batch gives another value.
     */
    @Test void clusteringTrainsOnTheTransformedBatchAgainstTheCleanTargets() throws IOException {
        DcecConfig c = cfg(Method.DEC_CONV_DA).toBuilder().pretrainEpochs(1).maxIter(0).build();
        DcecResult start = new DcecTrainer(c, DATA).run();
        int N = 70, K = 3, D = 256, B = 16;
        float[] p = new float[N * K];
        TargetDistribution.compute(p, start.q(), N, K);
        double[] first = {Double.NaN};
        TrainingListener rec = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && step == 0) first[0] = loss;
            }
        };
        new DcecTrainer(c.toBuilder().maxIter(1).build(), DATA).listener(rec).run();
        float[] xb = java.util.Arrays.copyOf(DATA.images(), B * D), xa = new float[B * D];
        int[] rows = new int[B];
        for (int i = 0; i < B; i++) rows[i] = i;
        RandomAffine.decDa().applyBatch(xa, xb, 1, 16, 16, Seeds.derive(c.seed(), Seeds.AUGMENT_CLUSTER, 0), 0, rows, 0, B);
        double want = kl(p, start.model().softAssign(xa, B, B), B, K);
        double clean = kl(p, start.model().softAssign(xb, B, B), B, K);
        assertEquals(want, first[0], 1e-5 * want, "the first clustering step's loss: KL(P‖Q(x̃)) over images 0–15");
        assertTrue(Math.abs(clean - want) > 1e-3 * want, "the transform changes the loss: " + clean + " against " + want);
    }

    /**
     * A later clustering step of dec-conv-da, by hand: iteration 6 trains batch 6 mod 5 = 1 (images 16–31), each image i
     * transformed with (seed_clu, 6, i), keyed by the iteration and the image's index in the set, not by the batch or the
     * position in the batch. The clustering optimiser is SGD at 1e-30, so the weights and P stay those of iteration 0 (a
     * run stopped there gives Q and the model). Fails if the transform is drawn with the batch number for the iteration or
     * with the row in the batch for the image index (both give step 0's images 0–15 their right transform).
     */
    @Test void laterClusteringStepsTransformEachImageByIterationAndImageIndex() throws IOException {
        DcecConfig c = cfg(Method.DEC_CONV_DA).toBuilder().pretrainEpochs(1).updateInterval(100).maxIter(0)
                .clusterOptimizer(org.dcec4j.dcec.OptimizerSpec.sgd(1e-30f, 0f)).build();
        DcecResult start = new DcecTrainer(c, DATA).run();
        int N = 70, K = 3, D = 256, B = 16, from = 16;
        float[] p = TargetDistribution.of(start.q(), N, K);
        double[] sixth = {Double.NaN};
        new DcecTrainer(c.toBuilder().maxIter(7).build(), DATA).listener(new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && step == 6) { assertEquals(1, batch); sixth[0] = loss; }
            }
        }).run();
        float[] xb = java.util.Arrays.copyOfRange(DATA.images(), from * D, (from + B) * D), xa = new float[B * D], xw = new float[B * D];
        int[] images = new int[B], positions = new int[B];
        for (int i = 0; i < B; i++) { images[i] = from + i; positions[i] = i; }
        long seed = Seeds.derive(c.seed(), Seeds.AUGMENT_CLUSTER, 0);
        RandomAffine.decDa().applyBatch(xa, xb, 1, 16, 16, seed, 6, images, 0, B);
        float[] pb = java.util.Arrays.copyOfRange(p, from * K, (from + B) * K);
        double want = kl(pb, start.model().softAssign(xa, B, B), B, K);
        assertEquals(want, sixth[0], 1e-5 * want, "iteration 6: KL(P‖Q(x̃)) over images 16–31, x̃ from (seed_clu, 6, i)");
        RandomAffine.decDa().applyBatch(xw, xb, 1, 16, 16, seed, 1, images, 0, B);
        assertTrue(Math.abs(kl(pb, start.model().softAssign(xw, B, B), B, K) - want) > 1e-3 * want, "the batch number draws other transforms");
        RandomAffine.decDa().applyBatch(xw, xb, 1, 16, 16, seed, 6, positions, 0, B);
        assertTrue(Math.abs(kl(pb, start.model().softAssign(xw, B, B), B, K) - want) > 1e-3 * want, "the row in the batch draws other transforms");
    }

    /** (1/B) Σ_i Σ_j p_ij log(p_ij / q_ij) over the first B rows of P, in double. */
    private static double kl(float[] p, float[] q, int B, int K) {
        double s = 0;
        for (int i = 0; i < B * K; i++) if (p[i] > 0) s += p[i] * Math.log((double) p[i] / q[i]);
        return s / B;
    }

    @Test void augmentedRunsAreTheSameAtAnyThreadCountAndAfterAResume(@TempDir Path tmp) throws IOException {
        for (Method m : new Method[] {Method.DCEC_DA, Method.DEC_CONV_DA}) {
            DcecResult one, three;
            try (Backend b1 = Backend.create(Backend.Kind.AUTO, 1); Backend b3 = Backend.create(Backend.Kind.AUTO, 3)) {
                one = new DcecTrainer(cfg(m), DATA).backend(b1).run();
                three = new DcecTrainer(cfg(m), DATA).backend(b3).run();
            }
            assertArrayEquals(one.model().toBytes(), three.model().toBytes(), m + ": 1 vs 3 threads");
            assertArrayEquals(one.labels(), three.labels());
            // killed in the clustering phase after the checkpoint at iteration 4, then resumed
            DcecConfig ck = cfg(m).toBuilder().checkpointEvery(2).build();
            Path out = tmp.resolve(m.cliName);
            TrainingListener kill = new TrainingListener() {
                @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                    if (phase == Phase.CLUSTER && step == 5) throw new IllegalStateException("killed");
                }
            };
            RunFolder folder = new RunFolder(out, ck, DATA);
            folder.prepare(RunFolder.Start.NEW, false);
            assertThrows(IllegalStateException.class, () -> new DcecTrainer(ck, DATA).listener(folder).listener(kill).run());
            RunFolder again = new RunFolder(out, ck, DATA);
            DcecResult resumed = new DcecTrainer(ck, DATA).listener(again).resumeFrom(again.readCheckpoint()).run();
            assertArrayEquals(one.model().toBytes(), resumed.model().toBytes(), m + ": resumed");
            assertTrue(Files.isRegularFile(out.resolve(RunFolder.MODEL)));
        }
    }

    @Test void theAugmentedVariantsAndTheirReferenceDefaults() {
        assertEquals(Method.DCEC_DA, Method.DCEC.augmented());
        assertEquals(Method.DEC_CONV_DA, Method.DEC_CONV.augmented());
        ConfigException e = assertThrows(ConfigException.class, () -> Method.IDEC.augmented());
        assertTrue(e.getMessage().startsWith("augment applies to dcec and dec-conv"), e.getMessage());
        assertEquals(500, DcecConfig.referenceDefaults(Method.DCEC_DA, "usps").pretrainEpochs());
        assertEquals(30, DcecConfig.referenceDefaults(Method.DCEC_DA, "mnist-test").updateInterval());
        assertEquals(140, DcecConfig.referenceDefaults(Method.DEC_CONV_DA, "mnist").updateInterval());
        assertEquals(200, DcecConfig.referenceDefaults(Method.DCEC, "usps").pretrainEpochs());
        assertEquals(140, DcecConfig.referenceDefaults(Method.DCEC, "usps").updateInterval());
    }

}
