package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of the reproduction's result files: one object whose values are strings, numbers, booleans,
 * null or arrays of strings, nothing nested. Written and read by hand (the project has no JSON library).
 * Doubles are written with {@link Double#toString}, the shortest text that parses back to the same bits,
 * so a value read back equals the value written; NaN and infinities are written as null.
 */
final class FlatJson {
    private FlatJson() {}

    /** The object's text: one key per line, in the map's order. */
    static String write(Map<String, ?> fields) {
        StringBuilder s = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            s.append("  ").append(quote(e.getKey())).append(": ").append(value(e.getKey(), e.getValue()));
            s.append(++i < fields.size() ? ",\n" : "\n");
        }
        return s.append("}\n").toString();
    }

    private static String value(String key, Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return quote(s);
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) return v.toString();
        if (v instanceof Double d) return Double.isFinite(d) ? Double.toString(d) : "null";
        if (v instanceof List<?> list) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String str)) throw new IllegalArgumentException("key " + key + ": arrays hold strings only");
                s.append(i > 0 ? ", " : "").append(quote(str));
            }
            return s.append(']').toString();
        }
        throw new IllegalArgumentException("key " + key + ": cannot write a " + v.getClass().getSimpleName());
    }

    static String quote(String s) {
        return org.dcec4j.dcec.run.JsonText.quote(s);
    }

    // ------------------------------------------------------------------------------------ reading
    /** The fields of one object, with accessors that name the file and key when a value is missing or of the wrong kind. */
    static final class Fields {
        final Map<String, Object> values;
        final String source;

        Fields(Map<String, Object> values, String source) { this.values = values; this.source = source; }

        private Object require(String key) {
            if (!values.containsKey(key)) throw bad(source + ": no key \"" + key + "\"");
            return values.get(key);
        }

        String string(String key) {
            Object v = require(key);
            if (!(v instanceof String s)) throw bad(source + ": key \"" + key + "\": expected a string, got " + describe(v));
            return s;
        }

        String stringOrNull(String key) { return require(key) == null ? null : string(key); }

        long integer(String key) {
            Object v = require(key);
            if (!(v instanceof Long l)) throw bad(source + ": key \"" + key + "\": expected an integer, got " + describe(v));
            return l;
        }

        Long integerOrNull(String key) { return require(key) == null ? null : integer(key); }

        /** An integer or null; a key that is absent (a file of an older version) reads as null too. */
        Long optionalInteger(String key) {
            if (!values.containsKey(key) || values.get(key) == null) return null;
            return integer(key);
        }

        /** A number (an integer is accepted); null reads as NaN. */
        double number(String key) {
            Object v = require(key);
            if (v == null) return Double.NaN;
            if (v instanceof Long l) return l;
            if (!(v instanceof Double d)) throw bad(source + ": key \"" + key + "\": expected a number, got " + describe(v));
            return d;
        }

        Boolean booleanOrNull(String key) {
            Object v = require(key);
            if (v == null) return null;
            if (!(v instanceof Boolean b)) throw bad(source + ": key \"" + key + "\": expected true, false or null, got " + describe(v));
            return b;
        }

        @SuppressWarnings("unchecked")
        List<String> strings(String key) {
            Object v = require(key);
            if (!(v instanceof List<?>)) throw bad(source + ": key \"" + key + "\": expected an array of strings, got " + describe(v));
            return (List<String>) v;
        }

        private static String describe(Object v) {
            return v == null ? "null" : v instanceof String s ? quote(s) : v instanceof List<?> ? "an array" : v.toString();
        }
    }

    static UncheckedIOException bad(String message) { return new UncheckedIOException(message, new IOException(message)); }

    /** Parses one object; {@code source} names the file in errors (with line and column). */
    static Fields parse(String text, String source) {
        Parser p = new Parser(text, source);
        Map<String, Object> out = new LinkedHashMap<>();
        p.space();
        p.expect('{');
        p.space();
        if (p.peek() == '}') {
            p.pos++;
        } else {
            while (true) {
                p.space();
                String key = p.string();
                if (out.containsKey(key)) throw p.error("key \"" + key + "\" appears twice");
                p.space();
                p.expect(':');
                p.space();
                out.put(key, p.value());
                p.space();
                char c = p.next();
                if (c == '}') break;
                if (c != ',') throw p.error("expected ',' or '}' after the value of \"" + key + "\"", c);
            }
        }
        p.space();
        if (p.pos != text.length()) throw p.error("expected the end of the file after the object");
        return new Fields(out, source);
    }

    private static final class Parser {
        final String s, source;
        int pos;

        Parser(String s, String source) { this.s = s; this.source = source; }

        char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

        char next() {
            if (pos >= s.length()) throw error("unexpected end of the file");
            return s.charAt(pos++);
        }

        void space() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

        void expect(char c) {
            char got = next();
            if (got != c) throw error("expected '" + c + "'", got);
        }

        Object value() {
            char c = peek();
            if (c == '"') return string();
            if (c == '[') return array();
            if (c == '-' || (c >= '0' && c <= '9')) return number();
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            throw error("expected a string, a number, true, false, null or an array of strings", c);
        }

        List<String> array() {
            expect('[');
            List<String> list = new ArrayList<>();
            space();
            if (peek() == ']') { pos++; return list; }
            while (true) {
                space();
                if (peek() != '"') throw error("expected a string (arrays hold strings only)", peek());
                list.add(string());
                space();
                char c = next();
                if (c == ']') return list;
                if (c != ',') throw error("expected ',' or ']' in the array", c);
            }
        }

        Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) pos++;
            String t = s.substring(start, pos);
            try {
                if (t.matches("-?\\d+")) return Long.parseLong(t);
                if (!t.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) throw new NumberFormatException();
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("expected a number, got \"" + t + "\"");
            }
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') return b.toString();
                if (c < 0x20) throw error("a control character inside a string (write it as an escape)", c);
                if (c != '\\') { b.append(c); continue; }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("expected four hex digits after \\u");
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("expected four hex digits after \\u, got \"" + s.substring(pos, pos + 4) + "\"");
                        }
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            }
        }

        UncheckedIOException error(String what, char got) {
            return error(what + ", got " + (got == '\0' ? "the end of the file" : "'" + got + "'"));
        }

        UncheckedIOException error(String what) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') { line++; col = 1; } else col++;
            }
            return bad(source + ": line " + line + ", column " + col + ": " + what);
        }
    }
}
