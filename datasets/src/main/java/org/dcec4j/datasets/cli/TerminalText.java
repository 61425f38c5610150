package org.dcec4j.datasets.cli;

/**
 * Text for a terminal: what the commands print of names they did not choose (a file or folder name from an image
 * folder, a redirect's Location, a model's metadata in a message) goes through {@link #printable}, so that an escape
 * sequence in a name is shown rather than obeyed by the terminal (clearing the screen, setting the window title,
 * hiding the rest of the line).
 */
public final class TerminalText {
    private TerminalText() {
    }

    /**
     * {@code s} with every control character other than a line break and a tab (C0, DEL and C1: ESC, BEL, a carriage
     * return, a backspace, U+009B which some terminals take as ESC [) written as {@code \xHH}; null as "null".
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (control) {
                    out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
