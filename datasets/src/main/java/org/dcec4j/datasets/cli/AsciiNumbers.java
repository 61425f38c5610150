package org.dcec4j.datasets.cli;

/**
 * Whole numbers of the command lines, written with the ASCII digits 0-9 only. {@link Integer#parseInt} and
 * {@link Long#parseLong} take any Unicode decimal digit ({@code --columns ٣}, an Arabic-Indic three, was 3; a fullwidth
 * {@code ３} too); these refuse every character outside ASCII and otherwise parse as they do (an optional sign, then
 * digits). Decimal numbers need no such guard: {@link Double#parseDouble} takes ASCII digits only.
 */
public final class AsciiNumbers {
    /** What the command lines say a whole number is written with. */
    public static final String DIGITS = "digits 0-9";

    private AsciiNumbers() {
    }

    /** {@link Integer#parseInt} of ASCII text; NumberFormatException for any other character. */
    public static int parseInt(String text) {
        return Integer.parseInt(ascii(text));
    }

    /** {@link Long#parseLong} of ASCII text; NumberFormatException for any other character. */
    public static long parseLong(String text) {
        return Long.parseLong(ascii(text));
    }

    private static String ascii(String text) {
        if (text != null) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) > 0x7f) {
                    throw new NumberFormatException("For input string: \"" + text + "\" (" + DIGITS + " only)");
                }
            }
        }
        return text;
    }
}
