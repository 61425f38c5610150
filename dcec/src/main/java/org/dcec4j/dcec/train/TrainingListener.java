package org.dcec4j.dcec.train;

import java.io.IOException;
import java.nio.file.Path;
import org.dcec4j.dcec.model.Autoencoder;

/**
 * Callbacks of a running {@link DcecTrainer}: the run folder's files ({@code RunFolder}), the command
 * line's progress, tests. A trainer calls its listeners in the order they were added. An exception thrown
 * by a callback stops the run there (tests use that to simulate a killed process).
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** The run starts, before any work. */
    default void runStarted() throws IOException {}

    /** The run starts on {@code backend}, before any work (calls {@link #runStarted()} unless overridden). */
    default void runStarted(org.dcec4j.engine.Backend backend) throws IOException { runStarted(); }

    /**
     * A phase starts: {@code total} epochs (pretraining) or iterations (clustering); {@code first} is the
     * first to run, greater than 0 only when the phase continues from a checkpoint.
     */
    default void phaseStarted(Phase phase, int first, int total) throws IOException {}

    /**
     * One mini-batch was trained. Pretraining: step = epoch (0-based), batch within the epoch.
     * Clustering: step = iteration, batch = the ordered batch it trained.
     */
    default void batchDone(Phase phase, int step, int batch, int batches, double loss) {}

    /** A pretraining epoch ended (epoch counted from 1) with this mean reconstruction loss. */
    default void epochDone(int epoch, double loss, double seconds) throws IOException {}

    /** Pretraining ended: {@code ae} holds the pretrained weights. */
    default void pretrained(Autoencoder ae) throws IOException {}

    /**
     * P was recomputed at {@code iteration}; {@code deltaLabel} is the changed-label fraction, {@code scores}
     * those of the new labels, {@code losses} the means over the batches trained since the previous recomputation.
     */
    default void targetUpdated(int iteration, double deltaLabel, Scores scores, Losses losses) throws IOException {}

    /**
     * A checkpoint is due (every checkpointEvery epochs or iterations; every weight is finite). A listener
     * that keeps checkpoints saves {@code state} and returns the file it wrote, which later messages name;
     * the others return null.
     */
    default Path checkpoint(Checkpoint state) throws IOException { return null; }

    /** A checkpoint was written to {@code file}; {@code counter} = epochs done (pretraining) or next iteration (clustering). */
    default void checkpointWritten(Phase phase, int counter, Path file) {}

    /** A phase ended after {@code seconds}. */
    default void phaseDone(Phase phase, double seconds) {}

    /** The run ended with a model ({@code result.model()} is null after pretraining only). */
    default void runFinished(DcecResult result) throws IOException {}

    /**
     * The mean losses of the batches trained since the previous recomputation of P: L, L_c and L_r
     * (NaN when no batch was trained; L_r NaN for methods that drop the decoder).
     */
    record Losses(double L, double Lc, double Lr) {}
}
