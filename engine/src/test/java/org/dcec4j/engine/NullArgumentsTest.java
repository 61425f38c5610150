package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * A null argument at a public entry point is a NullPointerException whose message names it ("add: b", as the conv ops
 * already said "conv2d: x"), not a bare one from deep inside. Every public method of {@link F} is found by
 * reflection, so a new op cannot skip the check.
 */
class NullArgumentsTest {
    private static final Kernels K = Backend.scalar().kernels();

    private static Tensor t(int... shape) { return Tensor.zeros(shape); }

    /**
     * For each F method (name/arity): valid arguments, and for each argument the message its null must give, or null
     * where null is allowed (a bias) or refused otherwise (padding and crop: an IllegalArgumentException naming them,
     * ConvArgumentsTest) and primitives.
     */
    private static Map<String, Object[][]> cases() {
        Map<String, Object[][]> c = new LinkedHashMap<>();
        for (String op : new String[] {"add", "sub", "mul", "div"})
            c.put(op + "/2", new Object[][] {{t(2, 3), t(2, 3)}, {op + ": a", op + ": b"}});
        c.put("scale/2", new Object[][] {{t(2), 2f}, {"scale: x", null}});
        c.put("addScalar/2", new Object[][] {{t(2), 2f}, {"scale: x", null}});
        c.put("pow/2", new Object[][] {{t(2), 2f}, {"pow: x", null}});
        c.put("log/1", new Object[][] {{t(2)}, {"log: x"}});
        c.put("sum/1", new Object[][] {{t(2)}, {"sum: x"}});
        c.put("mean/1", new Object[][] {{t(2)}, {"mean: x"}});
        c.put("sum/3", new Object[][] {{t(2, 3), 1, false}, {"sum: x", null, null}});
        c.put("reshape/2", new Object[][] {{t(2, 3), new int[] {3, 2}}, {"reshape: x", "reshape: shape"}});
        c.put("flatten/1", new Object[][] {{t(2, 3)}, {"flatten: x"}});
        c.put("relu/2", new Object[][] {{K, t(2)}, {"relu: k", "relu: x"}});
        c.put("relu/1", new Object[][] {{t(2)}, {"relu: x"}});
        c.put("linear/4", new Object[][] {{K, t(2, 3), t(4, 3), null}, {"linear: k", "linear: x", "linear: w", null}});
        c.put("linear/3", new Object[][] {{t(2, 3), t(4, 3), null}, {"linear: x", "linear: w", null}});
        c.put("matmul/3", new Object[][] {{K, t(2, 3), t(3, 4)}, {"matmul: k", "matmul: a", "matmul: b"}});
        c.put("matmul/2", new Object[][] {{t(2, 3), t(3, 4)}, {"matmul: a", "matmul: b"}});
        Tensor x = t(1, 1, 3, 3), w = t(2, 1, 2, 2), wt = t(1, 2, 2, 2);
        c.put("conv2d/7", new Object[][] {{K, x, w, null, 1, new int[4], Activation.NONE},
                {"conv2d: k", "conv2d: x", "conv2d: w", null, null, null, "conv2d: activation"}});
        c.put("conv2d/6", new Object[][] {{x, w, null, 1, new int[4], Activation.NONE},
                {"conv2d: x", "conv2d: w", null, null, null, "conv2d: activation"}});
        c.put("conv2d/5", new Object[][] {{x, w, null, 1, new int[4]}, {"conv2d: x", "conv2d: w", null, null, null}});
        c.put("convTranspose2d/7", new Object[][] {{K, x, wt, null, 1, new int[4], Activation.NONE},
                {"conv_transpose2d: k", "conv_transpose2d: x", "conv_transpose2d: w", null, null, null, "conv_transpose2d: activation"}});
        c.put("convTranspose2d/6", new Object[][] {{x, wt, null, 1, new int[4], Activation.NONE},
                {"conv_transpose2d: x", "conv_transpose2d: w", null, null, null, "conv_transpose2d: activation"}});
        c.put("convTranspose2d/5", new Object[][] {{x, wt, null, 1, new int[4]},
                {"conv_transpose2d: x", "conv_transpose2d: w", null, null, null}});
        c.put("mse/2", new Object[][] {{t(2), t(2)}, {"mse: a", "mse: target"}});
        c.put("studentT/3", new Object[][] {{t(2, 3), t(4, 3), 1f}, {"student_t: z", "student_t: mu", null}});
        c.put("klDiv/2", new Object[][] {{t(2, 3), t(2, 3)}, {"kl: p", "kl: q"}});
        return c;
    }

    @Test void everyOpOfFNamesItsNullArgument() throws Exception {
        Map<String, Object[][]> cases = cases();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Method m : F.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) continue;
            String key = m.getName() + "/" + m.getParameterCount();
            Object[][] c = cases.get(key);
            if (c == null) { missing.add(key); continue; }
            assertNotNull(m.invoke(null, c[0]), key + " with valid arguments");
            for (int i = 0; i < c[1].length; i++) {
                if (c[1][i] == null) continue;
                Object[] args = c[0].clone();
                args[i] = null;
                InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, args), key);
                NullPointerException npe = assertInstanceOf(NullPointerException.class, e.getCause(), key + " argument " + i);
                assertNotNull(npe.getMessage(), key + " argument " + i + ": a bare NullPointerException");
                assertTrue(npe.getMessage().startsWith((String) c[1][i]), key + " argument " + i + ": " + npe.getMessage());
                checked++;
            }
        }
        assertTrue(missing.isEmpty(), "F methods without a null-argument case here: " + missing);
        assertTrue(checked > 50, "checked " + checked);
    }

    @Test void tensorBackendAndTensorFileEntryPointsNameTheirNullArgument() {
        assertEquals("data", assertThrows(NullPointerException.class, () -> Tensor.of(null, 2)).getMessage());
        assertEquals("shape", assertThrows(NullPointerException.class, () -> Tensor.of(new float[2], (int[]) null)).getMessage());
        assertEquals("data", assertThrows(NullPointerException.class, () -> Tensor.parameter(null, 2)).getMessage());
        assertEquals("shape", assertThrows(NullPointerException.class, () -> Tensor.parameter(new float[2], (int[]) null)).getMessage());
        assertEquals("shape", assertThrows(NullPointerException.class, () -> Tensor.zeros((int[]) null)).getMessage());
        assertEquals("kind", assertThrows(NullPointerException.class, () -> Backend.Kind.parse(null)).getMessage());
        assertEquals("bytes", assertThrows(NullPointerException.class, () -> TensorFile.parse(null, "model")).getMessage());
        assertEquals("file", assertThrows(NullPointerException.class, () -> TensorFile.read((Path) null)).getMessage());
    }
}
