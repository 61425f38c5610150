package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MS = 1_000_000L;

    @Test
    void durations() {
        assertEquals("0:00", ProgressBar.formatDuration(0));
        assertEquals("0:59", ProgressBar.formatDuration(59.99));
        assertEquals("1:01", ProgressBar.formatDuration(61));
        assertEquals("59:59", ProgressBar.formatDuration(3599));
        assertEquals("1:02:03", ProgressBar.formatDuration(3723));
        assertEquals("27:46:40", ProgressBar.formatDuration(100_000));
        assertEquals("--:--", ProgressBar.formatDuration(Double.NaN));
        assertEquals("--:--", ProgressBar.formatDuration(Double.POSITIVE_INFINITY));
        assertEquals("--:--", ProgressBar.formatDuration(-1));
    }

    @Test
    void rates() {
        assertEquals("0.50", ProgressBar.formatRate(0.5));
        assertEquals("9.87", ProgressBar.formatRate(9.871));
        assertEquals("12.3", ProgressBar.formatRate(12.34));
        assertEquals("1234", ProgressBar.formatRate(1234.4));
        assertEquals("12.3k", ProgressBar.formatRate(12_345));
        assertEquals("25.0M", ProgressBar.formatRate(2.5e7));
        assertEquals("-", ProgressBar.formatRate(0));
        assertEquals("-", ProgressBar.formatRate(Double.NaN));
    }

    @Test
    void bars() {
        assertEquals(">.........", ProgressBar.bar(0, 10, 10));
        assertEquals("=====>....", ProgressBar.bar(5, 10, 10));
        assertEquals("=========>", ProgressBar.bar(9, 10, 10));
        assertEquals("==========", ProgressBar.bar(10, 10, 10));
        assertEquals("==========", ProgressBar.bar(12, 10, 10));
        // floor(24 · 1 / 3) = 8
        assertEquals("========>...............", ProgressBar.bar(1, 3, 24));
        assertEquals("==========", ProgressBar.bar(0, 0, 10));
    }

    /** 64 of 256 in 2 s: 32 img/s, (256 − 64) / 32 = 6 s left, floor(24 · 64 / 256) = 6 '='. */
    @Test
    void lineByHand() {
        assertEquals("epoch 1 [======>.................]  25% 64/256 32.0 img/s ETA 0:06 elapsed 0:02 loss 0.5",
                ProgressBar.line("epoch 1", 64, 256, "img", 2_000 * MS, "loss 0.5"));
        assertEquals("[>.......................]   0% 0/10 - it/s ETA --:-- elapsed 0:00",
                ProgressBar.line("", 0, 10, "it", 0, ""));
        assertEquals("x [========================] 100% 10/10 5.00 it/s ETA 0:00 elapsed 0:02",
                ProgressBar.line("x", 10, 10, "it", 2_000 * MS, null));
    }

    /**
     * 1000 steps 1 ms apart on a terminal: draws at 1, 101, ..., 901 ms (10, at least 100 ms apart) and the
     * final one at finish: 11 carriage returns.
     */
    @Test
    void terminalRedrawsAreThrottled() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, "epoch 1/1", 1000, "img", true, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(MS);
            bar.step(1);
        }
        bar.message("loss 0.1");
        bar.finish();
        bar.finish(); // a second call prints nothing
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(11, s.chars().filter(c -> c == '\r').count());
        assertEquals(1, s.chars().filter(c -> c == '\n').count());
        String last = s.substring(s.lastIndexOf('\r') + 1);
        assertEquals(ProgressBar.line("epoch 1/1", 1000, 1000, "img", 1000 * MS, "loss 0.1") + "\n", last);
        // the first draw: 1 item after 1 ms
        String first = s.substring(1, s.indexOf('\r', 1));
        assertEquals(ProgressBar.line("epoch 1/1", 1, 1000, "img", MS, ""), first);
    }

    @Test
    void aShorterLineBlanksTheRestOfTheLongerOne() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, "e", 10, "it", true, now::get);
        bar.message("a long message");
        bar.step(1);
        String first = ProgressBar.line("e", 1, 10, "it", 0, "a long message");
        now.addAndGet(200 * MS);
        bar.message("");
        bar.step(1);
        String second = ProgressBar.line("e", 2, 10, "it", 200 * MS, "");
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()),
                bytes.toString(StandardCharsets.UTF_8));
    }

    /** 1000 steps 50 ms apart, not a terminal: a line at 10, 20, 30, 40 and 50 s; finish adds none (no change). */
    @Test
    void plainOutputPrintsWholeLinesEveryTenSeconds() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, "epoch 2/9", 1000, "img", false, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(50 * MS);
            bar.step(1);
        }
        bar.finish();
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"));
        String[] lines = s.split(System.lineSeparator());
        assertEquals(5, lines.length);
        assertEquals(ProgressBar.line("epoch 2/9", 200, 1000, "img", 10_000 * MS, ""), lines[0]);
        assertEquals(ProgressBar.line("epoch 2/9", 1000, 1000, "img", 50_000 * MS, ""), lines[4]);
        assertTrue(lines[4].contains(" 100% 1000/1000 20.0 img/s ETA 0:00 elapsed 0:50"), lines[4]);
    }

    /** A quick bar in a log: nothing until finish, then exactly one line. */
    @Test
    void plainOutputOfAShortBarIsOneLine() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, "p", 4, "it", false, now::get);
        for (int i = 0; i < 4; i++) {
            now.addAndGet(250 * MS);
            bar.step(1);
        }
        bar.finish("loss 0.0213");
        assertEquals("p [========================] 100% 4/4 4.00 it/s ETA 0:00 elapsed 0:01 loss 0.0213"
                + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    /**
     * The command line's bars, fed the listener calls of a run of 10 images in batches of 4 (4, 4 and a short last 2) with
     * -T 3 and --max-iter 7, its clustering resumed at iteration 4: each epoch's bar counts each image once (10/10, not the
     * 12 of three full batches), is labelled with its 1-based epoch, and the resumed interval's bar is 3-6 and counts the
     * iteration 3 done before the stop (3/3), the last interval is 6-7 (1/1, not past --max-iter). Not a terminal: one
     * line per bar, printed when it ends.
     */
    @Test
    void cliProgressCountsEachImageAndIterationOnceFromItsStart() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CliProgress p = new CliProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10,
                org.dcec4j.dcec.DcecConfig.defaults().toBuilder().batchSize(4).updateInterval(3).maxIter(7).build());
        p.phaseStarted(org.dcec4j.dcec.train.Phase.PRETRAIN, 0, 2);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int b = 0; b < 3; b++) p.batchDone(org.dcec4j.dcec.train.Phase.PRETRAIN, epoch, b, 3, 0.25);
            p.epochDone(epoch + 1, 0.25, 1);
        }
        p.phaseDone(org.dcec4j.dcec.train.Phase.PRETRAIN, 1);
        p.phaseStarted(org.dcec4j.dcec.train.Phase.CLUSTER, 4, 7);
        for (int t = 4; t < 7; t++) {
            if (t % 3 == 0) p.targetUpdated(t, 0.1, org.dcec4j.dcec.train.Scores.NONE,
                    new org.dcec4j.dcec.train.TrainingListener.Losses(1, 1, 1));
            p.batchDone(org.dcec4j.dcec.train.Phase.CLUSTER, t, t % 3, 3, 0.5);
        }
        p.phaseDone(org.dcec4j.dcec.train.Phase.CLUSTER, 1);
        java.util.List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(9, lines.size(), String.join("\n", lines));
        assertEquals("pretraining: 2 epochs", lines.get(0));
        assertTrue(lines.get(1).startsWith("epoch 1/2 [========================] 100% 10/10 ") && lines.get(1).endsWith(" loss 0.25000"), lines.get(1));
        assertTrue(lines.get(2).startsWith("epoch 2/2 [========================] 100% 10/10 ") && lines.get(2).endsWith(" loss 0.25000"), lines.get(2));
        assertTrue(lines.get(3).startsWith("pretrain done in "), lines.get(3));
        assertEquals("clustering: at most 7 iterations, P every 3 (resuming at iteration 4)", lines.get(4));
        assertTrue(lines.get(5).startsWith("iter 3-6/7 [========================] 100% 3/3 ") && lines.get(5).endsWith(" loss 0.50000"), lines.get(5));
        assertEquals("iter 6: P updated, 0.1000 of labels changed", lines.get(6));
        assertTrue(lines.get(7).startsWith("iter 6-7/7 [========================] 100% 1/1 "), lines.get(7));
        assertTrue(lines.get(8).startsWith("cluster done in "), lines.get(8));
    }
}
