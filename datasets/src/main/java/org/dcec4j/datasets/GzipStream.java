package org.dcec4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip decompressor that accepts exactly RFC 1952: one or more members (header, deflate data, CRC-32 and
 * size trailer), each checked, and nothing after the last one. The JDK's GZIPInputStream ignores whatever
 * follows the first member when it does not look like another header; here any trailing byte is a
 * {@link DatasetException} naming the file and the byte offset in it. Every failure is a DatasetException
 * (truncation, a corrupt stream, a wrong CRC-32 or size), never another exception.
 */
final class GzipStream extends InputStream {
    /** Header flags (FTEXT, bit 0, is only a hint). */
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0;

    private final InputStream in;
    private final String source;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    /** The CRC-32 of the current member's header so far, whose low 16 bits an FHCRC field holds. */
    private final CRC32 headerCrc = new CRC32();
    private final byte[] buf = new byte[1 << 16];
    /** buf[pos..len) holds compressed bytes not yet consumed; buf[0] is at file offset bufStart. */
    private int pos, len;
    private long bufStart;
    /** Decompressed bytes of the current member (for the size in its trailer). */
    private long memberBytes;
    private boolean end;

    /** Reads and checks the first member's header; a refused header ends the inflater's native memory at once. */
    GzipStream(InputStream in, String source) {
        this.in = in;
        this.source = source;
        try {
            readHeader();
        } catch (RuntimeException e) {
            inflater.end();
            throw e;
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int r = read(one, 0, 1);
        return r < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int n) {
        if (n == 0) {
            return 0;
        }
        while (!end) {
            if (inflater.needsInput()) {
                if (pos == len && !fill()) {
                    throw truncated();
                }
                inflater.setInput(buf, pos, len - pos);
            }
            int k;
            try {
                k = inflater.inflate(b, off, n);
            } catch (DataFormatException e) {
                throw new DatasetException(source + ": at byte " + offset() + ": expected a valid gzip stream, found corrupt data ("
                        + e.getMessage() + ")", e);
            }
            pos = len - inflater.getRemaining();
            if (k > 0) {
                crc.update(b, off, k);
                memberBytes += k;
                return k;
            }
            if (inflater.finished()) {
                readTrailer();
                if (!nextMember()) {
                    end = true;
                }
            } else if (inflater.needsDictionary()) {
                throw new DatasetException(source + ": at byte " + offset() + ": expected a valid gzip stream, found a preset dictionary");
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** The file offset of the next compressed byte. */
    private long offset() {
        return bufStart + pos;
    }

    private boolean fill() {
        try {
            bufStart += len;
            pos = 0;
            len = 0;
            int r = in.read(buf, 0, buf.length);
            if (r <= 0) {
                return false;
            }
            len = r;
            return true;
        } catch (IOException e) {
            throw new DatasetException(IoErrors.describe(source, e), e);
        }
    }

    /** The next compressed byte, or -1 at the end of the file. */
    private int rawByte() {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    private int need() {
        int v = rawByte();
        if (v < 0) {
            throw truncated();
        }
        return v;
    }

    /** The end of the file inside a member: at byte N, the file's length (it said "at gzip stream", no position). */
    private DatasetException truncated() {
        return DatasetException.at(source, "byte " + offset(), "more gzip data", "the end of the file (truncated download?)");
    }

    private void readHeader() {
        long at = offset();
        int id1 = rawByte();
        int id2 = rawByte();
        if (id1 != 0x1f || id2 != 0x8b) {
            throw DatasetException.at(source, "byte " + at, "the gzip magic 1f 8b", id1 < 0 || id2 < 0 ? "the end of the file"
                    : String.format("%02x %02x", id1, id2));
        }
        header(at);
    }

    /** The rest of a member header after the magic at {@code at}. */
    private void header(long at) {
        headerCrc.reset();
        headerCrc.update(0x1f);
        headerCrc.update(0x8b);
        int cm = headerByte();
        if (cm != 8) {
            throw DatasetException.at(source, "byte " + (at + 2), "gzip compression method 8 (deflate)", Integer.toString(cm));
        }
        int flags = headerByte();
        if ((flags & RESERVED) != 0) {
            throw DatasetException.at(source, "byte " + (at + 3), "gzip flags without the reserved bits", String.format("0x%02x", flags));
        }
        for (int i = 0; i < 6; i++) {
            headerByte();                             // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = headerByte() | (headerByte() << 8);
            for (int i = 0; i < xlen; i++) {
                headerByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte() != 0) {
                // the original file name, zero-terminated
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte() != 0) {
                // a comment, zero-terminated
            }
        }
        if ((flags & FHCRC) != 0) {
            // checked as RFC 1952 and the JDK's GZIPInputStream check it: it was skipped, a damaged header read as a good one
            long crcAt = offset();
            int stored = need() | (need() << 8);
            int expected = (int) (headerCrc.getValue() & 0xFFFF);
            if (stored != expected) {
                throw DatasetException.at(source, "byte " + crcAt, String.format("the header CRC-16 %04x (FHCRC)", expected),
                        String.format("%04x (corrupt header)", stored));
            }
        }
        inflater.reset();
        crc.reset();
        memberBytes = 0;
    }

    /** A byte of the member header, added to its CRC. */
    private int headerByte() {
        int v = need();
        headerCrc.update(v);
        return v;
    }

    private void readTrailer() {
        long at = offset();
        long storedCrc = 0;
        long storedSize = 0;
        for (int i = 0; i < 4; i++) {
            storedCrc |= (long) need() << (8 * i);
        }
        for (int i = 0; i < 4; i++) {
            storedSize |= (long) need() << (8 * i);
        }
        if (storedCrc != crc.getValue()) {
            throw DatasetException.at(source, "byte " + at, String.format("the CRC-32 %08x of the decompressed data", crc.getValue()),
                    String.format("%08x (corrupt data)", storedCrc));
        }
        if (storedSize != (memberBytes & 0xFFFFFFFFL)) {
            throw DatasetException.at(source, "byte " + (at + 4), "the decompressed size " + memberBytes + " (mod 2^32)",
                    storedSize + " (corrupt data)");
        }
    }

    /** After a member: true when another follows, false at the end of the file; anything else is an error. */
    private boolean nextMember() {
        long at = offset();
        int id1 = rawByte();
        if (id1 < 0) {
            return false;
        }
        int id2 = rawByte();
        if (id1 == 0x1f && id2 == 0x8b) {
            header(at);
            return true;
        }
        throw DatasetException.at(source, "byte " + at, "the end of the file after the gzip data (or another gzip member)",
                "more bytes: " + String.format("%02x", id1) + (id2 < 0 ? "" : String.format(" %02x", id2)) + " …");
    }
}
