#!/usr/bin/python3
"""Summary of one compare.sh run: every training-step configuration measured in alternating rounds of dcec4j (JMH)
and PyTorch (tuned and default set-up), with medians and spread over the rounds, the ratio to the tuned peer and each
row's share of the host's FMA peak measured in the same run.

    summarize.py OUTDIR      (OUTDIR holds peak.txt, bandwidth.txt, jmh-*.json, torch-*-*.json written by compare.sh)

The tuned peer has two set-ups above one thread: one BLAS thread beside torch's own (torch-tuned-*: no oversubscribed
cores) and the BLAS at torch's thread count with passive OpenMP waiting (torch-tunedblas-*: Debian's PyTorch runs its
transposed convolutions as BLAS products, which one BLAS thread keeps on one core). The ratio is to the faster of the
two, named in the table.

Below the table it states each target of the current performance round against the run (targets()): the value over
the rounds and each round's, met only when every round meets it (docs/benchmarks.md#targets-in-the-summary).

It ends with a host check: a run is "disturbed" (not to be quoted) when the FMA peak measured before and after the
rounds differs by more than PEAK_DRIFT, when the triad bandwidth of the cache or of the memory (mem_bw.c: what other
tenants take without touching the FMA units) does by more than BANDWIDTH_DRIFT, when the median of the JMH
iterations of one dcec4j measurement (each the median of its steps) is more than ITERATION_SPREAD above their
fastest (one slow second among five is noise a median absorbs; a slow half is not), or when the rounds' medians of one configuration do by more than
ROUND_SPREAD; the tuned peer's rounds are held to the same two limits (the median of a round's repetitions against
their fastest, and the rounds' medians against each other), since the ratio divides by them; so does a JMH file with
no results (a benchmark that failed). Other tenants of a shared machine show up in exactly these; a quiet run of this project's hosts stays
within a third of the peak's and the steps' thresholds; two readings of the bandwidth on an idle host differ by up to
10 %, so its threshold is higher (docs/benchmarks.md#host-check).
"""
import glob, json, math, os, re, statistics, sys


PEAK_DRIFT, BANDWIDTH_DRIFT, ITERATION_SPREAD, ROUND_SPREAD = 0.05, 0.15, 0.10, 0.05


def read_json(f):
    with open(f) as fh:
        return json.load(fh)


def load_peak_pairs(d):
    """{(bits, threads): [GFLOP/s, ...]} in the order measured (compare.sh measures at the start and at the end)."""
    pairs = {}
    with open(os.path.join(d, "peak.txt")) as fh:
        lines = fh.read().splitlines()
    for line in lines:
        bits, threads, gf = line.split()
        pairs.setdefault((int(bits), int(threads)), []).append(float(gf))
    return pairs


def load_bandwidth_pairs(d):
    """{(level, threads): [GB/s, ...]} in the order measured, from bandwidth.txt lines 'level threads GB/s' (level: cache
    or memory); empty for a run folder written before compare.sh measured it."""
    pairs, f = {}, os.path.join(d, "bandwidth.txt")
    if os.path.exists(f):
        with open(f) as fh:
            lines = fh.read().splitlines()
        for line in lines:
            level, threads, gbs = line.split()
            pairs.setdefault((level, int(threads)), []).append(float(gbs))
    return pairs


def drifts(readings, limit, unit, reasons):
    """The largest drift, max/min − 1 (how far the higher reading is above the lower, the same measure as the rounds'
    spread), over the readings {(label, threads): [values in the order measured]}; each above limit adds a reason to
    reasons, label first: "FMA peak (512 bits, " gives "FMA peak (512 bits, 2 thread(s)) read 348 then 295 GFLOP/s
    (18% apart)"; so does a reading taken only once, which cannot show a drift."""
    worst = 0.0
    for (name, threads), values in sorted(readings.items()):
        if len(values) < 2:
            # one reading brackets nothing (a run cut short after its rounds): a drift of 0 would call it quiet
            reasons.append(f"{name}{threads} thread(s)) read once ({values[0]:.0f} {unit}): not measured at both ends of the run")
            continue
        drift = max(values) / min(values) - 1
        worst = max(worst, drift)
        if drift > limit:
            reasons.append(f"{name}{threads} thread(s)) read " + " then ".join(f"{v:.0f}" for v in values)
                           + f" {unit} ({drift:.0%} apart)")
    return worst


def host_check(d):
    """The reasons this run is disturbed (empty: quiet), and a one-line account of the quiet figures."""
    reasons, worst = [], {"peak": 0.0, "bandwidth": 0.0, "iterations": 0.0, "rounds": 0.0}
    peaks = {(f"FMA peak ({bits} bits, ", threads): g for (bits, threads), g in load_peak_pairs(d).items()}
    worst["peak"] = drifts(peaks, PEAK_DRIFT, "GFLOP/s", reasons)
    bandwidth = {(f"{level} bandwidth (", threads): g for (level, threads), g in load_bandwidth_pairs(d).items()}
    worst["bandwidth"] = drifts(bandwidth, BANDWIDTH_DRIFT, "GB/s", reasons)
    rounds = {}
    for f in sorted(glob.glob(os.path.join(d, "jmh-*.json")) + glob.glob(os.path.join(d, "layers-*.json"))):
        results = read_json(f)
        if not results:
            # JMH writes [] and exits 0 when a benchmark throws and -foe is not given: the
            # configuration was not measured, its row is missing from the table, and no other rule sees it
            reasons.append(f"{os.path.basename(f)}: no results (the benchmark failed, see {os.path.basename(f)[:-5]}.log)")
        for r in results:
            raw = jmh_iterations(r)
            p = r["params"]
            name = ", ".join(f"{k}={p[k]}" for k in sorted(p) if k in ("layer", "size", "threads"))
            spread = statistics.median(raw) / min(raw) - 1
            worst["iterations"] = max(worst["iterations"], spread)
            if spread > ITERATION_SPREAD:
                reasons.append(f"{os.path.basename(f)} ({name}): iterations' median {statistics.median(raw):.2f} against "
                               f"the fastest {min(raw):.2f} ({spread:.0%})")
            if os.path.basename(f).startswith("jmh-"):
                rounds.setdefault(name, []).append(jmh_round(r)[0])
    for f in sorted(glob.glob(os.path.join(d, "torch-tuned*.json"))):
        t = read_json(f)
        med, fastest = t["rows"]["train step"][0], t["rows"]["train step"][1]
        setup = re.match(r"torch-(\w+)-", os.path.basename(f)).group(1)
        name = f"PyTorch {setup}, size={t['size']}, threads={t['threads']}"
        spread = med / fastest - 1
        worst["iterations"] = max(worst["iterations"], spread)
        if spread > ITERATION_SPREAD:
            reasons.append(f"{os.path.basename(f)}: repetitions' median {med:.2f} against the fastest {fastest:.2f} ({spread:.0%})")
        rounds.setdefault(name, []).append(med)
    compared = False
    for name, ms in sorted(rounds.items()):
        if len(ms) > 1:
            compared = True
            spread = max(ms) / min(ms) - 1
            worst["rounds"] = max(worst["rounds"], spread)
            if spread > ROUND_SPREAD:
                reasons.append(f"step ({name}): round medians {min(ms):.1f}–{max(ms):.1f} ms ({spread:.0%})")
    bw_text = (f"cache and memory bandwidth within {worst['bandwidth']:.1%}" if bandwidth
               else "cache and memory bandwidth not measured")
    account = (f"FMA peak before and after within {worst['peak']:.1%}, {bw_text}, "
               f"JMH iterations' and the tuned peer's repetitions' medians within {worst['iterations']:.1%} of their fastest, "
               + (f"rounds within {worst['rounds']:.1%} " if compared else "rounds not compared (one round each) ")
               + f"(limits {PEAK_DRIFT:.0%}, {BANDWIDTH_DRIFT:.0%}, {ITERATION_SPREAD:.0%}, {ROUND_SPREAD:.0%})")
    return reasons, account


def jmh_iterations(r):
    """One value per measured iteration of a JMH result: the median of the iteration's steps in sample mode (compare.sh
    runs JMH with -bm sample, which times every invocation), the iteration's mean in average-time mode (older runs)."""
    pm = r["primaryMetric"]
    if "rawDataHistogram" in pm:
        return [statistics.median(samples(it)) for fork in pm["rawDataHistogram"] for it in fork]
    return [v for fork in pm["rawData"] for v in fork]


def samples(histogram):
    """The values of one JMH histogram, [[value, count], ...], each repeated count times."""
    return [v for v, n in histogram for _ in range(int(n))]


def jmh_round(r):
    """A JMH result as one round's (median, mean): in sample mode the median and the mean of all its timed steps, the
    statistics the peer's round takes of its repetitions; in average-time mode the median of the iterations' means."""
    pm = r["primaryMetric"]
    if "rawDataHistogram" in pm:
        steps = [v for fork in pm["rawDataHistogram"] for it in fork for v in samples(it)]
        return statistics.median(steps), statistics.fmean(steps)
    raw = jmh_iterations(r)
    return statistics.median(raw), statistics.fmean(raw)


def load_peak(d):
    """{threads: GFLOP/s} of the widest FMA the host runs, from peak.txt lines 'bits threads gflops'."""
    best = {}
    with open(os.path.join(d, "peak.txt")) as fh:
        lines = fh.read().splitlines()
    for line in lines:
        bits, threads, gf = line.split()
        best[int(threads)] = max(best.get(int(threads), 0.0), float(gf))
    return best


def step_flops(size, batch=256):
    """2·MACs of forward + backward-input + backward-weight of the six conv layers and the two dense ones, less
    conv1's backward-input, which neither dcec4j's step nor PyTorch's computes."""
    def out(n, k, valid):
        return (n - k) // 2 + 1 if valid else -(-n // 2)
    s3valid = size % 8 != 0
    h1, h2 = out(size, 5, False), out(-(-size // 2), 5, False)
    h3 = out(h2, 3, s3valid)
    macs = (32 * 1 * 25 * h1 * h1 + 64 * 32 * 25 * h2 * h2 + 128 * 64 * 9 * h3 * h3) * 2   # conv + its deconv twin
    macs += 2 * 10 * 128 * h3 * h3                                                         # the two dense layers
    return (3 * 2 * macs - 2 * 32 * 25 * h1 * h1) * batch   # less conv1's backward-input: the images need no gradient


def load_rounds(d):
    """The rounds of the training step, each keyed by its round number (the r of jmh-r-size-threads.json):
    dcec4j's {(size, threads): {r: median ms}} and {(size, threads): {r: mean ms}}, and the peer's
    {(setup, size, threads): {r: median ms}}."""
    jmh, means, torch = {}, {}, {}
    for f in glob.glob(os.path.join(d, "jmh-*.json")):
        rnd = int(re.match(r"jmh-(\d+)-", os.path.basename(f)).group(1))
        for r in read_json(f):
            if not r["benchmark"].endswith("TrainStepBenchmark.step"):
                continue
            p = r["params"]
            median, mean = jmh_round(r)
            jmh.setdefault((int(p["size"]), int(p["threads"])), {})[rnd] = median
            means.setdefault((int(p["size"]), int(p["threads"])), {})[rnd] = mean
    for f in glob.glob(os.path.join(d, "torch-*.json")):
        setup, rnd = re.match(r"torch-(\w+)-(\d+)-", os.path.basename(f)).groups()
        t = read_json(f)
        torch.setdefault((setup, t["size"], t["threads"]), {})[int(rnd)] = t["rows"]["train step"][0]
    return jmh, means, torch


def faster_peer(torch, size, threads):
    """The peer's tuned set-up with the lower median over the rounds, as (its {round: ms}, mark): the BLAS at torch's
    thread count ("tunedblas", marked '*') or one BLAS thread ("tuned", unmarked); ({}, "") when neither ran."""
    tuned, blas = torch.get(("tuned", size, threads), {}), torch.get(("tunedblas", size, threads), {})
    if blas and (not tuned or statistics.median(blas.values()) < statistics.median(tuned.values())):
        return blas, "*"
    return tuned, ""


# The targets of the current performance round (docs/benchmarks.md#against-the-targets): per training-step configuration
# (size, threads) the lowest ratio to the faster tuned peer and the lowest share of the FMA peak (None: no target); the
# lowest thread scaling 1 → 2 at 28×28; and the lowest share of the peak of the layers with one input or output channel,
# forward + backward-input + backward-weight, at every thread count the layer table ran.
STEP_TARGETS = {(28, 2): (2.0, 0.55), (28, 1): (1.5, 0.55), (16, 2): (2.5, None)}
SCALING_TARGET = (28, 1.8)
LAYER_TARGETS = {"conv1": 0.25, "deconv1": 0.25}


def layer_flops(layer, size=28, batch=256):
    """2·MACs of a layer's three passes (the layer table's rows): conv1 and deconv1 (its adjoint) run 32 filters of
    5×5 over one channel, with 'same' padding and stride 2."""
    if layer not in ("conv1", "deconv1"):
        raise ValueError(f"no FLOP count for {layer}")
    side = -(-size // 2)
    return 3 * 2 * batch * 32 * 1 * 25 * side * side


def targets(d):
    """Each target against this run: a list of (what, the value over the rounds, [each round's value], threshold, met),
    with met true only when every round meets the threshold (a round is one alternating dcec4j-then-peer pair; the
    layer table is a single round). Values are ratios (×) or shares of the peak (fractions)."""
    peak = load_peak(d)
    jmh, _, torch = load_rounds(d)
    rows = []
    for (size, threads), (min_ratio, min_share) in sorted(STEP_TARGETS.items(), key=lambda kv: (-kv[0][0], -kv[0][1])):
        ours = jmh.get((size, threads), {})
        if not ours:
            continue
        peer, _ = faster_peer(torch, size, threads)
        common = sorted(set(ours) & set(peer))
        if peer:
            per_round = [peer[r] / ours[r] for r in common]
            value = statistics.median(peer.values()) / statistics.median(ours.values())
            rows.append((f"{size}x{size}, {threads} thr: × the tuned peer", value, per_round, min_ratio,
                         bool(per_round) and min(per_round) >= min_ratio))
        if min_share is not None and threads in peak:
            share = lambda ms: step_flops(size) / ms / 1e6 / peak[threads]
            per_round = [share(ours[r]) for r in sorted(ours)]
            rows.append((f"{size}x{size}, {threads} thr: share of the FMA peak", share(statistics.median(ours.values())),
                         per_round, min_share, min(per_round) >= min_share))
    size, min_scaling = SCALING_TARGET
    one, two = jmh.get((size, 1), {}), jmh.get((size, 2), {})
    if one and two:
        per_round = [one[r] / two[r] for r in sorted(set(one) & set(two))]
        rows.append((f"thread scaling 1→2 at {size}x{size}", statistics.median(one.values()) / statistics.median(two.values()),
                     per_round, min_scaling, bool(per_round) and min(per_round) >= min_scaling))
    for f in sorted(glob.glob(os.path.join(d, "layers-*.json"))):
        for r in read_json(f):
            p = r["params"]
            layer, threads = p.get("layer"), int(p["threads"])
            if layer in LAYER_TARGETS and p.get("size", "28") == "28" and threads in peak:
                share = layer_flops(layer) / jmh_round(r)[0] / 1e6 / peak[threads]
                rows.append((f"{layer}, {threads} thr: share of the FMA peak", share, [share], LAYER_TARGETS[layer],
                             share >= LAYER_TARGETS[layer]))
    return rows


def main(d):
    peak = load_peak(d)
    jmh_rounds, mean_rounds, torch_rounds = load_rounds(d)
    # [ms per round] in round order: the rounds' medians, their means, the peer's medians
    ordered = lambda rounds: {k: [v[r] for r in sorted(v)] for k, v in rounds.items()}
    jmh, means, torch = ordered(jmh_rounds), ordered(mean_rounds), ordered(torch_rounds)
    fmt = lambda xs: f"{statistics.median(xs):7.1f} ({min(xs):6.1f}–{max(xs):6.1f})" if xs else "-"
    print(f"FMA peak measured in this run: " + ", ".join(f"{t} thread(s) {g:.0f} GFLOP/s" for t, g in sorted(peak.items())))
    bw = load_bandwidth_pairs(d)
    if bw:
        print("triad bandwidth before → after (GB/s): " + ", ".join(
            f"{level} {threads} thread(s) " + " → ".join(f"{g:.0f}" for g in gbs) for (level, threads), gbs in sorted(bw.items())))
    print(f"\n{'step':<16} {'dcec4j ms':>22} {'PyTorch tuned ms':>22} {'tuned, BLAS at t':>22} {'PyTorch default ms':>22} "
          f"{'tuned/dcec4j':>12} {'dcec4j % peak':>13} {'torch % peak':>12}")
    for (size, threads), ms in sorted(jmh.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        tuned, default = torch.get(("tuned", size, threads), []), torch.get(("default", size, threads), [])
        blas = torch.get(("tunedblas", size, threads), [])
        # the peer at its faster tuned set-up (by median over the rounds); '*' marks the BLAS-at-t one
        best, mark = faster_peer(torch_rounds, size, threads)
        best = [best[r] for r in sorted(best)]
        flops = step_flops(size)
        share = lambda xs: f"{flops / statistics.median(xs) / 1e6 / peak.get(threads, float('nan')) * 100:12.0f}%" if xs else "-"
        ratio = f"{statistics.median(best) / statistics.median(ms):.2f}x{mark}" if best else "-"
        print(f"{f'{size}x{size}, {threads} thr':<16} {fmt(ms):>22} {fmt(tuned):>22} {fmt(blas):>22} {fmt(default):>22} "
              f"{ratio:>12} {share(ms):>13} {share(best):>12}")
    scal = sorted(k for k in jmh if k[1] == 1)
    for size, _ in scal:
        if (size, 2) in jmh:
            print(f"thread scaling 1→2 at {size}x{size}: {statistics.median(jmh[(size, 1)]) / statistics.median(jmh[(size, 2)]):.2f}x")
    print("dcec4j's mean step, stalls included (median over the rounds of each round's mean): " + ", ".join(
        f"{size}x{size} {threads} thr {statistics.median(ms):.1f} ms"
        for (size, threads), ms in sorted(means.items(), key=lambda kv: (-kv[0][0], kv[0][1]))))
    print("\nmedian (min–max) over the rounds; each round is the median of its single steps: dcec4j's of every step JMH"
          " timed (sample mode), PyTorch's of its repetitions. % peak = 2·MACs per step / time / the FMA peak at that thread"
          " count. The ratio and torch % peak are the faster tuned set-up's (x* = the BLAS at torch's thread count).")
    rows = targets(d)
    if rows:
        # cut, not rounded, so that a value just under its threshold never reads as the threshold (24.97 % as 25.0 %)
        shown = lambda v, limit: f"{math.floor(v * 100) / 100:.2f}x" if limit >= 1 else f"{math.floor(v * 1000) / 10:.1f}%"
        print("\ntargets (docs/benchmarks.md#against-the-targets): the value over the rounds, each round's in brackets;"
              " met = met in every round")
        for what, value, per_round, limit, met in rows:
            print(f"  {what} ≥ {shown(limit, limit)}: {shown(value, limit)} ("
                  + ", ".join(shown(v, limit) for v in per_round) + ") " + ("met" if met else "NOT MET"))
        print(f"  all {len(rows)} met in every round: " + ("yes" if all(r[4] for r in rows) else "no"))
    reasons, account = host_check(d)
    if reasons:
        print("\nhost check: DISTURBED, do not quote this run (" + account + "):\n  " + "\n  ".join(reasons))
    else:
        print("\nhost check: quiet (" + account + ")")


if __name__ == "__main__":
    main(sys.argv[1])
