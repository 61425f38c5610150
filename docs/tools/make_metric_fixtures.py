#!/usr/bin/python3
"""Writes the scikit-learn reference values for dcec4j's clustering metrics.

Run with Debian's interpreter (it has python3-sklearn and python3-scipy):

    /usr/bin/python3 docs/tools/make_metric_fixtures.py \
        > dcec/src/test/resources/metrics/sklearn_metrics.txt

Output: one block per labeling pair, read by org.dcec4j.dcec.metrics.SklearnFixtureTest.

    case <name>
    truth <label> <label> ...            labels written out, or
    truth splitmix <seed> <N> <K>        labels drawn by the SplitMix64 rule below
    pred  <label> ...  |  pred splitmix-noisy <seed> <K> <per-mille>   (see pred_noisy)
    <metric> <value>                     one line per metric, Python repr (round-trips exactly)
    end

SplitMix64 keeps the large cases out of the file: both this script and the Java test regenerate the
labels from the seed. Values: ACC from scipy.optimize.linear_sum_assignment on the contingency table,
mutual_info_score, normalized_mutual_info_score (four average_method values), adjusted_rand_score.
"""
import sys

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, mutual_info_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

MASK = (1 << 64) - 1


def splitmix(seed):
    """SplitMix64 (Steele, Lea, Flood 2014): the stream of 64-bit outputs, as unsigned ints."""
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def truth_splitmix(seed, n, k):
    """truth[i] = next mod K."""
    g = splitmix(seed)
    return np.array([next(g) % k for _ in range(n)], dtype=np.int64)


def pred_noisy(truth, seed, k, per_mille):
    """pred[i] = (7 truth[i] + 3) mod K, except with probability per_mille/1000 (decided by
    next >> 11 < per_mille * 2^53 / 1000) a label drawn as next mod K."""
    g = splitmix(seed)
    threshold = (per_mille << 53) // 1000
    out = np.empty_like(truth)
    for i, t in enumerate(truth):
        if (next(g) >> 11) < threshold:
            out[i] = next(g) % k
        else:
            out[i] = (7 * int(t) + 3) % k
    return out


def acc(truth, pred):
    table = contingency_matrix(truth, pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table[rows, cols].sum() / len(truth)


def explicit_cases():
    rng = np.random.RandomState(20240505)
    cases = []
    # hand-checkable ones (docs/math/kmeans-metrics.md uses the first two)
    cases.append(("doc-nmi", [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]))
    cases.append(("doc-ari", [0, 0, 1, 1], [0, 1, 0, 1]))
    cases.append(("identical", [0, 1, 2, 0, 1, 2, 2], [0, 1, 2, 0, 1, 2, 2]))
    cases.append(("permuted-identical", [0, 1, 2, 0, 1, 2, 2], [5, 9, 1, 5, 9, 1, 1]))
    cases.append(("single-sample", [3], [7]))
    cases.append(("two-samples-split", [0, 0], [0, 1]))
    cases.append(("two-samples-joined", [0, 1], [4, 4]))
    cases.append(("one-cluster", list(rng.randint(0, 4, 50)), [0] * 50))
    cases.append(("one-class", [2] * 40, list(rng.randint(0, 5, 40))))
    cases.append(("both-one-label", [1] * 30, [8] * 30))
    cases.append(("pred-all-distinct", list(rng.randint(0, 3, 25)), list(range(25))))
    cases.append(("truth-all-distinct", list(range(30)), list(rng.randint(0, 6, 30))))
    cases.append(("both-all-distinct", list(range(20)), list(rng.permutation(20))))
    cases.append(("negative-and-sparse-labels",
                  list(rng.choice([-5, 3, 100, 7], 60)), list(rng.choice([-1, 0, 42], 60))))
    # random labelings, independent: NMI and ARI near 0
    for idx, (n, kt, kp) in enumerate([(20, 3, 3), (100, 10, 10), (157, 4, 9), (200, 12, 5), (64, 7, 7)]):
        cases.append((f"independent-{idx}-n{n}-k{kt}x{kp}", list(rng.randint(0, kt, n)), list(rng.randint(0, kp, n))))
    # noisy copies of the truth under a random relabelling: informative values across the range
    for idx, (n, kt, kp, noise) in enumerate([(120, 5, 5, 0.1), (300, 10, 10, 0.3), (250, 10, 10, 0.6),
                                              (180, 6, 8, 0.2), (160, 8, 4, 0.15), (90, 3, 6, 0.05),
                                              (400, 10, 13, 0.4), (75, 7, 7, 0.9)]):
        truth = rng.randint(0, kt, n)
        perm = rng.permutation(max(kt, kp)) % kp
        pred = perm[truth]
        flip = rng.rand(n) < noise
        pred[flip] = rng.randint(0, kp, flip.sum())
        cases.append((f"noisy-{idx}-n{n}-k{kt}x{kp}-p{noise}", list(truth), list(pred)))
    # labelings with small K and every cluster present, for ACC ties
    for idx in range(4):
        n = 12 + idx
        cases.append((f"tiny-{idx}", list(rng.randint(0, 3, n)), list(rng.randint(0, 3, n))))
    # the int range's ends as labels (dcec4j's labels are Java ints)
    cases.append(("int-range-labels", [-2**31, 2**31 - 1, 0, -2**31, 2**31 - 1, 0, 0],
                  [2**31 - 1, 2**31 - 1, -2**31, -2**31, 5, 5, 0]))
    # ties in the assignment: each cyclic shift of the clusters matches 2 of 6 samples
    cases.append(("acc-tie-cyclic", [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 2, 0]))
    # a K = 10 clustering that left clusters 1, 2, 4..8 empty, against 4 classes
    cases.append(("pred-empty-clusters-k10", list(rng.randint(0, 4, 40)), list(rng.choice([0, 3, 9], 40))))
    return cases


def write_metrics(out, truth, pred):
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    out.write(f"acc {acc(truth, pred)!r}\n")
    out.write(f"mi {float(mutual_info_score(truth, pred))!r}\n")
    for method in ("arithmetic", "geometric", "min", "max"):
        value = float(normalized_mutual_info_score(truth, pred, average_method=method))
        out.write(f"nmi_{method} {value!r}\n")
    out.write(f"ari {float(adjusted_rand_score(truth, pred))!r}\n")


def main(out):
    out.write("# scikit-learn reference values for org.dcec4j.dcec.metrics (see SklearnFixtureTest)\n")
    out.write(f"# generated by docs/tools/make_metric_fixtures.py with numpy {np.__version__}, "
              f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}\n")
    for name, truth, pred in explicit_cases():
        out.write(f"case {name}\n")
        out.write("truth " + " ".join(str(int(v)) for v in truth) + "\n")
        out.write("pred " + " ".join(str(int(v)) for v in pred) + "\n")
        write_metrics(out, truth, pred)
        out.write("end\n")
    # large N: pair counts pass 2^63 in the ARI products
    # (N = 70,000 is MNIST-full; at N = 10^6, C(N, 2)² is about 2.5·10^23)
    for name, seed, n, kt, pseed, kp, per_mille in [("large-n200000-k10", 11, 200_000, 10, 12, 10, 350),
                                                    ("large-n100000-k10x16", 21, 100_000, 10, 22, 16, 800),
                                                    ("large-n70000-k10", 31, 70_000, 10, 32, 10, 150),
                                                    ("large-n1000000-k10", 41, 1_000_000, 10, 42, 10, 500)]:
        truth = truth_splitmix(seed, n, kt)
        pred = pred_noisy(truth, pseed, kp, per_mille)
        out.write(f"case {name}\n")
        out.write(f"truth splitmix {seed} {n} {kt}\n")
        out.write(f"pred splitmix-noisy {pseed} {kp} {per_mille}\n")
        write_metrics(out, truth, pred)
        out.write("end\n")


if __name__ == "__main__":
    main(sys.stdout)
