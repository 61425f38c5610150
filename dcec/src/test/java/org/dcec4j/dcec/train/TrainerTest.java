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
import java.util.Map;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.Version;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.train.TrainingListener.Losses;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's schedule, the stop rule, resume, divergence and option checks, on tiny 12×12 data. */
class TrainerTest {
    static final Dataset TINY = Shapes.generate(40, 5, 12);

    static DcecConfig tiny() {
        return DcecConfig.defaults().toBuilder().filters(4, 4, 8).K(3).batchSize(16).pretrainEpochs(2)
                .kmeansRestarts(2).updateInterval(3).tol(0).maxIter(10).seed(9).build();
    }

    /** A trainer that keeps its files in {@code out}. */
    static DcecTrainer trainer(DcecConfig cfg, Path out) {
        return new DcecTrainer(cfg, TINY).listener(new RunFolder(out, cfg, TINY));
    }

    /** The same, continuing from out's checkpoint. */
    static DcecTrainer resumed(DcecConfig cfg, Path out) throws IOException {
        return trainer(cfg, out).resumeFrom(new RunFolder(out, cfg, TINY).readCheckpoint());
    }

    /** Records what the trainer did. */
    static final class Recorder implements TrainingListener {
        final List<Integer> updates = new ArrayList<>(), batches = new ArrayList<>(), steps = new ArrayList<>();
        final List<Double> deltas = new ArrayList<>();
        @Override public void targetUpdated(int iteration, double deltaLabel, Scores scores, Losses losses) { updates.add(iteration); deltas.add(deltaLabel); }
        @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
            if (phase == Phase.CLUSTER) { steps.add(step); batches.add(batch); }
        }
    }

    @Test void targetIsRecomputedAtZeroEveryTAndAtMaxIter() throws IOException {
        Recorder rec = new Recorder();
        DcecResult r = new DcecTrainer(tiny(), TINY).listener(rec).run();
        assertEquals(List.of(0, 3, 6, 9, 10), rec.updates);
        assertEquals(10, r.iterations());
        assertFalse(r.converged());
        // ordered batches: N = 40, B = 16 → batches 0, 1, 2 (the short one of 8), 0, …
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), rec.steps);
        assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1, 2, 0), rec.batches);
        // the reported labels are the argmax of the last Q over all N points
        int[] expected = new int[40];
        TargetDistribution.argmax(expected, r.q(), 40, 3);
        assertArrayEquals(expected, r.labels());
        // …and that Q is the model's soft assignment of all the data
        float[] q = r.model().softAssign(TINY.images(), 40, 16);
        assertArrayEquals(q, r.q());
    }

    @Test void modelPredictGivesTheRunsLabelsAndTheLargestQ() throws IOException {
        DcecResult r = new DcecTrainer(tiny(), TINY).run();
        TrainedModel.Assignments a = r.model().predict(TINY.images(), 40, 7);
        assertArrayEquals(r.labels(), a.labels());
        for (int i = 0; i < 40; i++) {
            float best = 0;
            for (int j = 0; j < 3; j++) best = Math.max(best, r.q()[i * 3 + j]);
            assertEquals(best, a.confidence()[i], "image " + i);
            assertEquals(best, r.q()[i * 3 + a.labels()[i]], "image " + i + ": the label is a largest q");
        }
    }

    @Test void stopRuleNeverStopsAtIterationZero() throws IOException {
        Recorder rec = new Recorder();
        // tol 1 > any changed fraction short of all labels: the first recomputation after iteration 0 stops the run
        DcecResult r = new DcecTrainer(tiny().toBuilder().tol(1).build(), TINY).listener(rec).run();
        assertEquals(List.of(0, 3), rec.updates);
        assertEquals(3, r.iterations());
        assertTrue(r.converged());
        assertEquals(3, rec.steps.size());
    }

    @Test void stopRuleComparesTheChangedFractionWithTol() throws IOException {
        Recorder all = new Recorder();
        new DcecTrainer(tiny().toBuilder().maxIter(30).build(), TINY).listener(all).run();
        // pick tol just above the first δ (after 0) that is below 1: the run must stop exactly there
        int stopAt = -1;
        double tol = 0;
        for (int k = 1; k < all.deltas.size(); k++) {
            if (all.deltas.get(k) < 1) { stopAt = all.updates.get(k); tol = all.deltas.get(k) + 1e-9; break; }
        }
        assertTrue(stopAt > 0);
        double chosen = tol;
        Recorder rec = new Recorder();
        DcecResult r = new DcecTrainer(tiny().toBuilder().maxIter(30).tol(chosen).build(), TINY).listener(rec).run();
        int expectedStop = -1;
        for (int k = 1; k < all.deltas.size(); k++) if (all.deltas.get(k) < chosen) { expectedStop = all.updates.get(k); break; }
        assertEquals(expectedStop, r.iterations());
        assertTrue(r.converged());
    }

    /**
     * The stop rule is δ < tol, strictly: with tol = 0 a run whose changed fraction is exactly 0 at every check (a
     * learning rate of 1e-30 leaves every label where it is) must not stop, and runs to maxIter unconverged, as
     * evaluating "first check after 0 with δ < tol" by hand on the recorded δ says.
     */
    @Test void stopRuleIsStrictSoTolZeroNeverStops() throws IOException {
        Recorder rec = new Recorder();
        DcecResult r = new DcecTrainer(tiny().toBuilder().pretrainEpochs(0).lr(1e-30f).tol(0).build(), TINY).listener(rec).run();
        assertEquals(List.of(0, 3, 6, 9, 10), rec.updates);
        for (int k = 1; k < rec.deltas.size(); k++) assertEquals(0.0, rec.deltas.get(k), 0.0, "δ at iteration " + rec.updates.get(k));
        // the oracle: the first check after iteration 0 with δ < 0 — there is none, so the run ends at maxIter
        int expectedStop = 10;
        for (int k = 1; k < rec.deltas.size(); k++) if (rec.deltas.get(k) < 0) { expectedStop = rec.updates.get(k); break; }
        assertEquals(expectedStop, r.iterations());
        assertFalse(r.converged());
        assertEquals(10, rec.steps.size());
    }

    /** L_r = mean (G(F(x)) − x)² of rows {@code rows} of the images, the network run here, summed in double. */
    static double reconstructionLoss(Autoencoder ae, int[] rows) {
        int D = TINY.channels() * TINY.height() * TINY.width();
        float[] xb = new float[rows.length * D];
        Batches.gather(xb, TINY.images(), D, rows, 0, rows.length);
        float[] rec = ae.decode(ae.encode(Tensor.of(xb.clone(), rows.length, 1, 12, 12))).data;
        double s = 0;
        for (int i = 0; i < xb.length; i++) s += (double) (rec[i] - xb[i]) * (rec[i] - xb[i]);
        return s / xb.length;
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /**
     * Every clustering step's loss is L_r + γ·L_c of its ordered batch (rows 0–15, 16–31, the short 32–39, 0–15) against
     * the same rows of P, for a γ of 0.7 (not the default 0.1). The clustering optimiser is SGD at 1e-30, so the weights
     * stay those of iteration 0 and each step is computed here from the network and the Q of a run stopped at iteration 0
     * (maxIter 0), summed in double; 10 pretraining epochs at 0.01 spread the embeddings so that γ·L_c is over 5 % of L. The means reported with the next P are the plain means of the steps since the previous one (3
     * steps, then 1). Fails if the trainer passes another γ, or takes the batch's images or its rows of P from elsewhere.
     */
    @Test void everyClusteringStepIsLrPlusGammaLcOfItsOrderedBatchAgainstItsRowsOfP() throws IOException {
        float gamma = 0.7f;
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(10).lr(0.01f).clusterOptimizer(org.dcec4j.dcec.OptimizerSpec.sgd(1e-30f, 0f))
                .gamma(gamma).maxIter(4).build();
        DcecResult start = new DcecTrainer(cfg.toBuilder().maxIter(0).build(), TINY).run();
        int N = 40, K = 3;
        float[] p = TargetDistribution.of(start.q(), N, K);
        List<Double> losses = new ArrayList<>();
        List<Losses> means = new ArrayList<>();
        new DcecTrainer(cfg, TINY).listener(new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) { if (phase == Phase.CLUSTER) losses.add(loss); }
            @Override public void targetUpdated(int iteration, double delta, Scores s, Losses l) { means.add(l); }
        }).run();
        int[][] batches = {range(0, 16), range(16, 32), range(32, 40), range(0, 16)};
        assertEquals(4, losses.size());
        double[] expected = new double[4];
        for (int t = 0; t < 4; t++) {
            double lr = reconstructionLoss(start.model().ae, batches[t]), lc = 0;
            for (int i : batches[t])
                for (int j = 0; j < K; j++) lc += p[i * K + j] * Math.log((double) p[i * K + j] / start.q()[i * K + j]);
            lc /= batches[t].length;
            expected[t] = lr + gamma * lc;
            assertTrue(gamma * lc > 0.05 * lr, "iteration " + t + ": the γ·L_c term (" + gamma * lc + ") counts against L_r " + lr);
            assertEquals(expected[t], losses.get(t), 1e-5 * expected[t], "iteration " + t + ": L_r + γ·L_c of its batch");
        }
        // P at 0, 3 and 4 (maxIter): the means of iterations 0–2, then of iteration 3
        assertEquals(3, means.size());
        assertTrue(Double.isNaN(means.get(0).L()), "no step before iteration 0");
        assertEquals((expected[0] + expected[1] + expected[2]) / 3, means.get(1).L(), 1e-5 * expected[0]);
        assertEquals(expected[3], means.get(2).L(), 1e-5 * expected[3]);
    }

    /**
     * Pretraining with a learning rate of 1e-30 (the weights stay the initial ones): batch b of epoch e is L_r of the rows
     * π_e[16b..16b+16) with π_e the epoch's own permutation from (seed, SHUFFLE, e), the last one of 8, and an epoch's loss
     * is L_r over all 40 images (each image once: Σ n_b·L_b / N), all computed here in double. Fails if every epoch
     * reuses one shuffle, or if the epoch's loss is the plain mean of the batch means (16, 16 and 8 images).
     */
    @Test void pretrainingBatchesFollowEachEpochsShuffleAndTheEpochLossIsTheMeanOverTheImages() throws IOException {
        DcecConfig cfg = tiny().toBuilder().lr(1e-30f).pretrainEpochs(2).build();
        List<double[]> batchLosses = new ArrayList<>();
        List<Double> epochLosses = new ArrayList<>();
        new DcecTrainer(cfg, TINY).listener(new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.PRETRAIN) batchLosses.add(new double[] {step, batch, loss});
            }
            @Override public void epochDone(int epoch, double loss, double seconds) { epochLosses.add(loss); }
        }).pretrainOnly(true).run();
        Autoencoder ae = Autoencoder.create(cfg, 1, 12, 12, Seeds.derive(cfg.seed(), Seeds.WEIGHTS, 0));
        assertEquals(6, batchLosses.size());
        for (int e = 0; e < 2; e++) {
            int[] perm = Batches.permutation(40, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, e));
            for (int b = 0; b < 3; b++) {
                double[] got = batchLosses.get(3 * e + b);
                assertEquals(e, (int) got[0]);
                assertEquals(b, (int) got[1]);
                double want = reconstructionLoss(ae, java.util.Arrays.copyOfRange(perm, 16 * b, Math.min(40, 16 * b + 16)));
                assertEquals(want, got[2], 1e-5 * want, "epoch " + e + ", batch " + b);
            }
        }
        assertFalse(batchLosses.get(0)[2] == batchLosses.get(3)[2], "the two epochs' first batches hold other images");
        double all = reconstructionLoss(ae, range(0, 40));
        assertEquals(2, epochLosses.size());
        for (int e = 0; e < 2; e++) assertEquals(all, epochLosses.get(e), 1e-5 * all, "epoch " + (e + 1) + ": L_r over all 40 images");
        double plainMean = (batchLosses.get(0)[2] + batchLosses.get(1)[2] + batchLosses.get(2)[2]) / 3;
        assertTrue(Math.abs(plainMean - all) > 1e-4 * all, "the batch of 8 weighs less than a batch of 16");
    }

    /**
     * The first changed fraction (at iteration 0) compares the labels of Q with the k-means labels y⁰, as the reference
     * does: y⁰ is the nearest centre of each embedding and q_ij falls with ‖z_i − μ_j‖, so δ₀ equals the fraction of
     * images whose largest q is not at their nearest centre, both computed here in double from the model of a run
     * stopped at iteration 0 (0 up to rounding). Fails if the first δ compares with anything else (all-0 labels).
     */
    @Test void theFirstChangedFractionComparesWithTheKmeansLabels() throws IOException {
        Recorder rec = new Recorder();
        DcecResult start = new DcecTrainer(tiny().toBuilder().maxIter(0).build(), TINY).listener(rec).run();
        int N = 40, K = 3, E = start.model().ae.embeddingSize();
        float[] z = start.model().features(TINY.images(), N, 16);
        int changed = 0;
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < N; i++) {
            int nearest = 0;
            double best = Double.MAX_VALUE;
            for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int d = 0; d < E; d++) { double e = z[i * E + d] - start.model().mu[j * E + d]; d2 += e * e; }
                if (d2 < best) { best = d2; nearest = j; }
            }
            used.add(nearest);
            if (nearest != start.labels()[i]) changed++;
        }
        assertEquals(K, used.size(), "k-means used every cluster, so y⁰ is not all 0");
        assertEquals(List.of(0), rec.updates);
        assertEquals((double) changed / N, rec.deltas.get(0), 0.0, "δ at iteration 0");
    }

    /** Thrown by a listener to simulate a killed process. */
    static final class Kill extends RuntimeException {}

    @Test void resumeIsBitForBitAfterKillsInBothPhases(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(5).maxIter(14).updateInterval(4).checkpointEvery(2).build();
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        DcecResult full = trainer(cfg, a).run();

        // kill in epoch 4 (checkpoint after epoch 2), then in iteration 11 (checkpoint at 10)
        TrainingListener killPretrain = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.PRETRAIN && step == 3 && batch == 1) throw new Kill();
            }
        };
        assertThrows(Kill.class, () -> trainer(cfg, b).listener(killPretrain).run());
        assertEquals("pretrain", TensorFile.read(b.resolve(RunFolder.CHECKPOINT)).meta("phase"));
        TrainingListener killCluster = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && step == 11) throw new Kill();
            }
        };
        assertThrows(Kill.class, () -> resumed(cfg, b).listener(killCluster).run());
        TensorFile ck = TensorFile.read(b.resolve(RunFolder.CHECKPOINT));
        assertEquals("cluster", ck.meta("phase"));
        assertEquals("10", ck.meta("iteration"));
        DcecResult resumed = resumed(cfg, b).run();

        assertArrayEquals(full.labels(), resumed.labels());
        assertArrayEquals(full.q(), resumed.q());
        assertArrayEquals(full.model().mu, resumed.model().mu);
        List<Tensor> pa = full.model().ae.module().parameters(), pb = resumed.model().ae.module().parameters();
        for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).data, pb.get(i).data, "parameter " + i);
        assertEquals(full.iterations(), resumed.iterations());
        // the logs of the resumed run are those of the uninterrupted one (seconds aside)
        assertEquals(Files.readAllLines(a.resolve(RunFolder.DCEC_LOG)), Files.readAllLines(b.resolve(RunFolder.DCEC_LOG)));
        assertEquals(withoutSeconds(a.resolve(RunFolder.PRETRAIN_LOG)), withoutSeconds(b.resolve(RunFolder.PRETRAIN_LOG)));
        assertArrayEquals(Files.readAllBytes(a.resolve(RunFolder.PREDICTIONS)), Files.readAllBytes(b.resolve(RunFolder.PREDICTIONS)));
        assertArrayEquals(Files.readAllBytes(a.resolve(RunFolder.MODEL)), Files.readAllBytes(b.resolve(RunFolder.MODEL)));
    }

    static List<String> withoutSeconds(Path csv) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) out.add(line.substring(0, line.lastIndexOf(',')));
        return out;
    }

    /**
     * A listener that, right after the checkpoint of {@code step} is written, multiplies every weight by 1e30: an
     * update that overflows after a good checkpoint (a learning rate that large overflows at the first update, before
     * any checkpoint could be good).
     */
    static TrainingListener overflowAfter(int step) {
        return new TrainingListener() {
            @Override public Path checkpoint(Checkpoint state) {
                if (state.step() == step) {
                    for (Tensor t : state.ae().module().parameters()) for (int i = 0; i < t.data.length; i++) t.data[i] *= 1e30f;
                    if (state.layer() != null) for (int i = 0; i < state.layer().mu.data.length; i++) state.layer().mu.data[i] *= 1e30f;
                }
                return null;
            }
        };
    }

    @Test void nonFiniteLossStopsAndKeepsTheLastCheckpoint(@TempDir Path tmp) throws IOException {
        // lr 1e30: the first update sends the weights to ~1e30 and their outputs to NaN; no checkpoint of that state
        DcecConfig huge = tiny().toBuilder().batchSize(40).pretrainEpochs(6).lr(1e30f).checkpointEvery(1).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(huge, tmp.resolve("huge")).run());
        assertTrue(e.getMessage().contains("pretraining loss became") && e.getMessage().contains("epoch 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Last good checkpoint: none written yet"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("huge").resolve(RunFolder.CHECKPOINT)));

        // data whose squared errors overflow float32: the first loss, before any update, is infinite, and the message
        // does not blame the learning rate (it said "Lower the learning rate")
        float[] big = new float[40 * 4];
        for (int i = 0; i < big.length; i++) big[i] = (i % 7 + 1) * 1e20f;
        DcecConfig dec = tiny().toBuilder().method(Method.DEC).denseDims(8).build();
        e = assertThrows(TrainingDivergedException.class, () -> new DcecTrainer(dec, Dataset.ofVectors("big", 4, big, new int[40])).run());
        assertTrue(e.getMessage().startsWith("the pretraining loss was infinite at epoch 1, batch 1, before any update: "
                + "the learning rate is not the cause. Check the scale of the data"), e.getMessage());

        // one batch per epoch, checkpoints after every epoch; the weights overflow right after epoch 2's checkpoint
        DcecConfig cfg = tiny().toBuilder().batchSize(40).pretrainEpochs(6).checkpointEvery(1).build();
        byte[][] last = new byte[1][];
        TrainingListener keep = new TrainingListener() {
            @Override public void checkpointWritten(Phase phase, int counter, Path file) {
                try { last[0] = Files.readAllBytes(file); } catch (IOException e) { throw new RuntimeException(e); }
            }
        };
        e = assertThrows(TrainingDivergedException.class, () -> trainer(cfg, tmp).listener(keep).listener(overflowAfter(2)).run());
        assertTrue(e.getMessage().contains("pretraining loss became") && e.getMessage().contains("at epoch 3, batch 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
        assertTrue(last[0] != null, "a checkpoint was written before the loss diverged: " + e.getMessage());
        assertTrue(e.getMessage().contains(RunFolder.CHECKPOINT + " (pretrain, epoch 2)"), e.getMessage());
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        assertArrayEquals(last[0], Files.readAllBytes(ck));
        TensorFile f = TensorFile.read(ck);
        for (String n : f.names()) for (float v : f.get(n).data()) assertTrue(Float.isFinite(v), n);
        assertFalse(Files.exists(tmp.resolve(RunFolder.MODEL)));
    }

    @Test void aDivergedClusteringPhaseNamesGammaWhenItWeighsTheLoss() {
        // γ = 3e38: the first clustering steps overflow Adam's squared-gradient state while the learning rate is the
        // default; the message named only the learning rate
        DcecConfig cfg = tiny().toBuilder().gamma(3e38f).maxIter(6).updateInterval(2).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new DcecTrainer(cfg, TINY).run());
        assertTrue(e.getMessage().contains("clustering loss became"), e.getMessage());
        assertTrue(e.getMessage().contains("Lower the learning rate (now 0.001), the clustering loss's weight gamma (now 3.0E38), "
                + "or check the images"), e.getMessage());
        // in pretraining γ weighs nothing and is not named
        DcecConfig pre = tiny().toBuilder().gamma(3e38f).lr(1e30f).build();
        e = assertThrows(TrainingDivergedException.class, () -> new DcecTrainer(pre, TINY).run());
        assertTrue(e.getMessage().contains("pretraining loss became"), e.getMessage());
        assertFalse(e.getMessage().contains("gamma"), e.getMessage());
    }

    @Test void nonFiniteLossWhileClusteringStopsAndKeepsTheLastCheckpoint(@TempDir Path tmp) throws IOException {
        // a sane pretraining first, so that only the clustering phase can diverge
        Path pre = tmp.resolve("pre"), run = tmp.resolve("run");
        trainer(tiny(), pre).pretrainOnly(true).run();
        Path weights = pre.resolve(RunFolder.weightsFileName(Method.DCEC));
        // the weights overflow right after iteration 2's checkpoint, so the next forward pass gives NaN
        DcecConfig cfg = tiny().toBuilder().checkpointEvery(1).build();
        byte[][] last = new byte[1][];
        int[] lastIteration = {-1};
        List<Phase> phases = new ArrayList<>();
        TrainingListener keep = new TrainingListener() {
            @Override public void checkpointWritten(Phase phase, int counter, Path file) {
                phases.add(phase);
                lastIteration[0] = counter;
                try { last[0] = Files.readAllBytes(file); } catch (IOException e) { throw new RuntimeException(e); }
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer(cfg, run).pretrainedWeights(weights).listener(keep).listener(overflowAfter(2)).run());
        assertTrue(e.getMessage().contains("clustering loss became"), e.getMessage());
        assertEquals(2, lastIteration[0]);
        assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
        assertTrue(last[0] != null, "a clustering checkpoint was written before the loss diverged: " + e.getMessage());
        assertTrue(phases.stream().allMatch(p -> p == Phase.CLUSTER), phases.toString());
        // the message names the checkpoint and the iteration it holds
        assertTrue(e.getMessage().contains(RunFolder.CHECKPOINT) && e.getMessage().contains("iteration " + lastIteration[0] + ")"), e.getMessage());
        Path ck = run.resolve(RunFolder.CHECKPOINT);
        assertArrayEquals(last[0], Files.readAllBytes(ck));
        TensorFile f = TensorFile.read(ck);
        assertEquals("cluster", f.meta("phase"));
        assertEquals(Integer.toString(lastIteration[0]), f.meta("iteration"));
        assertTrue(lastIteration[0] < cfg.maxIter(), "diverged before the last iteration");
        for (String n : f.names()) for (float v : f.get(n).data()) assertTrue(Float.isFinite(v), n);
        assertFalse(Files.exists(run.resolve(RunFolder.MODEL)));
        assertFalse(Files.exists(run.resolve(RunFolder.PREDICTIONS)));
    }

    /**
     * A last update that overflows: each step's loss is computed before its update, so a run whose only (or last)
     * step sends the weights to 1e30 used to end normally and save a model whose every output is NaN (exit 0). Now
     * the end of each phase checks the weights' outputs on the first batch, and nothing is saved.
     */
    /**
     * A resumed run that diverges before writing a checkpoint of its own names the checkpoint it resumed from as the
     * last good one, which is still there: it said "Last good checkpoint: none written yet", as if there were nothing to
     * resume from.
     */
    @Test void aResumedRunThatDivergesNamesTheCheckpointItResumedFrom(@TempDir Path tmp) throws IOException {
        // a checkpoint after the last pretraining epoch only, then the run stopped at the start of clustering
        DcecConfig cfg = tiny().toBuilder().checkpointEvery(100).build();
        TrainingListener kill = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER) throw new Kill();
            }
        };
        assertThrows(Kill.class, () -> trainer(cfg, tmp).listener(kill).run());
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        byte[] good = Files.readAllBytes(ck);
        // resumed; a weight becomes NaN after iteration 1, so iteration 2's loss is NaN (no checkpoint in between)
        Autoencoder[] ae = new Autoencoder[1];
        TrainingListener poison = new TrainingListener() {
            @Override public void pretrained(Autoencoder a) { ae[0] = a; }
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && step == 1) ae[0].module().parameters().get(0).data[0] = Float.NaN;
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> resumed(cfg, tmp).listener(poison).run());
        assertTrue(e.getMessage().startsWith("the clustering loss became NaN at iteration 2: training stopped. Last good checkpoint: "
                + ck + " (pretrain, epoch 2). "), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(ck));
    }

    @Test void anOverflowInTheLastStepIsDivergenceNotAResult(@TempDir Path tmp) throws IOException {
        // pretraining alone, one step (one batch of all 40 images, one epoch)
        DcecConfig pre = tiny().toBuilder().batchSize(40).pretrainEpochs(1).lr(1e30f).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer(pre, tmp.resolve("pre")).pretrainOnly(true).run());
        assertTrue(e.getMessage().contains("pretraining loss became") && e.getMessage().contains("the end of pretraining (epoch 1)"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("pre").resolve(RunFolder.weightsFileName(Method.DCEC))));
        // clustering alone, one iteration from a sane pretraining
        trainer(tiny(), tmp.resolve("ok")).pretrainOnly(true).run();
        Path weights = tmp.resolve("ok").resolve(RunFolder.weightsFileName(Method.DCEC));
        DcecConfig one = tiny().toBuilder().lr(1e30f).maxIter(1).build();
        e = assertThrows(TrainingDivergedException.class, () -> trainer(one, tmp.resolve("run")).pretrainedWeights(weights).run());
        assertTrue(e.getMessage().contains("clustering loss became") && e.getMessage().contains("iteration 1"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("run").resolve(RunFolder.MODEL)));
        assertFalse(Files.exists(tmp.resolve("run").resolve(RunFolder.PREDICTIONS)));
    }

    /**
     * Data of about 1e10 (not scaled to [0, 1]): the loss stays finite, but the square of a gradient beyond about 1.8e19
     * overflows float32 and Adam's v becomes infinite while the weights stay finite (that parameter's updates are 0 from
     * then on). The run used to go on and write that state into its checkpoints, which --resume then refused as a file
     * no run writes ("optimiser state 'adam.v.0' holds Infinity"), and to end normally with the frozen weights. Now the
     * optimiser's state is checked with the weights, before each checkpoint and at the end of each phase: the run stops
     * as diverged, naming the state, and writes no checkpoint that cannot be resumed.
     */
    @Test void anOptimiserStateThatOverflowsIsDivergenceNotACheckpoint(@TempDir Path tmp) throws IOException {
        float[] big = new float[40 * 4];
        for (int i = 0; i < big.length; i++) big[i] = (i % 7 + 1) * 1e10f;
        Dataset data = Dataset.ofVectors("big", 4, big, new int[40]);
        DcecConfig cfg = tiny().toBuilder().method(Method.DEC).denseDims(8).pretrainEpochs(2).checkpointEvery(1).build();
        Path out = tmp.resolve("ck");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new DcecTrainer(cfg, data).listener(new RunFolder(out, cfg, data)).pretrainOnly(true).run());
        assertTrue(e.getMessage().startsWith("the pretraining loss became infinite at epoch 1 (the optimiser state 'adam.v."), e.getMessage());
        assertTrue(e.getMessage().contains("Last good checkpoint: none written yet"), e.getMessage());
        assertFalse(Files.exists(out.resolve(RunFolder.CHECKPOINT)));
        // without checkpoints: at the end of the phase, not a normal end
        DcecConfig none = cfg.toBuilder().checkpointEvery(0).build();
        e = assertThrows(TrainingDivergedException.class, () -> new DcecTrainer(none, data).pretrainOnly(true).run());
        assertTrue(e.getMessage().startsWith("the pretraining loss became infinite at the end of pretraining (epoch 2) (the optimiser state 'adam.v."),
                e.getMessage());
        // data of about 1e8 trains, and its checkpoint reads back
        for (int i = 0; i < big.length; i++) big[i] = (i % 7 + 1) * 1e8f;
        Dataset fine = Dataset.ofVectors("fine", 4, big, new int[40]);
        Path ok = tmp.resolve("ok");
        new DcecTrainer(cfg, fine).listener(new RunFolder(ok, cfg, fine)).pretrainOnly(true).run();
        new RunFolder(ok, cfg, fine).readCheckpoint();
    }

    /** Weights holding NaN (saved from a diverged run; the checksum can be intact) are refused when loaded, naming the file. */
    @Test void weightsWithNaNAreRefused(@TempDir Path tmp) throws IOException {
        trainer(tiny(), tmp.resolve("ok")).pretrainOnly(true).run();
        Path weights = tmp.resolve("ok").resolve(RunFolder.weightsFileName(Method.DCEC));
        TensorFile f = TensorFile.read(weights);
        TensorFile.Builder b = TensorFile.builder();
        f.meta().forEach(b::meta);
        for (String n : f.names()) {
            float[] v = f.get(n).data().clone();
            if (n.endsWith("weight") && n.contains("conv1")) v[3] = Float.NaN;
            b.tensor(n, f.get(n).shape(), v);
        }
        Path bad = tmp.resolve("nan.dc4j");
        Files.write(bad, b.toBytes());
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class,
                () -> trainer(tiny(), tmp.resolve("run")).pretrainedWeights(bad).run());
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("holds NaN at index 3"), e.getMessage());
    }

    /** A checkpoint of the given phase and step (only what resumeFrom looks at before the run). */
    static Checkpoint.Stored storedAt(Phase phase, int step) {
        return new Checkpoint.Stored() {
            @Override public Phase phase() { return phase; }
            @Override public int step() { return step; }
            @Override public void restore(org.dcec4j.dcec.model.Autoencoder ae, org.dcec4j.engine.optim.Optimizer o,
                                          org.dcec4j.dcec.model.ClusteringLayer l) { throw new AssertionError("not restored"); }
            @Override public Checkpoint.ClusterState clusterState() { throw new AssertionError("not restored"); }
        };
    }

    /**
     * A pretraining's checkpoint cannot be continued by a run that starts from pretrained weights (it used to pretrain
     * again from the checkpoint and silently ignore the weights), nor a clustering run's by a pretraining (which then
     * trained nothing and ended normally). Pretrained weights are read when given, so a wrong file fails before a run.
     */
    @Test void resumeRefusesACheckpointOfTheOtherKind(@TempDir Path tmp) throws IOException {
        trainer(tiny(), tmp.resolve("ok")).pretrainOnly(true).run();
        Path weights = tmp.resolve("ok").resolve(RunFolder.weightsFileName(Method.DCEC));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DcecTrainer(tiny(), TINY).pretrainedWeights(weights).resumeFrom(storedAt(Phase.PRETRAIN, 1)));
        assertTrue(e.getMessage().contains("the checkpoint is a pretraining's (after epoch 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DcecTrainer(tiny(), TINY).pretrainOnly(true).resumeFrom(storedAt(Phase.CLUSTER, 5)));
        assertTrue(e.getMessage().contains("the checkpoint is a clustering run's (after iteration 5)"), e.getMessage());
        // in the other order the run refuses it when it starts
        e = assertThrows(IllegalArgumentException.class,
                () -> new DcecTrainer(tiny(), TINY).resumeFrom(storedAt(Phase.PRETRAIN, 1)).pretrainedWeights(weights).run());
        assertTrue(e.getMessage().contains("the checkpoint is a pretraining's (after epoch 1)"), e.getMessage());
        // the combinations that make sense are accepted
        new DcecTrainer(tiny(), TINY).pretrainedWeights(weights).resumeFrom(storedAt(Phase.CLUSTER, 5));
        new DcecTrainer(tiny(), TINY).pretrainOnly(true).resumeFrom(storedAt(Phase.PRETRAIN, 1));
        // weights of another K: refused when given, naming the file
        TensorFile.FormatException f = assertThrows(TensorFile.FormatException.class,
                () -> new DcecTrainer(tiny().toBuilder().K(4).build(), TINY).pretrainedWeights(weights));
        assertTrue(f.getMessage().startsWith(weights.toString()) && f.getMessage().contains("has shape"), f.getMessage());
    }

    /**
     * A trained model or a checkpoint given as pretrained weights is named for what it is (it said only that the parameter
     * 'encoder.conv1.weight' was missing: both hold the weights, under other names).
     */
    @Test void aModelOrCheckpointGivenAsPretrainedWeightsIsNamed(@TempDir Path tmp) throws IOException {
        trainer(tiny().toBuilder().checkpointEvery(5).build(), tmp.resolve("full")).run();
        for (String name : List.of(RunFolder.MODEL, RunFolder.CHECKPOINT)) {
            Path file = tmp.resolve("full").resolve(name);
            assertTrue(Files.isRegularFile(file), name);
            TensorFile.FormatException f = assertThrows(TensorFile.FormatException.class, () -> new DcecTrainer(tiny(), TINY).pretrainedWeights(file));
            assertEquals(file + ": a dcec " + (name.equals(RunFolder.MODEL) ? "model (model.dc4j)" : "checkpoint") + ", not a pretraining's"
                    + " weights file: give the weights the pretraining wrote (cae_weights.dc4j or ae_weights.dc4j in its run folder)"
                    + (name.equals(RunFolder.MODEL) ? "; a trained model is read with TrainedModel.load (the command line's predict --model)" : ""),
                    f.getMessage());
        }
    }

    /** k-means on the pixels (Method.KMEANS) honours a cancelled Cancellation like every other phase. */
    @Test void kmeansOnPixelsCanBeCancelled() {
        org.dcec4j.dcec.Cancellation c = new org.dcec4j.dcec.Cancellation();
        c.cancel("stopped by the test");
        DcecConfig cfg = tiny().toBuilder().method(Method.KMEANS).build();
        java.util.concurrent.CancellationException e = assertThrows(java.util.concurrent.CancellationException.class,
                () -> new DcecTrainer(cfg, TINY).cancellation(c).run());
        assertTrue(e.getMessage().contains("stopped by the test") && e.getMessage().contains("k-means on the pixels"), e.getMessage());
    }

    /** Bad settings fail in the constructor, before any work or file, with a message naming the setting (texts written out by hand). */
    @Test void badOptionsFailBeforeAnyWork(@TempDir Path tmp) {
        Path out = tmp.resolve("never");
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().K(1).build(), TINY));
        assertTrue(e.getMessage().contains("clusters must be at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().K(41).build(), TINY));
        assertTrue(e.getMessage().contains("clusters 41 is larger than the number of images (40"), e.getMessage());
        assertFalse(e.getMessage().contains("--"), "the library names its own settings, not the command line's options: " + e.getMessage());
        Dataset odd = Shapes.generate(20, 1, 18);
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny(), odd));
        assertTrue(e.getMessage().contains("multiples of 4") && e.getMessage().contains("18x18"), e.getMessage());
        // the dense autoencoder and pixel k-means take any size
        new DcecTrainer(tiny().toBuilder().method(Method.IDEC).build(), odd);
        e = assertThrows(IllegalArgumentException.class, () -> new RunFolder(out, tiny(), TINY).readCheckpoint());
        assertTrue(e.getMessage().contains("no checkpoint at"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny(), TINY).pretrainedWeights(tmp.resolve("none.dc4j")));
        assertTrue(e.getMessage().contains("pretrainedWeights: no file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().batchSize(0).build(), TINY));
        assertTrue(e.getMessage().contains("batchSize must be at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().lr(Float.NaN).build(), TINY));
        assertTrue(e.getMessage().contains("learningRate must be a positive number"), e.getMessage());
        // tol is a fraction of labels: above 1 every run would stop at the first check and call itself converged
        for (double tol : new double[] {2, -0.1, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().tol(tol).build(), TINY));
            assertTrue(e.getMessage().contains("tolerance is a fraction of labels and must be from 0 to 1"), e.getMessage());
        }
        // each range check names its option, at the first value outside the range; the edge of the range is accepted
        Object[][] refused = {
                {tiny().toBuilder().updateInterval(0), "updateInterval must be at least 1, got 0"},
                {tiny().toBuilder().kmeansRestarts(0), "kmeansRestarts must be at least 1, got 0"},
                {tiny().toBuilder().kmeansRestarts(1_000_001), "kmeansRestarts must be at most 1000000, got 1000001"},
                {tiny().toBuilder().pretrainEpochs(-1), "pretrainEpochs must be >= 0, got -1"},
                {tiny().toBuilder().maxIter(-1), "maxIterations must be >= 0, got -1"},
                {tiny().toBuilder().checkpointEvery(-1), "checkpointEvery must be >= 0 (0 = never), got -1"},
                {tiny().toBuilder().gamma(-0.1f), "gamma must be a number >= 0, got -0.1"},
                {tiny().toBuilder().gamma(Float.NaN), "gamma must be a number >= 0, got NaN"},
                {tiny().toBuilder().alpha(0f), "alpha must be a positive number up to 1e8, got 0.0"},
                {tiny().toBuilder().alpha(-1f), "alpha must be a positive number up to 1e8, got -1.0"},
                {tiny().toBuilder().alpha(Float.NaN), "alpha must be a positive number up to 1e8, got NaN"},
                // Float.toString's text for it is JDK-dependent (1.00000008E8 on 17, the shortest 1.0000001E8 from 19 on)
                {tiny().toBuilder().alpha(Math.nextUp(1e8f)), "alpha must be a positive number up to 1e8, got " + Math.nextUp(1e8f) + " (beyond 1e8"},
                {tiny().toBuilder().alpha(Float.POSITIVE_INFINITY), "alpha must be a positive number up to 1e8, got Infinity"}};
        for (Object[] c : refused) {
            DcecConfig bad = ((DcecConfig.Builder) c[0]).build();
            e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(bad, TINY), (String) c[1]);
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
        }
        new DcecTrainer(tiny().toBuilder().updateInterval(1).kmeansRestarts(1).pretrainEpochs(0).maxIter(0).checkpointEvery(0)
                .gamma(0f).alpha(Float.MIN_VALUE).build(), TINY);
        new DcecTrainer(tiny().toBuilder().alpha(1e8f).build(), TINY);
        // sizes beyond a Java array, counted in longs and refused by name (they failed deep in the run: the K × K
        // centres only after the whole pretraining); the largest that fit are accepted
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().filters(4, 4, 238_609_295).build(), TINY));
        assertTrue(e.getMessage().startsWith("filters 4,4,238609295 makes conv3's weights hold 8,589,934,620 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(tiny().toBuilder().filters(4_000_000, 1, 8).build(), TINY));
        assertTrue(e.getMessage().startsWith("filters 4000000,1,8 with batchSize 16 makes conv1's output hold 2,304,000,000 elements"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("lower filters or batchSize"), e.getMessage());
        Dataset vectors = Dataset.ofVectors("many", 1, new float[46_341], new int[46_341]);
        DcecConfig dec = tiny().toBuilder().method(Method.DEC).denseDims(2).pretrainEpochs(0).build();
        e = assertThrows(IllegalArgumentException.class, () -> new DcecTrainer(dec.toBuilder().K(46_341).build(), vectors));
        assertTrue(e.getMessage().startsWith("the 46341 × 46341 embeddings and soft assignments hold 2,147,488,281 elements"), e.getMessage());
        assertTrue(e.getMessage().endsWith("lower clusters"), e.getMessage());
        new DcecTrainer(dec.toBuilder().K(46_340).build(), vectors);
        assertFalse(Files.exists(out));
    }

    @Test void resumeRefusesOtherOptions(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(1).maxIter(0).checkpointEvery(1).build();
        trainer(cfg, tmp).run();
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        // one line naming each setting that differs, with both values (it printed both settings strings on lines of their own)
        Object[][] cases = {
                {cfg.toBuilder().seed(10).build(), "{seed} 9 (now 10)"},
                {cfg.toBuilder().filters(4, 8, 8).gamma(0.5f).build(), "{filters} 4,4,8 (now 4,8,8), {gamma} 0.1 (now 0.5)"},
                {cfg.toBuilder().init(org.dcec4j.engine.nn.Init.Scheme.UNIFORM_FAN_IN).clusterOptimizer(org.dcec4j.dcec.OptimizerSpec.parse("sgd:0.01:0.9")).build(),
                        "{clusterOptimizer} adam (now sgd:0.01:0.9), {init} glorot-uniform (now uniform-fan-in)"},
                {cfg.toBuilder().method(Method.IDEC).build(), "{method} dcec (now idec)"},
        };
        for (Object[] c : cases) {
            org.dcec4j.dcec.ConfigException e = assertThrows(org.dcec4j.dcec.ConfigException.class,
                    () -> new RunFolder(tmp, (DcecConfig) c[0], TINY).readCheckpoint());
            assertEquals("{resume}: " + ck + " was written with other settings (" + c[1] + "): pass the same settings as the killed run",
                    e.render(n -> "{" + n + "}"));
        }
        // the same settings, another checkpointEvery: read back
        new RunFolder(tmp, cfg.toBuilder().checkpointEvery(5).build(), TINY).readCheckpoint();
    }

    /**
     * Other images under the same name, count and size (a folder of the same name elsewhere, a re-exported file) are
     * other data: the checkpoint records the CRC-32C of the pixels and labels, and --resume refuses a mismatch. It
     * used to compare only "name N=… CxHxW" and resume on the other images.
     */
    @Test void resumeRefusesOtherImagesOfTheSameNameAndSize(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(1).maxIter(0).checkpointEvery(1).build();
        trainer(cfg, tmp).run();
        float[] x = TINY.images().clone();
        x[77] = x[77] > 0.5f ? 0f : 1f;
        Dataset onePixel = new Dataset(TINY.name(), TINY.channels(), TINY.height(), TINY.width(), x, TINY.labels(), TINY.numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunFolder(tmp, cfg, onePixel).readCheckpoint());
        assertTrue(e.getMessage().contains("other images or labels under the same name and size"), e.getMessage());
        int[] y = TINY.labels().clone();
        y[0] = (y[0] + 1) % TINY.numClasses();
        Dataset oneLabel = new Dataset(TINY.name(), TINY.channels(), TINY.height(), TINY.width(), TINY.images(), y, TINY.numClasses());
        assertThrows(IllegalArgumentException.class, () -> new RunFolder(tmp, cfg, oneLabel).readCheckpoint());
        // the same data reads back
        new RunFolder(tmp, cfg, TINY).readCheckpoint();
    }

    /**
     * A checkpoint written before the data digest existed (every version before 2026-12-05) cannot be checked against
     * the images: a run killed under the 2026-11-30 version (other shapes images under the same name and size, another
     * summation order) was resumed on today's images and arithmetic without a word, its model matching neither version's.
     * It is refused, naming the file, the version and what to do; the same images are refused too (nothing tells them apart).
     */
    @Test void resumeRefusesACheckpointOfAVersionWithoutTheDataDigest(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(1).maxIter(0).checkpointEvery(1).build();
        trainer(cfg, tmp).run();
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        rewrite(ck, "data_crc32c", null, null, null, null);
        for (Dataset d : new Dataset[] {TINY, new Dataset(TINY.name(), TINY.channels(), TINY.height(), TINY.width(),
                flipped(TINY.images(), 77), TINY.labels(), TINY.numClasses())}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunFolder(tmp, cfg, d).readCheckpoint());
            assertTrue(e.getMessage().contains(ck.toString()) && e.getMessage().contains("written by an older dcec4j (before 2026-12-05)")
                    && e.getMessage().contains("finish the run with the dcec4j that started it"), e.getMessage());
        }
    }

    /**
     * A checkpoint records what wrote it (release, commit, arithmetic version) and the run's config.json the same; one
     * of another arithmetic version would continue with other bits, so it is refused, naming both versions. A
     * checkpoint with the data digest but without the arithmetic version was written by arithmetic 1 and resumes.
     */
    @Test void resumeRefusesACheckpointOfAnotherArithmetic(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(1).maxIter(0).checkpointEvery(1).build();
        trainer(cfg, tmp).run();
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        TensorFile f = TensorFile.read(ck);
        assertEquals(Integer.toString(Version.ARITHMETIC), f.meta("arithmetic"));
        assertEquals(Version.RELEASE, f.meta("release"));
        assertEquals(Version.commit(), f.meta("commit"));
        String config = Files.readString(tmp.resolve(RunFolder.CONFIG_JSON));
        assertTrue(config.contains("\"dcec4j\": " + Version.json() + "\n}"), config);
        assertEquals(Map.of("dcec4j.release", Version.RELEASE, "dcec4j.arithmetic", "" + Version.ARITHMETIC, "dcec4j.commit", Version.commit()),
                RunLogs.readConfig(tmp.resolve(RunFolder.CONFIG_JSON)).entrySet().stream().filter(e -> e.getKey().startsWith("dcec4j.")
                        && !e.getKey().equals("dcec4j.local_changes")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        byte[] good = Files.readAllBytes(ck);

        rewrite(ck, "arithmetic", Integer.toString(Version.ARITHMETIC + 1), null, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunFolder(tmp, cfg, TINY).readCheckpoint());
        assertTrue(e.getMessage().contains(ck.toString()) && e.getMessage().contains("with arithmetic version " + (Version.ARITHMETIC + 1))
                && e.getMessage().contains(Version.describe()) && e.getMessage().contains("finish it with the dcec4j that started it"), e.getMessage());

        Files.write(ck, good);
        rewrite(ck, "arithmetic", null, null, null, null);
        rewrite(ck, "release", null, null, null, null);
        rewrite(ck, "commit", null, null, null, null);
        if (Version.ARITHMETIC == 1) new RunFolder(tmp, cfg, TINY).readCheckpoint();
        else assertThrows(IllegalArgumentException.class, () -> new RunFolder(tmp, cfg, TINY).readCheckpoint());
    }

    private static float[] flipped(float[] x, int i) {
        float[] y = x.clone();
        y[i] = y[i] > 0.5f ? 0f : 1f;
        return y;
    }

    /** Writes a copy of {@code ck} with one meta value replaced (null: removed) or one tensor's values and shape replaced. */
    static void rewrite(Path ck, String key, String value, String tensor, int[] shape, float[] data) throws IOException {
        TensorFile f = TensorFile.read(ck);
        TensorFile.Builder b = TensorFile.builder();
        f.meta().forEach((k, v) -> { if (!k.equals(key)) b.meta(k, v); });
        if (key != null && value != null) b.meta(key, value);
        for (String n : f.names())
            if (n.equals(tensor)) b.tensor(n, shape, data);
            else b.tensor(n, f.get(n).shape(), f.get(n).data());
        Files.write(ck, b.toBytes());
    }

    /**
     * A clustering checkpoint whose checksum is intact but whose values no run writes (edited, or another version's):
     * refused when read, naming the file and the entry, before the run starts. These used to end in stack traces
     * (ArrayIndexOutOfBounds, NullPointerException) or a bare "For input string".
     */
    @Test void aCheckpointWithImpossibleValuesIsRefusedNamingTheEntry(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = tiny().toBuilder().checkpointEvery(2).build();
        TrainingListener stop = new TrainingListener() {
            @Override public void checkpointWritten(Phase phase, int counter, Path file) {
                if (phase == Phase.CLUSTER && counter == 4) throw new IllegalStateException("stopped by the test");
            }
        };
        assertThrows(IllegalStateException.class, () -> trainer(cfg, tmp).listener(stop).run());
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        byte[] good = Files.readAllBytes(ck);
        new RunFolder(tmp, cfg, TINY).readCheckpoint();       // the real one reads back
        Object[][] cases = {
                {"iteration", "-5", null, null, null, "'iteration' is '-5'; expected an integer from 0 to 10"},
                {"iteration", "x", null, null, null, "'iteration' is 'x'"},
                {"sumL", null, null, null, null, "'sumL' is 'null'; expected a number"},
                {"counted", "-1", null, null, null, "'counted' is '-1'"},
                {null, null, "p", new int[] {100, 3}, new float[300], "'p' has shape [100, 3]; expected [40, 3]"},
                {null, null, "labels", new int[] {40}, labelsWith(3f), "labels[7] is 3.0; expected a cluster from 0 to 2"},
        };
        for (Object[] c : cases) {
            Files.write(ck, good);
            rewrite(ck, (String) c[0], (String) c[1], (String) c[2], (int[]) c[3], (float[]) c[4]);
            TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> new RunFolder(tmp, cfg, TINY).readCheckpoint());
            assertTrue(e.getMessage().startsWith(ck.toString()) && e.getMessage().contains((String) c[5]), e.getMessage());
        }
        // NaN in the centres or a weight, an optimiser state missing or of another shape: refused when read, naming the
        // file and the tensor, before the command deletes the earlier end's model and predictions (it used to be refused
        // only once the run had started, after that)
        float[] mu = TensorFile.read(ck).get("layer.mu").data().clone();
        mu[1] = Float.NaN;
        String weight = TensorFile.read(ck).names().stream().filter(n -> n.startsWith("model.")).findFirst().orElseThrow();
        float[] w = TensorFile.read(ck).get(weight).data().clone();
        w[2] = Float.POSITIVE_INFINITY;
        Object[][] tensors = {
                {"layer.mu", TensorFile.read(ck).get("layer.mu").shape(), mu, "'layer.mu' holds NaN at index 1"},
                {weight, TensorFile.read(ck).get(weight).shape(), w, "'" + weight + "' holds Infinity at index 2"},
                {"adam.m.0", new int[] {1}, new float[1], "optimiser state 'adam.m.0' has shape [1], expected "},
        };
        for (Object[] c : tensors) {
            Files.write(ck, good);
            rewrite(ck, null, null, (String) c[0], (int[]) c[1], (float[]) c[2]);
            TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> new RunFolder(tmp, cfg, TINY).readCheckpoint());
            assertTrue(e.getMessage().startsWith(ck.toString()) && e.getMessage().contains((String) c[3]), e.getMessage());
        }
    }

    /**
     * A checkpoint whose checksum is intact but whose phase the method does not have (edited, or another version's): a
     * clustering checkpoint of a method without a clustering phase (cae-kmeans), any checkpoint of k-means on the pixels
     * (which writes none). Refused when read, naming the file and the phase, before anything is deleted; the first was
     * accepted and the run failed after the clustering it skipped ("labels: expected two int arrays, got pred = null"),
     * once the command had deleted the model and predictions of the run's earlier end, and the second was ignored.
     */
    @Test void aCheckpointOfAPhaseTheMethodDoesNotHaveIsRefused(@TempDir Path tmp) throws IOException {
        trainer(tiny().toBuilder().method(Method.DEC_CONV).checkpointEvery(2).build(), tmp).run();
        Path ck = tmp.resolve(RunFolder.CHECKPOINT);
        byte[] good = Files.readAllBytes(ck);
        Object[][] cases = {
                {Method.CAE_KMEANS, "'phase' is 'cluster'; expected 'pretrain': method cae-kmeans has no clustering phase"},
                {Method.KMEANS, "'phase' is 'cluster'; expected no checkpoint: method kmeans (k-means on the pixels) writes none"},
        };
        for (Object[] c : cases) {
            DcecConfig cfg = tiny().toBuilder().method((Method) c[0]).checkpointEvery(2).build();
            Files.write(ck, good);
            rewrite(ck, "config", cfg.identity(), null, null, null);
            TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> new RunFolder(tmp, cfg, TINY).readCheckpoint());
            assertEquals(ck + ": " + c[1], e.getMessage());
        }
    }

    /**
     * A model file whose checksum is intact but whose metadata no run writes: refused when loaded, naming the file. An
     * infinite α loaded and then predicted NaN; NaN or negative α, "abc" or "4,x,8" ended in a bare message without
     * the file; a k-means model of -1 channels or one cluster loaded.
     */
    @Test void aModelWithImpossibleMetadataIsRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
        Path dcec = tmp.resolve("dcec"), km = tmp.resolve("km");
        trainer(tiny().toBuilder().maxIter(2).build(), dcec).run();
        trainer(tiny().toBuilder().method(Method.KMEANS).build(), km).run();
        Path model = dcec.resolve(RunFolder.MODEL), kmModel = km.resolve(RunFolder.MODEL);
        TrainedModel.load(model);
        TrainedModel.load(kmModel);
        byte[] good = Files.readAllBytes(model), goodKm = Files.readAllBytes(kmModel);
        Object[][] cases = {
                {model, good, "alpha", "Infinity"}, {model, good, "alpha", "NaN"}, {model, good, "alpha", "-1"}, {model, good, "alpha", "abc"},
                {model, good, "filters", "4,x,8"}, {model, good, "method", "foo"},
                {kmModel, goodKm, "channels", "-1"}, {kmModel, goodKm, "clusters", "1"},
        };
        for (Object[] c : cases) {
            Path f = (Path) c[0];
            Files.write(f, (byte[]) c[1]);
            rewrite(f, (String) c[2], (String) c[3], null, null, null);
            TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> TrainedModel.load(f), c[2] + "=" + c[3]);
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        }
    }

    static float[] labelsWith(float v) {
        float[] y = new float[40];
        y[7] = v;
        return y;
    }

    @Test void everyMethodRunsAndWritesItsFiles(@TempDir Path tmp) throws IOException {
        for (Method m : Method.values()) {
            Path out = tmp.resolve(m.cliName);
            DcecConfig cfg = tiny().toBuilder().method(m).denseDims(16, 8).maxIter(4).build();
            DcecResult r = trainer(cfg, out).run();
            assertEquals(40, r.labels().length);
            assertTrue(Files.exists(out.resolve(RunFolder.MODEL)), m + " model");
            assertTrue(Files.exists(out.resolve(RunFolder.PREDICTIONS)), m + " predictions");
            assertEquals(m.pretrains, Files.exists(out.resolve(RunFolder.weightsFileName(m))), m + " weights");
            assertEquals(m.clusters, Files.exists(out.resolve(RunFolder.DCEC_LOG)), m + " log");
            // the saved model reproduces the run's soft assignments
            TrainedModel loaded = TrainedModel.load(out.resolve(RunFolder.MODEL));
            assertArrayEquals(r.q(), loaded.softAssign(TINY.images(), 40, 16), m + " reloaded model");
            if (!m.keepsDecoder && m.clusters) {
                // DEC-style: the decoder is dropped, so it keeps its pretrained weights
                TensorFile w = TensorFile.read(out.resolve(RunFolder.weightsFileName(m)));
                Tensor t = r.model().ae.decoderModule().parameters().get(0);
                String name = r.model().ae.module().namedParameters().entrySet().stream().filter(en -> en.getValue() == t).findFirst().get().getKey();
                assertArrayEquals(w.get(name).data(), t.data, m + " decoder untouched");
            }
        }
    }
}
