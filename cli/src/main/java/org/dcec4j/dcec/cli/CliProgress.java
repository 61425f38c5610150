package org.dcec4j.dcec.cli;

import org.dcec4j.datasets.cli.Counts;
import java.io.PrintStream;
import java.util.Locale;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.train.Batches;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TrainingListener;

/**
 * The command line's progress: a {@link ProgressBar} (rate, ETA) for every pretraining epoch and every
 * clustering interval of T iterations, and one line per recomputation of P.
 */
final class CliProgress implements TrainingListener {
    private final PrintStream out;
    private final int N;
    private final DcecConfig cfg;
    private ProgressBar bar;
    private int total;

    CliProgress(PrintStream out, int N, DcecConfig cfg) { this.out = out; this.N = N; this.cfg = cfg; }

    @Override public void phaseStarted(Phase phase, int first, int total) {
        this.total = total;
        switch (phase) {
            case PRETRAIN -> out.printf(Locale.ROOT, "pretraining: %s%s%n", Counts.of(total, "epoch"), first > 0 ? " (resuming after epoch " + first + ")" : "");
            case KMEANS -> out.printf(Locale.ROOT, "k-means: %s%n", Counts.of(cfg.kmeansRestarts(), "restart"));
            case CLUSTER -> out.printf(Locale.ROOT, "clustering: at most %s, P every %d%s%n", Counts.of(total, "iteration"), cfg.updateInterval(),
                    first > 0 ? " (resuming at iteration " + first + ")" : "");
        }
    }

    @Override public void batchDone(Phase phase, int step, int batch, int batches, double loss) {
        if (phase == Phase.PRETRAIN) {
            if (batch == 0) {
                if (bar != null) bar.finish();
                bar = ProgressBar.start(out, String.format(Locale.ROOT, "epoch %d/%d", step + 1, total), N, "img");
            }
            bar.step(Batches.end(batch, N, Math.min(cfg.batchSize(), N)) - Batches.start(batch, Math.min(cfg.batchSize(), N)));
        } else {
            int T = cfg.updateInterval();
            if (bar == null) {
                int from = step - step % T, to = Math.min(from + T, total);
                bar = ProgressBar.start(out, String.format(Locale.ROOT, "iter %d-%d/%d", from, to, total), to - from, "it");
                bar.set(step - from);
            }
            bar.step(1);
        }
        bar.message(String.format(Locale.ROOT, "loss %.5f", loss));
    }

    /** The run was stopped: the bar ends its line, so that the stop line starts a line of its own. */
    void stopped() {
        if (bar != null) bar.finish();
        bar = null;
    }

    @Override public void epochDone(int epoch, double loss, double seconds) {
        if (bar != null) bar.finish(String.format(Locale.ROOT, "loss %.5f", loss));
        bar = null;
    }

    @Override public void targetUpdated(int iteration, double deltaLabel, Scores scores, Losses losses) {
        if (bar != null) bar.finish();
        bar = null;
        out.printf(Locale.ROOT, "iter %d: P updated, %.4f of labels changed%s%n", iteration, deltaLabel,
                scores.present() ? ", " + scores : "");
    }

    @Override public void phaseDone(Phase phase, double seconds) {
        if (bar != null) bar.finish();
        bar = null;
        out.printf(Locale.ROOT, "%s done in %.1f s%n", phase.id, seconds);
    }
}
