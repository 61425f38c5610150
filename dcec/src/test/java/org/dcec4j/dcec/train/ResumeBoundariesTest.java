package org.dcec4j.dcec.train;

import static org.dcec4j.dcec.train.TrainerTest.resumed;
import static org.dcec4j.dcec.train.TrainerTest.tiny;
import static org.dcec4j.dcec.train.TrainerTest.trainer;
import static org.dcec4j.dcec.train.TrainerTest.withoutSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped anywhere and resumed ends with the bytes of an uninterrupted one: in the k-means initialisation (which
 * writes no checkpoint, so the run resumes from the pretraining's last one), at the boundaries of the phases, right
 * after a clustering checkpoint at a recomputation of P (before and after its log row), after the last checkpoint and
 * after the end, for every method that trains a network (the augmented ones too, whose pretraining draws transforms).
 * {@link TrainerTest#resumeIsBitForBitAfterKillsInBothPhases} stops a run in the middle of each training phase.
 */
class ResumeBoundariesTest {
    /** Thrown by a listener to simulate a killed process. */
    static final class Kill extends RuntimeException {}

    /** The files of a finished run that must be the same bytes, and the logs (seconds aside). */
    static void assertSameRun(Path whole, Path resumed, Method m, String where) throws IOException {
        List<String> files = new ArrayList<>(List.of(RunFolder.MODEL, RunFolder.PREDICTIONS, RunFolder.CHECKPOINT, RunFolder.weightsFileName(m)));
        if (m.clusters) files.add(RunFolder.DCEC_LOG);
        for (String f : files) assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(resumed.resolve(f)), where + ": " + f);
        assertEquals(withoutSeconds(whole.resolve(RunFolder.PRETRAIN_LOG)), withoutSeconds(resumed.resolve(RunFolder.PRETRAIN_LOG)), where);
    }

    @Test void aRunStoppedAtAPhaseBoundaryOrInTheKmeansInitialisationResumesBitForBit(@TempDir Path tmp) throws IOException {
        // checkpoints after epoch 3 (the last) and at iterations 3, 6, 9; P recomputed at 0, 3, 6, 9
        DcecConfig cfg = tiny().toBuilder().pretrainEpochs(3).maxIter(9).updateInterval(3).checkpointEvery(3).build();
        Path whole = tmp.resolve("whole");
        trainer(cfg, whole).run();
        // the checks made before each checkpoint read the state only: a run without checkpoints ends with the same model
        Path none = tmp.resolve("none");
        trainer(cfg.toBuilder().checkpointEvery(0).build(), none).run();
        assertArrayEquals(Files.readAllBytes(whole.resolve(RunFolder.MODEL)), Files.readAllBytes(none.resolve(RunFolder.MODEL)));
        Object[][] stops = {
                {"k-means", "pretrain", new TrainingListener() {
                    @Override public void phaseStarted(Phase p, int first, int total) { if (p == Phase.KMEANS) throw new Kill(); }
                }},
                {"before the weights are written", "pretrain", new TrainingListener() {
                    @Override public void pretrained(Autoencoder ae) { throw new Kill(); }
                }},
                {"the start of clustering", "pretrain", new TrainingListener() {
                    @Override public void phaseStarted(Phase p, int first, int total) { if (p == Phase.CLUSTER) throw new Kill(); }
                }},
                {"the checkpoint at iteration 3, before its row", "cluster", new TrainingListener() {
                    @Override public void checkpointWritten(Phase p, int counter, Path file) { if (p == Phase.CLUSTER && counter == 3) throw new Kill(); }
                }},
                {"the row of iteration 3, after its checkpoint", "cluster", new TrainingListener() {
                    @Override public void targetUpdated(int iteration, double delta, Scores s, Losses l) { if (iteration == 3) throw new Kill(); }
                }},
                {"the last checkpoint (iteration 9)", "cluster", new TrainingListener() {
                    @Override public void checkpointWritten(Phase p, int counter, Path file) { if (p == Phase.CLUSTER && counter == 9) throw new Kill(); }
                }},
                {"the end (before the model is written)", "cluster", new TrainingListener() {
                    @Override public void runFinished(DcecResult r) { throw new Kill(); }
                }},
        };
        int n = 0;
        for (Object[] s : stops) {
            Path b = tmp.resolve("stop" + n++);
            assertThrows(Kill.class, () -> trainer(cfg, b).listener((TrainingListener) s[2]).run(), (String) s[0]);
            assertEquals(s[1], TensorFile.read(b.resolve(RunFolder.CHECKPOINT)).meta("phase"), (String) s[0]);
            resumed(cfg, b).run();
            assertSameRun(whole, b, Method.DCEC, (String) s[0]);
        }
    }

    @Test void everyMethodResumesBitForBitWhereverItStopped(@TempDir Path tmp) throws IOException {
        for (Method m : new Method[] {Method.CAE_KMEANS, Method.DEC, Method.IDEC, Method.DEC_CONV, Method.DCEC_DA}) {
            DcecConfig cfg = tiny().toBuilder().method(m).denseDims(16, 8).pretrainEpochs(3).maxIter(9).updateInterval(3).checkpointEvery(2).build();
            Path whole = tmp.resolve(m.cliName);
            trainer(cfg, whole).run();
            String[] where = {"pretraining, epoch 3", "clustering, iteration 5", "k-means"};
            for (int w = 0; w < where.length; w++) {
                if (w == 1 && !m.clusters) continue;
                int stop = w;
                TrainingListener kill = new TrainingListener() {
                    @Override public void batchDone(Phase p, int step, int batch, int batches, double loss) {
                        if (stop == 0 && p == Phase.PRETRAIN && step == 2 && batch == 1) throw new Kill();
                        if (stop == 1 && p == Phase.CLUSTER && step == 5) throw new Kill();
                    }
                    @Override public void phaseStarted(Phase p, int first, int total) { if (stop == 2 && p == Phase.KMEANS) throw new Kill(); }
                };
                Path b = tmp.resolve(m.cliName + "-" + w);
                assertThrows(Kill.class, () -> trainer(cfg, b).listener(kill).run(), m + ", " + where[w]);
                resumed(cfg, b).run();
                assertSameRun(whole, b, m, m + ", " + where[w]);
            }
        }
    }
}
