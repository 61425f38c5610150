package org.dcec4j.dcec.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** predictions.csv's rows and the RFC 4180 quoting of its file column, written and read back. */
class PredictionsCsvTest {
    /** Hand-written cases: plain names as they are, a comma, a quote or a line break in double quotes, quotes doubled. */
    @Test void fieldsAreQuotedOnlyWhenTheyMustBe() {
        assertEquals("cat/0001.png", PredictionsCsv.field("cat/0001.png"));
        assertEquals("with space.png", PredictionsCsv.field("with space.png"));
        assertEquals("\"a,b.png\"", PredictionsCsv.field("a,b.png"));
        assertEquals("\"say \"\"hi\"\".png\"", PredictionsCsv.field("say \"hi\".png"));
        assertEquals("\"two\nlines.png\"", PredictionsCsv.field("two\nlines.png"));
        assertEquals("\"cr\r.png\"", PredictionsCsv.field("cr\r.png"));
        assertArrayEquals(new String[] {"3", "a,\"b\""}, PredictionsCsv.split("3,\"a,\"\"b\"\"\""));
        assertArrayEquals(new String[] {"", "", ""}, PredictionsCsv.split(",,"));
        assertFalse(PredictionsCsv.complete("0,1,0.5,\"two"));
        assertTrue(PredictionsCsv.complete("0,1,0.5,\"two\nlines.png\""));
    }

    /**
     * complete reads quotes as split does (checked against Python's csv module): a quote inside an unquoted field is a
     * character of it and opens nothing, so a hand-edited row with one stays one record; it used to count every quote,
     * and an odd count made the reader take the lines after it into the row.
     */
    @Test void aQuoteInsideAnUnquotedFieldDoesNotOpenARecord() {
        assertTrue(PredictionsCsv.complete("0,1,0.5,a\"b"));
        assertArrayEquals(new String[] {"0", "1", "0.5", "a\"b"}, PredictionsCsv.split("0,1,0.5,a\"b"));
        assertTrue(PredictionsCsv.complete("b\",,"));
        assertTrue(PredictionsCsv.complete("a\"\",a\",,a,"));
        assertFalse(PredictionsCsv.complete("a\"b,\"c"));
        assertTrue(PredictionsCsv.complete("a\"b,\"c\nd\""));
        assertArrayEquals(new String[] {"a\"b", "c\nd"}, PredictionsCsv.split("a\"b,\"c\nd\""));
        // an empty quoted field, a quoted field of one quote, text after a closing quote
        assertTrue(PredictionsCsv.complete("\"\",\"\"\"\",\"a\"b\""));
        assertArrayEquals(new String[] {"", "\"", "ab\""}, PredictionsCsv.split("\"\",\"\"\"\",\"a\"b\""));
    }

    /** Random names of commas, quotes, line breaks and letters: every row reads back as the fields written. */
    @Test void rowsWithAnyFileNameReadBackAsWritten() throws IOException {
        Random r = new Random(5);
        String alphabet = "ab,\"\n\r é/";
        List<String> names = new ArrayList<>();
        for (int n = 0; n < 500; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = 1 + r.nextInt(8); i > 0; i--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            names.add(b.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PredictionsCsv csv = new PredictionsCsv(out, true, names);
        for (int n = 0; n < names.size(); n++) csv.row(n, n % 7, 0.25f, n % 3);
        csv.flush();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals("index,cluster,confidence,label,file", lines[0]);
        int n = 0;
        for (int i = 1; i < lines.length - 1; i++, n++) {
            String record = lines[i];
            while (!PredictionsCsv.complete(record)) record += "\n" + lines[++i];
            String[] f = PredictionsCsv.split(record);
            assertArrayEquals(new String[] {Integer.toString(n), Integer.toString(n % 7), "0.250000", Integer.toString(n % 3), names.get(n)}, f,
                    "row " + n);
        }
        assertEquals(names.size(), n);
        assertEquals("", lines[lines.length - 1]);
        // and as the readers read them (Records), each record on the line it starts on
        PredictionsCsv.Records records = new PredictionsCsv.Records(new java.io.StringReader(out.toString(StandardCharsets.UTF_8)), 0);
        assertEquals("index,cluster,confidence,label,file", records.next());
        int line = 2;
        for (n = 0; n < names.size(); n++) {
            String[] f = PredictionsCsv.split(records.next());
            assertEquals(names.get(n), f[4], "row " + n);
            assertEquals(line, records.line(), "row " + n);
            line += 1 + names.get(n).replace("\r\n", "\n").replace('\r', '\n').chars().filter(c -> c == '\n').count();
        }
        assertEquals(null, records.next());
    }
}
