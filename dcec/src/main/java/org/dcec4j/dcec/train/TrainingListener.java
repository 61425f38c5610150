package org.dcec4j.dcec.train;

import java.nio.file.Path;

/**
 * Callbacks of a running {@link DcecTrainer}: progress display, logs and tests. An exception thrown by
 * a callback stops the run there (tests use that to simulate a killed process).
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** A phase starts: {@code total} epochs (pretraining) or iterations (clustering), {@code first} the first to run. */
    default void phaseStarted(Phase phase, int first, int total) {}

    /**
     * One mini-batch was trained. Pretraining: step = epoch (0-based), batch within the epoch.
     * Clustering: step = iteration, batch = the ordered batch it trained.
     */
    default void batchDone(Phase phase, int step, int batch, int batches, double loss) {}

    /** A pretraining epoch ended (epoch counted from 1). */
    default void epochDone(int epoch, double loss, double seconds) {}

    /** P was recomputed at {@code iteration}; {@code deltaLabel} is the changed-label fraction. */
    default void targetUpdated(int iteration, double deltaLabel, Scores scores) {}

    /** A checkpoint was written; {@code counter} = epochs done (pretraining) or next iteration (clustering). */
    default void checkpointWritten(Phase phase, int counter, Path file) {}

    /** A phase ended after {@code seconds}. */
    default void phaseDone(Phase phase, double seconds) {}
}
