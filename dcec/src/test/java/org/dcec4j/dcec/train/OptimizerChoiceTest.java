package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.model.DenseAutoencoder;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.nn.Init;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimiser and initialisation settings (DEC-keras's SGD and fan-in uniform weights): they reach the network, a
 * run with them resumes bit for bit, and a reference run's files do not change because the settings exist.
 */
class OptimizerChoiceTest {

    /** DEC on the tiny set with DEC-keras's choices: SGD in both phases, U(±1/√fan_in) weights. */
    static DcecConfig decKeras() {
        return TrainerTest.tiny().toBuilder().method(Method.DEC).denseDims(16, 8).pretrainOptimizer(OptimizerSpec.sgd(0.5f, 0.9f))
                .clusterOptimizer(OptimizerSpec.sgd(0.01f, 0.9f)).init(Init.Scheme.UNIFORM_FAN_IN).build();
    }

    /**
     * One pretraining epoch of one batch with SGD (lr 0.5, μ 0.9) from zero velocity moves every weight by −lr·g, with g
     * the gradient of L_r on that batch computed here from the same initial weights: the trainer used the configured
     * optimiser and initialisation, and nothing else.
     */
    @Test void firstSgdStepIsMinusLrTimesTheGradientFromFanInWeights() throws IOException {
        DcecConfig cfg = decKeras().toBuilder().method(Method.DEC).batchSize(40).pretrainEpochs(1).maxIter(0).build();
        DcecResult r = new DcecTrainer(cfg, TrainerTest.TINY).run();

        var d = TrainerTest.TINY;
        DenseAutoencoder ae = new DenseAutoencoder(d.channels(), d.height(), d.width(), cfg.K(), cfg.denseDims(),
                Init.Scheme.UNIFORM_FAN_IN, Seeds.derive(cfg.seed(), Seeds.WEIGHTS, 0));
        List<Tensor> w0 = ae.module().parameters();
        // the initial weights: U(±1/√fan_in), e.g. the first layer's fan_in is 144 pixels
        float max = 0;
        for (float v : w0.get(0).data) max = Math.max(max, Math.abs(v));
        assertTrue(max <= (float) Math.sqrt(1.0 / 144) && max > 0.9 * Math.sqrt(1.0 / 144), "first layer's largest weight " + max);
        float[][] before = new float[w0.size()][];
        for (int i = 0; i < w0.size(); i++) before[i] = w0.get(i).data.clone();
        int N = d.size(), D = d.channels() * d.height() * d.width();
        float[] batch = new float[N * D];
        Batches.gather(batch, d.images(), D, Batches.permutation(N, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, 0)), 0, N);
        Tensor x = Tensor.of(batch, N, d.channels(), d.height(), d.width());
        F.mse(ae.decode(ae.encode(x)), x).backward();

        List<Tensor> trained = r.model().ae.module().parameters();
        for (int i = 0; i < w0.size(); i++) {
            float[] g = w0.get(i).grad(), expected = new float[g.length];
            for (int j = 0; j < g.length; j++) expected[j] = before[i][j] + (0.9f * 0f - 0.5f * g[j]);
            assertArrayEquals(expected, trained.get(i).data, "parameter " + i);
        }
    }

    @Test void resumeWithSgdIsBitForBitAndStoresSgdState(@TempDir Path tmp) throws IOException {
        DcecConfig cfg = decKeras().toBuilder().pretrainEpochs(5).maxIter(14).updateInterval(4).checkpointEvery(2).build();
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        DcecResult full = TrainerTest.trainer(cfg, a).run();

        TrainingListener killPretrain = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.PRETRAIN && step == 3 && batch == 1) throw new TrainerTest.Kill();
            }
        };
        assertThrows(TrainerTest.Kill.class, () -> TrainerTest.trainer(cfg, b).listener(killPretrain).run());
        TensorFile pre = TensorFile.read(b.resolve(RunFolder.CHECKPOINT));
        assertTrue(pre.names().contains("sgd.b.0") && pre.names().stream().noneMatch(n -> n.startsWith("adam.")), pre.names().toString());
        TrainingListener killCluster = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && step == 11) throw new TrainerTest.Kill();
            }
        };
        assertThrows(TrainerTest.Kill.class, () -> TrainerTest.resumed(cfg, b).listener(killCluster).run());
        assertEquals("cluster", TensorFile.read(b.resolve(RunFolder.CHECKPOINT)).meta("phase"));
        DcecResult resumed = TrainerTest.resumed(cfg, b).run();

        assertArrayEquals(full.labels(), resumed.labels());
        assertArrayEquals(full.model().mu, resumed.model().mu);
        assertArrayEquals(Files.readAllBytes(a.resolve(RunFolder.MODEL)), Files.readAllBytes(b.resolve(RunFolder.MODEL)));
        // a checkpoint of these settings does not resume a reference run, and says which settings differ
        DcecConfig reference = cfg.toBuilder().pretrainOptimizer(OptimizerSpec.ADAM).clusterOptimizer(OptimizerSpec.ADAM)
                .init(Init.Scheme.GLOROT_UNIFORM).build();
        assertThrows(TrainerTest.Kill.class, () -> TrainerTest.trainer(cfg, tmp.resolve("c")).listener(killCluster).run());
        ConfigException e = assertThrows(ConfigException.class, () -> new RunFolder(tmp.resolve("c"), reference, TrainerTest.TINY).readCheckpoint());
        assertTrue(e.getMessage().contains(" was written with other settings (pretrainOptimizer sgd:0.5:0.9 (now adam), clusterOptimizer"
                + " sgd:0.01:0.9 (now adam), init uniform-fan-in (now glorot-uniform)): pass the same settings as the killed run"), e.getMessage());
    }

    /** The settings differ from Adam / glorot-uniform in what the run does. */
    @Test void theSettingsChangeTheRun() throws IOException {
        DcecConfig sgd = decKeras().toBuilder().maxIter(0).build();
        DcecConfig adam = sgd.toBuilder().pretrainOptimizer(OptimizerSpec.ADAM).build();
        DcecConfig glorot = sgd.toBuilder().init(Init.Scheme.GLOROT_UNIFORM).build();
        float[] a = new DcecTrainer(sgd, TrainerTest.TINY).run().model().ae.module().parameters().get(0).data;
        float[] b = new DcecTrainer(adam, TrainerTest.TINY).run().model().ae.module().parameters().get(0).data;
        float[] c = new DcecTrainer(glorot, TrainerTest.TINY).run().model().ae.module().parameters().get(0).data;
        assertFalse(java.util.Arrays.equals(a, b));
        assertFalse(java.util.Arrays.equals(a, c));
    }

    /** Reference settings leave config.json as it always was; other settings add one key each. */
    @Test void onlyNonReferenceSettingsReachTheConfigAndTheIdentity() {
        DcecConfig ref = DcecConfig.defaults();
        assertFalse(ref.toJson().contains("optimizer") || ref.toJson().contains("\"init\""), ref.toJson());
        assertTrue(ref.toJson().endsWith("\"checkpoint_every\": 0\n}"), ref.toJson());
        assertFalse(ref.identity().contains("optimizer"));
        DcecConfig c = decKeras();
        assertTrue(c.toJson().endsWith("\"checkpoint_every\": 0,\n  \"pretrain_optimizer\": \"sgd:0.5:0.9\",\n"
                + "  \"cluster_optimizer\": \"sgd:0.01:0.9\",\n  \"init\": \"uniform-fan-in\"\n}"), c.toJson());
        assertTrue(c.identity().endsWith(" pretrain_optimizer=sgd:0.5:0.9 cluster_optimizer=sgd:0.01:0.9 init=uniform-fan-in"), c.identity());
        assertEquals(OptimizerSpec.sgd(0.5f, 0.9f), OptimizerSpec.parse(c.pretrainOptimizer().toString()));
    }

    @Test void badOptimiserSettingsAreRefusedWithTheirName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DcecConfig.defaults().toBuilder().pretrainOptimizer(OptimizerSpec.sgd(0f, 0.9f)).build().validate());
        assertTrue(e.getMessage().contains("{pretrainOptimizer}") || e.getMessage().contains("pretrainOptimizer"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> DcecConfig.defaults().toBuilder().clusterOptimizer(OptimizerSpec.sgd(0.1f, 1f)).build().validate());
        assertTrue(e.getMessage().contains("clusterOptimizer") && e.getMessage().contains("momentum"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd:0.1"));
        assertTrue(p.getMessage().contains("sgd:LR:MOMENTUM"), p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("rmsprop"));
        assertEquals(OptimizerSpec.ADAM, OptimizerSpec.parse(" Adam "));
    }

    @Test void numbersAFloatCannotHoldAreRefusedNotRounded() {
        // Float.parseFloat made 1e-50 a 0: a momentum of 1e-50 silently became none, a rate "must be positive, got 0.0"
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd:0.1:1e-50"));
        assertEquals("optimiser 'sgd:0.1:1e-50': the momentum 1e-50 is outside the range of a float (magnitudes from about"
                + " 1.4e-45 to 3.4e38), which would hold it as 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd:1e-50:0.9"));
        assertTrue(e.getMessage().contains("the learning rate 1e-50 is outside the range of a float"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd:1e39:0.9"));
        assertTrue(e.getMessage().contains("which would hold it as Infinity"), e.getMessage());
        // what a float holds is read as before: zero, the smallest subnormal, a Java float literal
        assertEquals(OptimizerSpec.sgd(1.4e-45f, 0f), OptimizerSpec.parse("sgd:1.4e-45:0"));
        assertEquals(OptimizerSpec.sgd(2f, 0.5f), OptimizerSpec.parse("sgd:2f:0.5"));
    }
}
