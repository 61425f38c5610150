package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoErrorsTest {

    /** UTF-8 text reads as it is; the first byte that UTF-8 cannot decode is named with its offset (counted by hand). */
    @Test
    void readUtf8NamesTheFirstByteThatIsNotUtf8(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.json");
        Files.write(f, "{\"x\": \"é€😀\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"x\": \"é€😀\"}", IoErrors.readUtf8(f));
        // '{' '"' 'x' '"' ':' ' ' '"' = bytes 0..6; 0xE9 (Latin-1 é) at 7 starts a three-byte sequence that '"' breaks
        Files.write(f, "{\"x\": \"é\"}".getBytes(StandardCharsets.ISO_8859_1));
        FileSystemException e = assertThrows(FileSystemException.class, () -> IoErrors.readUtf8(f));
        assertEquals(f + ": byte 7 (0xe9) is not UTF-8", IoErrors.describe(e));
        // a sequence cut by the end of the file: 0xE2 0x82 of '€' (E2 82 AC) at offsets 2 and 3
        Files.write(f, new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82});
        e = assertThrows(FileSystemException.class, () -> IoErrors.readUtf8(f));
        assertEquals(f + ": byte 2 (0xe2) is not UTF-8", IoErrors.describe(e));
        // a missing file is the JDK's NoSuchFileException, named
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> IoErrors.readUtf8(dir.resolve("none")));
        assertEquals(dir.resolve("none") + ": no such file or folder", IoErrors.describe(n));
    }
}
