package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * attempts.tsv: every row has the header's four columns, so a standard reader (pandas.read_csv(sep='\t'), R's
 * read.delim) sees one arguments column; the arguments round-trip exactly, however awkward; files of the old layout
 * (one argument per column, rows longer than the header) still read.
 */
class AttemptTest {
    /** Arguments a shell, a TSV reader or a quoting scheme could trip on. */
    static final List<String> AWKWARD = List.of("train", "--out", "/tmp/a folder/run", "--name", "it's", "say \"hi\"",
            "back\\slash", "\\'", "naïve 数据 ✓", "", "--x='y z'", "'", "''", "a  b", " lead", "trail ", "$HOME", "*", "#c", "-");

    @Test void everyRowHasTheHeadersColumnsAndTheArgumentsRoundTrip(@TempDir Path dir) throws IOException {
        List<Attempt> written = List.of(
                new Attempt(0, 1.5, 3.25, AWKWARD),
                new Attempt(1, 2, null, List.of("cluster", "--seed", "0", Commands.RESUME)),
                new Attempt(137, 0.001, 0.0, List.of()),
                new Attempt(0, 4, 4.0, List.of("")));
        for (Attempt a : written) a.append(dir);
        List<String> lines = Files.readAllLines(dir.resolve(Attempt.FILE), StandardCharsets.UTF_8);
        assertEquals(Attempt.HEADER, lines.get(0));
        int columns = Attempt.HEADER.split("\t", -1).length;
        assertEquals(4, columns);
        for (int i = 0; i < lines.size(); i++)
            assertEquals(columns, lines.get(i).split("\t", -1).length, "line " + (i + 1) + ": " + lines.get(i));
        assertEquals(1 + written.size(), lines.size());
        // the arguments column is what a shell reads back: the command line shown elsewhere, without "dcec "
        assertEquals("cluster --seed 0 " + Commands.RESUME, lines.get(2).split("\t")[3]);
        assertEquals("''", lines.get(4).split("\t", -1)[3]);
        assertEquals(written, Attempt.read(dir));
        assertTrue(Attempt.read(dir).get(1).resumed());
    }

    /** Files of the old layout (one argument per column) exist in users' run folders: they read as before, appended to or not. */
    @Test void theOldLayoutStillReads(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(Attempt.FILE), Attempt.HEADER + "\n"
                + "0\t1.000\t1.000\ttrain\t--dataset\tusps\t--out\t/tmp/a folder\t--name\tit's\n"
                + "1\t2.000\t\tcluster\t--seed\t0\t--resume\n", StandardCharsets.UTF_8);
        new Attempt(0, 3, 3.0, List.of("cluster", "--seed", "0", "--out", "/tmp/a folder")).append(dir);
        List<Attempt> read = Attempt.read(dir);
        assertEquals(List.of(
                new Attempt(0, 1, 1.0, List.of("train", "--dataset", "usps", "--out", "/tmp/a folder", "--name", "it's")),
                new Attempt(1, 2, null, List.of("cluster", "--seed", "0", "--resume")),
                new Attempt(0, 3, 3.0, List.of("cluster", "--seed", "0", "--out", "/tmp/a folder"))), read);
        assertTrue(read.get(1).resumed());
    }

    /**
     * A four-column row whose arguments are not quoted the way the file writes them (an unbalanced quote, another
     * quoting, or an old row of a single argument that needs quoting) is refused naming the file and the line: read as
     * shell words it could split an argument in two.
     */
    @Test void argumentsNotQuotedAsWrittenAreRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        for (String bad : List.of("train --out '/tmp/a", "train --out \"/tmp/a b\"", "it's", "train  --seed 0")) {
            Files.writeString(dir.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.0\t1.0\ttrain --seed 0\n0\t1.0\t1.0\t" + bad + "\n",
                    StandardCharsets.UTF_8);
            String m = assertThrows(UncheckedIOException.class, () -> Attempt.read(dir)).getMessage();
            assertTrue(m.startsWith(dir.resolve(Attempt.FILE) + ":3: expected the arguments quoted for a POSIX shell as dcec4j writes them"), m);
            assertTrue(m.endsWith("got: " + bad), m);
        }
    }

    /** A tab or a line break cannot be recorded in a line of a TSV file: refused, as before. */
    @Test void aTabOrLineBreakInAnArgumentIsRefused(@TempDir Path dir) {
        for (String bad : List.of("a\tb", "a\nb", "a\rb"))
            assertThrows(IllegalArgumentException.class, () -> new Attempt(0, 1, 1.0, List.of("train", bad)).append(dir));
        assertTrue(Files.notExists(dir.resolve(Attempt.FILE)));
    }
}
