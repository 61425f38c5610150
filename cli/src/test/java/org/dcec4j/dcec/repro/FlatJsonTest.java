package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {
    @Test void writesTheExpectedText() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"q\" \\ \n\t\u0001");
        m.put("i", 42);
        m.put("l", -7L);
        m.put("d", 0.1);
        m.put("nan", Double.NaN);
        m.put("b", true);
        m.put("n", null);
        m.put("a", List.of("x", "y z"));
        assertEquals("{\n  \"s\": \"a \\\"q\\\" \\\\ \\n\\t\\u0001\",\n  \"i\": 42,\n  \"l\": -7,\n  \"d\": 0.1,\n  \"nan\": null,\n"
                + "  \"b\": true,\n  \"n\": null,\n  \"a\": [\"x\", \"y z\"]\n}\n", FlatJson.write(m));
    }

    @Test void readsBackEveryValueExactly() {
        Map<String, Object> m = new LinkedHashMap<>();
        double[] ds = {0.8413, 1.0 / 3, 2.5e-17, 123456.789, -0.0};
        for (int i = 0; i < ds.length; i++) m.put("d" + i, ds[i]);
        m.put("s", "é ü \"x\" \\ /");
        m.put("big", Long.MAX_VALUE);
        m.put("t", false);
        m.put("none", null);
        m.put("list", List.of());
        FlatJson.Fields f = FlatJson.parse(FlatJson.write(m), "mem");
        for (int i = 0; i < ds.length; i++) assertEquals(Double.doubleToLongBits(ds[i]), Double.doubleToLongBits(f.number("d" + i)));
        assertEquals("é ü \"x\" \\ /", f.string("s"));
        assertEquals(Long.MAX_VALUE, f.integer("big"));
        assertEquals(false, f.booleanOrNull("t"));
        assertNull(f.stringOrNull("none"));
        assertTrue(Double.isNaN(f.number("none")));
        assertEquals(List.of(), f.strings("list"));
        // JSON written by others: escapes, exponent, spacing
        FlatJson.Fields g = FlatJson.parse("{\"a\":\"\\u00e9\\/\",\"b\" : 1E3 ,\"c\":[ \"p\" , \"q\" ]}", "mem");
        assertEquals("é/", g.string("a"));
        assertEquals(1000.0, g.number("b"));
        assertEquals(List.of("p", "q"), g.strings("c"));
    }

    /**
     * Every escape the writer emits reads back as the character it stands for: the short ones (backslash n, r, t, b, f),
     * backslash-u for the other control characters, a quote and a backslash, also next to each other and in an array.
     */
    @Test void everyEscapeReadsBackAsItsCharacter() {
        String awkward = "l1\nl2\r\n\ttab\bbs\fff\u0000\u0001\u001f\u007f \\\" \"\\ \\n";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(awkward, awkward);
        m.put("a", List.of(awkward, "\\", "\""));
        FlatJson.Fields f = FlatJson.parse(FlatJson.write(m), "mem");
        assertEquals(List.of(awkward, "\\", "\""), f.strings("a"));
        assertEquals(awkward, f.string(awkward));
        // the same from a hand-written file, escapes as other writers put them
        assertEquals("a\nb\rc\td\be\ff\u0001\"\\/", FlatJson.parse("{\"k\": \"a\\nb\\rc\\td\\be\\ff\\u0001\\\"\\\\\\/\"}", "mem").string("k"));
    }

    @Test void errorsNameFileLineColumnOrKey() {
        String bad = "{\n  \"a\": 1,\n  \"b\": tru\n}";
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> FlatJson.parse(bad, "x/result.json"));
        assertTrue(e.getMessage().startsWith("x/result.json: line 3, column 8:"), e.getMessage());
        assertTrue(assertThrows(UncheckedIOException.class, () -> FlatJson.parse("{\"a\": 1, \"a\": 2}", "f")).getMessage().contains("appears twice"));
        assertTrue(assertThrows(UncheckedIOException.class, () -> FlatJson.parse("{\"a\": {\"b\": 1}}", "f")).getMessage().contains("line 1"));
        assertTrue(assertThrows(UncheckedIOException.class, () -> FlatJson.parse("{\"a\": 1} x", "f")).getMessage().contains("end of the file"));
        FlatJson.Fields f = FlatJson.parse("{\"a\": \"s\"}", "f");
        assertEquals("f: key \"a\": expected a number, got \"s\"", assertThrows(UncheckedIOException.class, () -> f.number("a")).getMessage());
        assertEquals("f: no key \"zz\"", assertThrows(UncheckedIOException.class, () -> f.string("zz")).getMessage());
    }
}
