package org.dcec4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The command's error line comes after Spark's logging: once the session is stopped, the command waits for the task
 * threads it cancelled, which went on logging their abort (a 60-line stack trace) after stop returned, after the
 * "dcec-spark:" line in one failed run of four.
 */
class SparkStopTest {
    /** Spark names its task threads as the wait expects (a rename in another Spark version would make the wait a no-op). */
    @Test void sparkTasksRunOnThreadsOfTheAwaitedName() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("dcec4j-test").config("spark.ui.enabled", "false").getOrCreate();
        List<String> names = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2)
                .map(i -> Thread.currentThread().getName()).collect();
        for (String n : names) assertTrue(n.startsWith(SparkCommand.SparkOptions.TASK_THREADS), n);
    }

    @Test void theWaitEndsWhenTheTaskThreadsHaveEnded() throws InterruptedException {
        AtomicBoolean logged = new AtomicBoolean();
        Thread task = new Thread(() -> {
            try {
                Thread.sleep(500);       // a cancelled task still logging its abort
            } catch (InterruptedException e) {
                return;
            }
            logged.set(true);
        }, "dcec4j test task-1");     // not Spark's name: a live session's idle task threads would make the wait its 10 s
        task.start();
        SparkCommand.SparkOptions.awaitThreads("dcec4j test task", 10_000);
        assertTrue(logged.get(), "returned before the task thread had ended");
        assertFalse(task.isAlive());
    }
}
