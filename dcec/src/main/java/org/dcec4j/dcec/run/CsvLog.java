package org.dcec4j.dcec.run;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;

/** A CSV file that a run appends one row at a time (flushed, so a killed run keeps its rows). */
final class CsvLog {
    private final Path file;
    /** The first cells of the rows a {@link #resume} kept, in order (empty for a new log). */
    private final List<Integer> kept;

    private CsvLog(Path file) { this(file, List.of()); }

    private CsvLog(Path file, List<Integer> kept) { this.file = file; this.kept = kept; }

    /** The file. */
    Path file() { return file; }

    /** The steps (first cells) of the rows that {@link #resume} kept, in the file's order. */
    List<Integer> kept() { return kept; }

    /** Starts the file with its header, replacing an old one. */
    static CsvLog create(Path file, String header) throws IOException {
        // a symbolic link at the name is replaced, as the run's other outputs replace one (renamed over): opened, it had
        // its target overwritten with the log, or created where the link pointed (one that led nowhere is not a result
        // of another run, so a new run does not refuse the folder for it)
        if (Files.isSymbolicLink(file)) {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw IoErrors.onFile(file, e);
            }
        }
        write(file, header + "\n", false);
        return new CsvLog(file);
    }

    /**
     * Writes (or appends) text through a java.io stream: an NIO channel would be closed by an interrupt of the training
     * thread, which a library caller uses to cancel a fit at its next batch boundary (docs/library.md).
     */
    private static void write(Path file, CharSequence text, boolean append) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile(), append)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // FileOutputStream names no file when a write fails (no space left on device) and puts the reason in
            // brackets after the path when the open does: reported on the file, as the other outputs are
            throw IoErrors.onFile(file, e);
        }
    }

    /**
     * Continues the file of a killed run: keeps the header and the rows whose first column (an integer)
     * passes {@code keep}, drops the rest (rows written after the checkpoint being resumed) and every line whose first column
     * is not an integer (a torn or damaged line). The kept rows keep their bytes.
     */
    static CsvLog resume(Path file, String header, IntPredicate keep) throws IOException {
        // read and written back as ISO-8859-1, one char a byte: the rows are ASCII, and a byte that is not UTF-8 (a damaged
        // or hand-edited log) neither stops the resume with a MalformedInputException that named no file ("dcec: Input
        // length = 1") nor changes the bytes of a row that is kept
        String text;
        try {
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw IoErrors.onFile(file, e);
        }
        // every row is written whole with its line break: a last line without one was cut short (a power cut after the
        // checkpoint's fsync can cut the log's unsynced tail anywhere), and so is a row with fewer cells than the header
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (!text.isEmpty() && !text.endsWith("\n")) lines.remove(lines.size() - 1);
        int cells = columns(header);
        List<String> kept = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        kept.add(header);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int comma = line.indexOf(',');
            try {
                int step = comma > 0 ? Integer.parseInt(line.substring(0, comma)) : -1;
                if (comma > 0 && columns(line) == cells && keep.test(step)) {
                    kept.add(line);
                    steps.add(step);
                }
            } catch (NumberFormatException e) {
                // a torn line: dropped
            }
        }
        OutputFiles.writeAtomically(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        return new CsvLog(file, List.copyOf(steps));
    }

    /**
     * Makes the rows written so far durable (an fsync of the file, through a java.io stream as {@link #write}): called
     * before a checkpoint is written, so that a power cut cannot leave a checkpoint newer than the rows it covers.
     */
    void sync() throws IOException {
        if (!Files.isRegularFile(file)) return;     // opened to append, a missing log would be made again without its header
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.getFD().sync();
        } catch (IOException e) {
            throw IoErrors.onFile(file, e);
        }
    }

    /** The cells of a row: its commas plus one (no cell of these logs holds a comma). */
    private static int columns(String line) {
        int n = 1;
        for (int i = 0; i < line.length(); i++) if (line.charAt(i) == ',') n++;
        return n;
    }

    void row(Object... cells) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) s.append(',');
            s.append(cell(cells[i]));
        }
        s.append('\n');
        write(file, s, true);
    }

    /** Numbers to six significant digits ({@code %.6g}: scientific below 1e-4 and from 1e6), NaN as an empty cell. */
    static String cell(Object v) {
        if (v instanceof Double d) return d.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", d);
        if (v instanceof Float f) return f.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", f);
        return String.valueOf(v);
    }

    /**
     * A double as the shortest decimal that reads back as the same double ({@link Double#toString}: scientific, with
     * an {@code E}, below 1e-3 and from 1e7), NaN as an empty cell; a cell of {@link #row} as it is.
     */
    static String exact(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }
}
