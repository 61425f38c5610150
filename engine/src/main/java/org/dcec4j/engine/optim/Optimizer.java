package org.dcec4j.engine.optim;

import org.dcec4j.engine.io.TensorFile;

/** Updates parameters from their accumulated gradients. */
public interface Optimizer {
    /** One update from the current gradients (which it reads, not clears). */
    void step();

    /** Zeroes every parameter's gradient. */
    void zeroGrad();

    /** Adds the optimiser's state (moments, step count) to a file being built, under {@code prefix}. */
    void saveState(TensorFile.Builder b, String prefix);

    /** Restores state written by {@link #saveState}; checks every entry before changing anything. */
    void loadState(TensorFile f, String prefix, String source);
}
