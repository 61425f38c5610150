package org.dcec4j.dcec.train;

/** The loss became NaN or infinite: the run stopped; the last checkpoint written is intact. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) { super(message); }
}
