package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.repro.PaperResultsTest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/usage.md against the command line: every option of every command (subcommands of subcommands and the
 * delegated {@code datasets} included) is named in the page, every option its option tables name exists, and the
 * defaults those tables give are the ones the commands' help gives.
 */
class UsageDocTest {
    static final Pattern LONG_OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    /** Defaults the tables describe in words rather than repeat ("the set's classes", "the default plan"). */
    static final Set<String> DESCRIBED = Set.of("--clusters", "--plan");

    static String usageMd() throws IOException {
        return Files.readString(PaperResultsTest.root().resolve("docs/usage.md"), StandardCharsets.UTF_8);
    }

    /** Every picocli command below {@code cl} (itself included), by its qualified name ("reproduce table"). */
    static Map<String, CommandLine> commands(CommandLine cl, String prefix, Map<String, CommandLine> into) {
        into.put(prefix, cl);
        cl.getSubcommands().forEach((name, sub) -> commands(sub, (prefix.isEmpty() ? "" : prefix + " ") + name, into));
        return into;
    }

    static Map<String, CommandLine> commands() {
        return commands(DcecCommand.commandLine(System.out, System.err), "", new LinkedHashMap<>());
    }

    /** The options {@code dcec datasets --help} names (it is not a picocli command). */
    static Set<String> datasetsOptions() {
        Object[] r = DcecCommandTest.run("datasets", "--help");
        assertEquals(0, r[0], (String) r[2]);
        Set<String> options = new LinkedHashSet<>();
        Matcher m = LONG_OPTION.matcher((String) r[1] + r[2]);
        while (m.find()) options.add(m.group());
        assertTrue(options.contains("--offline") && options.contains("--scale"), options.toString());
        return options;
    }

    static boolean names(String text, String option) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(option) + "(?![\\w-])").matcher(text).find();
    }

    @Test void everyOptionOfEveryCommandIsInUsageMd() throws IOException {
        String doc = usageMd();
        List<String> missing = new ArrayList<>();
        commands().forEach((name, cl) -> {
            for (OptionSpec o : cl.getCommandSpec().options())
                if (!names(doc, o.longestName())) missing.add("dcec " + name + " " + o.longestName());
        });
        for (String o : datasetsOptions())
            if (!names(doc, o)) missing.add("dcec datasets " + o);
        assertTrue(missing.isEmpty(), "options docs/usage.md does not name: " + missing);
    }

    /** The rows of usage.md's option tables: first cell (the option or options) and second cell (the default). */
    static List<String[]> optionRows(String doc) {
        List<String[]> rows = new ArrayList<>();
        for (String line : doc.split("\n")) {
            if (!line.startsWith("| `-")) continue;
            String[] cells = line.replace("\\|", "/").split("\\|");
            rows.add(new String[] {cells[1].strip(), cells[2].strip()});
        }
        assertTrue(rows.size() > 30, "option tables found: " + rows.size());
        return rows;
    }

    static List<String> longOptions(String cell) {
        List<String> options = new ArrayList<>();
        Matcher m = LONG_OPTION.matcher(cell);
        while (m.find()) options.add(m.group());
        return options;
    }

    /** The option of that name of the first command that has it, train first (the tables are train's and reproduce's). */
    static OptionSpec option(Map<String, CommandLine> commands, String name) {
        for (String c : List.of("train", "cluster", "reproduce", "predict", "embed", "evaluate")) {
            OptionSpec o = commands.get(c).getCommandSpec().findOption(name);
            if (o != null) return o;
        }
        return null;
    }

    @Test void everyOptionTheTablesNameExists() throws IOException {
        Map<String, CommandLine> commands = commands();
        List<String> unknown = new ArrayList<>();
        for (String[] row : optionRows(usageMd()))
            for (String o : longOptions(row[0]))
                if (option(commands, o) == null) unknown.add(o);
        assertTrue(unknown.isEmpty(), "docs/usage.md's tables name options no command has: " + unknown);
    }

    /** "Default: X." of a help text, with picocli's ${DEFAULT-VALUE} filled in; null without one. */
    static String helpDefault(OptionSpec o) {
        String text = String.join(" ", o.description());
        int at = text.lastIndexOf("Default: ");
        if (at < 0) return null;
        String d = text.substring(at + "Default: ".length()).strip();
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        return d.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
    }

    /** The value before an explanation in brackets: "256 (shapes: 64)" gives "256". */
    static String head(String value) {
        int p = value.indexOf(" (");
        return (p < 0 ? value : value.substring(0, p)).strip();
    }

    @Test void theTablesGiveTheDefaultsOfTheHelp() throws IOException {
        Map<String, CommandLine> commands = commands();
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (String[] row : optionRows(usageMd())) {
            List<String> options = longOptions(row[0]);
            String cell = row[1].replace("`", "");
            if (cell.isEmpty()) continue;
            String[] defaults = options.size() == 1 ? new String[] {cell} : cell.split(", ");
            if (defaults.length != options.size()) continue;
            for (int i = 0; i < options.size(); i++) {
                OptionSpec o = option(commands, options.get(i));
                if (o == null || o.arity().max == 0 || DESCRIBED.contains(options.get(i))) continue;    // flags: no default
                String help = helpDefault(o), doc = defaults[i].strip();
                compared++;
                if (help == null || !head(help).equals(head(doc)))
                    wrong.add(options.get(i) + ": docs/usage.md '" + doc + "', --help '" + help + "'");
                // a shapes default the table gives is the one the help gives
                Matcher shapes = Pattern.compile("shapes: ([^,)]+)").matcher(doc);
                if (shapes.find() && (help == null || !help.contains(shapes.group())))
                    wrong.add(options.get(i) + ": docs/usage.md '" + doc + "', --help '" + help + "'");
            }
        }
        assertTrue(compared > 25, "defaults compared: " + compared);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
