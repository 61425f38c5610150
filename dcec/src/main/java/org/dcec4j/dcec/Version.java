package org.dcec4j.dcec;

/**
 * What wrote a file: the release, the commit the classes were built from ({@link BuildStamp}) and the arithmetic
 * version. A run's {@code config.json} records all three and its checkpoints the release and the arithmetic, so that
 * a result can be traced to the code that computed it and a checkpoint is continued only by code that computes
 * the same bits.
 *
 * <p>The <b>arithmetic version</b> names the floating-point results themselves: every random draw and every
 * reduction runs in one fixed order whatever the kernels, width and threads (docs/kernels.md, "One reduction
 * order"), so two builds with the same arithmetic version give the same bits for the same seed, settings and data,
 * however far apart their commits. It goes up by one whenever a change alters any of those bits (a reduction order,
 * a formula, a random draw); {@code ArithmeticVersionTest} pins a small run's model to it, so such a change cannot
 * land without it. Version 1 is the arithmetic of the canonical reduction order (a build of 2026-12-02 gives the
 * same digest).
 *
 * <p>The model file ({@code model.dc4j}) deliberately records none of them: its bytes are a function of the seed,
 * the settings, the data and the arithmetic only, which is what lets a reproduction's published SHA-256 verify a
 * run made with any later commit of the same arithmetic. The {@code config.json} beside it says what wrote it.
 */
public final class Version {
    private Version() {}

    /** The release. */
    public static final String RELEASE = "0.1.0";

    /** The arithmetic version (above). */
    public static final int ARITHMETIC = 1;

    /** The commit these classes were built from, "unknown" without a build stamp or git at build time. */
    public static String commit() {
        BuildStamp s = BuildStamp.read();
        return s == null ? BuildStamp.UNKNOWN : s.commit();
    }

    /** Whether the build's tracked files outside docs/ differed from {@link #commit()}; null when unknown. */
    public static Boolean localChanges() {
        BuildStamp s = BuildStamp.read();
        return s == null ? null : s.dirty();
    }

    /**
     * The JSON object a run's {@code config.json} records under "dcec4j":
     * {@code {"release": "0.1.0", "commit": "…", "local_changes": false, "arithmetic": 1}} (local_changes null when unknown).
     */
    public static String json() {
        return "{\"release\": \"" + RELEASE + "\", \"commit\": \"" + commit() + "\", \"local_changes\": " + localChanges()
                + ", \"arithmetic\": " + ARITHMETIC + "}";
    }

    /** One line: "dcec4j 0.1.0, built from commit … (arithmetic 1)". */
    public static String describe() {
        BuildStamp s = BuildStamp.read();
        String built = s == null || s.commit().equals(BuildStamp.UNKNOWN) ? "commit unknown"
                : "commit " + s.commit() + (Boolean.TRUE.equals(s.dirty()) ? " with local changes" : "");
        return "dcec4j " + RELEASE + ", built from " + built + " (arithmetic " + ARITHMETIC + ")";
    }
}
