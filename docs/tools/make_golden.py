#!/usr/bin/python3
"""Golden fixtures for the dcec4j engine, computed by PyTorch (an independent oracle).

Usage (Debian's interpreter, which has python3-torch):

    /usr/bin/python3 docs/tools/make_golden.py engine/src/test/resources/golden

Deterministic: every case seeds its own torch.Generator from the CRC32 of its file name, torch runs
with one thread, so rerunning the script rewrites byte-identical files. Inputs are drawn as float32;
reference outputs and gradients are computed in float64 (tensor.double()) from exactly those float32
values and then stored rounded to float32. Nothing in the Maven build needs Python: the files are
committed as test resources and read by org.dcec4j.engine.testing.Golden.

Notation: x = input, dy = a random upstream gradient, and dx/dw/db = gradients of sum(y*dy) with
respect to x/w/b (so dy plays the role of dL/dy). Shapes are listed row-major, images NCHW.

File format "GLD1" (all big-endian, the byte order of java.io.DataInputStream):

    4 bytes   ASCII "GLD1"
    int32     entry count
    per entry:
      int16     name length L, then L bytes of UTF-8 name
      int8      dtype: 0 = float32, 1 = int32
      int32     rank R, then int32[R] dims
      prod(dims) values of that dtype (a [1] array holds a scalar)
    int32     CRC32 (zlib / java.util.zip.CRC32) of every preceding byte

Self-checks: after writing each conv2d_/convT_ file the script reads it back and recomputes y, dx, dw
and db with plain loops over the index formula (no F.pad, slicing or autograd), in float64; the KL
gradients are compared with the closed form of docs/math/dcec.md#gradients; the Adam case asserts that eps matters; the CAE
cases assert the parameter counts of docs/spec.md#architecture.

index.txt (written beside the .bin files) lists one line per entry: file, entry, dtype (f32|i32),
dims joined by 'x', the float64 sum of the stored values and the first stored value. GoldenTest
checks the binary reader against this independent text listing.

Catalogue
=========

conv2d_<tag>.bin  (y = F.conv2d(F.pad(x, (PL, PR, PT, PB)), w, b, stride=(SH, SW)))
    geom  int32 [13]          N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR
    x     [N, C, H, W]        input
    w     [K, C, KH, KW]      weight
    b     [K]                 bias
    y     [N, K, OH, OW]      output, OH = (H+PT+PB-KH)/SH + 1, OW likewise
    dy    [N, K, OH, OW]      upstream gradient
    dx    [N, C, H, W]        d sum(y*dy) / dx
    dw    [K, C, KH, KW]      d sum(y*dy) / dw
    db    [K]                 d sum(y*dy) / db
  tags (N=2 unless said):
    28_conv1   1->32   28x28 k5 s2 pad(t1,b2,l1,r2) -> 14x14   (Keras 'same')
    28_conv2   32->64  14x14 k5 s2 pad(1,2,1,2)     -> 7x7     (Keras 'same')
    28_conv3   64->128 7x7   k3 s2 valid            -> 3x3
    16_conv1   1->32   16x16 k5 s2 pad(1,2,1,2)     -> 8x8
    16_conv2   32->24  8x8   k5 s2 pad(1,2,1,2)     -> 4x4     (channels cut, see below)
    16_conv3   24->40  4x4   k3 s2 pad(0,1,0,1)     -> 2x2     (Keras 'same'; channels cut)
    s1_sym     3->4    8x8   k3 s1 pad(1,1,1,1)     -> 8x8     (stride 1, symmetric)
    nonsquare  3->5    9x13  k3x5 s2x2 pad(t0,b2,l1,r3) -> 5x7 (unequal padding on every side)
    rect_stride 2->3   10x7  k4x3 s3x1 pad(t2,b1,l0,r1) -> 4x6 (different strides per axis,
                                                               last padded row never reached)
    odd_b1     N=1 3->2 7x7  k3 s2 pad(1,1,1,1)     -> 4x4     (batch 1, C=3, odd sizes)

convT_<tag>.bin  (full = F.conv_transpose2d(x, w, b, stride=(SH, SW));
                  y = full[:, :, CT:FH-CB, CL:FW-CR], FH = (H-1)*SH + KH, FW = (W-1)*SW + KW)
    geom  int32 [13]          N, CIN, H, W, COUT, KH, KW, SH, SW, CT, CB, CL, CR
    x     [N, CIN, H, W]      input
    w     [CIN, COUT, KH, KW] weight, PyTorch ConvTranspose2d layout
    b     [COUT]              bias
    y     [N, COUT, FH-CT-CB, FW-CL-CR]   cropped output
    dy    same shape as y     upstream gradient
    dx    [N, CIN, H, W]      d sum(y*dy) / dx
    dw    [CIN, COUT, KH, KW] d sum(y*dy) / dw
    db    [COUT]              d sum(y*dy) / db
  tags (N=2 unless said):
    28_deconv3 128->64 3x3   k3 s2 crop(0,0,0,0) -> 7x7    (Keras 'valid')
    28_deconv2 64->32  7x7   k5 s2 crop(1,2,1,2) -> 14x14  (Keras 'same': full 17, crop 1 then 2)
    28_deconv1 32->1   14x14 k5 s2 crop(1,2,1,2) -> 28x28
    16_deconv3 40->24  2x2   k3 s2 crop(0,1,0,1) -> 4x4    (Keras 'same': full 5; channels cut)
    16_deconv2 24->32  4x4   k5 s2 crop(1,2,1,2) -> 8x8    (channels cut)
    16_deconv1 32->1   8x8   k5 s2 crop(1,2,1,2) -> 16x16
    torch_pad  3->2    7x7   k5 s2 crop(2,1,2,1) -> 14x14  (= PyTorch padding=2, output_padding=1;
                                                            the script checks both agree)
    s1         N=1 4->3 6x6  k3 s1 crop(1,1,1,1) -> 6x6    (stride 1, batch 1)
    nonsquare  3->2    5x4   k3x4 s2x1 crop(t0,b1,l1,r2) -> 10x4 (odd, non-square, unequal crops)

  The 16x16 middle layers use fewer (and non-power-of-two) channels than DCEC's 32/64/128 to keep the
  fixture folder under about 8 MB: those channel pairs are already covered at 28x28 (and all of them in
  cae_16.bin); what is new at 16x16 is the spatial geometry, which is kept exactly.

linear.bin        y = x @ w.T + b, N=5, IN=7, OUT=3
linear_1152.bin   the DCEC embedding sizes: N=4, IN=1152, OUT=10
    x [N, IN], w [OUT, IN], b [OUT], y [N, OUT], dy [N, OUT], dx [N, IN], dw [OUT, IN], db [OUT]

relu.bin          y = max(x, 0); PyTorch's convention dx = dy where x > 0, else 0 (0 at x == 0)
    x [4, 9] (12 entries exactly 0.0), y [4, 9], dy [4, 9], dx [4, 9]

mse.bin           loss = mean over all elements of (a - target)^2
    a [3, 4, 5], target [3, 4, 5], loss [1], da [3, 4, 5] (= 2 (a - target) / 60)

student_t.bin (alpha = 1) and student_t_alpha2.bin (alpha = 2)
    q_ij = (1 + |z_i - mu_j|^2 / alpha)^(-(alpha+1)/2), normalised over j
    z [B, D] = [7, 5], mu [Kc, D] = [4, 5], alpha [1], q [B, Kc], dq [B, Kc] (random),
    dz [B, D], dmu [Kc, D] (gradients of sum(q * dq))

kl.bin            DCEC's clustering loss, alpha = 1, B = 8, D = 5, Kc = 4
    z [B, D], mu [Kc, D], alpha [1], q [B, Kc],
    p [B, Kc]  target distribution from q: p_ij = (q_ij^2/f_j) / sum_j' (q_ij'^2/f_j'), f_j = sum_i q_ij,
               treated as a constant,
    loss [1]   = sum_i sum_j p_ij log(p_ij / q_ij) / B,
    dz [B, D], dmu [Kc, D]  gradients of loss (the script checks them against docs/math/dcec.md#gradients)

adam.bin          three Adam steps on a vector of n = 12 parameters, float64 arithmetic
    p0 [12], g1 [12], g2 [12], g3 [12] (gradients of steps 1..3; entries 8..11 are ~1e-7 so eps matters),
    lr [1] = 0.01, beta1 [1] = 0.9, beta2 [1] = 0.999, eps [1] = 1e-7,
    keras_p1, keras_p2, keras_p3 [12]  Keras form, by hand:
        m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  lr_t = lr sqrt(1-b2^t) / (1-b1^t);
        p -= lr_t m / (sqrt(v) + eps)
    torch_p1, torch_p2, torch_p3 [12]  torch.optim.Adam(lr, (b1, b2), eps) in float64:
        p -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps)

cae_28.bin (C=1, 28x28) and cae_16.bin (C=1, 16x16): the whole DCEC convolutional autoencoder,
embedding K = 10, batch 4, Keras padding (F.pad before each conv, transposed-conv full output sliced):
    conv1 k5 s2 'same' ReLU -> conv2 k5 s2 'same' ReLU -> conv3 k3 s2 (28: 'valid', 16: 'same') ReLU
    -> flatten (NCHW order: c, h, w) -> embedding (linear) = z
    -> dense ReLU -> reshape [128, h, w] -> deconv3 k3 s2 (crop as conv3) ReLU
    -> deconv2 k5 s2 crop(1,2,1,2) ReLU -> deconv1 k5 s2 crop(1,2,1,2) (linear) = xr
  parameters (h = w = 3 at 28x28, 2 at 16x16); weights glorot-uniform U(+-sqrt(6/(fan_in+fan_out))),
  biases U(-0.1, 0.1) so that they are tested:
    encoder.conv1.weight [32, 1, 5, 5]     encoder.conv1.bias [32]
    encoder.conv2.weight [64, 32, 5, 5]    encoder.conv2.bias [64]
    encoder.conv3.weight [128, 64, 3, 3]   encoder.conv3.bias [128]
    encoder.embedding.weight [10, 128*h*w] encoder.embedding.bias [10]
    decoder.dense.weight [128*h*w, 10]     decoder.dense.bias [128*h*w]
    decoder.deconv3.weight [128, 64, 3, 3] decoder.deconv3.bias [64]
    decoder.deconv2.weight [64, 32, 5, 5]  decoder.deconv2.bias [32]
    decoder.deconv1.weight [32, 1, 5, 5]   decoder.deconv1.bias [1]
  entries: every parameter under its name, x [4, 1, H, W] in [0, 1), z [4, 10], xr [4, 1, H, W],
  loss [1] = mean over all elements of (xr - x)^2, and grad.<name> (d loss / d parameter) for every
  parameter. Parameter counts: 275,979 (28x28) and 262,539 (16x16), as in docs/spec.md#architecture; the script asserts them.
  The seed is the first one (from the file name's CRC32 upward) for which every ReLU input is at least
  2e-5 standard deviations (of its layer) away from 0, so float32 rounding in the engine (about 1e-6
  relative) cannot flip a ReLU mask and change a gradient.
"""

import math
import os
import re
import struct
import sys
import zlib

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

MAGIC = b"GLD1"
DTYPE_F32, DTYPE_I32 = 0, 1


# ---------------------------------------------------------------------------------------------- format

def encode(entries):
    """entries: list of (name, tensor or list of ints). Returns the GLD1 bytes."""
    out = bytearray(MAGIC)
    out += struct.pack(">i", len(entries))
    for name, value in entries:
        if isinstance(value, (list, tuple)):
            value = torch.tensor(value, dtype=torch.int32)
        value = value.detach().contiguous()
        nb = name.encode("utf-8")
        out += struct.pack(">h", len(nb)) + nb
        if value.dtype == torch.int32:
            out += struct.pack(">b", DTYPE_I32)
            data = value.numpy().astype(">i4").tobytes()
        else:
            out += struct.pack(">b", DTYPE_F32)
            data = value.to(torch.float32).numpy().astype(">f4").tobytes()
        dims = list(value.shape)
        out += struct.pack(">i", len(dims)) + struct.pack(">%di" % len(dims), *dims)
        out += data
    out += struct.pack(">I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)


def in_catalogue(filename):
    """True when the docstring lists the file by name, or lists its tag under conv2d_/convT_."""
    if filename in __doc__:
        return True
    for prefix in ("conv2d_", "convT_"):
        if filename.startswith(prefix) and filename.endswith(".bin"):
            tag = filename[len(prefix):-len(".bin")]
            section = __doc__.split(prefix + "<tag>.bin")[1].split("\n\n")[0]
            return re.search(r"^ {4}" + re.escape(tag) + r" ", section, re.M) is not None
    return False


class Writer:
    def __init__(self, folder):
        self.folder = folder
        self.index = []
        self.files = []
        self.total = 0

    def write(self, filename, entries):
        names = [n for n, _ in entries]
        assert len(names) == len(set(names)), filename + ": duplicate entry names"
        assert in_catalogue(filename), filename + " is missing from the catalogue in the docstring"
        data = encode(entries)
        with open(os.path.join(self.folder, filename), "wb") as f:
            f.write(data)
        self.files.append(filename)
        self.total += len(data)
        for name, value in entries:
            if isinstance(value, (list, tuple)):
                value = torch.tensor(value, dtype=torch.int32)
            value = value.detach()
            if value.dtype == torch.int32:
                flat = [int(v) for v in value.reshape(-1).tolist()]
                kind, total, first = "i32", float(sum(flat)), repr(float(flat[0]))
            else:
                # the sum of the values exactly as stored (float32), accumulated in float64
                flat = value.to(torch.float32).double().reshape(-1).tolist()
                kind, total, first = "f32", math.fsum(flat), repr(flat[0])
            dims = "x".join(str(d) for d in value.shape)
            self.index.append("%s %s %s %s %r %s" % (filename, name, kind, dims, total, first))
        print("%-28s %9d bytes  %s" % (filename, len(data), ", ".join(names)))

    def finish(self):
        with open(os.path.join(self.folder, "index.txt"), "w") as f:
            f.write("# generated by docs/tools/make_golden.py; per entry: file entry dtype dims "
                    "sum-of-stored-values first-stored-value\n")
            for line in self.index:
                f.write(line + "\n")
        print("%d files, %d bytes in total" % (len(self.files), self.total))


def decode(data, source):
    """Reads GLD1 bytes back into {name: float64 numpy array}; used to check what was written."""
    import numpy as np
    assert data[:4] == MAGIC, source + ": magic"
    assert zlib.crc32(data[:-4]) & 0xFFFFFFFF == struct.unpack(">I", data[-4:])[0], source + ": CRC"
    at = 4
    (count,) = struct.unpack_from(">i", data, at); at += 4
    entries = {}
    for _ in range(count):
        (length,) = struct.unpack_from(">h", data, at); at += 2
        name = data[at:at + length].decode("utf-8"); at += length
        (dtype,) = struct.unpack_from(">b", data, at); at += 1
        (rank,) = struct.unpack_from(">i", data, at); at += 4
        dims = struct.unpack_from(">%di" % rank, data, at); at += 4 * rank
        n = int(np.prod(dims))
        kind = ">f4" if dtype == DTYPE_F32 else ">i4"
        entries[name] = np.frombuffer(data, dtype=kind, count=n, offset=at).reshape(dims).astype(np.float64)
        at += 4 * n
    assert at == len(data) - 4, source + ": trailing bytes"
    return entries


def check_conv_file(path, transposed):
    """Re-reads a conv2d_/convT_ file and recomputes y, dx, dw, db with plain loops over the index
    formula of docs (ConvGeometry), in float64: an oracle independent of F.pad, slicing and autograd."""
    import numpy as np
    with open(path, "rb") as f:
        d = decode(f.read(), path)
    N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR = (int(v) for v in d["geom"])
    x, w, b, dy = d["x"], d["w"], d["b"], d["dy"]
    y = np.zeros(d["y"].shape); dx = np.zeros(x.shape); dw = np.zeros(w.shape)
    if not transposed:
        # y[n,k,oh,ow] = b[k] + Σ_c Σ_kh Σ_kw w[k,c,kh,kw] · x[n,c, oh·SH+kh−PT, ow·SW+kw−PL]
        OH, OW = y.shape[2], y.shape[3]
        for oh in range(OH):
            for ow in range(OW):
                for kh in range(KH):
                    for kw in range(KW):
                        h, v = oh * SH + kh - PT, ow * SW + kw - PL
                        if 0 <= h < H and 0 <= v < W:
                            y[:, :, oh, ow] += x[:, :, h, v] @ w[:, :, kh, kw].T
                            dx[:, :, h, v] += dy[:, :, oh, ow] @ w[:, :, kh, kw]
                            dw[:, :, kh, kw] += dy[:, :, oh, ow].T @ x[:, :, h, v]
    else:
        # (C, K here are CIN, COUT; P* are the crops) y[n,o,ih·SH+kh−CT, iw·SW+kw−CL] += w[i,o,kh,kw]·x[n,i,ih,iw]
        OH, OW = y.shape[2], y.shape[3]
        for ih in range(H):
            for iw in range(W):
                for kh in range(KH):
                    for kw in range(KW):
                        h, v = ih * SH + kh - PT, iw * SW + kw - PL
                        if 0 <= h < OH and 0 <= v < OW:
                            y[:, :, h, v] += x[:, :, ih, iw] @ w[:, :, kh, kw]
                            dx[:, :, ih, iw] += dy[:, :, h, v] @ w[:, :, kh, kw].T
                            dw[:, :, kh, kw] += x[:, :, ih, iw].T @ dy[:, :, h, v]
    y += b[None, :, None, None]
    for name, mine in (("y", y), ("dx", dx), ("dw", dw), ("db", dy.sum(axis=(0, 2, 3)))):
        stored = d[name]
        err = np.abs(mine - stored).max() / np.abs(stored).max()
        assert err < 1e-6, "%s %s: brute force differs by %.3g (relative to max)" % (path, name, err)


# ---------------------------------------------------------------------------------------------- helpers

def gen_for(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode("utf-8")))
    return g


def randn(g, *shape, scale=1.0):
    return (torch.randn(*shape, generator=g, dtype=torch.float32) * scale).to(torch.float32)


def uniform(g, lo, hi, *shape):
    return (torch.rand(*shape, generator=g, dtype=torch.float32) * (hi - lo) + lo).to(torch.float32)


def leaf(t):
    """A float64 copy of a float32 tensor that records gradients."""
    return t.double().requires_grad_(True)


def conv_keras(x, w, b, stride, pad):
    """Conv with explicit per-side padding pad = (PT, PB, PL, PR)."""
    PT, PB, PL, PR = pad
    return F.conv2d(F.pad(x, (PL, PR, PT, PB)), w, b, stride=stride)


def convT_crop(x, w, b, stride, crop):
    """Transposed conv whose full output is cropped by crop = (CT, CB, CL, CR)."""
    CT, CB, CL, CR = crop
    full = F.conv_transpose2d(x, w, b, stride=stride)
    FH, FW = full.shape[2], full.shape[3]
    return full[:, :, CT:FH - CB, CL:FW - CR]


# ---------------------------------------------------------------------------------------------- cases

def conv2d_case(out, tag, N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR):
    name = "conv2d_%s.bin" % tag
    g = gen_for(name)
    bound = math.sqrt(6.0 / ((C + K) * KH * KW))
    x = randn(g, N, C, H, W)
    w = uniform(g, -bound, bound, K, C, KH, KW)
    b = uniform(g, -0.1, 0.1, K)
    xd, wd, bd = leaf(x), leaf(w), leaf(b)
    y = conv_keras(xd, wd, bd, (SH, SW), (PT, PB, PL, PR))
    OH, OW = (H + PT + PB - KH) // SH + 1, (W + PL + PR - KW) // SW + 1
    assert tuple(y.shape) == (N, K, OH, OW), (name, y.shape)
    dy = randn(g, *y.shape)
    (y * dy.double()).sum().backward()
    out.write(name, [("geom", [N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR]),
                     ("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy),
                     ("dx", xd.grad), ("dw", wd.grad), ("db", bd.grad)])
    check_conv_file(os.path.join(out.folder, name), transposed=False)


def convT_case(out, tag, N, CIN, H, W, COUT, KH, KW, SH, SW, CT, CB, CL, CR, expect_hw=None,
               torch_padding=None):
    name = "convT_%s.bin" % tag
    g = gen_for(name)
    bound = math.sqrt(6.0 / ((CIN + COUT) * KH * KW))
    x = randn(g, N, CIN, H, W)
    w = uniform(g, -bound, bound, CIN, COUT, KH, KW)
    b = uniform(g, -0.1, 0.1, COUT)
    xd, wd, bd = leaf(x), leaf(w), leaf(b)
    y = convT_crop(xd, wd, bd, (SH, SW), (CT, CB, CL, CR))
    FH, FW = (H - 1) * SH + KH, (W - 1) * SW + KW
    assert tuple(y.shape) == (N, COUT, FH - CT - CB, FW - CL - CR), (name, y.shape)
    if expect_hw is not None:
        assert tuple(y.shape[2:]) == expect_hw, (name, y.shape)
    if torch_padding is not None:
        padding, output_padding = torch_padding
        y2 = F.conv_transpose2d(x.double(), w.double(), b.double(), stride=(SH, SW),
                                padding=padding, output_padding=output_padding)
        assert y2.shape == y.shape and torch.allclose(y2, y.detach(), rtol=0, atol=1e-12), name
    dy = randn(g, *y.shape)
    (y * dy.double()).sum().backward()
    out.write(name, [("geom", [N, CIN, H, W, COUT, KH, KW, SH, SW, CT, CB, CL, CR]),
                     ("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy),
                     ("dx", xd.grad), ("dw", wd.grad), ("db", bd.grad)])
    check_conv_file(os.path.join(out.folder, name), transposed=True)


def linear_case(out, name, N, IN, OUT):
    g = gen_for(name)
    bound = math.sqrt(6.0 / (IN + OUT))
    x = randn(g, N, IN)
    w = uniform(g, -bound, bound, OUT, IN)
    b = uniform(g, -0.1, 0.1, OUT)
    xd, wd, bd = leaf(x), leaf(w), leaf(b)
    y = F.linear(xd, wd, bd)
    dy = randn(g, N, OUT)
    (y * dy.double()).sum().backward()
    out.write(name, [("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy),
                     ("dx", xd.grad), ("dw", wd.grad), ("db", bd.grad)])


def relu_case(out):
    name = "relu.bin"
    g = gen_for(name)
    x = randn(g, 4, 9)
    flat = x.view(-1)
    zeros = torch.randperm(flat.numel(), generator=g)[:12]
    flat[zeros] = 0.0
    # keep the non-zero entries clear of 0 so the mask is unambiguous
    small = (flat != 0) & (flat.abs() < 1e-3)
    flat[small] = 1e-3
    xd = leaf(x)
    y = torch.relu(xd)
    dy = randn(g, 4, 9)
    (y * dy.double()).sum().backward()
    assert int((x == 0).sum()) == 12 and torch.all(xd.grad[x == 0] == 0)
    out.write(name, [("x", x), ("y", y), ("dy", dy), ("dx", xd.grad)])


def mse_case(out):
    name = "mse.bin"
    g = gen_for(name)
    a = randn(g, 3, 4, 5)
    target = uniform(g, 0.0, 1.0, 3, 4, 5)
    ad = leaf(a)
    loss = ((ad - target.double()) ** 2).mean()
    loss.backward()
    assert torch.allclose(loss, F.mse_loss(a.double(), target.double()))
    out.write(name, [("a", a), ("target", target), ("loss", loss.reshape(1)), ("da", ad.grad)])


def student_t(z, mu, alpha):
    """q[B,Kc]: Student's t soft assignment, normalised over clusters."""
    d2 = ((z.unsqueeze(1) - mu.unsqueeze(0)) ** 2).sum(dim=2)
    num = (1.0 + d2 / alpha) ** (-(alpha + 1.0) / 2.0)
    return num / num.sum(dim=1, keepdim=True)


def student_t_case(out, name, alpha, B=7, D=5, Kc=4):
    g = gen_for(name)
    z = randn(g, B, D)
    mu = randn(g, Kc, D)
    zd, mud = leaf(z), leaf(mu)
    q = student_t(zd, mud, alpha)
    dq = randn(g, B, Kc)
    (q * dq.double()).sum().backward()
    out.write(name, [("z", z), ("mu", mu), ("alpha", torch.tensor([alpha], dtype=torch.float32)),
                     ("q", q), ("dq", dq), ("dz", zd.grad), ("dmu", mud.grad)])


def kl_case(out, B=8, D=5, Kc=4):
    name = "kl.bin"
    g = gen_for(name)
    alpha = 1.0
    z = randn(g, B, D)
    mu = randn(g, Kc, D)
    zd, mud = leaf(z), leaf(mu)
    q = student_t(zd, mud, alpha)
    with torch.no_grad():
        qc = q.detach()
        f = qc.sum(dim=0, keepdim=True)
        weight = qc ** 2 / f
        p = weight / weight.sum(dim=1, keepdim=True)
    loss = (p * torch.log(p / q)).sum() / B
    loss.backward()
    # the closed form of docs/math/dcec.md#gradients, per sample, then averaged over the batch
    with torch.no_grad():
        diff = z.double().unsqueeze(1) - mu.double().unsqueeze(0)             # [B, Kc, D]
        inv = 1.0 / (1.0 + (diff ** 2).sum(dim=2) / alpha)                  # [B, Kc]
        coef = (alpha + 1.0) / alpha * inv * (p - qc)                        # [B, Kc]
        dz = (coef.unsqueeze(2) * diff).sum(dim=1) / B
        dmu = -(coef.unsqueeze(2) * diff).sum(dim=0) / B
    assert torch.allclose(dz, zd.grad, rtol=1e-10, atol=1e-14), "KL dz closed form"
    assert torch.allclose(dmu, mud.grad, rtol=1e-10, atol=1e-14), "KL dmu closed form"
    out.write(name, [("z", z), ("mu", mu), ("alpha", torch.tensor([alpha], dtype=torch.float32)),
                     ("q", q), ("p", p), ("loss", loss.reshape(1)),
                     ("dz", zd.grad), ("dmu", mud.grad)])


def adam_case(out, n=12):
    name = "adam.bin"
    g = gen_for(name)
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-7
    p0 = randn(g, n)
    grads = []
    for _ in range(3):
        gt = randn(g, n)
        gt[8:] = gt[8:] * 1e-7      # tiny gradients: sqrt(v) is comparable to eps
        grads.append(gt)
    # the hyper-parameters exactly as stored (float32), used in float64
    lr32, b1, b2, e32 = (float(torch.tensor(v, dtype=torch.float32)) for v in (lr, beta1, beta2, eps))

    # Keras form, by hand in float64
    p = p0.double().clone()
    m = torch.zeros(n, dtype=torch.float64)
    v = torch.zeros(n, dtype=torch.float64)
    keras = []
    for t, gt in enumerate(grads, start=1):
        gd = gt.double()
        m = b1 * m + (1 - b1) * gd
        v = b2 * v + (1 - b2) * gd * gd
        lr_t = lr32 * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        p = p - lr_t * m / (v.sqrt() + e32)
        keras.append(p.clone())

    # PyTorch form
    param = torch.nn.Parameter(p0.double().clone())
    opt = torch.optim.Adam([param], lr=lr32, betas=(b1, b2), eps=e32)
    torch_ps = []
    for gt in grads:
        param.grad = gt.double().clone()
        opt.step()
        torch_ps.append(param.detach().clone())

    gap = (keras[2][8:] - torch_ps[2][8:]).abs().max().item()
    print("adam: largest Keras/PyTorch gap on the tiny-gradient entries after 3 steps: %.3g" % gap)
    assert gap > 1e-4, "eps should matter on the tiny gradients"

    scalar = lambda v: torch.tensor([v], dtype=torch.float32)
    out.write(name, [("p0", p0), ("g1", grads[0]), ("g2", grads[1]), ("g3", grads[2]),
                     ("lr", scalar(lr)), ("beta1", scalar(beta1)), ("beta2", scalar(beta2)),
                     ("eps", scalar(eps)),
                     ("keras_p1", keras[0]), ("keras_p2", keras[1]), ("keras_p3", keras[2]),
                     ("torch_p1", torch_ps[0]), ("torch_p2", torch_ps[1]), ("torch_p3", torch_ps[2])])


# ---------------------------------------------------------------------------------------------- CAE

def same_pad(n, k, s):
    """Keras 'same' padding along one axis: (before, after)."""
    o = -(-n // s)
    total = max((o - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def same_crop(n, k, s):
    """Keras 'same' cropping of a transposed conv along one axis: (before, after)."""
    total = (n - 1) * s + k - n * s
    return total // 2, total - total // 2


def per_side(before_after):
    """(before, after) of a square image -> (top, bottom, left, right)."""
    return before_after[0], before_after[1], before_after[0], before_after[1]


def cae_params(g, C, H, K):
    """Parameter (name, float32 tensor) list of the DCEC CAE, in module order."""
    s3 = -(-H // 4)                                   # spatial size entering conv3
    h = -(-s3 // 2) if H % 8 == 0 else (s3 - 3) // 2 + 1   # conv3 'same' or 'valid'
    flat = 128 * h * h

    def glorot(shape, fan_sum):
        bound = math.sqrt(6.0 / fan_sum)
        return uniform(g, -bound, bound, *shape)

    def bias(n):
        return uniform(g, -0.1, 0.1, n)

    specs = []
    # conv weight [K, C, kh, kw]: fan_in = C·kh·kw, fan_out = K·kh·kw (the same sum for transposed layouts)
    for name, shape in [("encoder.conv1", (32, C, 5, 5)), ("encoder.conv2", (64, 32, 5, 5)),
                        ("encoder.conv3", (128, 64, 3, 3))]:
        specs.append((name + ".weight", glorot(shape, (shape[0] + shape[1]) * shape[2] * shape[3])))
        specs.append((name + ".bias", bias(shape[0])))
    specs.append(("encoder.embedding.weight", glorot((K, flat), K + flat)))
    specs.append(("encoder.embedding.bias", bias(K)))
    specs.append(("decoder.dense.weight", glorot((flat, K), K + flat)))
    specs.append(("decoder.dense.bias", bias(flat)))
    for name, shape in [("decoder.deconv3", (128, 64, 3, 3)), ("decoder.deconv2", (64, 32, 5, 5)),
                        ("decoder.deconv1", (32, C, 5, 5))]:
        specs.append((name + ".weight", glorot(shape, (shape[0] + shape[1]) * shape[2] * shape[3])))
        specs.append((name + ".bias", bias(shape[1])))
    return specs, h


def cae_forward(P, x, H, h):
    """Returns z, xr, and the list of every ReLU pre-activation (float64 tensors)."""
    pre = []
    s1, s2, s3 = H, -(-H // 2), -(-H // 4)                       # spatial sizes entering conv1..3
    p1 = per_side(same_pad(s1, 5, 2))
    p2 = per_side(same_pad(s2, 5, 2))
    p3 = per_side(same_pad(s3, 3, 2)) if H % 8 == 0 else (0, 0, 0, 0)
    a = conv_keras(x, P["encoder.conv1.weight"], P["encoder.conv1.bias"], 2, p1); pre.append(a)
    a = conv_keras(torch.relu(a), P["encoder.conv2.weight"], P["encoder.conv2.bias"], 2, p2); pre.append(a)
    a = conv_keras(torch.relu(a), P["encoder.conv3.weight"], P["encoder.conv3.bias"], 2, p3); pre.append(a)
    assert tuple(a.shape[1:]) == (128, h, h), a.shape
    z = F.linear(torch.relu(a).reshape(a.shape[0], -1), P["encoder.embedding.weight"], P["encoder.embedding.bias"])
    d = F.linear(z, P["decoder.dense.weight"], P["decoder.dense.bias"]); pre.append(d)
    d = torch.relu(d).reshape(-1, 128, h, h)
    c3 = per_side(same_crop(h, 3, 2)) if H % 8 == 0 else (0, 0, 0, 0)
    c2 = per_side(same_crop(s3, 5, 2))
    c1 = per_side(same_crop(s2, 5, 2))
    d = convT_crop(d, P["decoder.deconv3.weight"], P["decoder.deconv3.bias"], 2, c3); pre.append(d)
    assert tuple(d.shape[2:]) == (s3, s3), d.shape
    d = convT_crop(torch.relu(d), P["decoder.deconv2.weight"], P["decoder.deconv2.bias"], 2, c2); pre.append(d)
    assert tuple(d.shape[2:]) == (s2, s2), d.shape
    xr = convT_crop(torch.relu(d), P["decoder.deconv1.weight"], P["decoder.deconv1.bias"], 2, c1)
    assert tuple(xr.shape[2:]) == (H, H), xr.shape
    return z, xr, pre


def cae_case(out, name, H, expected_count, C=1, K=10, B=4, margin=2e-5):
    seed = zlib.crc32(name.encode("utf-8"))
    for attempt in range(1000):
        g = torch.Generator()
        g.manual_seed(seed + attempt)
        specs, h = cae_params(g, C, H, K)
        x = torch.rand(B, C, H, H, generator=g, dtype=torch.float32)
        P = {n: leaf(t) for n, t in specs}
        z, xr, pre = cae_forward(P, x.double(), H, h)
        # distance of the ReLU input closest to 0, relative to the spread of its layer
        closest = min(float(a.detach().abs().min() / a.detach().std()) for a in pre)
        if closest >= margin:
            break
    else:
        raise RuntimeError(name + ": no seed keeps the ReLU inputs away from 0")
    count = sum(t.numel() for _, t in specs)
    print("%s: seed offset %d, closest ReLU input %.3g standard deviations from 0, %d parameters (docs/spec.md: %d)"
          % (name, attempt, closest, count, expected_count))
    assert count == expected_count, "parameter count differs from docs/spec.md#architecture"
    loss = ((xr - x.double()) ** 2).mean()
    loss.backward()
    entries = [(n, t) for n, t in specs]
    entries += [("x", x), ("z", z), ("xr", xr), ("loss", loss.reshape(1))]
    entries += [("grad." + n, P[n].grad) for n, _ in specs]
    out.write(name, entries)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 docs/tools/make_golden.py <output folder>")
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    out = Writer(folder)

    # conv2d: tag, N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR
    conv2d_case(out, "28_conv1", 2, 1, 28, 28, 32, 5, 5, 2, 2, 1, 2, 1, 2)
    conv2d_case(out, "28_conv2", 2, 32, 14, 14, 64, 5, 5, 2, 2, 1, 2, 1, 2)
    conv2d_case(out, "28_conv3", 2, 64, 7, 7, 128, 3, 3, 2, 2, 0, 0, 0, 0)
    conv2d_case(out, "16_conv1", 2, 1, 16, 16, 32, 5, 5, 2, 2, 1, 2, 1, 2)
    conv2d_case(out, "16_conv2", 2, 32, 8, 8, 24, 5, 5, 2, 2, 1, 2, 1, 2)
    conv2d_case(out, "16_conv3", 2, 24, 4, 4, 40, 3, 3, 2, 2, 0, 1, 0, 1)
    conv2d_case(out, "s1_sym", 2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1)
    conv2d_case(out, "nonsquare", 2, 3, 9, 13, 5, 3, 5, 2, 2, 0, 2, 1, 3)
    conv2d_case(out, "rect_stride", 2, 2, 10, 7, 3, 4, 3, 3, 1, 2, 1, 0, 1)
    conv2d_case(out, "odd_b1", 1, 3, 7, 7, 2, 3, 3, 2, 2, 1, 1, 1, 1)

    # conv_transpose2d: tag, N, CIN, H, W, COUT, KH, KW, SH, SW, CT, CB, CL, CR
    convT_case(out, "28_deconv3", 2, 128, 3, 3, 64, 3, 3, 2, 2, 0, 0, 0, 0, expect_hw=(7, 7))
    convT_case(out, "28_deconv2", 2, 64, 7, 7, 32, 5, 5, 2, 2, 1, 2, 1, 2, expect_hw=(14, 14))
    convT_case(out, "28_deconv1", 2, 32, 14, 14, 1, 5, 5, 2, 2, 1, 2, 1, 2, expect_hw=(28, 28))
    convT_case(out, "16_deconv3", 2, 40, 2, 2, 24, 3, 3, 2, 2, 0, 1, 0, 1, expect_hw=(4, 4))
    convT_case(out, "16_deconv2", 2, 24, 4, 4, 32, 5, 5, 2, 2, 1, 2, 1, 2, expect_hw=(8, 8))
    convT_case(out, "16_deconv1", 2, 32, 8, 8, 1, 5, 5, 2, 2, 1, 2, 1, 2, expect_hw=(16, 16))
    convT_case(out, "torch_pad", 2, 3, 7, 7, 2, 5, 5, 2, 2, 2, 1, 2, 1, expect_hw=(14, 14),
               torch_padding=(2, 1))
    convT_case(out, "s1", 1, 4, 6, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, expect_hw=(6, 6))
    convT_case(out, "nonsquare", 2, 3, 5, 4, 2, 3, 4, 2, 1, 0, 1, 1, 2, expect_hw=(10, 4))

    linear_case(out, "linear.bin", 5, 7, 3)
    linear_case(out, "linear_1152.bin", 4, 1152, 10)
    relu_case(out)
    mse_case(out)
    student_t_case(out, "student_t.bin", 1.0)
    student_t_case(out, "student_t_alpha2.bin", 2.0)
    kl_case(out)
    adam_case(out)
    cae_case(out, "cae_28.bin", 28, 275979)
    cae_case(out, "cae_16.bin", 16, 262539)
    out.finish()


if __name__ == "__main__":
    main()
