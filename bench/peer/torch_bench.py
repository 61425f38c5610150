#!/usr/bin/python3
"""PyTorch side of the peer comparison (run by compare.sh; Debian's /usr/bin/python3 with python3-torch).

Times the same DCEC layers (forward + backward-input + backward-weight, Keras 'same' padding made
explicit: F.pad before an unpadded conv, the full transposed-conv output sliced) and one whole CAE
training step (forward, MSE, backward, Adam) at batch 256, then prints one table next to the dcec4j
JMH results (JSON written by Report / JMH -rf json).

Threads: torch.set_num_threads(N); compare.sh pins OMP/MKL/OpenBLAS threads to 1 before start-up.
"""
import argparse, json, statistics, time
import torch
import summarize   # beside this file: how a JMH result becomes one number
import torch.nn.functional as F

LAYERS = ["conv1", "conv2", "conv3", "deconv3", "deconv2", "deconv1"]


def same_pad(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def geometry(layer, size):
    """(C, H, K, k) of the convolution whose adjoint is the deconv of the same number."""
    if layer.endswith("1"):
        return 1, size, 32, 5, "same"
    if layer.endswith("2"):
        return 32, size // 2, 64, 5, "same"
    return 64, size // 4, 128, 3, ("same" if size % 8 == 0 else "valid")


def conv(x, w, b, k, mode):
    if mode == "same":
        t, bt = same_pad(x.shape[2], k, 2)
        l, r = same_pad(x.shape[3], k, 2)
        x = F.pad(x, (l, r, t, bt))
    return F.conv2d(x, w, b, stride=2)


def deconv(x, w, b, k, mode):
    y = F.conv_transpose2d(x, w, b, stride=2)
    if mode == "same":
        full, out = y.shape[2], x.shape[2] * 2
        t = (full - out) // 2
        y = y[:, :, t:t + out, t:t + out]
    return y


def median_ms(fn, reps, warmup=3):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts), min(ts), max(ts)


def layer_case(layer, size, batch):
    C, H, K, k, mode = geometry(layer, size)
    g = torch.Generator().manual_seed(0)
    if layer.startswith("conv"):
        x = torch.rand(batch, C, H, H, generator=g, requires_grad=True)
        w = (torch.rand(K, C, k, k, generator=g) - 0.5).requires_grad_()
        b = torch.zeros(K, requires_grad=True)
        f = lambda: conv(x, w, b, k, mode)
    else:
        h_in = conv(torch.zeros(1, C, H, H), torch.zeros(K, C, k, k), None, k, mode).shape[2]
        x = torch.rand(batch, K, h_in, h_in, generator=g, requires_grad=True)
        w = (torch.rand(K, C, k, k, generator=g) - 0.5).requires_grad_()   # [C_in, C_out, k, k]
        b = torch.zeros(C, requires_grad=True)
        f = lambda: deconv(x, w, b, k, mode)
    y = f()
    dy = torch.rand_like(y)

    def step():
        x.grad = w.grad = b.grad = None
        f().backward(dy)
    macs = batch * K * C * k * k * (conv(torch.zeros(1, C, H, H), torch.zeros(K, C, k, k), None, k, mode).shape[2] ** 2)
    return step, 3 * 2 * macs


class CAE(torch.nn.Module):
    def __init__(self, size):
        super().__init__()
        self.size = size
        self.mode3 = "same" if size % 8 == 0 else "valid"
        s3 = size // 8 if size % 8 == 0 else (size // 4 - 3) // 2 + 1
        self.s3 = s3
        P = torch.nn.Parameter
        r = lambda *s: P((torch.rand(*s) - 0.5) * 0.1)
        self.w1, self.b1 = r(32, 1, 5, 5), P(torch.zeros(32))
        self.w2, self.b2 = r(64, 32, 5, 5), P(torch.zeros(64))
        self.w3, self.b3 = r(128, 64, 3, 3), P(torch.zeros(128))
        self.we, self.be = r(10, 128 * s3 * s3), P(torch.zeros(10))
        self.wd, self.bd = r(128 * s3 * s3, 10), P(torch.zeros(128 * s3 * s3))
        self.v3, self.c3 = r(128, 64, 3, 3), P(torch.zeros(64))
        self.v2, self.c2 = r(64, 32, 5, 5), P(torch.zeros(32))
        self.v1, self.c1 = r(32, 1, 5, 5), P(torch.zeros(1))

    def forward(self, x):
        h = F.relu(conv(x, self.w1, self.b1, 5, "same"))
        h = F.relu(conv(h, self.w2, self.b2, 5, "same"))
        h = F.relu(conv(h, self.w3, self.b3, 3, self.mode3))
        z = F.linear(h.flatten(1), self.we, self.be)
        h = F.relu(F.linear(z, self.wd, self.bd)).view(-1, 128, self.s3, self.s3)
        h = F.relu(deconv(h, self.v3, self.c3, 3, self.mode3))
        if self.mode3 == "valid":
            h = h[:, :, :self.size // 4, :self.size // 4] if h.shape[2] > self.size // 4 else h
        h = F.relu(deconv(h, self.v2, self.c2, 5, "same"))
        return deconv(h, self.v1, self.c1, 5, "same")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--size", type=int, default=28)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--jmh", help="JMH JSON of the dcec4j run to print side by side")
    ap.add_argument("--json", help="also write the PyTorch medians to this JSON file (read by summarize.py)")
    ap.add_argument("--step-only", action="store_true", help="time only the training step, not the single layers")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rows = {}
    for layer in LAYERS:
        step, flops = layer_case(layer, a.size, a.batch)
        rows[layer] = (median_ms(step, a.reps) if not a.step_only else (float("nan"),) * 3) + (flops,)
    model = CAE(a.size)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(a.batch, 1, a.size, a.size)
    assert model(x).shape == x.shape, model(x).shape

    def train_step():
        opt.zero_grad()
        F.mse_loss(model(x), x).backward()
        opt.step()
    # every layer's three passes and the two dense layers', less conv1's backward-input (x needs no gradient)
    step_flops = sum(r[3] for r in rows.values()) - rows["conv1"][3] / 3 + 3 * 2 * 2 * a.batch * 10 * 128 * model.s3 ** 2
    rows["train step"] = median_ms(train_step, a.reps) + (step_flops,)

    if a.json:
        json.dump({"torch": torch.__version__, "threads": a.threads, "size": a.size, "batch": a.batch,
                   "rows": {k: list(v) for k, v in rows.items() if k == "train step" or not a.step_only}},
                  open(a.json, "w"))
    java = {}
    if a.jmh:
        for r in json.load(open(a.jmh)):
            p = r.get("params", {})
            if p.get("size") != str(a.size) or p.get("threads") != str(a.threads):
                continue
            # the median of the timed passes (sample mode; in average-time mode of the iterations' means), and the
            # range of the iterations' values (summarize.py, beside this file)
            raw = sorted(summarize.jmh_iterations(r))
            key = p["layer"] if "layer" in p else "train step"
            java[key] = (summarize.jmh_round(r)[0], raw[0], raw[-1])
    print(f"\n{a.size}x{a.size}, batch {a.batch}, {a.threads} thread(s); conv rows = forward + backward-input + backward-weight; "
          f"GFLOP/s = 2*MACs/median")
    print(f"{'layer':<11} {'PyTorch ms (min-max)':>26} {'GFLOP/s':>8} {'dcec4j ms (min-max)':>26} {'GFLOP/s':>8} {'torch/dcec4j':>12}")
    for k, (med, lo, hi, flops) in rows.items():
        if med != med:
            continue
        t = f"{med:8.2f} ({lo:7.2f}-{hi:7.2f})"
        if k in java:
            jm, jl, jh = java[k]
            j = f"{jm:8.2f} ({jl:7.2f}-{jh:7.2f})"
            print(f"{k:<11} {t:>26} {flops / med / 1e6:8.1f} {j:>26} {flops / jm / 1e6:8.1f} {med / jm:11.2f}x")
        else:
            print(f"{k:<11} {t:>26} {flops / med / 1e6:8.1f} {'-':>26} {'-':>8} {'-':>12}")


if __name__ == "__main__":
    main()
