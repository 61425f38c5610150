package org.dcec4j.dcec;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bad value of a named setting. The message is written once with each setting as {@code {name}}, where name is
 * the library's (the {@link Dcec.Builder} method: {@code clusters}, {@code batchSize}, {@code runFolder}, …):
 * {@link #getMessage()} shows those names, and the command line shows the same sentence with its options
 * ({@code --clusters}, {@code --batch-size}, {@code --out}) through {@link #render}. Text that is not the library's
 * (a path, a data set's name, a value read from a file) goes into a template through {@link #quote}, so that a
 * {@code {word}} in it is shown as it is, not read as a setting's name.
 */
public final class ConfigException extends IllegalArgumentException {
    /** A setting's name in braces, or a quoted brace ({@link #quote}). */
    private static final Pattern NAME = Pattern.compile("\\{\\{|\\{([A-Za-z]+)}");
    private final String template;

    /** {@code template}: the message with each setting written as {name}. */
    public ConfigException(String template) {
        super(render(Objects.requireNonNull(template, "template"), Function.identity()));
        this.template = template;
    }

    /** The message with every {name} replaced by {@code naming.apply(name)}. */
    public String render(Function<String, String> naming) { return render(template, Objects.requireNonNull(naming, "naming")); }

    /** The message with each {name} replaced by {@code names.get(name)}, or by name where the map has none. */
    public String render(Map<String, String> names) {
        Objects.requireNonNull(names, "names");
        return render(template, n -> names.getOrDefault(n, n));
    }

    /**
     * {@code text} ({@link String#valueOf}) for a template: its braces doubled, which every rendering shows as one brace.
     * A run folder {@code /tmp/{seed}} that is a file was reported as {@code /tmp/seed} (the command line: {@code /tmp/--seed}).
     */
    public static String quote(Object text) { return String.valueOf(text).replace("{", "{{"); }

    static String render(String template, Function<String, String> naming) {
        Matcher m = NAME.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) == null ? "{" : naming.apply(m.group(1))));
        m.appendTail(out);
        return out.toString();
    }
}
