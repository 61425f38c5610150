package org.dcec4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;

/**
 * An output folder that appears only complete: the job writes into a hidden folder beside it
 * ({@code .NAME.dcec-spark-<random>}), which {@link #publish} renames to the output's name once the job has committed.
 * Spark's committer alone started the output folder itself ({@code NAME/_temporary/0}) as the job began, and only the
 * driver's catch removed it after a failure: a SIGTERM (the JVM ends without that catch running) left the half-made
 * folder, and the next run was refused as if it were an earlier output.
 *
 * <p>Until then a shutdown hook removes the hidden folder: it runs after Spark's own hook has stopped the session (no task
 * writes into it any more) and before Hadoop closes its file systems. The hook, {@link #publish} and {@link #close} take
 * one lock, so a signal during the rename waits for it: the output is either absent (or the earlier one, with
 * --overwrite) or complete. Only the hidden folder this run made is ever removed by it; one that a SIGKILL left behind
 * has another random name: the next run neither reads nor removes it.
 */
final class StagedOutput implements AutoCloseable {
    /** After Spark's hook (FileSystem's priority + 30: the session stopped), before FileSystem's own (its caches closed). */
    static final int HOOK_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;

    /** The part of a hidden folder's name after the output's name. */
    static final String INFIX = ".dcec-spark-";

    private enum State { WRITING, PUBLISHED, ABANDONED }

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final Runnable hook = this::abandon;
    private State state = State.WRITING;

    private StagedOutput(FileSystem fs, Path target, Path staging) {
        this.fs = fs; this.target = target; this.staging = staging;
    }

    /** A hidden folder beside path for the job to write into (not created: the job's writer makes it). */
    static StagedOutput begin(SparkSession spark, String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path target = fs.makeQualified(p);
            if (target.getParent() == null) throw new IllegalArgumentException(path + ": the root of a file system cannot be an output folder");
            Path staging = new Path(target.getParent(), "." + target.getName() + INFIX + UUID.randomUUID());
            if (fs.exists(staging)) throw new IllegalStateException(staging + " exists");      // a random name: never
            StagedOutput s = new StagedOutput(fs, target, staging);
            ShutdownHookManager.get().addShutdownHook(s.hook, HOOK_PRIORITY);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** Where the job writes. */
    String staging() { return staging.toString(); }

    /**
     * Renames the written folder to the output's name; with overwrite, an earlier output there (checked again: it may
     * have appeared while the job ran) is removed first, so it stays until the new one is complete.
     */
    synchronized void publish(SparkSession spark, boolean overwrite) throws IOException {
        if (state != State.WRITING) throw new IOException(target + ": stopped before the output was complete");
        if (fs.exists(target)) {
            if (!overwrite)
                throw new IllegalArgumentException(target + " already exists (made while the job ran): pass --overwrite to replace it, "
                        + "or choose another output");
            SparkInference.checkReplaceable(spark, target.toString());
            if (!fs.delete(target, true)) throw new IOException(target + ": could not remove the earlier output");
        }
        if (!fs.rename(staging, target)) throw new IOException("could not rename " + staging + " to " + target);
        state = State.PUBLISHED;
    }

    /**
     * Removes the hidden folder unless it was published (the shutdown hook, and a failed job's path; again at the JVM's
     * exit after a failure), quietly.
     */
    synchronized void abandon() {
        if (state == State.PUBLISHED) return;
        state = State.ABANDONED;
        try {
            fs.delete(staging, true);
        } catch (IOException | RuntimeException ignored) {
            // the failure (or the signal) is what to report; a hidden folder left here is ignored by the next run
        }
    }

    /**
     * {@link #abandon}; once published the hook is no longer needed (it cannot be removed once the JVM is shutting down).
     * After a failure it stays: a task the failure cancelled can still write into the hidden folder after this removal
     * (Spark's committer logged "Could not delete" there), and the hook removes that at the JVM's exit.
     */
    @Override public void close() {
        abandon();
        if (state == State.PUBLISHED && !ShutdownHookManager.get().isShutdownInProgress()) {
            try {
                ShutdownHookManager.get().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the shutdown began meanwhile: the hook finds the state settled and does nothing
            }
        }
    }
}
