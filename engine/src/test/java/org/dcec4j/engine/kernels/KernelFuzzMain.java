package org.dcec4j.engine.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.nn.Padding;

/**
 * Randomized (seeded) fuzz of every {@link Kernels} method: the scalar twin against the vector twin at 1, 2 and 3
 * threads, bit for bit, and the scalar twin against a naive double-precision loop written here (with a tolerance), so
 * that twins that agree but are both wrong show up too. Each species width needs its own JVM:
 * <pre>
 *   java --add-modules jdk.incubator.vector -Ddcec4j.vector.bits=W -cp … KernelFuzzMain SEED CASES [MAX_MACS] [ONLY]
 * </pre>
 * Bitwise equality with the scalar twin at every width implies equality across widths. Case i draws everything from
 * {@code new SplittableRandom(SEED * 1_000_003 + i)}, so one failing case reruns alone with {@code ONLY = i}.
 * Written outputs are pre-filled with NaN (scalar) and 7 (vector); arrays carry a random slack past their logical end
 * (filled with a sentinel that must survive), as a caller's reused buffers may. Exceptions are reported per method.
 * Prints one line per failure ("FAIL ...") and exits 1 if there is any.
 */
public final class KernelFuzzMain {

    static final float SENTINEL = -12345.5f;

    /** One random conv (or dense) case and its inputs; every array is exactly what all the twins receive. */
    static final class ConvCase {
        ConvGeometry g;
        String padKind;
        int slack;                       // floats past the logical end of every array
        float[] x, w, b, bc, dy, dyT, xT; // x[N,C,H,W] w[K,C,KH,KW] b[K] bc[C] dy[N,K,OH,OW] dyT[N,C,H,W] xT[N,K,OH,OW]
        float[] dxInit, dwInit, dbInit, dbCInit, dwTInit;
        Activation act, actT;
        boolean useBias, useBiasT;
        boolean wantX, wantW, wantB, wantXT, wantWT, wantBT;
    }

    static final class DenseCase {
        int M, N, K, slack;
        boolean acc;
        float[] aNT, bNT, aNN, bNN, aTN, bTN, cInit;
    }

    static final class PointCase {
        int n, slack;
        float[] x, y, dy, dxInit, p, m, v, g;
        float beta1, beta2, step, eps;
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int cases = Integer.parseInt(args[1]);
        long maxMacs = args.length > 2 ? Long.parseLong(args[2]) : 2_000_000L;
        int only = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        boolean skipDouble = Boolean.getBoolean("dcec4j.fuzz.noDouble");
        Kernels ref = new ScalarKernels();
        Kernels[] vec = {Backend.create(Backend.Kind.VECTOR, 1).kernels(), Backend.create(Backend.Kind.VECTOR, 2).kernels(),
                         Backend.create(Backend.Kind.VECTOR, 3).kernels()};
        System.out.println("kernels: " + vec[0].name() + " / " + vec[1].name() + " / " + vec[2].name()
                + ", seed " + seed + ", cases " + cases + ", maxMacs " + maxMacs);
        int bits = Integer.parseInt(vec[0].name().replaceAll("^vector\\((\\d+)-bit.*$", "$1"));
        boolean dcecOnly = Boolean.getBoolean("dcec4j.fuzz.dcecOnly");
        Map<String, Integer> coverage = new java.util.TreeMap<>();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        int convCases = 0, denseCases = 0, pointCases = 0;
        for (int i = 0; i < cases; i++) {
            if (only >= 0 && i != only) continue;
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
            specialsDrawn = false;
            int kind = rnd.nextInt(10);
            List<String> f = new ArrayList<>();
            String what;
            if (kind < 7 || dcecOnly) {
                ConvCase c = dcecOnly ? drawDcec(rnd) : drawConv(rnd, maxMacs);
                cover(coverage, c.g, bits);
                what = "case " + i + " conv " + c.g + " pad=" + c.padKind + " slack=" + c.slack;
                Map<String, float[]> want = runConv(ref, c, f, "scalar");
                for (Kernels k : vec) compareAll(what, k.name(), runConv(k, c, f, k.name()), want, f);
                if (!skipDouble && !specialsDrawn) checkConvAgainstDouble(what, c, want, f);
                convCases++;
            } else if (kind < 9) {
                DenseCase d = drawDense(rnd);
                what = "case " + i + " dense M" + d.M + " N" + d.N + " K" + d.K + (d.acc ? " accumulate" : "") + " slack=" + d.slack;
                Map<String, float[]> want = runDense(ref, d, f, "scalar");
                for (Kernels k : vec) compareAll(what, k.name(), runDense(k, d, f, k.name()), want, f);
                if (!skipDouble && !specialsDrawn) checkDenseAgainstDouble(what, d, want, f);
                denseCases++;
            } else {
                PointCase p = drawPoint(rnd);
                what = "case " + i + " pointwise n" + p.n + " slack=" + p.slack;
                Map<String, float[]> want = runPoint(ref, p, f, "scalar");
                for (Kernels k : vec) compareAll(what, k.name(), runPoint(k, p, f, k.name()), want, f);
                if (!skipDouble && !specialsDrawn) checkPointAgainstDouble(what, p, want, f);
                pointCases++;
            }
            for (String s : f) failures.add(what + ": " + s);
            if (!f.isEmpty()) System.out.println("FAIL " + what + ":\n    " + String.join("\n    ", f));
            System.out.flush();
        }
        System.out.println("paths (as the test predicts them from Tuning's rules at " + bits + " bits): " + coverage);
        System.out.printf("done: %d conv, %d dense, %d pointwise cases in %.1f s, %d failures%n",
                convCases, denseCases, pointCases, (System.nanoTime() - t0) / 1e9, failures.size());
        for (Kernels k : vec) ((AutoCloseable) k).close();
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    // ------------------------------------------------------------------ drawing

    private static final int[] INTERESTING_C = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 63, 64, 65, 70};
    private static final int[] INTERESTING_K = {1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65,
                                                96, 127, 128, 129, 140};
    private static final int[] INTERESTING_N = {1, 2, 3, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 29, 31, 32, 33, 37, 39, 40};

    private static int pick(SplittableRandom r, int[] a) { return a[r.nextInt(a.length)]; }

    /** Small sizes most of the time, the whole range sometimes. */
    private static int size(SplittableRandom r, int max, int[] interesting) {
        int m = r.nextInt(4);
        if (m == 0 && interesting != null) return pick(r, interesting);
        if (m == 1) return 1 + r.nextInt(max);
        return 1 + r.nextInt(Math.max(1, max / 4));
    }

    static ConvCase drawConv(SplittableRandom r, long maxMacs) {
        ConvCase c = new ConvCase();
        ConvGeometry g;
        for (;;) {
            int mode = r.nextInt(10);
            int N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR;
            String pad;
            if (mode == 0) {
                // a DCEC layer shape (28×28 / 16×16, 5×5 s2 same, 3×3 s2 same or valid) at a random batch
                int H0 = r.nextBoolean() ? 28 : 16, layer = r.nextInt(3);
                N = size(r, 40, INTERESTING_N);
                int[] Cs = {1, 32, 64}, Ks = {32, 64, 128};
                int[] Hs = {H0, H0 / 2, H0 / 4};
                int k = layer == 2 ? 3 : 5;
                boolean valid = layer == 2 && r.nextBoolean();
                Padding p = valid ? Padding.valid() : Padding.same();
                pad = valid ? "valid(dcec)" : "same(dcec)";
                g = p.geometry(N, Cs[layer], Hs[layer], Hs[layer], Ks[layer], k, k, 2);
                if (g.macs() > 4 * maxMacs) continue;
                c.g = g; c.padKind = pad;
                break;
            }
            N = size(r, 40, INTERESTING_N);
            C = size(r, 70, INTERESTING_C);
            K = size(r, 140, INTERESTING_K);
            H = 1 + r.nextInt(r.nextBoolean() ? 40 : 12);
            W = r.nextInt(3) == 0 ? H : 1 + r.nextInt(r.nextBoolean() ? 40 : 12);
            KH = 1 + r.nextInt(7);
            KW = r.nextInt(3) == 0 ? KH : 1 + r.nextInt(7);
            SH = 1 + r.nextInt(3);
            SW = r.nextInt(3) == 0 ? SH : 1 + r.nextInt(3);
            int pm = r.nextInt(4);
            if (pm == 0) {
                if (KH > H || KW > W) continue;
                try { g = Padding.valid().geometry(N, C, H, W, K, KH, KW, SH); } catch (IllegalArgumentException e) { continue; }
                pad = "valid";
            } else if (pm == 1) {
                try {
                    g = Padding.same().geometry(N, C, H, W, K, KH, KW, SH);
                } catch (IllegalArgumentException e) { continue; }
                pad = "same";
            } else {
                int maxPad = r.nextInt(4) == 0 ? 9 : 3;
                PT = r.nextInt(maxPad); PB = r.nextInt(maxPad); PL = r.nextInt(maxPad); PR = r.nextInt(maxPad);
                if (H + PT + PB < KH || W + PL + PR < KW) continue;
                g = new ConvGeometry(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR);
                pad = "explicit";
            }
            int bm = r.nextInt(6);
            int P = g.OH * g.OW;
            if (bm == 0) {
                // N·P right around a cut of the weight-gradient ranges (512·R, R = 1 … 8) or one past it
                int target = 512 * (1 + r.nextInt(9)) + r.nextInt(3) - 1;
                int n2 = Math.max(1, Math.min(40, target / P + r.nextInt(2)));
                g = g.withBatch(n2);
            } else if (bm == 1) {
                // G·P right around the forward chunk target (256 columns) or the direct form's (1536)
                int target = (r.nextBoolean() ? 256 : 1536) * (1 + r.nextInt(3));
                int n2 = Math.max(1, Math.min(40, target / P + r.nextInt(3) - 1));
                g = g.withBatch(n2);
            }
            if (g.macs() > maxMacs || (long) g.N * g.K * g.OH * g.OW > 4_000_000L) continue;
            c.g = g; c.padKind = pad;
            break;
        }
        fillConv(r, c);
        return c;
    }

    static void fillConv(SplittableRandom r, ConvCase c) {
        ConvGeometry g = c.g;
        c.slack = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 0;
        c.x = values(r, g.inputSize(), c.slack);
        c.w = values(r, g.weightSize(), c.slack);
        c.b = values(r, g.K, c.slack);
        c.bc = values(r, g.C, c.slack);
        c.dy = values(r, g.outputSize(), c.slack);
        c.dyT = values(r, g.inputSize(), c.slack);
        c.xT = values(r, g.outputSize(), c.slack);
        c.dxInit = values(r, g.inputSize(), c.slack);
        c.dwInit = values(r, g.weightSize(), c.slack);
        c.dwTInit = values(r, g.weightSize(), c.slack);
        c.dbInit = values(r, g.K, c.slack);
        c.dbCInit = values(r, g.C, c.slack);
        c.act = r.nextBoolean() ? Activation.RELU : Activation.NONE;
        c.actT = r.nextBoolean() ? Activation.RELU : Activation.NONE;
        c.useBias = r.nextInt(4) != 0;
        c.useBiasT = r.nextInt(4) != 0;
        c.wantX = r.nextInt(3) != 0; c.wantW = r.nextInt(3) != 0; c.wantB = r.nextInt(3) != 0;
        c.wantXT = r.nextInt(3) != 0; c.wantWT = r.nextInt(3) != 0; c.wantBT = r.nextInt(3) != 0;
    }

    /** DCEC's own layer shapes (conv1..3 and, through the same geometries, deconv1..3) at batches up to 256. */
    static ConvCase drawDcec(SplittableRandom r) {
        ConvCase c = new ConvCase();
        int H0 = r.nextBoolean() ? 28 : 16, layer = r.nextInt(3);
        int[] Ns = {256, 256, 112, 82, 1, 2, 3, 7, 17, 31, 64, 100, 128, 129, 255};
        int N = r.nextBoolean() ? Ns[r.nextInt(Ns.length)] : 1 + r.nextInt(256);
        int[] Cs = {1, 32, 64}, Ks = {32, 64, 128}, Hs = {H0, H0 / 2, H0 / 4};
        if (r.nextInt(4) == 0) { Cs[0] = 3; }                      // an RGB-like first layer
        int k = layer == 2 ? 3 : 5;
        boolean valid = layer == 2 && (H0 == 28 ? r.nextInt(4) != 0 : r.nextInt(4) == 0);
        c.g = (valid ? Padding.valid() : Padding.same()).geometry(N, Cs[layer], Hs[layer], Hs[layer], Ks[layer], k, k, 2);
        c.padKind = valid ? "valid(dcec)" : "same(dcec)";
        fillConv(r, c);
        return c;
    }

    static void cover(Map<String, Integer> cov, ConvGeometry g, int bits) {
        int L = bits / 32, NR = 2 * L, CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        int segs = (g.OW + L - 1) / L;
        boolean direct = CKK <= 32 && 4 * g.OW >= 3 * segs * L;
        boolean phases = g.SW > 1 && 5 * g.OW >= NR;
        boolean unpadded = g.PT == 0 && g.PB == 0 && g.PL == 0 && g.PR == 0;
        List<String> keys = new ArrayList<>();
        keys.add(direct ? "fwd.direct" : phases ? "fwd.packed.phases" : unpadded ? "fwd.packed.unpadded" : "fwd.packed.nchw");
        if (!direct && CKK > 256) keys.add("fwd.multiKC");
        if (g.N * P > 256) keys.add("fwd.multiChunk");
        keys.add(g.C >= L ? "bi.pixelMajor" : "bi.channelMajor");
        keys.add(g.K >= L ? "tfwdBwdDx.pixelMajor(K>=L)" : "tfwdBwdDx.channelMajor");
        keys.add(g.C >= NR ? "bw.channelsLast" : "bw.nchw");
        keys.add((CKK + NR - 1) / NR <= 4 ? "bw.dyInPlace" : "bw.dyPacked");
        keys.add("bw.R" + ReductionOrder.weightRanges(g.N * P));
        keys.add("bias.R" + ReductionOrder.biasRanges(g.N) + (P % 16 == 0 ? ".whole16" : P < 16 ? ".tailOnly" : ".groups+tail"));
        if (g.KH > g.H || g.KW > g.W) keys.add("kernel>input");
        if (g.KH < g.SH || g.KW < g.SW) keys.add("kernel<stride");
        for (String k : keys) cov.merge(k, 1, Integer::sum);
    }

    static DenseCase drawDense(SplittableRandom r) {
        DenseCase d = new DenseCase();
        int[] sides = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65,
                       96, 127, 128, 129, 255, 256, 257};
        for (;;) {
            d.M = r.nextBoolean() ? pick(r, sides) : 1 + r.nextInt(300);
            d.N = r.nextBoolean() ? pick(r, sides) : 1 + r.nextInt(300);
            d.K = r.nextInt(12) == 0 ? 0 : (r.nextBoolean() ? pick(r, sides) : 1 + r.nextInt(r.nextBoolean() ? 40 : 700));
            if ((long) d.M * d.N * Math.max(1, d.K) <= 3_000_000L) break;
        }
        d.acc = r.nextBoolean();
        d.slack = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 0;
        int M = d.M, N = d.N, K = d.K;
        d.aNT = values(r, M * K, d.slack); d.bNT = values(r, N * K, d.slack);
        d.aNN = values(r, M * K, d.slack); d.bNN = values(r, K * N, d.slack);
        d.aTN = values(r, K * M, d.slack); d.bTN = values(r, K * N, d.slack);
        d.cInit = values(r, M * N, d.slack);
        return d;
    }

    static PointCase drawPoint(SplittableRandom r) {
        PointCase p = new PointCase();
        int[] ns = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257,
                    (1 << 14) - 1, 1 << 14, (1 << 14) + 1, (1 << 15) - 1, 1 << 15, (1 << 15) + 1, 3 * (1 << 14) + 7, 100_003};
        p.n = r.nextBoolean() ? pick(r, ns) : 1 + r.nextInt(r.nextBoolean() ? 100 : 120_000);
        p.slack = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 0;
        int n = p.n;
        p.x = values(r, n, p.slack);
        p.y = values(r, n, p.slack);
        for (int i = 0; i < n; i++) p.y[i] = Math.max(p.y[i], 0f);   // a ReLU output
        p.dy = values(r, n, p.slack);
        p.dxInit = values(r, n, p.slack);
        p.p = values(r, n, p.slack);
        p.m = values(r, n, p.slack);
        p.v = values(r, n, p.slack);
        for (int i = 0; i < n; i++) p.v[i] = Math.abs(p.v[i]);
        p.g = values(r, n, p.slack);
        p.beta1 = r.nextBoolean() ? 0.9f : (float) r.nextDouble();
        p.beta2 = r.nextBoolean() ? 0.999f : (float) r.nextDouble();
        p.step = r.nextBoolean() ? 1e-3f : (float) (r.nextDouble() * 0.1);
        p.eps = r.nextBoolean() ? 1e-7f : (float) (r.nextDouble() * 1e-3);
        return p;
    }

    /**
     * n random values plus {@code slack} sentinels. Mostly uniform in [−1, 1); one array in four also gets exact zeros
     * and −0, one in eight a sprinkling of values with very different magnitudes (to catch reordered sums).
     */
    static float[] values(SplittableRandom r, int n, int slack) {
        float[] a = new float[n + slack];
        int mode = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            float v = (float) (r.nextDouble() * 2 - 1);
            if (mode < 2) {
                int z = r.nextInt(8);
                if (z == 0) v = 0f; else if (z == 1) v = -0f;
            } else if (mode == 2 && r.nextInt(5) == 0) {
                v *= (float) Math.scalb(1.0, r.nextInt(41) - 20);
            } else if (mode == 3 && SPECIALS && r.nextInt(4) == 0) {
                v = Math.scalb(v, -130 - r.nextInt(20));               // subnormal (or zero)
            } else if (mode == 4 && SPECIALS && r.nextInt(300) == 0) {
                int z = r.nextInt(3);
                v = z == 0 ? Float.NaN : z == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                specialsDrawn = true;
            }
            a[i] = v;
        }
        Arrays.fill(a, n, n + slack, SENTINEL);
        return a;
    }

    /** -Ddcec4j.fuzz.specials=true: some arrays get subnormals, or a rare NaN / ±∞ (then no double-precision check). */
    static final boolean SPECIALS = Boolean.getBoolean("dcec4j.fuzz.specials");
    static boolean specialsDrawn;

    static float[] filled(int n, int slack, float v) {
        float[] a = new float[n + slack];
        Arrays.fill(a, 0, n, v);
        Arrays.fill(a, n, n + slack, SENTINEL);
        return a;
    }

    static float[] copy(float[] a) { return a == null ? null : a.clone(); }

    // ------------------------------------------------------------------ running

    interface Call { void run(); }

    /** Runs one call, recording an exception (with its top frames) as a failure and as a marker output. */
    static void guarded(String method, String twin, Map<String, float[]> out, List<String> f, Call c) {
        try {
            c.run();
        } catch (Throwable t) {
            StringBuilder sb = new StringBuilder(method + " on " + twin + " threw " + t);
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(6, st.length); i++) sb.append("\n        at ").append(st[i]);
            f.add(sb.toString());
            out.put(method + "#threw", new float[] {1f});
        }
    }

    static Map<String, float[]> runConv(Kernels k, ConvCase c, List<String> f, String twin) {
        ConvGeometry g = c.g;
        int s = c.slack;
        Map<String, float[]> out = new LinkedHashMap<>();
        float fill = k instanceof ScalarKernels ? Float.NaN : 7f;
        float[] x = copy(c.x), w = copy(c.w), b = copy(c.b), bc = copy(c.bc), dy = copy(c.dy), dyT = copy(c.dyT), xT = copy(c.xT);

        float[] y = filled(g.outputSize(), s, fill);
        guarded("conv2dForward(" + c.act + (c.useBias ? ",bias" : ",null") + ")", twin, out, f,
                () -> k.conv2dForward(y, x, w, c.useBias ? b : null, c.act, g));
        out.put("conv2dForward", y);

        float[] t = filled(g.inputSize(), s, fill);
        guarded("convTranspose2dForward(" + c.actT + (c.useBiasT ? ",bias" : ",null") + ")", twin, out, f,
                () -> k.convTranspose2dForward(t, dy, w, c.useBiasT ? bc : null, c.actT, g));
        out.put("convTranspose2dForward", t);

        float[] dx = copy(c.dxInit);
        guarded("conv2dBackwardInput", twin, out, f, () -> k.conv2dBackwardInput(dx, dy, w, g));
        out.put("conv2dBackwardInput", dx);

        float[] dw = copy(c.dwInit);
        guarded("conv2dBackwardWeight", twin, out, f, () -> k.conv2dBackwardWeight(dw, dy, x, g));
        out.put("conv2dBackwardWeight", dw);

        float[] db = copy(c.dbInit);
        guarded("biasBackward(conv)", twin, out, f, () -> k.biasBackward(db, dy, g.N, g.K, g.OH * g.OW));
        out.put("biasBackward(N,K,OH*OW)", db);

        float[] dbC = copy(c.dbCInit);
        guarded("biasBackward(transposed)", twin, out, f, () -> k.biasBackward(dbC, dyT, g.N, g.C, g.H * g.W));
        out.put("biasBackward(N,C,H*W)", dbC);

        // the fused conv backward; its dx is written, its dw and db accumulated
        float[] fdx = c.wantX ? filled(g.inputSize(), s, fill) : null;
        float[] fdw = c.wantW ? copy(c.dwInit) : null, fdb = c.wantB ? copy(c.dbInit) : null;
        guarded("conv2dBackward(" + c.wantX + "," + c.wantW + "," + c.wantB + ")", twin, out, f,
                () -> k.conv2dBackward(fdx, fdw, fdb, dy, x, w, g));
        if (fdx != null) out.put("conv2dBackward.dx", fdx);
        if (fdw != null) out.put("conv2dBackward.dw", fdw);
        if (fdb != null) out.put("conv2dBackward.db", fdb);

        // the transposed layer's backward: its x is [N,K,OH,OW], its dy [N,C,H,W]
        float[] tdx = c.wantXT ? filled(g.outputSize(), s, fill) : null;
        float[] tdw = c.wantWT ? copy(c.dwTInit) : null, tdb = c.wantBT ? copy(c.dbCInit) : null;
        guarded("convTranspose2dBackward(" + c.wantXT + "," + c.wantWT + "," + c.wantBT + ")", twin, out, f,
                () -> k.convTranspose2dBackward(tdx, tdw, tdb, dyT, xT, w, g));
        if (tdx != null) out.put("convTranspose2dBackward.dx", tdx);
        if (tdw != null) out.put("convTranspose2dBackward.dw", tdw);
        if (tdb != null) out.put("convTranspose2dBackward.db", tdb);

        // reads must be reads
        checkUnchanged(twin, "x", x, c.x, f); checkUnchanged(twin, "w", w, c.w, f); checkUnchanged(twin, "b", b, c.b, f);
        checkUnchanged(twin, "bc", bc, c.bc, f); checkUnchanged(twin, "dy", dy, c.dy, f);
        checkUnchanged(twin, "dyT", dyT, c.dyT, f); checkUnchanged(twin, "xT", xT, c.xT, f);
        return out;
    }

    static Map<String, float[]> runDense(Kernels k, DenseCase d, List<String> f, String twin) {
        Map<String, float[]> out = new LinkedHashMap<>();
        float fill = k instanceof ScalarKernels ? Float.NaN : 3f;
        int M = d.M, N = d.N, K = d.K;
        float[] aNT = copy(d.aNT), bNT = copy(d.bNT), aNN = copy(d.aNN), bNN = copy(d.bNN), aTN = copy(d.aTN), bTN = copy(d.bTN);
        float[] c1 = d.acc ? copy(d.cInit) : filled(M * N, d.slack, fill);
        guarded("matmulNT", twin, out, f, () -> k.matmulNT(c1, aNT, bNT, M, N, K, d.acc));
        out.put("matmulNT", c1);
        float[] c2 = d.acc ? copy(d.cInit) : filled(M * N, d.slack, fill);
        guarded("matmulNN", twin, out, f, () -> k.matmulNN(c2, aNN, bNN, M, N, K, d.acc));
        out.put("matmulNN", c2);
        float[] c3 = d.acc ? copy(d.cInit) : filled(M * N, d.slack, fill);
        guarded("matmulTN", twin, out, f, () -> k.matmulTN(c3, aTN, bTN, M, N, K, d.acc));
        out.put("matmulTN", c3);
        // the dense bias gradient: dy[M, N] as [N=M images, K=N channels, S=1]
        float[] db = values(new SplittableRandom(M * 31L + N), N, d.slack), dyD = copy(d.cInit);
        guarded("biasBackward(dense)", twin, out, f, () -> k.biasBackward(db, dyD, M, N, 1));
        checkUnchanged(twin, "dense dy", dyD, d.cInit, f);
        out.put("biasBackward(M,N,1)", db);
        checkUnchanged(twin, "aNT", aNT, d.aNT, f); checkUnchanged(twin, "bNT", bNT, d.bNT, f);
        checkUnchanged(twin, "aNN", aNN, d.aNN, f); checkUnchanged(twin, "bNN", bNN, d.bNN, f);
        checkUnchanged(twin, "aTN", aTN, d.aTN, f); checkUnchanged(twin, "bTN", bTN, d.bTN, f);
        return out;
    }

    static Map<String, float[]> runPoint(Kernels k, PointCase p, List<String> f, String twin) {
        Map<String, float[]> out = new LinkedHashMap<>();
        float fill = k instanceof ScalarKernels ? Float.NaN : 7f;
        int n = p.n;
        float[] y = filled(n, p.slack, fill);
        guarded("reluForward", twin, out, f, () -> k.reluForward(y, p.x.clone(), n));
        out.put("reluForward", y);
        float[] dxA = copy(p.dxInit);
        guarded("reluBackward(acc)", twin, out, f, () -> k.reluBackward(dxA, p.dy.clone(), p.y.clone(), n, true));
        out.put("reluBackward(acc)", dxA);
        float[] dxW = filled(n, p.slack, fill);
        guarded("reluBackward(written)", twin, out, f, () -> k.reluBackward(dxW, p.dy.clone(), p.y.clone(), n, false));
        out.put("reluBackward(written)", dxW);
        float[] inPlace = copy(p.dy);
        guarded("reluBackward(in place)", twin, out, f, () -> k.reluBackward(inPlace, inPlace, p.y.clone(), n, false));
        out.put("reluBackward(in place)", inPlace);
        float[] pp = copy(p.p), mm = copy(p.m), vv = copy(p.v), gg = copy(p.g);
        guarded("adamStep", twin, out, f, () -> k.adamStep(pp, mm, vv, gg, n, p.beta1, p.beta2, p.step, p.eps));
        out.put("adamStep.param", pp); out.put("adamStep.m", mm); out.put("adamStep.v", vv);
        checkUnchanged(twin, "adam g", gg, p.g, f);
        return out;
    }

    static void checkUnchanged(String twin, String name, float[] got, float[] orig, List<String> f) {
        if (!Arrays.equals(got, orig)) f.add(twin + " modified its read-only input " + name);
    }

    /** Bit-for-bit comparison of every output (slack included), first differing element reported. */
    static void compareAll(String what, String twin, Map<String, float[]> got, Map<String, float[]> want, List<String> f) {
        for (Map.Entry<String, float[]> e : want.entrySet()) {
            float[] g = got.get(e.getKey()), w = e.getValue();
            if (g == null) { f.add(twin + ": no output " + e.getKey() + " (threw?)"); continue; }
            compareBits(twin + " vs scalar " + e.getKey(), g, w, f);
        }
        for (String key : got.keySet()) if (!want.containsKey(key)) f.add(twin + ": " + key + " (scalar did not)");
    }

    static void compareBits(String what, float[] got, float[] want, List<String> f) {
        if (got.length != want.length) { f.add(what + ": length " + got.length + " vs " + want.length); return; }
        int diffs = 0, first = -1;
        for (int i = 0; i < want.length; i++) {
            // NaN payloads are not compared (canonical bits); everything else, the sign of zero included, is
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) { if (first < 0) first = i; diffs++; }
        }
        if (first >= 0)
            f.add(what + ": " + diffs + " of " + want.length + " elements differ, first at " + first + ": " + got[first]
                    + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[first])) + ") vs " + want[first]
                    + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[first])) + ")");
    }

    // ------------------------------------------------------------------ the double-precision reference

    /** |got − want| ≤ tol: an FMA chain of L terms in float errs by at most about L·2⁻²⁴·Σ|terms|. */
    static void checkClose(String what, float[] got, double[] want, double[] absSum, int terms, int logical, List<String> f) {
        for (int i = 0; i < logical; i++) {
            double tol = 2.0 * (terms + 2) * 0x1p-24 * absSum[i] + 1e-30;
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol)) {
                f.add("scalar " + what + " vs double reference: element " + i + " is " + got[i] + ", double says " + want[i]
                        + " (err " + err + ", tol " + tol + ")");
                return;
            }
        }
        for (int i = logical; i < got.length; i++)
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(SENTINEL)) {
                f.add("scalar " + what + " wrote past the logical end, at " + i + " (" + got[i] + ")");
                return;
            }
    }

    static void checkConvAgainstDouble(String what, ConvCase c, Map<String, float[]> got, List<String> f) {
        ConvGeometry g = c.g;
        final int N = g.N, C = g.C, H = g.H, W = g.W, K = g.K, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW, P = OH * OW;
        // forward
        {
            double[] y = new double[g.outputSize()], a = new double[y.length];
            for (int n = 0; n < N; n++) for (int k = 0; k < K; k++) for (int oh = 0; oh < OH; oh++) for (int ow = 0; ow < OW; ow++) {
                double s = c.useBias ? c.b[k] : 0, sa = Math.abs(s);
                for (int ch = 0; ch < C; ch++) for (int kh = 0; kh < KH; kh++) for (int kw = 0; kw < KW; kw++) {
                    int h = oh * g.SH + kh - g.PT, ww = ow * g.SW + kw - g.PL;
                    if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                    double t = (double) c.w[((k * C + ch) * KH + kh) * KW + kw] * c.x[((n * C + ch) * H + h) * W + ww];
                    s += t; sa += Math.abs(t);
                }
                int i = ((n * K + k) * OH + oh) * OW + ow;
                y[i] = c.act == Activation.RELU ? Math.max(s, 0) : s; a[i] = sa;
            }
            checkClose("conv2dForward", got.get("conv2dForward"), y, a, C * KH * KW, y.length, f);
        }
        // transposed forward and backward-input (the same adjoint, one from the bias, one accumulated)
        {
            double[] t = new double[g.inputSize()], ta = new double[t.length];
            double[] dx = new double[t.length], dxa = new double[t.length];
            for (int i = 0; i < t.length; i++) { dx[i] = c.dxInit[i]; dxa[i] = Math.abs(c.dxInit[i]); }
            for (int n = 0; n < N; n++) for (int ch = 0; ch < C; ch++) {
                for (int i = 0; i < H * W; i++) { t[(n * C + ch) * H * W + i] = c.useBiasT ? c.bc[ch] : 0; ta[(n * C + ch) * H * W + i] = c.useBiasT ? Math.abs(c.bc[ch]) : 0; }
                for (int k = 0; k < K; k++) for (int kh = 0; kh < KH; kh++) for (int kw = 0; kw < KW; kw++) {
                    double wv = c.w[((k * C + ch) * KH + kh) * KW + kw];
                    for (int oh = 0; oh < OH; oh++) for (int ow = 0; ow < OW; ow++) {
                        int h = oh * g.SH + kh - g.PT, ww = ow * g.SW + kw - g.PL;
                        if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                        int xi = ((n * C + ch) * H + h) * W + ww, yi = ((n * K + k) * OH + oh) * OW + ow;
                        double d = wv * c.dy[yi];
                        t[xi] += d; ta[xi] += Math.abs(d); dx[xi] += d; dxa[xi] += Math.abs(d);
                    }
                }
            }
            if (c.actT == Activation.RELU) for (int i = 0; i < t.length; i++) t[i] = Math.max(t[i], 0);
            int terms = K * KH * KW + 1;
            checkClose("convTranspose2dForward", got.get("convTranspose2dForward"), t, ta, terms, t.length, f);
            checkClose("conv2dBackwardInput", got.get("conv2dBackwardInput"), dx, dxa, terms, dx.length, f);
        }
        // weight gradient
        {
            double[] dw = new double[g.weightSize()], a = new double[dw.length];
            for (int k = 0; k < K; k++) for (int ch = 0; ch < C; ch++) for (int kh = 0; kh < KH; kh++) for (int kw = 0; kw < KW; kw++) {
                int wi = ((k * C + ch) * KH + kh) * KW + kw;
                double s = c.dwInit[wi], sa = Math.abs(s);
                for (int n = 0; n < N; n++) for (int oh = 0; oh < OH; oh++) {
                    int h = oh * g.SH + kh - g.PT;
                    if (h < 0 || h >= H) continue;
                    for (int ow = 0; ow < OW; ow++) {
                        int ww = ow * g.SW + kw - g.PL;
                        if (ww < 0 || ww >= W) continue;
                        double t = (double) c.dy[((n * K + k) * OH + oh) * OW + ow] * c.x[((n * C + ch) * H + h) * W + ww];
                        s += t; sa += Math.abs(t);
                    }
                }
                dw[wi] = s; a[wi] = sa;
            }
            checkClose("conv2dBackwardWeight", got.get("conv2dBackwardWeight"), dw, a, N * P + 9, dw.length, f);
        }
        // bias gradients
        checkBias("biasBackward(N,K,OH*OW)", got.get("biasBackward(N,K,OH*OW)"), c.dbInit, c.dy, N, K, P, f);
        checkBias("biasBackward(N,C,H*W)", got.get("biasBackward(N,C,H*W)"), c.dbCInit, c.dyT, N, C, H * W, f);
    }

    static void checkBias(String what, float[] got, float[] init, float[] dy, int N, int K, int S, List<String> f) {
        double[] db = new double[K], a = new double[K];
        for (int k = 0; k < K; k++) {
            double s = init[k], sa = Math.abs(s);
            for (int n = 0; n < N; n++) for (int q = 0; q < S; q++) { double v = dy[(n * K + k) * S + q]; s += v; sa += Math.abs(v); }
            db[k] = s; a[k] = sa;
        }
        checkClose(what, got, db, a, N * S + 2, K, f);
    }

    static void checkDenseAgainstDouble(String what, DenseCase d, Map<String, float[]> got, List<String> f) {
        int M = d.M, N = d.N, K = d.K;
        double[][] want = new double[3][M * N], abs = new double[3][M * N];
        for (int m = 0; m < M; m++) for (int n = 0; n < N; n++) {
            for (int v = 0; v < 3; v++) {
                double s = d.acc ? d.cInit[m * N + n] : 0, sa = Math.abs(s);
                for (int k = 0; k < K; k++) {
                    double t = v == 0 ? (double) d.aNT[m * K + k] * d.bNT[n * K + k]
                             : v == 1 ? (double) d.aNN[m * K + k] * d.bNN[k * N + n]
                             : (double) d.aTN[k * M + m] * d.bTN[k * N + n];
                    s += t; sa += Math.abs(t);
                }
                want[v][m * N + n] = s; abs[v][m * N + n] = sa;
            }
        }
        checkClose("matmulNT", got.get("matmulNT"), want[0], abs[0], K + 1, M * N, f);
        checkClose("matmulNN", got.get("matmulNN"), want[1], abs[1], K + 1, M * N, f);
        checkClose("matmulTN", got.get("matmulTN"), want[2], abs[2], K + 1, M * N, f);
        checkBias("biasBackward(M,N,1)", got.get("biasBackward(M,N,1)"), values(new SplittableRandom(M * 31L + N), N, d.slack),
                  d.cInit, M, N, 1, f);
    }

    static void checkPointAgainstDouble(String what, PointCase p, Map<String, float[]> got, List<String> f) {
        int n = p.n;
        double[] y = new double[n], acc = new double[n], wr = new double[n], pa = new double[n], ma = new double[n], va = new double[n];
        double[] one = new double[n], adamAbs = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(p.x[i], 0);
            acc[i] = p.y[i] > 0 ? (double) p.dxInit[i] + p.dy[i] : p.dxInit[i];
            wr[i] = p.y[i] > 0 ? p.dy[i] : 0;
            one[i] = Math.abs(acc[i]) + Math.abs(p.dxInit[i]) + Math.abs(p.dy[i]);
            double m = p.beta1 * (double) p.m[i] + (1 - (double) p.beta1) * p.g[i];
            double v = p.beta2 * (double) p.v[i] + (1 - (double) p.beta2) * p.g[i] * p.g[i];
            ma[i] = m; va[i] = v;
            double den = Math.sqrt(v) + p.eps, upd = p.step * m / den;
            pa[i] = p.p[i] - upd;
            // the rounding of m (cancellation of β1·m against (1−β1)·g) and of v is carried into the update: bound it by
            // the magnitudes of their terms
            double mTerms = Math.abs(p.beta1 * (double) p.m[i]) + Math.abs((1 - (double) p.beta1) * p.g[i]);
            double vTerms = Math.abs(p.beta2 * (double) p.v[i]) + (1 - (double) p.beta2) * p.g[i] * (double) p.g[i];
            adamAbs[i] = Math.abs(p.p[i]) + 4 * Math.abs(upd) + 4 * p.step * mTerms / den
                         + 4 * Math.abs(upd) * vTerms / Math.max(v, 1e-300);
        }
        checkClose("reluForward", got.get("reluForward"), y, new double[n], 0, n, f);
        checkClose("reluBackward(acc)", got.get("reluBackward(acc)"), acc, one, 2, n, f);
        checkClose("reluBackward(written)", got.get("reluBackward(written)"), wr, new double[n], 0, n, f);
        checkClose("reluBackward(in place)", got.get("reluBackward(in place)"), wr, new double[n], 0, n, f);
        double[] mAbs = new double[n], vAbs = new double[n];
        for (int i = 0; i < n; i++) {
            mAbs[i] = Math.abs(p.beta1 * p.m[i]) + Math.abs(p.g[i]) + 1e-30;
            vAbs[i] = Math.abs(p.beta2 * p.v[i]) + p.g[i] * (double) p.g[i] + 1e-30;
        }
        checkClose("adamStep.m", got.get("adamStep.m"), ma, mAbs, 4, n, f);
        checkClose("adamStep.v", got.get("adamStep.v"), va, vAbs, 4, n, f);
        checkClose("adamStep.param", got.get("adamStep.param"), pa, adamAbs, 4, n, f);
    }
}
