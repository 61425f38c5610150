package org.dcec4j.engine.kernels;

import org.dcec4j.engine.nn.Padding;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One comparison case per method of {@link Kernels}: runs the fast kernels and the scalar reference on
 * many shapes and requires identical bits (sizes that are not multiples of any lane count, batch 1, stride 1 and 2, asymmetric
 * padding, reductions longer than one KC block, accumulate on and off) and records every mismatch.
 * Run in forked JVMs (one per species width) by {@link EquivalenceMain}; {@link KernelEquivalenceTest} starts them and
 * checks in-process that every Kernels method has a case. No class here touches jdk.incubator.vector.
 */
final class KernelCases {
    private KernelCases() {}

    interface Case {
        void run(Kernels fast, Kernels ref, Random rnd, List<String> failures);
    }

    /** Method key → case; the key includes parameter types so an overload needs its own case. */
    static final Map<String, Case> CASES = new LinkedHashMap<>();

    /**
     * The largest product a case runs, in multiply-adds (a convolution's N·K·OH·OW·C·KH·KW, a product's M·N·K, an Adam
     * step's length); larger geometries are drawn and skipped, so the random inputs of the others do not change with it.
     * Unlimited but in the fork without the FMA instruction ({@link JitModeEquivalenceTest}), where {@code Math.fma}
     * takes microseconds and the whole set would take more than ten minutes.
     */
    static long maxMacs = Long.MAX_VALUE;

    static String key(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    static {
        CASES.put("name()", (fast, ref, rnd, f) -> {
            String n = fast.name();
            String bits = System.getProperty("dcec4j.vector.bits");
            if (!n.startsWith("vector(")) f.add("name() should start with 'vector(': " + n);
            if (bits != null && !n.contains(bits + "-bit")) f.add("name() should state " + bits + "-bit: " + n);
        });
        CASES.put("conv2dForward(float[],float[],float[],float[],Activation,ConvGeometry)", (fast, ref, rnd, f) -> {
            // every geometry with and without a bias (each tile form starts its chains from both)
            for (ConvGeometry g : geometries(rnd)) for (boolean withBias : new boolean[] {true, false}) {
                float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
                float[] b = withBias ? random(rnd, g.K) : null;
                Activation act = rnd.nextBoolean() ? Activation.RELU : Activation.NONE;
                float[] want = filled(g.outputSize(), Float.NaN), got = filled(g.outputSize(), 7f);
                ref.conv2dForward(want, x, w, b, act, g);
                fast.conv2dForward(got, x, w, b, act, g);
                compare("conv2dForward " + g + (b == null ? " no bias " : " bias ") + act, got, want, f);
            }
        });
        CASES.put("convTranspose2dForward(float[],float[],float[],float[],Activation,ConvGeometry)", (fast, ref, rnd, f) -> {
            for (ConvGeometry g : geometries(rnd)) {
                float[] x = random(rnd, g.outputSize()), w = random(rnd, g.weightSize());
                float[] b = rnd.nextBoolean() ? random(rnd, g.C) : null;
                Activation act = rnd.nextBoolean() ? Activation.RELU : Activation.NONE;
                float[] want = filled(g.inputSize(), Float.NaN), got = filled(g.inputSize(), 7f);   // written
                ref.convTranspose2dForward(want, x, w, b, act, g);
                fast.convTranspose2dForward(got, x, w, b, act, g);
                compare("convTranspose2dForward " + g + (b == null ? " no bias " : " bias ") + act, got, want, f);
            }
        });
        CASES.put("reluForward(float[],float[],int)", (fast, ref, rnd, f) -> {
            for (int n : reluSizes()) {
                float[] x = withZeros(rnd, random(rnd, n));
                float[] want = filled(n, Float.NaN), got = filled(n, 7f);
                ref.reluForward(want, x, n);
                fast.reluForward(got, x, n);
                compare("reluForward n=" + n, got, want, f);
            }
        });
        CASES.put("reluBackward(float[],float[],float[],int,boolean)", (fast, ref, rnd, f) -> {
            for (int n : reluSizes()) {
                float[] y = withZeros(rnd, random(rnd, n)), dy = random(rnd, n);
                for (int i = 0; i < n; i++) y[i] = Math.max(y[i], 0f);    // a ReLU output: ≥ 0, many exact zeros
                for (int i = 0; i < n; i += 7) dy[i] = -0f;             // −0 gradients: written must still equal 0 + dy
                float[] want = random(rnd, n), got = want.clone();      // accumulated
                ref.reluBackward(want, dy, y, n, true);
                fast.reluBackward(got, dy, y, n, true);
                compare("reluBackward accumulated n=" + n, got, want, f);
                // written: old contents ignored, and the same bits as accumulating into zeros
                float[] zeros = new float[n], written = filled(n, Float.NaN), fastWritten = filled(n, 7f);
                ref.reluBackward(zeros, dy, y, n, true);
                ref.reluBackward(written, dy, y, n, false);
                fast.reluBackward(fastWritten, dy, y, n, false);
                compare("reluBackward written (scalar) against accumulated into zeros n=" + n, written, zeros, f);
                compare("reluBackward written n=" + n, fastWritten, written, f);
                // in place (dx = dy, as Activation.backward does inside a step arena): the same bits again
                float[] inPlace = dy.clone(), fastInPlace = dy.clone();
                ref.reluBackward(inPlace, inPlace, y, n, false);
                fast.reluBackward(fastInPlace, fastInPlace, y, n, false);
                compare("reluBackward in place (scalar) against written n=" + n, inPlace, written, f);
                compare("reluBackward in place n=" + n, fastInPlace, written, f);
            }
        });
        CASES.put("conv2dBackwardInput(float[],float[],float[],ConvGeometry)", (fast, ref, rnd, f) -> {
            for (ConvGeometry g : geometries(rnd)) {
                float[] dy = random(rnd, g.outputSize()), w = random(rnd, g.weightSize());
                float[] want = random(rnd, g.inputSize()), got = want.clone();   // accumulated
                ref.conv2dBackwardInput(want, dy, w, g);
                fast.conv2dBackwardInput(got, dy, w, g);
                compare("conv2dBackwardInput " + g, got, want, f);
            }
        });
        CASES.put("conv2dBackwardWeight(float[],float[],float[],ConvGeometry)", (fast, ref, rnd, f) -> {
            for (ConvGeometry g : geometries(rnd)) {
                float[] dy = random(rnd, g.outputSize()), x = random(rnd, g.inputSize());
                float[] want = random(rnd, g.weightSize()), got = want.clone();  // accumulated
                ref.conv2dBackwardWeight(want, dy, x, g);
                fast.conv2dBackwardWeight(got, dy, x, g);
                compare("conv2dBackwardWeight " + g, got, want, f);
            }
        });
        CASES.put("conv2dBackward(float[],float[],float[],float[],float[],float[],ConvGeometry)", (fast, ref, rnd, f) -> {
            // against the separate calls of the reference; each gradient wanted or not (null) at random, all three in
            // one case out of two
            for (ConvGeometry g : geometries(rnd)) {
                float[] dy = random(rnd, g.outputSize()), x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
                boolean all = rnd.nextBoolean(), wantX = all || rnd.nextBoolean(), wantW = all || rnd.nextBoolean(),
                        wantB = all || rnd.nextBoolean();
                float[] dxWant = filled(g.inputSize(), Float.NaN), dxGot = filled(g.inputSize(), 7f);   // written
                float[] dwWant = random(rnd, g.weightSize()), dwGot = dwWant.clone();                   // accumulated
                float[] dbWant = random(rnd, g.K), dbGot = dbWant.clone();                              // accumulated
                if (wantX) ref.convTranspose2dForward(dxWant, dy, w, null, Activation.NONE, g);
                if (wantW) ref.conv2dBackwardWeight(dwWant, dy, x, g);
                if (wantB) ref.biasBackward(dbWant, dy, g.N, g.K, g.OH * g.OW);
                fast.conv2dBackward(wantX ? dxGot : null, wantW ? dwGot : null, wantB ? dbGot : null, dy, x, w, g);
                if (wantX) compare("conv2dBackward dx " + g, dxGot, dxWant, f);
                compare("conv2dBackward dw " + g + (wantW ? "" : " (not wanted: unchanged)"), dwGot, dwWant, f);
                compare("conv2dBackward db " + g + (wantB ? "" : " (not wanted: unchanged)"), dbGot, dbWant, f);
            }
        });
        CASES.put("convTranspose2dBackward(float[],float[],float[],float[],float[],float[],ConvGeometry)", (fast, ref, rnd, f) -> {
            for (ConvGeometry g : geometries(rnd)) {
                // the transposed convolution maps [N, K, OH, OW] (x) to [N, C, H, W] (its output, whose gradient is dy)
                float[] dy = random(rnd, g.inputSize()), x = random(rnd, g.outputSize()), w = random(rnd, g.weightSize());
                boolean all = rnd.nextBoolean(), wantX = all || rnd.nextBoolean(), wantW = all || rnd.nextBoolean(),
                        wantB = all || rnd.nextBoolean();
                float[] dxWant = filled(g.outputSize(), Float.NaN), dxGot = filled(g.outputSize(), 7f);
                float[] dwWant = random(rnd, g.weightSize()), dwGot = dwWant.clone();
                float[] dbWant = random(rnd, g.C), dbGot = dbWant.clone();
                if (wantX) ref.conv2dForward(dxWant, dy, w, null, Activation.NONE, g);
                if (wantW) ref.conv2dBackwardWeight(dwWant, x, dy, g);
                if (wantB) ref.biasBackward(dbWant, dy, g.N, g.C, g.H * g.W);
                fast.convTranspose2dBackward(wantX ? dxGot : null, wantW ? dwGot : null, wantB ? dbGot : null, dy, x, w, g);
                if (wantX) compare("convTranspose2dBackward dx " + g, dxGot, dxWant, f);
                compare("convTranspose2dBackward dw " + g + (wantW ? "" : " (not wanted: unchanged)"), dwGot, dwWant, f);
                compare("convTranspose2dBackward db " + g + (wantB ? "" : " (not wanted: unchanged)"), dbGot, dbWant, f);
            }
        });
        CASES.put("biasBackward(float[],float[],int,int,int)", (fast, ref, rnd, f) -> {
            // image ranges (N ≥ 8), rows with whole groups of 16 and a tail, rows shorter than 16
            int[][] shapes = {{1, 1, 1}, {3, 5, 1}, {2, 37, 1}, {256, 10, 1}, {1, 3, 7}, {2, 4, 49},
                              {3, 5, 196}, {2, 33, 9}, {5, 2, 17}, {11, 5, 37}, {9, 3, 16}, {20, 2, 200}, {64, 33, 1}};
            for (int[] s : shapes) {
                float[] dy = random(rnd, s[0] * s[1] * s[2]);
                float[] want = random(rnd, s[1]), got = want.clone();
                ref.biasBackward(want, dy, s[0], s[1], s[2]);
                fast.biasBackward(got, dy, s[0], s[1], s[2]);
                compare("biasBackward N" + s[0] + " K" + s[1] + " S" + s[2], got, want, f);
            }
        });
        CASES.put("matmulNT(float[],float[],float[],int,int,int,boolean)", (fast, ref, rnd, f) ->
                matmuls(fast, ref, rnd, f, "NT"));
        CASES.put("matmulNN(float[],float[],float[],int,int,int,boolean)", (fast, ref, rnd, f) ->
                matmuls(fast, ref, rnd, f, "NN"));
        CASES.put("matmulTN(float[],float[],float[],int,int,int,boolean)", (fast, ref, rnd, f) ->
                matmuls(fast, ref, rnd, f, "TN"));
        CASES.put("adamStep(float[],float[],float[],float[],int,float,float,float,float)", (fast, ref, rnd, f) -> {
            for (int n : new int[] {1, 3, 7, 8, 15, 16, 17, 33, 1000, (1 << 14) + 5, 40_011}) {
                if (n > maxMacs) continue;
                float[] p = random(rnd, n), m = random(rnd, n), v = abs(random(rnd, n)), g = random(rnd, n);
                float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
                ref.adamStep(p, m, v, g, n, 0.9f, 0.999f, 1e-3f, 1e-7f);
                fast.adamStep(p2, m2, v2, g, n, 0.9f, 0.999f, 1e-3f, 1e-7f);
                compare("adamStep n=" + n + " param", p2, p, f);
                compare("adamStep n=" + n + " m", m2, m, f);
                compare("adamStep n=" + n + " v", v2, v, f);
            }
        });
    }

    /** Lengths around lane multiples and across the vector kernels' ReLU chunk (2^15). */
    private static int[] reluSizes() { return new int[] {1, 3, 7, 8, 15, 16, 17, 33, 1000, (1 << 15) + 5, 70_001}; }

    /** Sets about a tenth of the entries to exactly 0 (the ReLU kink). */
    private static float[] withZeros(Random rnd, float[] a) {
        for (int i = 0; i < a.length; i++) if (rnd.nextInt(10) == 0) a[i] = 0f;
        return a;
    }

    private static void matmuls(Kernels fast, Kernels ref, Random rnd, List<String> f, String kind) {
        int[][] shapes = {{1, 1, 1}, {1, 17, 3}, {7, 1, 5}, {13, 19, 23}, {6, 16, 8}, {33, 10, 300},
                          {256, 10, 40}, {10, 40, 256}, {5, 300, 9}, {300, 7, 2}, {4, 5, 0},
                          // a narrow side with A read in place (the dense layers' 10 clusters): several blocks of
                          // the reduction, an edge row tile; and the narrow side exactly one tile wide (NR at 512 bits);
                          // the narrow tiles (one vector wide at 512 bits): exactly one vector, a single column
                          {41, 10, 600}, {20, 32, 270}, {40, 16, 300}, {17, 1, 50}};
        for (int[] s : shapes) {
            int M = s[0], N = s[1], K = s[2];
            if ((long) M * N * K > maxMacs) continue;
            for (boolean acc : new boolean[] {false, true}) {
                float[] a = random(rnd, M * K), b = random(rnd, K * N);
                float[] want = acc ? random(rnd, M * N) : filled(M * N, Float.NaN);
                float[] got = acc ? want.clone() : filled(M * N, 3f);
                String what = "matmul" + kind + " M" + M + " N" + N + " K" + K + (acc ? " accumulate" : "");
                switch (kind) {
                    case "NT": ref.matmulNT(want, a, b, M, N, K, acc); fast.matmulNT(got, a, b, M, N, K, acc); break;
                    case "NN": ref.matmulNN(want, a, b, M, N, K, acc); fast.matmulNN(got, a, b, M, N, K, acc); break;
                    default:   ref.matmulTN(want, a, b, M, N, K, acc); fast.matmulTN(got, a, b, M, N, K, acc); break;
                }
                compare(what, got, want, f);
            }
        }
    }

    /** The DCEC layers at batch 2 and 1, plus random small geometries (asymmetric padding, odd sizes). */
    static List<ConvGeometry> geometries(Random rnd) {
        List<ConvGeometry> gs = new ArrayList<>();
        for (int H : new int[] {28, 16}) {
            int N = H == 28 ? 2 : 1;
            gs.add(Padding.same().geometry(N, 1, H, H, 32, 5, 5, 2));
            gs.add(Padding.same().geometry(N, 32, H / 2, H / 2, 64, 5, 5, 2));
            gs.add(H % 8 == 0 ? Padding.same().geometry(N, 64, H / 4, H / 4, 128, 3, 3, 2)
                              : Padding.valid().geometry(N, 64, H / 4, H / 4, 128, 3, 3, 2));
        }
        // reduction longer than one KC block on every side: CKK = 300, K = 260, N·P > 256
        gs.add(new ConvGeometry(3, 12, 9, 7, 260, 5, 5, 1, 2, 2, 1, 0, 2));
        gs.add(new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0));
        gs.add(new ConvGeometry(2, 3, 5, 4, 7, 3, 2, 2, 1, 1, 0, 0, 1));
        // wider inputs (C >= 12, more than two row micro-tiles) with a kernel smaller than the stride (input
        // pixels no tap reaches), stride 3 with asymmetric padding, padding as large as the kernel
        gs.add(new ConvGeometry(2, 13, 7, 6, 5, 1, 1, 2, 2, 0, 0, 0, 0));
        gs.add(new ConvGeometry(1, 14, 11, 9, 3, 3, 4, 3, 2, 2, 1, 0, 3));
        gs.add(new ConvGeometry(2, 12, 5, 5, 7, 5, 5, 2, 2, 4, 4, 3, 4));
        gs.add(new ConvGeometry(3, 20, 6, 7, 9, 2, 3, 2, 3, 1, 0, 2, 1));
        // long weight-gradient reductions cut into several ranges (NP = 4320: 8 ranges; NP = 1024: 2 ranges,
        // with C = 33 ≥ NR at every width, so the channels-last path runs with partial panels)
        gs.add(new ConvGeometry(3, 2, 40, 36, 5, 3, 3, 1, 1, 1, 1, 1, 1));
        gs.add(new ConvGeometry(4, 33, 16, 16, 7, 3, 3, 1, 1, 1, 1, 1, 1));
        // conv1 at 8 images: NP = 1568 in 3 ranges that start and end inside images, dY read in place
        gs.add(Padding.same().geometry(8, 1, 28, 28, 32, 5, 5, 2));
        // forward products over several chunks of images whose columns straddle images and end in a partial
        // panel (K a multiple of NR at every width; P = 49 and P = 21, one of them with vertical stride only)
        gs.add(new ConvGeometry(13, 16, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1));
        gs.add(new ConvGeometry(5, 9, 5, 7, 128, 3, 5, 2, 1, 2, 0, 1, 3));
        // channels-last weight gradient whose two reduction ranges meet inside an image (NP = 1296: 648 = 4.5 images
        // each), so each range pads a partial first or last image of its own
        gs.add(new ConvGeometry(9, 33, 12, 12, 5, 3, 3, 1, 1, 1, 1, 1, 1));
        // conv2's shape at 21 images: NP = 1029 in 2 ranges that meet inside image 10, each walked in groups of five
        // images (KC / P = 256 / 49), so a group starts inside an image and the chains carry across groups
        gs.add(Padding.same().geometry(21, 32, 14, 14, 8, 5, 5, 2));
        // the direct forward (C·KH·KW ≤ 32, output rows filling ¾ of their vectors): K not a multiple of its 4-channel
        // tiles, 13 row segments per image at 512 bits (a last tile with one segment), rows cut into 2 or 4 segments
        // below; and stride 1
        gs.add(new ConvGeometry(3, 2, 26, 26, 6, 3, 3, 2, 2, 1, 1, 1, 0));
        gs.add(new ConvGeometry(2, 1, 14, 14, 5, 5, 5, 1, 1, 2, 2, 2, 2));
        // conv1 at 11 images: the direct forward in two chunks (8 images, then 3)
        gs.add(Padding.same().geometry(11, 1, 28, 28, 32, 5, 5, 2));
        // the channel-major backward-input (C < lanes) over several chunks of images: conv1's shape at 20 images, and
        // two channels with stride 3 across and 2 down, asymmetric padding and a kernel wider than the stride
        gs.add(new ConvGeometry(20, 1, 28, 28, 6, 5, 5, 2, 2, 2, 1, 2, 1));
        gs.add(new ConvGeometry(19, 2, 7, 40, 3, 3, 4, 2, 3, 1, 0, 2, 1));
        // no padding (conv3's shape at 28×28) over several forward chunks: all but the last read x in place
        gs.add(new ConvGeometry(70, 64, 7, 7, 16, 3, 3, 2, 2, 0, 0, 0, 0));
        // the forward with the batch in the lanes (CKK > 32, N ≥ L at every width): conv2's shape at 20 images (a last
        // chunk of 4 at 512 bits); and 19 images with C·H·W = 378, K·P = 325 and K = 13 (no multiple of any lane count
        // or channel tile), an odd P = 25 (a last pixel alone), stride 2 down and 1 across, asymmetric padding
        gs.add(Padding.same().geometry(20, 32, 14, 14, 64, 5, 5, 2));
        gs.add(new ConvGeometry(19, 7, 9, 6, 13, 3, 3, 2, 1, 1, 2, 0, 1));
        int[] Ks = {1, 3, 7, 17, 33};
        while (gs.size() < 36) {
            int N = 1 + rnd.nextInt(3), C = 1 + rnd.nextInt(5), H = 1 + rnd.nextInt(12), W = 1 + rnd.nextInt(12);
            int K = Ks[rnd.nextInt(Ks.length)], KH = 1 + rnd.nextInt(5), KW = 1 + rnd.nextInt(5);
            int SH = 1 + rnd.nextInt(2), SW = 1 + rnd.nextInt(2);
            int PT = rnd.nextInt(3), PB = rnd.nextInt(3), PL = rnd.nextInt(3), PR = rnd.nextInt(3);
            if (H + PT + PB < KH || W + PL + PR < KW) continue;
            gs.add(new ConvGeometry(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR));
        }
        gs.removeIf(g -> (long) g.N * g.K * g.OH * g.OW * g.C * g.KH * g.KW > maxMacs);
        return gs;
    }

    static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2f - 1f;
        return a;
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    static float[] abs(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
        return a;
    }

    /**
     * FNV-1a over the bits of every reference output {@link #compare} has seen, in case order. The inputs are seeded, so
     * the value is a function of the scalar arithmetic alone: JVMs started with other JIT flags must print the same one
     * ({@link JitModeEquivalenceTest}).
     */
    static long referenceDigest = 0xcbf29ce484222325L;

    /**
     * Records the first element whose bits differ. The vector kernels add up every sum in the order the
     * scalar reference uses ({@link ReductionOrder}), so they must agree exactly; a written output that a
     * kernel forgot to write keeps its fill value (NaN in the reference, 7 or 3 in the fast one) and differs too.
     */
    static void compare(String what, float[] got, float[] want, List<String> failures) {
        for (float v : want) referenceDigest = (referenceDigest ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                failures.add(what + ": element " + i + " is " + got[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[i]))
                        + "), reference " + want[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[i])) + ")");
                return;
            }
        }
    }
}
