package org.dcec4j.dcec.repro;

import org.dcec4j.dcec.Method;

/**
 * One cell of the comparison matrix: a method on a data set with a seed.
 *
 * @param dataset a built-in data set name
 */
public record Cell(String dataset, Method method, long seed) {

    /** The shared pretraining this cell starts from, or null (k-means on pixels has none). */
    public Pretraining pretraining() {
        return method.pretrains ? new Pretraining(dataset, method.network, method.augments, seed) : null;
    }

    /** The cell's folder under the work and results folders: {@code <data set>/seed-<s>/<method>}. */
    public String folder() { return dataset + "/seed-" + seed + "/" + method.cliName; }

    @Override public String toString() { return method.cliName + " on " + dataset + ", seed " + seed; }
}
