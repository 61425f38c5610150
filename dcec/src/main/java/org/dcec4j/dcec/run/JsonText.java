package org.dcec4j.dcec.run;

import java.util.Locale;

/** JSON string literals for the files a run writes (config.json and the reproduction's result files). */
public final class JsonText {
    private JsonText() {
    }

    /**
     * {@code s} as a JSON string literal (RFC 8259): quotes and backslashes escaped, and every control character below
     * U+0020, which JSON does not allow raw (a data set named after a folder whose name holds a tab or a line break).
     */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
