package org.dcec4j.dcec.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart as inline SVG (no {@code xmlns}: inside HTML the parser puts {@code <svg>} in the SVG
 * namespace itself, and the page then holds no URL at all).
 *
 * <p>Every series shares the x values of the chart; when they are all whole numbers (epochs, iterations) the x ticks
 * are too (a step of at least 1). A NaN y value (or a non-positive one on a log axis)
 * breaks the line: the points on either side are drawn as separate polylines. Axes get "nice" ticks
 * (steps of 1, 2 or 5 × 10^k on a linear axis, powers of ten on a log axis, with 2 and 5 × 10^k
 * too when it spans at most two decades).
 */
final class SvgLineChart {
    /** Series colours (colour-blind-safe palette, Okabe–Ito). */
    static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

    static final int WIDTH = 640;
    static final int HEIGHT = 260;
    static final int LEFT = 64;
    static final int RIGHT = 16;
    static final int TOP = 28;
    static final int BOTTOM = 40;
    /** Charts with at most this many x values get a marker (with a hover title) on every point. */
    static final int MAX_MARKERS = 300;
    /** Up to this many x values the markers are visible dots; above it they are transparent hover targets. */
    static final int VISIBLE_MARKERS = 60;

    /** How the y axis is scaled. AUTO picks LOG when every drawn value is positive and they span over 30×. */
    enum Scale { LINEAR, LOG, AUTO }

    /** {@code name}: the legend entry; {@code hover}: what a point's title calls the series. */
    private record Series(String name, String hover, double[] y) {
    }

    /**
     * A horizontal reference line (e.g. the stopping tolerance), dashed, across the whole plot. {@code name} is its
     * legend entry, {@code hover} its title on hover (each says the value once). With {@code stretch} the y axis is
     * widened to include it; without, a value off the axis is named in the legend with an arrow ("↓": below the axis)
     * instead of being drawn.
     */
    private record Reference(String name, String hover, double y, boolean stretch) {
    }

    private final String id;
    private final String xLabel;
    private final String yLabel;
    private final double[] x;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private Scale scale = Scale.LINEAR;
    private double yMinHint = Double.NaN;
    private double yMaxHint = Double.NaN;
    private double minSpan = 0;
    private double floor = Double.NEGATIVE_INFINITY;
    private double ceiling = Double.POSITIVE_INFINITY;
    private double logCeiling = Double.POSITIVE_INFINITY;
    private boolean xOfAllValues;
    private int width = WIDTH;
    private int height = HEIGHT;

    /**
     * @param id     the element id of the {@code <svg>}
     * @param x      the x values, increasing; only read (kept by reference)
     */
    SvgLineChart(String id, String xLabel, String yLabel, double[] x) {
        this.id = id;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.x = x;
    }

    /**
     * Adds a series, {@code legend} in the legend and {@code name} in each point's title on hover ("L_r at epoch 3:
     * 0.0179"; with the legend's "L_r: 0.02914 → 0.01167" there, every point showed three values);
     * {@code y.length} must equal the number of x values. {@code y} is only read.
     */
    SvgLineChart series(String legend, String name, double[] y) {
        if (y.length != x.length) {
            throw new IllegalArgumentException("chart " + id + ": series '" + legend + "' has " + y.length
                    + " values but the chart has " + x.length + " x values; expected equal lengths");
        }
        series.add(new Series(legend, name, y));
        return this;
    }

    /** {@link #series(String, String, double[])} with one name for the legend and the titles. */
    SvgLineChart series(String name, double[] y) {
        return series(name, name, y);
    }

    /**
     * Adds a dashed horizontal line at y (counted in the y range; ignored if NaN, or ≤ 0 on a log axis), named
     * {@code name} in the legend and {@code hover} on hover, both as given (the chart adds no value to either: the
     * tol line's title read "tol = 0.005 (stops when strictly below) = 0.005").
     */
    SvgLineChart reference(String name, String hover, double y) {
        references.add(new Reference(name, hover, y, true));
        return this;
    }

    /** {@link #reference(String, String, double)} with the legend entry as its title on hover. */
    SvgLineChart reference(String name, double y) {
        return reference(name, name, y);
    }

    /**
     * Adds a dashed horizontal line at y that does not widen the y axis: drawn when it falls inside the axis the
     * series give, otherwise only listed in the legend with an arrow, "↓" (below the axis) or "↑" (above). Named as
     * in {@link #reference(String, String, double)}.
     */
    SvgLineChart referenceInside(String name, String hover, double y) {
        references.add(new Reference(name, hover, y, false));
        return this;
    }

    /** {@link #referenceInside(String, String, double)} with the legend entry as its title on hover. */
    SvgLineChart referenceInside(String name, double y) {
        return referenceInside(name, name, y);
    }

    SvgLineChart scale(Scale s) {
        this.scale = s;
        return this;
    }

    /** Values the linear y axis must include (e.g. 0 and 1 for metrics); NaN for none. */
    SvgLineChart yRange(double min, double max) {
        this.yMinHint = min;
        this.yMaxHint = max;
        return this;
    }

    /**
     * The smallest span of a linear y axis: a narrower data range is widened around its middle to
     * {@code span}, without going below {@code floor} or above {@code ceiling} (the range is shifted inside
     * them instead). So an axis fitted to its data cannot blow a change that is small against {@code span}
     * up to the full height of the plot.
     */
    SvgLineChart minSpan(double span, double floor, double ceiling) {
        if (!(span >= 0) || !(floor < ceiling) || span > ceiling - floor) {
            throw new IllegalArgumentException("chart " + id + ": expected 0 <= span <= ceiling - floor, got span " + span
                    + ", floor " + floor + ", ceiling " + ceiling);
        }
        this.minSpan = span;
        this.floor = floor;
        this.ceiling = ceiling;
        return this;
    }

    /**
     * The highest power of ten a log axis may end at: {@code top} for values that cannot exceed it (1 for a
     * fraction), so that the axis ends at the decade at or above the largest value but never above {@code top}
     * (a fraction of 0.95 had its axis reach 10). A value above {@code top} still widens the axis to hold it.
     */
    SvgLineChart logCeiling(double top) {
        if (!(top > 0) || Double.isInfinite(top)) {
            throw new IllegalArgumentException("chart " + id + ": expected a finite log ceiling > 0, got " + top);
        }
        this.logCeiling = top;
        return this;
    }

    /**
     * The x axis spans every x value, including those where no series can be drawn (a changed-label fraction of 0 on
     * the log axis): the x axis of the changed-label chart of a run that stopped when no label changed ended before
     * the iteration it stopped at.
     */
    SvgLineChart xOfAllValues() {
        this.xOfAllValues = true;
        return this;
    }

    /** The size of the chart in CSS pixels (default {@link #WIDTH} × {@link #HEIGHT}; the margins stay). */
    SvgLineChart size(int width, int height) {
        if (width <= LEFT + RIGHT + 40 || height <= TOP + BOTTOM + 40) {
            throw new IllegalArgumentException("chart " + id + ": " + width + "x" + height + " leaves no room for the plot");
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /**
     * [lo, hi] widened to at least {@code span} around its middle, then shifted back inside [floor, ceiling]
     * (the data themselves always stay inside).
     */
    static double[] widen(double lo, double hi, double span, double floor, double ceiling) {
        if (hi - lo >= span) {
            return new double[] {lo, hi};
        }
        double mid = (lo + hi) / 2;
        double a = mid - span / 2;
        double b = mid + span / 2;
        if (a < floor) {
            b += floor - a;
            a = floor;
        }
        if (b > ceiling) {
            a -= b - ceiling;
            b = ceiling;
        }
        return new double[] {Math.min(a, lo), Math.max(b, hi)};
    }

    /** True when at least one series has a value that can be drawn. */
    boolean hasData() {
        boolean log = resolvedScale() == Scale.LOG;
        for (Series s : series) {
            for (double v : s.y) {
                if (drawable(v, log)) {
                    return true;
                }
            }
        }
        return false;
    }

    Scale resolvedScale() {
        if (scale != Scale.AUTO) {
            return scale;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y) {
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    continue;
                }
                if (v <= 0) {
                    return Scale.LINEAR;
                }
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return lo < hi && hi / lo > 30 ? Scale.LOG : Scale.LINEAR;
    }

    private static boolean drawable(double v, boolean log) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0);
    }

    /** Linear axis ticks: a step of 1, 2 or 5 × 10^k giving about {@code count} intervals. */
    record Ticks(double lo, double hi, double step) {
        /** The tick values lo, lo + step, ..., hi (computed by multiplication, not accumulation). */
        double[] values() {
            int m = (int) Math.round((hi - lo) / step);
            double[] t = new double[m + 1];
            for (int i = 0; i <= m; i++) {
                t[i] = lo + i * step;
            }
            return t;
        }
    }

    /**
     * Nice linear ticks covering [min, max]: step = {1, 2, 5} × 10^floor(log10(raw)) with raw = (max − min) / count,
     * the smallest such step ≥ raw; lo = floor(min / step)·step, hi = ceil(max / step)·step. An empty range
     * (min = max) is first widened to min ± max(|min|/2, 1).
     */
    static Ticks niceTicks(double min, double max, int count) {
        if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("ticks: expected finite min <= max, got " + min + ", " + max);
        }
        if (min == max) {
            double pad = Math.max(Math.abs(min) / 2, 1);
            min -= pad;
            max += pad;
        }
        double raw = (max - min) / count;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = 10 * mag;
        for (double f : new double[] {1, 2, 5}) {
            if (f * mag >= raw * (1 - 1e-9)) {
                step = f * mag;
                break;
            }
        }
        // a tolerance so that 0.30000000000000004 / 0.1 does not round up to an extra tick
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        return new Ticks(lo, hi, step);
    }

    /**
     * A tick label with as many decimals as the step needs; scientific for very small steps or large values, with as
     * many digits after the mantissa's point as the step needs (0.2165 on a step of 5e-4: "2.165e-1"; with one digit,
     * the four ticks of such an axis all read "2e-1").
     */
    static String tickLabel(double v, double step) {
        if (Math.abs(v) < step * 1e-6) {
            return "0";
        }
        if (step < 1e-3 || Math.abs(v) >= 1e6) {
            int digits = Math.max(0, (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9) - (int) Math.floor(Math.log10(step) + 1e-9));
            return String.format(java.util.Locale.ROOT, "%." + digits + "e", v).replace("e-0", "e-").replace("e+0", "e")
                    .replace("e+", "e");
        }
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return Html.fixed(v, decimals);
    }

    /** The SVG element. */
    String render() {
        boolean log = resolvedScale() == Scale.LOG;
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder out = new StringBuilder(4096);
        out.append("<svg class=\"chart\" id=\"").append(Html.text(id)).append("\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"").append(Html.text(yLabel + " against " + xLabel))
                .append("\">\n");
        if (!hasData()) {
            out.append("<text class=\"nodata\" x=\"").append(width / 2).append("\" y=\"").append(height / 2)
                    .append("\" text-anchor=\"middle\">no data</text>\n</svg>");
            return out.toString();
        }
        // x range: the drawable points only
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < x.length; i++) {
                if (drawable(s.y[i], log) && !Double.isNaN(x[i])) {
                    xMin = Math.min(xMin, x[i]);
                    xMax = Math.max(xMax, x[i]);
                    yMin = Math.min(yMin, s.y[i]);
                    yMax = Math.max(yMax, s.y[i]);
                }
            }
        }
        if (xOfAllValues) {
            for (double v : x) {
                if (!Double.isNaN(v)) {
                    xMin = Math.min(xMin, v);
                    xMax = Math.max(xMax, v);
                }
            }
        }
        for (Reference r : references) {
            if (r.stretch && drawable(r.y, log)) {
                yMin = Math.min(yMin, r.y);
                yMax = Math.max(yMax, r.y);
            }
        }
        if (!log) {
            if (!Double.isNaN(yMinHint)) {
                yMin = Math.min(yMin, yMinHint);
            }
            if (!Double.isNaN(yMaxHint)) {
                yMax = Math.max(yMax, yMaxHint);
            }
            double[] r = widen(yMin, yMax, minSpan, floor, ceiling);
            yMin = r[0];
            yMax = r[1];
        }
        Ticks xt = niceTicks(xMin, xMax, 8);
        if (xt.step() < 1 && integral(x)) {
            // epochs and iterations: a run of 2 epochs had ticks at epoch 1.2, 1.4, ...; steps of 1 instead
            xt = new Ticks(Math.floor(xMin), Math.ceil(xMax), 1);
        }
        double[] xTickValues = xt.values();
        String[] xTickLabels = new String[xTickValues.length];
        for (int i = 0; i < xTickValues.length; i++) {
            xTickLabels[i] = tickLabel(xTickValues[i], xt.step());
        }
        if (xMin == xMax) {
            // one x: a single tick under the point, in the middle; ticks either side (epoch 0 of a run of one epoch,
            // iteration −1) named x values that never ran
            xt = new Ticks(xMin - 1, xMax + 1, 1);
            xTickValues = new double[] {xMin};
            xTickLabels = new String[] {xMin == Math.rint(xMin) && Math.abs(xMin) < 1e15 ? Long.toString((long) xMin)
                    : Html.number(xMin)};
        }
        double[] yTickValues;
        double y0;
        double y1;
        double yStep;
        if (log) {
            // y axis in log10 units; ticks at powers of ten (and 2, 5 × 10^k when under two decades)
            // a value on a power of ten would sit on the frame: keep it 0.05 decades inside
            int d0 = (int) Math.floor(Math.log10(yMin) - 0.05);
            int d1 = (int) Math.ceil(Math.log10(yMax) + 0.05);
            // the margin above gives way to the ceiling (a fraction's axis ends at 1); a value above it does not
            int top = (int) Math.floor(Math.log10(logCeiling) + 1e-9);
            if (d1 > top) {
                d1 = Math.max(top, (int) Math.ceil(Math.log10(yMax) - 1e-9));
            }
            y0 = d0;
            y1 = d1;
            List<Double> t = new ArrayList<>();
            for (int d = d0; d <= d1; d++) {
                t.add(Math.pow(10, d));
                if (d1 - d0 <= 2 && d < d1) {
                    t.add(2 * Math.pow(10, d));
                    t.add(5 * Math.pow(10, d));
                }
            }
            yTickValues = t.stream().mapToDouble(Double::doubleValue).toArray();
            yStep = Double.NaN;
        } else {
            Ticks yt = niceTicks(yMin, yMax, 5);
            yTickValues = yt.values();
            y0 = yt.lo();
            y1 = yt.hi();
            yStep = yt.step();
        }
        double xSpan = xt.hi() - xt.lo();
        double ySpan = y1 - y0;
        // grid and tick labels
        out.append("<g class=\"grid\">\n");
        for (int i = 0; i < xTickValues.length; i++) {
            double px = LEFT + (xTickValues[i] - xt.lo()) / xSpan * plotW;
            out.append("<line x1=\"").append(Html.fixed(px, 1)).append("\" y1=\"").append(TOP).append("\" x2=\"")
                    .append(Html.fixed(px, 1)).append("\" y2=\"").append(TOP + plotH).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(Html.fixed(px, 1)).append("\" y=\"")
                    .append(TOP + plotH + 16).append("\" text-anchor=\"middle\">").append(xTickLabels[i])
                    .append("</text>\n");
        }
        for (double v : yTickValues) {
            double u = log ? Math.log10(v) : v;
            double py = TOP + plotH - (u - y0) / ySpan * plotH;
            String label = log ? logTickLabel(v) : tickLabel(v, yStep);
            out.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Html.fixed(py, 1)).append("\" x2=\"")
                    .append(LEFT + plotW).append("\" y2=\"").append(Html.fixed(py, 1)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(Html.fixed(py + 4, 1))
                    .append("\" text-anchor=\"end\">").append(label).append("</text>\n");
        }
        out.append("</g>\n");
        out.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(plotW).append("\" height=\"").append(plotH).append("\"/>\n");
        out.append("<text class=\"axis\" x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(height - 6)
                .append("\" text-anchor=\"middle\">").append(Html.text(xLabel)).append("</text>\n");
        out.append("<text class=\"axis\" transform=\"translate(14 ").append(TOP + plotH / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Html.text(yLabel + (log ? " (log scale)" : "")))
                .append("</text>\n");
        // reference lines, under the series
        for (int r = 0; r < references.size(); r++) {
            Reference ref = references.get(r);
            if (!drawable(ref.y, log)) {
                continue;
            }
            double u = log ? Math.log10(ref.y) : ref.y;
            if (u < y0 || u > y1) {
                continue;
            }
            double py = TOP + plotH - (u - y0) / ySpan * plotH;
            out.append("<line class=\"reference\" data-name=\"").append(Html.text(ref.name)).append("\" x1=\"")
                    .append(LEFT).append("\" y1=\"").append(Html.fixed(py, 1)).append("\" x2=\"").append(LEFT + plotW)
                    .append("\" y2=\"").append(Html.fixed(py, 1)).append("\"><title>").append(Html.text(ref.hover))
                    .append("</title></line>\n");
        }
        // series
        boolean markers = x.length <= MAX_MARKERS;
        String markerClass = x.length <= VISIBLE_MARKERS ? "dot" : "hover";
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            out.append("<g class=\"series\" data-name=\"").append(Html.text(s.name)).append("\" stroke=\"")
                    .append(colour).append("\" fill=\"").append(colour).append("\">\n");
            StringBuilder points = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = 0; i <= x.length; i++) {
                boolean ok = i < x.length && drawable(s.y[i], log) && !Double.isNaN(x[i]);
                if (ok) {
                    double px = LEFT + (x[i] - xt.lo()) / xSpan * plotW;
                    double u = log ? Math.log10(s.y[i]) : s.y[i];
                    double py = TOP + plotH - (u - y0) / ySpan * plotH;
                    if (points.length() > 0) {
                        points.append(' ');
                    }
                    points.append(Html.fixed(px, 1)).append(',').append(Html.fixed(py, 1));
                    if (markers) {
                        marks.append("<circle class=\"").append(markerClass).append("\" cx=\"").append(Html.fixed(px, 1)).append("\" cy=\"").append(Html.fixed(py, 1))
                                .append("\" r=\"2\"><title>").append(Html.text(s.hover)).append(" at ")
                                .append(Html.text(xLabel)).append(' ').append(Html.number(x[i])).append(": ")
                                .append(Html.number(s.y[i])).append("</title></circle>");
                    }
                } else if (points.length() > 0) {
                    out.append("<polyline fill=\"none\" points=\"").append(points).append("\"/>\n");
                    points.setLength(0);
                }
            }
            out.append(marks).append("\n</g>\n");
        }
        // legend, above the plot
        double lx = LEFT;
        for (int k = 0; k < series.size(); k++) {
            String name = series.get(k).name;
            String colour = COLOURS[k % COLOURS.length];
            out.append("<g class=\"legend\"><rect x=\"").append(Html.fixed(lx, 1)).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
                    .append(colour).append("\"/><text x=\"").append(Html.fixed(lx + 16, 1)).append("\" y=\"18\">")
                    .append(Html.text(name)).append("</text></g>\n");
            lx += 28 + 7 * name.length();
        }
        for (Reference ref : references) {
            double u = drawable(ref.y, log) ? (log ? Math.log10(ref.y) : ref.y) : Double.NaN;
            String name = ref.name + (u < y0 ? " ↓" : u > y1 ? " ↑" : "");
            out.append("<g class=\"legend\"><line class=\"reference\" x1=\"").append(Html.fixed(lx, 1))
                    .append("\" y1=\"14\" x2=\"").append(Html.fixed(lx + 14, 1)).append("\" y2=\"14\"/><text x=\"")
                    .append(Html.fixed(lx + 18, 1)).append("\" y=\"18\">").append(Html.text(name)).append("</text></g>\n");
            lx += 30 + 7 * name.length();
        }
        out.append("</svg>");
        return out.toString();
    }

    /** True when every x value that is not NaN is a whole number. */
    private static boolean integral(double[] x) {
        for (double v : x) {
            if (!Double.isNaN(v) && v != Math.rint(v)) {
                return false;
            }
        }
        return true;
    }

    private static String logTickLabel(double v) {
        int e = (int) Math.floor(Math.log10(v) + 1e-9);
        double mant = v / Math.pow(10, e);
        if (e >= -2 && e <= 3) {
            return Html.fixed(v, Math.max(0, -e));
        }
        return Math.round(mant) + "e" + e;
    }
}
