package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One run of a cell's (or pretraining's) JVM, as recorded in the run folder's {@code attempts.tsv}: exit code,
 * wall seconds, CPU seconds (empty when the JVM did not report it) and the recorded dcec arguments, one per
 * tab-separated column. The reproduction appends a line when a JVM ends; a JVM killed together with the
 * reproduction leaves no line (its time is not counted), but its checkpoint is still continued.
 */
record Attempt(int exit, double wallSeconds, Double cpuSeconds, List<String> args) {

    static final String FILE = "attempts.tsv";
    static final String HEADER = "exit\twall_seconds\tcpu_seconds\targuments";

    Attempt {
        args = List.copyOf(args);
    }

    boolean resumed() { return args.contains(Commands.RESUME); }

    void append(Path runDir) throws IOException {
        for (String a : args)
            if (a.indexOf('\t') >= 0 || a.indexOf('\n') >= 0 || a.indexOf('\r') >= 0)
                throw new IllegalArgumentException("an argument with a tab or line break cannot be recorded: '" + a + "'");
        Path f = runDir.resolve(FILE);
        StringBuilder s = new StringBuilder();
        if (!Files.exists(f)) s.append(HEADER).append('\n');
        s.append(exit).append('\t').append(String.format(Locale.ROOT, "%.3f", wallSeconds)).append('\t')
                .append(cpuSeconds == null ? "" : String.format(Locale.ROOT, "%.3f", cpuSeconds));
        for (String a : args) s.append('\t').append(a);
        s.append('\n');
        Files.writeString(f, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The attempts recorded in a run folder, oldest first (none when the file is missing). */
    static List<Attempt> read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        List<Attempt> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return out;
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        // line 1 is the header; without it the first attempt would be skipped as if it were one
        if (!lines.isEmpty() && !lines.get(0).equals(HEADER))
            throw FlatJson.bad(f + ":1: expected the header '" + HEADER.replace("\t", "<TAB>") + "', got: " + lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            String[] c = line.split("\t", -1);
            try {
                if (c.length < 4) throw new NumberFormatException();
                out.add(new Attempt(Integer.parseInt(c[0]), Double.parseDouble(c[1]), c[2].isEmpty() ? null : Double.parseDouble(c[2]),
                        Arrays.asList(c).subList(3, c.length)));
            } catch (NumberFormatException e) {
                throw FlatJson.bad(f + ":" + (i + 1) + ": expected exit<TAB>wall seconds<TAB>cpu seconds<TAB>arguments…, got: " + line);
            }
        }
        return out;
    }

    static Attempt last(List<Attempt> attempts) { return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1); }
}
