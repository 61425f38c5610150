package org.dcec4j.dcec.repro;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the result files take from the text that `dcec train|pretrain|cluster` print on standard output:
 * the wall time of each phase from the {@code summary} block ({@code "  pretrain   1.9 s"}), and the
 * kernels and thread count from the {@code kernels:} line. This is the only class that reads the console
 * text; everything else comes from the run folder's files.
 *
 * <p>The reproduction appends every attempt of a run to one stdout.log, each after a line starting with
 * {@link #ATTEMPT_MARKER}; only the last attempt counts.
 *
 * @param seconds  phase id (pretrain, kmeans, cluster) → seconds, in the printed order; empty without a summary
 * @param kernels  the kernels as the CLI describes them, or null
 * @param threads  the kernel threads, or -1
 * @param complete the attempt printed its whole summary (down to the {@code output:} line)
 */
record ConsoleSummary(Map<String, Double> seconds, String kernels, int threads, boolean complete) {

    /** Starts the header line the reproduction writes before each attempt's output. */
    static final String ATTEMPT_MARKER = "==== dcec reproduce:";

    private static final Pattern PHASE = Pattern.compile("^  ([a-z][a-z-]*) +(-?\\d+(?:\\.\\d+)?) s$");
    private static final Pattern KERNELS = Pattern.compile("^\\s*kernels: (.*), threads: (\\d+)$");

    /** Reads the last attempt of a stdout.log. */
    static ConsoleSummary parse(String stdout) {
        String[] lines = stdout.split("\r?\n");
        int from = 0;
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith(ATTEMPT_MARKER)) from = i + 1;
        Map<String, Double> seconds = new LinkedHashMap<>();
        String kernels = null;
        int threads = -1;
        boolean inSummary = false, complete = false;
        for (int i = from; i < lines.length; i++) {
            String line = lines[i];
            Matcher k = KERNELS.matcher(line);
            if (k.matches()) {
                kernels = k.group(1);
                threads = Integer.parseInt(k.group(2));
            }
            if (line.equals("summary")) {
                inSummary = true;
                seconds.clear();
                continue;
            }
            if (!inSummary) continue;
            Matcher p = PHASE.matcher(line);
            if (p.matches()) seconds.put(p.group(1), Double.parseDouble(p.group(2)));
            if (line.startsWith("  output: ")) complete = true;
        }
        return new ConsoleSummary(seconds, kernels, threads, complete);
    }

    /** The seconds of a phase, or null when the summary has none (a skipped phase, or a resumed run that skipped it). */
    Double phase(String id) { return seconds.get(id); }
}
