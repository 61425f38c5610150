package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code dcec --help} lists each command with the first line of its description only: that line has to be a whole
 * sentence. predict's stopped at "(confidence = max_j q_ij)," with the rest of the sentence on the next line, which
 * the list leaves out.
 */
class CommandSummaryTest {
    @Test void everyCommandsSummaryInTheTopLevelHelpIsAWholeSentence() {
        Map<String, CommandLine> commands = DcecCommand.commandLine(System.out, System.err).getSubcommands();
        assertTrue(commands.keySet().containsAll(java.util.List.of("train", "predict", "embed", "evaluate", "info")), commands.keySet().toString());
        commands.forEach((name, cl) -> {
            String[] description = cl.getCommandSpec().usageMessage().description();
            String first = description.length == 0 ? "" : description[0];
            assertTrue(first.endsWith("."), name + ": " + first);
        });
        Object[] r = DcecCommandTest.run("--help");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).replaceAll("\\s+", " ").contains("for an image folder. embed Embeddings"), (String) r[1]);
    }
}
