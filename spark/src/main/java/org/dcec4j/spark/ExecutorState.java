package org.dcec4j.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.engine.Backend;

/**
 * What one executor JVM keeps between tasks: one {@link Backend} (the kernels, with as many threads as the executor
 * has cores; tasks running at once take turns in it), and the models parsed from the broadcasts its tasks read
 * (a model's bytes are parsed once per JVM, not once per task). Results do not depend on the thread count: the
 * kernels add up in one fixed order.
 */
final class ExecutorState {
    private ExecutorState() {}

    /** Property naming the executor backend's threads (default: spark.executor.cores, else all processors). */
    static final String THREADS = "spark.dcec4j.threads";

    private static Backend backend;
    /** Broadcast id → parsed model; the two newest (the clustering loop's current and previous weights). */
    private static final Map<Long, TrainedModel> MODELS = new LinkedHashMap<>(4, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, TrainedModel> e) { return size() > 2; }
    };

    /** The executor's backend, made at the first call. */
    static synchronized Backend backend() {
        if (backend == null) backend = Backend.create(Backend.Kind.AUTO, threads());
        return backend;
    }

    private static int threads() {
        int processors = Runtime.getRuntime().availableProcessors();
        SparkEnv env = SparkEnv.get();
        if (env == null) return processors;
        int cores = env.conf().getInt("spark.executor.cores", processors);
        return Math.max(1, env.conf().getInt(THREADS, Math.min(cores, processors)));
    }

    /** The model in a broadcast of its bytes ({@link TrainedModel#toBytes}), on the executor's backend. */
    static TrainedModel model(Broadcast<byte[]> bytes) {
        synchronized (MODELS) {
            TrainedModel m = MODELS.get(bytes.id());
            if (m == null) {
                m = TrainedModel.parse(bytes.value(), "model broadcast " + bytes.id()).use(backend());
                MODELS.put(bytes.id(), m);
            }
            return m;
        }
    }
}
