package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/peer/compare.sh} refuses arguments it cannot honour before it measures anything (exit code 2, a line
 * that names what it got): a run of ten minutes on the wrong thread counts or sizes is worse than none. Only refusals
 * are run here, and on a copy of the script in a folder of its own: the script works from the repository above it, so
 * the copy finds no benchmarks jar there, and an argument it wrongly accepted ends in "missing
 * bench/target/benchmarks.jar" (exit code 1) instead of a whole comparison on the host's cores. The checks come
 * before the script looks for the jar, gcc or PyTorch, so these cases need nothing but bash.
 */
class CompareScriptArgumentsTest {

    @Test
    void anEmptyThreadListIsRefusedNotTakenForTheDefault() throws Exception {
        // "${ARGS[1]:-1 2}" used to turn "" into the default "1 2": both thread counts measured without a word
        assertRefused("threads and sizes must name at least one number each, got '' and '28'", "2", "", "28");
    }

    @Test
    void anEmptyOrBlankSizeListIsRefused() throws Exception {
        assertRefused("got '1 2' and ''", "2", "1 2", "");
        assertRefused("got ' ' and '28'", "2", " ", "28");
    }

    @Test
    void anEmptyRoundCountIsRefused() throws Exception {
        assertRefused("rounds must be a positive number, got ''", "", "1", "28");
    }

    @Test
    void anUnquotedListThatSpreadsOverTheArgumentsIsRefused() throws Exception {
        assertRefused("at most three arguments", "2", "1", "2", "28");
    }

    @Test
    void aCommaListAndAnUnknownOptionAreRefused() throws Exception {
        assertRefused("threads and sizes are positive numbers separated by spaces, got '1,2' and '28'", "2", "1,2", "28");
        assertRefused("unknown option --layer", "--layer");
    }

    /** compare.sh with these arguments exits with code 2 and says {@code message}. */
    private static void assertRefused(String message, String... args) throws IOException, InterruptedException {
        Run r = compare(args);
        assertEquals(2, r.code, r.output);
        assertTrue(r.output.contains(message), r.output);
    }

    private record Run(int code, String output) { }

    private static Run compare(String... args) throws IOException, InterruptedException {
        Path copy = Files.createTempDirectory("compare-sh");
        Path script = Files.createDirectories(copy.resolve("bench/peer")).resolve("compare.sh");
        Files.copy(root().resolve("bench/peer/compare.sh"), script);
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("compare.sh " + String.join(" ", args) + " did not stop within 60 s: " + out);
        }
        Files.delete(script);
        Files.delete(script.getParent());
        Files.delete(script.getParent().getParent());
        Files.delete(copy);
        return new Run(p.exitValue(), out);
    }

    /** The repository root: the first folder up from the working directory that holds pom.xml and bench/peer. */
    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent())
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isRegularFile(d.resolve("bench/peer/compare.sh"))) return d;
        throw new AssertionError("no repository root with bench/peer/compare.sh above " + Path.of("").toAbsolutePath());
    }
}
