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
import org.dcec4j.datasets.IoErrors;

/**
 * One run of a cell's (or pretraining's) JVM, as recorded in the run folder's {@code attempts.tsv}: exit code,
 * wall seconds, CPU seconds (empty when the JVM did not report it) and the recorded dcec arguments in one column,
 * quoted for a POSIX shell as {@link Commands#quoted} does (the command line shown elsewhere, without "dcec "). The
 * reproduction appends a line when a JVM ends; a JVM killed together with the reproduction leaves no line (its time is
 * not counted), but its checkpoint is still continued.
 *
 * <p>Every row has the header's four columns, so Python's csv module, pandas.read_csv(sep='\t') and R's
 * read.delim(quote = "") read it as a table (the column never starts with a double quote, and one inside an argument
 * is kept as it is, except by R's default quoting), and shlex.split or a shell gives back the arguments. Versions up
 * to 4d09aaa (2026-12-05) wrote one argument per column, rows longer than the header, which those readers misparse;
 * those rows (more than four columns) are still read, one argument per column, as run folders hold them, and a file
 * may mix both. A four-column row is read in the new layout: an old row of a single argument reads the same when that
 * argument is a plain word, and the reproduction never recorded fewer than a subcommand and its options.
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
                .append(cpuSeconds == null ? "" : String.format(Locale.ROOT, "%.3f", cpuSeconds)).append('\t')
                .append(Commands.quoted(args)).append('\n');
        Files.writeString(f, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The attempts recorded in a run folder, oldest first (none when the file is missing). */
    static List<Attempt> read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        List<Attempt> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return out;
        List<String> lines = IoErrors.readUtf8(f).lines().toList();
        // line 1 is the header; without it the first attempt would be skipped as if it were one
        if (!lines.isEmpty() && !lines.get(0).equals(HEADER))
            throw FlatJson.bad(f + ":1: expected the header '" + HEADER.replace("\t", "<TAB>") + "', got: " + lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            String[] c = line.split("\t", -1);
            Attempt a;
            try {
                if (c.length < 4) throw new NumberFormatException();
                a = new Attempt(Integer.parseInt(c[0]), Double.parseDouble(c[1]), c[2].isEmpty() ? null : Double.parseDouble(c[2]),
                        c.length > 4 ? Arrays.asList(c).subList(3, c.length) : Commands.words(c[3]));
            } catch (NumberFormatException e) {
                throw FlatJson.bad(f + ":" + (i + 1) + ": expected exit<TAB>wall seconds<TAB>cpu seconds<TAB>arguments, got: " + line);
            }
            // words() reads any quoting leniently: what it did not read as written could have split an argument in two
            if (c.length == 4 && !Commands.quoted(a.args()).equals(c[3]))
                throw FlatJson.bad(f + ":" + (i + 1) + ": expected the arguments quoted for a POSIX shell as dcec4j writes them"
                        + " (separated by one space; a word other than letters, digits and _./:=,+@%- in single quotes, a single"
                        + " quote in it as '\\'', the empty word as ''), got: " + c[3]);
            out.add(a);
        }
        return out;
    }

    static Attempt last(List<Attempt> attempts) { return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1); }
}
