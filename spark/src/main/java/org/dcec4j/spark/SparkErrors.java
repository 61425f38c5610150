package org.dcec4j.spark;

import org.dcec4j.datasets.DatasetException;
import org.dcec4j.dcec.train.TrainingDivergedException;
import org.dcec4j.engine.io.TensorFile;

/**
 * Errors thrown on an executor reach the driver wrapped in Spark's job-failure exceptions; these helpers find the
 * library's own exception inside, whose message names the file and what was wrong with it.
 */
public final class SparkErrors {
    private SparkErrors() {}

    /** The first {@link DatasetException} in the cause chain, or null. */
    public static DatasetException datasetCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof DatasetException d) return d;
        return null;
    }

    /** The first {@link TrainingDivergedException} in the cause chain (one thrown on an executor included), or null. */
    public static TrainingDivergedException divergedCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof TrainingDivergedException d) return d;
        return null;
    }

    /** One line for a user: the library's message when the chain has one, else the innermost cause. */
    public static String describe(Throwable t) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DatasetException || c instanceof TensorFile.FormatException || c instanceof IllegalArgumentException)
                return c.getMessage();
            root = c;
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
