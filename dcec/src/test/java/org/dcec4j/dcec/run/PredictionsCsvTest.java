package org.dcec4j.dcec.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertArrayEquals(new String[] {"3", "a,\"b\""}, fields("3,\"a,\"\"b\"\"\""));
        assertArrayEquals(new String[] {"", "", ""}, fields(",,"));
        assertEquals(List.of("0,1,0.5,\"two\nlines.png\"", "1,2,0.5,x"), records("0,1,0.5,\"two\nlines.png\"\n1,2,0.5,x\n"));
        assertEquals(List.of("0,1,0.5,\"two\n1,2,0.5,x\n"), records("0,1,0.5,\"two\n1,2,0.5,x\n"), "an unclosed quote runs to the end");
    }

    /** The fields of the first record of a text. */
    static String[] fields(String text) {
        try {
            PredictionsCsv.Records r = new PredictionsCsv.Records(new java.io.StringReader(text), 0);
            r.next();
            return r.fields();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The records of a text, as the readers see them. */
    static List<String> records(String text) {
        try {
            PredictionsCsv.Records r = new PredictionsCsv.Records(new java.io.StringReader(text), 0);
            List<String> out = new ArrayList<>();
            for (String rec; (rec = r.next()) != null; ) out.add(rec);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The records read quotes as the fields are cut (checked against Python's csv module): a quote inside an unquoted field is a
     * character of it and opens nothing, so a hand-edited row with one stays one record; counting every quote, an odd
     * count took the lines after it into the row.
     */
    @Test void aQuoteInsideAnUnquotedFieldDoesNotOpenARecord() {
        assertEquals(List.of("0,1,0.5,a\"b", "next"), records("0,1,0.5,a\"b\nnext\n"));
        assertArrayEquals(new String[] {"0", "1", "0.5", "a\"b"}, fields("0,1,0.5,a\"b"));
        assertEquals(List.of("b\",,", "a\"\",a\",,a,", "x"), records("b\",,\na\"\",a\",,a,\nx"));
        assertEquals(List.of("a\"b,\"c\nd\"", "x"), records("a\"b,\"c\nd\"\nx\n"));
        assertArrayEquals(new String[] {"a\"b", "c\nd"}, fields("a\"b,\"c\nd\""));
        // an empty quoted field, a quoted field of one quote, text after a closing quote
        assertEquals(List.of("\"\",\"\"\"\",\"a\"b\"", "x"), records("\"\",\"\"\"\",\"a\"b\"\nx"));
        assertArrayEquals(new String[] {"", "\"", "ab\""}, fields("\"\",\"\"\"\",\"a\"b\""));
    }

    /** Each record's fields come with it: a quoted \r\n kept whole inside a field, \r\n between records dropped. */
    @Test void eachRecordHasItsOwnFields() throws IOException {
        PredictionsCsv.Records r = new PredictionsCsv.Records(new java.io.StringReader("0,\"a\r\nb\"\r\n\r\n1,x,\"\"\r2"), 0);
        assertEquals("0,\"a\r\nb\"", r.next());
        assertArrayEquals(new String[] {"0", "a\r\nb"}, r.fields());
        assertEquals(1, r.line());
        assertEquals("", r.next());
        assertArrayEquals(new String[] {""}, r.fields());
        assertEquals(3, r.line());
        assertEquals("1,x,\"\"", r.next());
        assertArrayEquals(new String[] {"1", "x", ""}, r.fields());
        assertEquals("2", r.next());
        assertArrayEquals(new String[] {"2"}, r.fields());
        assertEquals(5, r.line());
        assertEquals(null, r.next());
        assertArrayEquals(new String[0], r.fields());
    }

    /** A writer that streams its rows names each row's file; the same bytes as from the list; a row without one refused. */
    @Test void streamedRowsNameTheirFilesAsTheListDoes() throws IOException {
        List<String> names = List.of("cat/a,b.png", "dog/\"x\".png", "plain.png");
        ByteArrayOutputStream listed = new ByteArrayOutputStream(), streamed = new ByteArrayOutputStream();
        PredictionsCsv a = new PredictionsCsv(listed, false, names), b = new PredictionsCsv(streamed, false, true);
        for (int n = 0; n < names.size(); n++) {
            a.row(n, n, 0.5f, -1);
            b.row(n, n, 0.5f, -1, names.get(n));
        }
        a.flush();
        b.flush();
        assertEquals("index,cluster,confidence,file\n0,0,0.500000,\"cat/a,b.png\"\n1,1,0.500000,\"dog/\"\"x\"\".png\"\n2,2,0.500000,plain.png\n",
                listed.toString(StandardCharsets.UTF_8));
        assertEquals(listed.toString(StandardCharsets.UTF_8), streamed.toString(StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.row(3, 0, 0.5f, -1, null));
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        PredictionsCsv c = new PredictionsCsv(none, true, false);
        c.row(0, 1, 0.25f, 2, "ignored.png");
        c.flush();
        assertEquals("index,cluster,confidence,label\n0,1,0.250000,2\n", none.toString(StandardCharsets.UTF_8));
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
        // as the readers read them (Records), each record on the line it starts on
        PredictionsCsv.Records records = new PredictionsCsv.Records(new java.io.StringReader(out.toString(StandardCharsets.UTF_8)), 0);
        assertEquals("index,cluster,confidence,label,file", records.next());
        int line = 2;
        for (int n = 0; n < names.size(); n++) {
            records.next();
            String[] f = records.fields();
            assertArrayEquals(new String[] {Integer.toString(n), Integer.toString(n % 7), "0.250000", Integer.toString(n % 3), names.get(n)}, f,
                    "row " + n);
            assertEquals(line, records.line(), "row " + n);
            line += 1 + names.get(n).replace("\r\n", "\n").replace('\r', '\n').chars().filter(c -> c == '\n').count();
        }
        assertEquals(null, records.next());
    }
}
