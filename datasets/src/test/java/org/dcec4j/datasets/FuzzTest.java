package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random and mutated IDX and .jf inputs: the readers must return a valid data set or throw a
 * DatasetException; nothing else (no OutOfMemoryError, no other exception, no hang: the timeout is
 * a guard against hangs, far above the normal few seconds).
 */
class FuzzTest {
    static final int CASES = 2500;

    /** Mutations: flip bytes, overwrite a header int, truncate, append, duplicate a slice. */
    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(6)) {
            case 0:
                for (int k = 1 + r.nextInt(4); k > 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
                return b;
            case 1:
                if (b.length >= 8) {
                    int at = 4 * r.nextInt(Math.min(4, b.length / 4));
                    int v = r.nextBoolean() ? r.nextInt() : r.nextInt(100);
                    b[at] = (byte) (v >>> 24);
                    b[at + 1] = (byte) (v >>> 16);
                    b[at + 2] = (byte) (v >>> 8);
                    b[at + 3] = (byte) v;
                }
                return b;
            case 2:
                return Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 3:
                byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(20));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) r.nextInt(256);
                }
                return longer;
            case 4:
                if (b.length > 2) {
                    int from = r.nextInt(b.length - 1);
                    int to = from + 1 + r.nextInt(b.length - from - 1);
                    byte[] dup = new byte[b.length + (to - from)];
                    System.arraycopy(b, 0, dup, 0, to);
                    System.arraycopy(b, from, dup, to, to - from);
                    System.arraycopy(b, to, dup, 2 * to - from, b.length - to);
                    return dup;
                }
                return b;
            default:
                byte[] random = new byte[r.nextInt(64)];
                r.nextBytes(random);
                return random;
        }
    }

    private static void check(String what, byte[] input, Function<byte[], Dataset> reader, int[] outcomes) {
        try {
            Dataset d = reader.apply(input);
            assertTrue(d.size() > 0);
            assertEquals((long) d.size() * d.imageSize(), d.images().length);
            outcomes[0]++;
        } catch (DatasetException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            outcomes[1]++;
        } catch (Throwable t) {
            fail(what + ": " + t + " for input " + Arrays.toString(Arrays.copyOf(input, Math.min(64, input.length))), t);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void idx() {
        Random r = new Random(20240601);
        byte[][] seeds = {Fixtures.mnistLike(3, 4, 5)[0], Fixtures.mnistLike(3, 4, 5)[1], Fixtures.mnistLike(1, 1, 1)[0]};
        int[] outcomes = new int[2];
        for (int c = 0; c < CASES; c++) {
            byte[] seed = seeds[r.nextInt(seeds.length)];
            byte[] input = mutate(seed, r);
            if (r.nextInt(3) == 0) {
                input = r.nextBoolean() ? Fixtures.gzip(input) : mutate(Fixtures.gzip(input), r);
            }
            check("idx case " + c, input, b -> {
                IdxReader.Idx idx = IdxReader.parse("fuzz", b);
                return IdxReader.toDataset("f", "fuzz", idx.dims().length == 3 ? idx : IdxReader.parse("fuzz", seeds[0]),
                        "fuzz", idx.dims().length == 1 ? idx : null);
            }, outcomes);
        }
        // both outcomes occur, so the mutations neither all pass nor all fail
        assertTrue(outcomes[0] > 50 && outcomes[1] > 500, Arrays.toString(outcomes));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jf() {
        Random r = new Random(77);
        String base = "10 4\n3 0 0.052 1.29 2\n7 2 1 0.5 0\n0 1 1 1 1\n-1\n";
        byte[] seed = base.getBytes(StandardCharsets.US_ASCII);
        byte[] alphabet = "0123456789.- \n\r-1eNaInf".getBytes(StandardCharsets.US_ASCII);
        int[] outcomes = new int[2];
        for (int c = 0; c < CASES; c++) {
            byte[] input;
            int kind = r.nextInt(4);
            if (kind == 0) {
                input = new byte[r.nextInt(80)];
                for (int i = 0; i < input.length; i++) {
                    input[i] = alphabet[r.nextInt(alphabet.length)];
                }
            } else if (kind == 1) {
                // textual mutation: replace one character by one from the alphabet
                input = seed.clone();
                input[r.nextInt(input.length)] = alphabet[r.nextInt(alphabet.length)];
            } else if (kind == 2) {
                input = mutate(seed, r);
            } else {
                input = mutate(Fixtures.gzip(r.nextBoolean() ? seed : mutate(seed, r)), r);
            }
            check("jf case " + c, input, b -> UspsReader.parseJf("f", "fuzz", b), outcomes);
            check("esl case " + c, input, b -> UspsReader.parseEsl("f", "fuzz", b), new int[2]);
        }
        assertTrue(outcomes[0] > 50 && outcomes[1] > 500, Arrays.toString(outcomes));
    }

    /** Random bytes after valid gzip data are always an error naming their offset; another member is not. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void gzipTrailers() {
        Random r = new Random(31);
        for (int c = 0; c < 500; c++) {
            byte[] raw = Fixtures.mnistLike(1 + r.nextInt(4), 1 + r.nextInt(4), 1 + r.nextInt(4))[0];
            byte[] gz = Fixtures.gzip(raw);
            byte[] tail = new byte[1 + r.nextInt(40)];
            r.nextBytes(tail);
            boolean member = r.nextInt(4) == 0;
            if (member) {
                tail = Fixtures.gzip(new byte[0]);
            } else if ((tail[0] & 0xFF) == 0x1f) {
                tail[0] = 0;
            }
            byte[] input = Arrays.copyOf(gz, gz.length + tail.length);
            System.arraycopy(tail, 0, input, gz.length, tail.length);
            if (member) {
                assertArrayEquals(IdxReader.parse("t", raw).data(), IdxReader.parse("t", input).data());
                continue;
            }
            try {
                IdxReader.parse("t", input);
                fail("case " + c + ": " + tail.length + " bytes after the gzip data were accepted");
            } catch (DatasetException e) {
                assertTrue(e.getMessage().startsWith("t: at byte " + gz.length + ": expected the end of the file after the gzip data"), e.getMessage());
            }
        }
    }
}
