package org.dcec4j.spark;

import java.io.Serializable;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;

/**
 * The hyper-parameters a task needs, in a form Spark can ship ({@link DcecConfig} is not {@link Serializable}):
 * the network's shape and the pretraining's batch, learning rate and seed.
 */
record Settings(String method, int K, int[] filters, int[] denseDims, float alpha, int batchSize, float lr, long seed) implements Serializable {
    static Settings of(DcecConfig c) {
        return new Settings(c.method().cliName, c.K(), c.filters(), c.denseDims(), c.alpha(), c.batchSize(), c.lr(), c.seed());
    }

    /** The config again (the other fields at their defaults: tasks do not read them). */
    DcecConfig config() {
        return DcecConfig.defaults().toBuilder().method(Method.parse(method)).K(K).filters(filters).denseDims(denseDims).alpha(alpha)
                .batchSize(batchSize).lr(lr).seed(seed).build();
    }
}
