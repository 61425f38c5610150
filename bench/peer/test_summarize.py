#!/usr/bin/python3
"""Checks of summarize.py's host check and its targets on hand-made run folders, and of its FLOP counts (stdlib
only; not part of the Maven build):

    /usr/bin/python3 bench/peer/test_summarize.py
"""
import json, os, tempfile, unittest

import host_watch
import summarize


def run_folder(peaks, steps, layers=None, bandwidth=None, torch=None):
    """A compare.sh output folder: peaks [(bits, threads, gflops)], steps {(round, size, threads): [ms per iteration]},
    layers {(threads, layer): [ms per iteration]}, bandwidth [(level, threads, GB/s)] (None: no bandwidth.txt, as
    in folders written before compare.sh measured it), torch {(setup, round, size, threads): (median, min, max)}."""
    d = tempfile.mkdtemp()
    for (setup, r, size, threads), row in (torch or {}).items():
        with open(os.path.join(d, f"torch-{setup}-{r}-{size}-{threads}.json"), "w") as f:
            json.dump({"torch": "1.13", "threads": threads, "size": size, "batch": 256, "rows": {"train step": list(row) + [1.0]}}, f)
    with open(os.path.join(d, "peak.txt"), "w") as f:
        for bits, threads, g in peaks:
            f.write(f"{bits} {threads} {g}\n")
    if bandwidth is not None:
        with open(os.path.join(d, "bandwidth.txt"), "w") as f:
            for level, threads, g in bandwidth:
                f.write(f"{level} {threads} {g}\n")
    for (r, size, threads), raw in steps.items():
        with open(os.path.join(d, f"jmh-{r}-{size}-{threads}.json"), "w") as f:
            json.dump([{"benchmark": "org.dcec4j.bench.TrainStepBenchmark.step",
                        "params": {"size": str(size), "threads": str(threads), "batch": "256", "impl": "vector"},
                        "primaryMetric": {"rawData": [raw]}}], f)
    by_threads = {}
    for (threads, layer), raw in (layers or {}).items():
        by_threads.setdefault(threads, []).append(
            {"benchmark": "org.dcec4j.bench.ConvBenchmark.pass",
             "params": {"layer": layer, "size": "28", "threads": str(threads), "pass": "all"},
             "primaryMetric": {"rawData": [raw]}})
    for threads, rows in by_threads.items():
        with open(os.path.join(d, f"layers-{threads}.json"), "w") as f:
            json.dump(rows, f)
    return d


QUIET_PEAKS = [(512, 1, 176.0), (512, 2, 350.2), (512, 1, 174.4), (512, 2, 348.1)]
QUIET_STEPS = {(1, 28, 2): [63.6, 65.4, 65.5, 66.0, 67.2], (2, 28, 2): [63.3, 63.8, 63.8, 64.0, 64.9]}


class HostCheckTest(unittest.TestCase):
    def test_quiet_run(self):
        # one slow second among five (7.08 against 5.4) is absorbed by the median
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, {(2, "conv3"): [5.60, 5.68, 7.08, 5.40, 5.44]}))
        self.assertEqual(reasons, [])

    def test_peak_that_drops_during_the_run(self):
        peaks = [(512, 2, 348.1), (512, 2, 295.4)]      # 15 % lower at the end
        reasons, _ = summarize.host_check(run_folder(peaks, QUIET_STEPS))
        self.assertEqual(len(reasons), 1)
        self.assertIn("348 then 295", reasons[0])

    def test_peaks_are_held_to_the_same_measure_as_the_rounds(self):
        # 350.0 then 333.0: the higher 5.1 % above the lower, as the rounds' spread is measured (1 − min/max, the
        # measure the peaks had, read 4.9 % and called it quiet while rounds as far apart were disturbed)
        reasons, _ = summarize.host_check(run_folder([(512, 2, 350.0), (512, 2, 333.0)], QUIET_STEPS))
        self.assertEqual(len(reasons), 1, reasons)
        self.assertIn("350 then 333 GFLOP/s (5% apart)", reasons[0])
        steps = {(1, 28, 2): [63.3, 63.4, 63.4, 63.5, 63.6], (2, 28, 2): [66.5, 66.6, 66.6, 66.7, 66.8]}
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, steps))
        self.assertEqual(len(reasons), 1, reasons)
        self.assertIn("round medians 63.4–66.6 ms (5%)", reasons[0])

    def test_slow_half_of_the_iterations(self):
        steps = dict(QUIET_STEPS)
        steps[(1, 28, 1)] = [145.4, 147.1, 165.3, 174.9, 180.5]   # median 12 % above the fastest
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, steps))
        self.assertEqual(len(reasons), 1)
        self.assertIn("jmh-1-28-1.json", reasons[0])

    def test_rounds_that_disagree(self):
        steps = {(1, 28, 2): [64.6, 64.7, 64.7, 65.3, 65.0], (2, 28, 2): [69.0, 69.4, 69.4, 70.0, 70.1]}   # 7 % apart
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, steps))
        self.assertEqual(len(reasons), 1)
        self.assertIn("round medians", reasons[0])

    def test_quiet_bandwidth(self):
        # a Zen 5 host's triad, 2026-12-04: within 6 % between two measurements
        bw = [("cache", 2, 162.0), ("memory", 2, 63.1), ("cache", 2, 153.4), ("memory", 2, 58.8)]
        reasons, account = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, bandwidth=bw))
        self.assertEqual(reasons, [])
        self.assertIn("bandwidth within 7.3%", account)   # 63.1 / 58.8 − 1

    def test_memory_taken_during_the_run(self):
        # the FMA peak stays, the memory bandwidth falls by a fifth: a neighbour on the memory bus
        bw = [("cache", 2, 160.0), ("memory", 2, 62.0), ("cache", 2, 157.0), ("memory", 2, 49.0)]
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, bandwidth=bw))
        self.assertEqual(len(reasons), 1)
        self.assertIn("memory bandwidth (2 thread(s)) read 62 then 49", reasons[0])

    def test_slow_layer(self):
        layers = {(1, "conv2"): [40.9, 55.2, 57.5, 60.1, 66.0]}
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, layers))
        self.assertEqual(len(reasons), 1)
        self.assertIn("layer=conv2", reasons[0])

    def test_peer_rounds_that_disagree(self):
        # the tuned peer read 140 then 210 ms: the ratio divides by it, so the run is disturbed
        torch = {("tuned", 1, 28, 2): (140.0, 138.0, 143.0), ("tuned", 2, 28, 2): (210.0, 205.0, 214.0)}
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, torch=torch))
        self.assertEqual(len(reasons), 1)
        self.assertIn("PyTorch tuned, size=28, threads=2", reasons[0])

    def test_peer_repetitions_that_spread(self):
        torch = {("tunedblas", 1, 28, 2): (160.0, 130.0, 170.0), ("tunedblas", 2, 28, 2): (161.0, 158.0, 165.0)}
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, torch=torch))
        self.assertEqual(len(reasons), 1)
        self.assertIn("torch-tunedblas-1-28-2.json", reasons[0])

    def test_peak_read_only_once_is_not_called_quiet(self):
        # a folder of a run cut short after its rounds: the peak at the end is missing, so nothing brackets the rounds
        peaks = [(512, 1, 176.0), (512, 2, 350.2)]
        reasons, account = summarize.host_check(run_folder(peaks, QUIET_STEPS))
        self.assertEqual(len(reasons), 2, reasons)
        self.assertIn("FMA peak (512 bits, 2 thread(s)) read once (350 GFLOP/s)", reasons[1])

    def test_bandwidth_read_only_once_is_not_called_quiet(self):
        bw = [("cache", 2, 162.0), ("memory", 2, 63.1)]
        reasons, _ = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS, bandwidth=bw))
        self.assertEqual(len(reasons), 2, reasons)
        self.assertIn("memory bandwidth (2 thread(s)) read once", reasons[1])

    def test_one_round_is_not_called_within_the_rounds_limit(self):
        steps = {(1, 28, 2): QUIET_STEPS[(1, 28, 2)]}
        reasons, account = summarize.host_check(run_folder(QUIET_PEAKS, steps))
        self.assertEqual(reasons, [])
        self.assertIn("rounds not compared (one round each)", account)

    def test_a_benchmark_that_failed_is_not_called_quiet(self):
        # JMH without -foe writes [] for a benchmark that threw in its set-up and exits 0: the 16x16 row was missing
        # from the table and the host check said quiet
        d = run_folder(QUIET_PEAKS, QUIET_STEPS)
        for r in (1, 2):
            with open(os.path.join(d, f"jmh-{r}-16-2.json"), "w") as f:
                json.dump([], f)
        reasons, _ = summarize.host_check(d)
        self.assertEqual(len(reasons), 2, reasons)
        self.assertIn("jmh-1-16-2.json: no results (the benchmark failed, see jmh-1-16-2.log)", reasons[0])

    def test_no_bandwidth_is_not_called_quiet(self):
        _, account = summarize.host_check(run_folder(QUIET_PEAKS, QUIET_STEPS))
        self.assertIn("bandwidth not measured", account)

    def test_ratio_to_the_faster_tuned_peer(self):
        import contextlib, io
        torch = {("tuned", r, 28, 2): (130.0, 129.0, 131.0) for r in (1, 2)}
        torch.update({("tunedblas", r, 28, 2): (110.0, 109.0, 111.0) for r in (1, 2)})
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summarize.main(run_folder(QUIET_PEAKS, QUIET_STEPS, torch=torch))
        # dcec4j's median of the two rounds' medians: (65.4 + 63.8) / 2 = 64.6 ms; 110 / 64.6 = 1.70
        self.assertIn("1.70x*", out.getvalue())

    def test_sample_mode_rounds_are_medians_of_steps(self):
        # JMH's sample mode: per iteration a histogram [[ms, count], ...] of the timed steps. Two iterations of a round:
        # 41 ms × 6 and a stall of 80 ms × 2, then 42 ms × 5 and 70 ms × 1: the round's median step is 42 (the steps
        # sorted: 41 × 6, 42 × 5, 70, 80 × 2), its mean 49.29, its iterations' medians 41 and 42
        r = {"primaryMetric": {"rawDataHistogram": [[[[41.0, 6], [80.0, 2]], [[42.0, 5], [70.0, 1]]]]}}
        self.assertEqual(summarize.jmh_iterations(r), [41.0, 42.0])
        median, mean = summarize.jmh_round(r)
        self.assertEqual(median, 42.0)
        self.assertAlmostEqual(mean, (41 * 6 + 80 * 2 + 42 * 5 + 70) / 14)

    def test_sample_mode_in_the_summary_and_the_host_check(self):
        import contextlib, io
        d = run_folder(QUIET_PEAKS, {})
        for r, hist in ((1, [[[[43.0, 40], [60.0, 5]], [[43.5, 40], [75.0, 5]]]]), (2, [[[[43.2, 40], [65.0, 5]]]])):
            with open(os.path.join(d, f"jmh-{r}-28-2.json"), "w") as f:
                json.dump([{"benchmark": "org.dcec4j.bench.TrainStepBenchmark.step",
                            "params": {"size": "28", "threads": "2", "batch": "256", "impl": "vector"},
                            "primaryMetric": {"rawDataHistogram": hist}}], f)
        reasons, _ = summarize.host_check(d)
        self.assertEqual(reasons, [])      # the stalls move the means, not the medians the check compares
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summarize.main(d)
        # round 1's 90 steps sorted: 40 × 43.0, 40 × 43.5, 5 × 60, 5 × 75; its median, the mean of the 45th and the
        # 46th, is 43.5; round 2's (40 × 43.2, 5 × 65) 43.2; the median of the two rounds 43.35
        self.assertIn("43.4 (  43.2–  43.5)", out.getvalue())
        # the means: round 1 (40·43 + 5·60 + 40·43.5 + 5·75) / 90 = 45.94, round 2 (40·43.2 + 5·65) / 45 = 45.62
        self.assertIn("28x28 2 thr 45.8 ms", out.getvalue())

    def test_targets_are_met_only_in_every_round(self):
        import contextlib, io
        peaks = [(512, 1, 200.0), (512, 2, 400.0), (512, 1, 199.0), (512, 2, 398.0)]
        steps = {(1, 28, 2): [45.0] * 3, (2, 28, 2): [47.0] * 3, (1, 28, 1): [80.0] * 3, (2, 28, 1): [82.0] * 3}
        torch = {("tuned", 1, 28, 2): (100.0, 99.0, 101.0), ("tuned", 2, 28, 2): (90.0, 89.0, 91.0),
                 ("tuned", 1, 28, 1): (130.0, 129.0, 131.0), ("tuned", 2, 28, 1): (128.0, 127.0, 129.0)}
        d = run_folder(peaks, steps, {(2, "conv1"): [1.0] * 3, (2, "deconv1"): [2.5] * 3, (2, "conv2"): [9.0] * 3},
                       torch=torch)
        rows = {what: (value, per_round, limit, met) for what, value, per_round, limit, met in summarize.targets(d)}
        flops = summarize.step_flops(28)      # 10,182,262,784
        # 2 threads: shares 10.18 GFLOP / 45 ms / 400 = 56.6 % and / 47 ms = 54.2 %; over the rounds (46 ms) 55.3 %,
        # above 55 %, but the second round is under it
        value, per_round, limit, met = rows["28x28, 2 thr: share of the FMA peak"]
        self.assertAlmostEqual(value, flops / 46.0 / 1e6 / 400.0)
        self.assertEqual(per_round, [flops / 45.0 / 1e6 / 400.0, flops / 47.0 / 1e6 / 400.0])
        self.assertFalse(met)
        # ratios round by round: 100 / 45 = 2.22, 90 / 47 = 1.91; the medians' 95 / 46 = 2.07 would pass
        value, per_round, _, met = rows["28x28, 2 thr: × the tuned peer"]
        self.assertAlmostEqual(value, 95.0 / 46.0)
        self.assertEqual(per_round, [100.0 / 45.0, 90.0 / 47.0])
        self.assertFalse(met)
        # 1 thread: 130 / 80 = 1.63 and 128 / 82 = 1.56, shares 63.6 % and 62.1 % of the 1-core 200: both met
        self.assertTrue(rows["28x28, 1 thr: × the tuned peer"][3])
        self.assertEqual(rows["28x28, 1 thr: share of the FMA peak"][1], [flops / 80.0 / 1e6 / 200.0, flops / 82.0 / 1e6 / 200.0])
        self.assertTrue(rows["28x28, 1 thr: share of the FMA peak"][3])
        # scaling round by round: 80 / 45 = 1.78, 82 / 47 = 1.74
        self.assertEqual(rows["thread scaling 1→2 at 28x28"][1], [80.0 / 45.0, 82.0 / 47.0])
        self.assertFalse(rows["thread scaling 1→2 at 28x28"][3])
        # conv1's three passes: 3 · 2 · 256 · 32 · 25 · 14 · 14 = 240,844,800 FLOP; in 1 ms 60.2 % of 400, in 2.5 ms 24.1 %
        self.assertEqual(summarize.layer_flops("conv1"), 240_844_800)
        self.assertAlmostEqual(rows["conv1, 2 thr: share of the FMA peak"][0], 240_844_800 / 1.0 / 1e6 / 400.0)
        self.assertTrue(rows["conv1, 2 thr: share of the FMA peak"][3])
        self.assertFalse(rows["deconv1, 2 thr: share of the FMA peak"][3])
        self.assertEqual(len(rows), 7)          # no 16×16 rounds, so no 16×16 target; conv2 has none
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summarize.main(d)
        # cut, not rounded: 24.08 % reads 24.0 %, 1.9149× reads 1.91×
        self.assertIn("deconv1, 2 thr: share of the FMA peak ≥ 25.0%: 24.0% (24.0%) NOT MET", out.getvalue())
        self.assertIn("28x28, 2 thr: × the tuned peer ≥ 2.00x: 2.06x (2.22x, 1.91x) NOT MET", out.getvalue())
        self.assertIn("all 7 met in every round: no", out.getvalue())

    def test_step_flops(self):
        # per image by hand (28×28): conv1 156,800 MACs, conv2 2,508,800, conv3 663,552, the dense pair 23,040;
        # three passes each, conv twice (conv and deconv), less conv1's backward-input: 19,887,232 MACs
        self.assertEqual(summarize.step_flops(28), 2 * 19_887_232 * 256)
        self.assertEqual(summarize.step_flops(16), 2 * 6_971_392 * 256)


class HostWatchTest(unittest.TestCase):
    def test_pairs_a_gap_apart(self):
        # epoch seconds and one reading each; the gap is 60 ± 3 s
        samples = [(0.0, [100.0]), (6.0, [110.0]), (30.0, [90.0]), (61.5, [120.0]), (64.0, [80.0]), (95.0, [90.0])]
        # 0 → 61.5 (100 against 120: 20 %), 6 → 64, not 61.5 (55.5 s on; 110 against 80: 37.5 %), 30 → nothing within
        # 57–63 s (95 is 65 s on); 61.5 and 64 → nothing later within the gap
        got = host_watch.pairs(samples, 0, 60)
        self.assertEqual(len(got), 2)
        self.assertAlmostEqual(got[0], 0.2)
        self.assertAlmostEqual(got[1], 110 / 80 - 1)
        self.assertEqual(host_watch.drift(80.0, 110.0), host_watch.drift(110.0, 80.0))

    def test_summary_of_a_file(self):
        import contextlib, io
        d = tempfile.mkdtemp()
        with open(os.path.join(d, "samples.txt"), "w") as f:
            for i in range(40):                     # every 4 s: bandwidths halve after the first minute, FMA steady
                bw = 100.0 if i * 4 < 60 else 50.0
                f.write(f"{1000 + i * 4} {bw} {bw} {bw} {bw} 400.0\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            host_watch.main(os.path.join(d, "samples.txt"), 2)
        text = out.getvalue()
        self.assertIn("40 samples over 156 s", text)
        # pairs 60 s apart: samples 0..14 (t < 60) against 15..29: all cross the drop (100 % drift); 15..24 against
        # 30..39: none. 15 of 25 pairs past 15 %
        self.assertIn(" 60 s: 100.0%,  60% past 15%", text)
        self.assertIn("FMA peak, 2 threads", text)
        self.assertIn(" 60 s:  0.0%,   0% past 5%", text)


if __name__ == "__main__":
    unittest.main()
