#!/usr/bin/python3
"""Summary of host_watch.sh's samples: per minute the median of each reading, and, for readings a minute, two, five
and nine minutes apart, how far they drift and how often past the host check's limits (summarize.py's
BANDWIDTH_DRIFT and PEAK_DRIFT; docs/benchmarks.md#host-watch).

    host_watch.py SAMPLES THREADS     (SAMPLES: lines 'epoch cache1 memory1 cacheT memoryT fmaT', THREADS = T)
"""
import statistics, sys

import summarize

GAPS = (60, 120, 300, 540)   # seconds between the two readings of a pair
TOLERANCE = 3                # a pair's second reading is the first sample within this many seconds of the gap


def load(path):
    """The samples as (epoch seconds, [readings]) in the order taken."""
    with open(path) as fh:
        rows = [line.split() for line in fh if line.strip()]
    return [(float(r[0]), [float(v) for v in r[1:]]) for r in rows]


def drift(a, b):
    """How far the higher of two readings is above the lower, max/min − 1 (the host check's measure)."""
    return max(a, b) / min(a, b) - 1


def pairs(samples, column, gap):
    """The drifts of every sample's reading in column against the first later sample taken gap ± TOLERANCE seconds
    after it (samples without such a partner are left out)."""
    out = []
    for i, (t, values) in enumerate(samples):
        for u, later in samples[i + 1:]:
            if abs(u - t - gap) <= TOLERANCE:
                out.append(drift(values[column], later[column]))
                break
            if u - t > gap + TOLERANCE:
                break
    return out


def main(path, threads):
    samples = load(path)
    names = ["cache, 1 thread", "memory, 1 thread", f"cache, {threads} threads", f"memory, {threads} threads",
             f"FMA peak, {threads} threads"]
    limits = [summarize.BANDWIDTH_DRIFT] * 4 + [summarize.PEAK_DRIFT]
    t0 = samples[0][0]
    print(f"{len(samples)} samples over {samples[-1][0] - t0:.0f} s; per minute, the median of its samples:")
    print(f"{'minute':>6} {'samples':>7} " + " ".join(f"{n:>20}" for n in names))
    for m in range(int((samples[-1][0] - t0) // 60) + 1):
        sel = [v for t, v in samples if m * 60 <= t - t0 < (m + 1) * 60]
        if sel:
            print(f"{m:>6} {len(sel):>7} " + " ".join(f"{statistics.median(v[c] for v in sel):>20.1f}" for c in range(5)))
    print("\nreadings GAP seconds apart: the median drift, and the share of pairs past the host check's limit")
    for c, (name, limit) in enumerate(zip(names, limits)):
        cells = []
        for gap in GAPS:
            d = pairs(samples, c, gap)
            cells.append(f"{gap:>3} s: {statistics.median(d):5.1%}, {sum(x > limit for x in d) / len(d):4.0%} past {limit:.0%}"
                         if d else f"{gap:>3} s: -")
        print(f"  {name:<22} " + "; ".join(cells))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
