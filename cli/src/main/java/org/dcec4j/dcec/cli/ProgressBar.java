package org.dcec4j.dcec.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a known number of items:
 * <pre>
 * epoch 3/200 [=========&gt;..............]  41% 10496/25600 1234 img/s ETA 0:12 elapsed 0:08 loss 0.0213
 * </pre>
 * On a terminal the line is redrawn in place ({@code \r}) at most every {@link #TERMINAL_INTERVAL_NANOS}
 * (10 times a second); elsewhere (CI logs, files) a full line is printed at most every
 * {@link #PLAIN_INTERVAL_NANOS}. {@link #finish()} prints the final state (unless the last line already
 * showed it) and ends the line.
 *
 * <p>Rate = done / elapsed; ETA = (total − done) / rate. The formatting helpers are pure functions of
 * their arguments, and the clock can be replaced, so the output is reproducible in tests. Methods are
 * synchronized: worker threads may call {@link #step}.
 */
public final class ProgressBar {
    /** Minimum time between two redraws on a terminal (100 ms: at most ~10 redraws a second). */
    public static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    /** Minimum time between two printed lines when the stream is not a terminal (10 s). */
    public static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    /** Characters between the brackets. */
    public static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private final long interval;
    private long done;
    private String message = "";
    /** Time of the last draw; start − interval before the first, so the first terminal step draws. */
    private long lastDraw;
    private int lastLength;
    /** The state shown by the last draw (-1: nothing drawn yet), so finish() does not repeat a line. */
    private long drawnDone = -1;
    private String drawnMessage = "";
    private boolean finished;

    /**
     * @param out      where the bar is drawn
     * @param label    text before the bar (e.g. "epoch 3/200")
     * @param total    the number of items (≥ 0)
     * @param unit     the item name in the rate (e.g. "img" → "1234 img/s")
     * @param terminal true: redraw in place with '\r'; false: print whole lines, at most every 10 s
     * @param clock    nanosecond clock (System::nanoTime outside tests)
     */
    public ProgressBar(PrintStream out, String label, long total, String unit, boolean terminal, LongSupplier clock) {
        if (total < 0) {
            throw new IllegalArgumentException("progress bar '" + label + "': expected total >= 0, got " + total);
        }
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.interval = terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        this.lastDraw = terminal ? start - interval : start;
    }

    /** A bar on {@code out} that redraws in place when this process has a console (System.console() != null). */
    public static ProgressBar start(PrintStream out, String label, long total, String unit) {
        return new ProgressBar(out, label, total, unit, System.console() != null, System::nanoTime);
    }

    /** Adds {@code items} finished items and redraws if the interval has passed. */
    public synchronized void step(long items) {
        done += items;
        maybeDraw();
    }

    /** Sets the number of finished items and redraws if the interval has passed. */
    public synchronized void set(long doneItems) {
        done = doneItems;
        maybeDraw();
    }

    /** Sets the trailing message (e.g. "loss 0.0213"), shown from the next redraw on; null clears it. */
    public synchronized void message(String text) {
        message = text == null ? "" : text;
    }

    /** Sets the message, then {@link #finish()}. */
    public synchronized void finish(String text) {
        message(text);
        finish();
    }

    /**
     * Draws the final state (unless the last draw already showed it) and ends the line. Later calls do
     * nothing.
     */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (done != drawnDone || !message.equals(drawnMessage)) {
            draw(clock.getAsLong());
        }
        if (terminal) {
            out.print('\n');
        }
        out.flush();
    }

    /** Items finished so far. */
    public synchronized long done() {
        return done;
    }

    private void maybeDraw() {
        if (finished) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDraw >= interval) {
            draw(now);
        }
    }

    private void draw(long now) {
        lastDraw = now;
        drawnDone = done;
        drawnMessage = message;
        String line = line(label, done, total, unit, now - start, message);
        if (terminal) {
            StringBuilder b = new StringBuilder(line.length() + 8);
            b.append('\r').append(line);
            // blank out what is left of a longer previous line
            for (int i = line.length(); i < lastLength; i++) {
                b.append(' ');
            }
            lastLength = line.length();
            out.print(b);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The text of the bar for a state, e.g.
     * {@code "epoch 1 [======>.................]  25% 64/256 32.0 img/s ETA 0:06 elapsed 0:02 loss 0.5"}.
     *
     * @param elapsedNanos time since the bar started
     * @param message      trailing text, may be empty
     */
    public static String line(String label, long done, long total, String unit, long elapsedNanos, String message) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : Double.NaN;
        double eta = done > 0 && rate > 0 ? Math.max(0, total - done) / rate : Double.NaN;
        long percent = total == 0 ? 100 : Math.min(100, Math.max(0, done) * 100 / total);
        StringBuilder b = new StringBuilder(96);
        if (!label.isEmpty()) {
            b.append(label).append(' ');
        }
        b.append('[').append(bar(done, total, BAR_WIDTH)).append("] ");
        b.append(String.format(Locale.ROOT, "%3d%% ", percent));
        b.append(done).append('/').append(total).append(' ');
        b.append(formatRate(rate)).append(' ').append(unit).append("/s");
        b.append(" ETA ").append(done >= total ? "0:00" : formatDuration(eta));
        b.append(" elapsed ").append(formatDuration(seconds));
        if (message != null && !message.isEmpty()) {
            b.append(' ').append(message);
        }
        return b.toString();
    }

    /**
     * The bar between the brackets: filled = floor(width · done / total) '=' characters, then a '>' head
     * unless complete, then '.' up to {@code width}.
     */
    public static String bar(long done, long total, int width) {
        long d = Math.max(0, Math.min(done, total));
        int filled = total == 0 ? width : (int) (d * width / total);
        StringBuilder b = new StringBuilder(width);
        for (int i = 0; i < width; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : '.');
        }
        return b.toString();
    }

    /**
     * A duration as m:ss under an hour and h:mm:ss from an hour on, whole seconds rounded down;
     * "--:--" when unknown (NaN, infinite or negative).
     */
    public static String formatDuration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = (long) Math.floor(seconds);
        long h = s / 3600;
        long m = (s / 60) % 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /**
     * A rate with about three significant digits: 2 decimals under 10, 1 under 100, none under 10,000,
     * then thousands ("12.3k") and millions ("4.5M"); "-" when unknown (NaN, infinite or ≤ 0).
     */
    public static String formatRate(double perSecond) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond) || perSecond <= 0) {
            return "-";
        }
        if (perSecond < 10) {
            return String.format(Locale.ROOT, "%.2f", perSecond);
        }
        if (perSecond < 100) {
            return String.format(Locale.ROOT, "%.1f", perSecond);
        }
        if (perSecond < 10_000) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        if (perSecond < 10_000_000) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.1fM", perSecond / 1e6);
    }
}
