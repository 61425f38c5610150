package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.dcec4j.dcec.DcecConfig;
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
}
