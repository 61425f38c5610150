#!/usr/bin/python3
"""Writes the reference outputs of the DEC-DA random affine augmentation for fixed parameters.

Run with Debian's interpreter (python3-scipy; python3-keras-preprocessing for the cross-check):

    /usr/bin/python3 docs/tools/make_augment_fixtures.py \
        > datasets/src/test/resources/augment/keras_affine.txt

The transform is the one Keras' ImageDataGenerator applies (docs/math/augmentation.md): for a
rotation theta (degrees), a row shift tx and a column shift ty (pixels), the 3x3 matrix

    M = rotation . shift            (each factor only when its parameter is non-zero, as Keras does)
    M = offset(o) . M . offset(-o)  with o = (H/2 + 0.5, W/2 + 0.5)

maps an output pixel (row, col) to the input point it samples, and every channel is resampled with
scipy.ndimage.affine_transform(channel, M[:2,:2], M[:2,2], order=1, mode='nearest') in float32,
as Keras does with its float32 batches. The matrix is built here from those rules; when the Keras
preprocessing package is importable, each case is also run through its apply_affine_transform and
must agree bit for bit (the script stops otherwise).

Output: one block per case, read by org.dcec4j.datasets.augment.KerasFixtureTest.

    case <name> <C> <H> <W>
    params <theta degrees> <tx rows> <ty cols>       Python repr (round-trips exactly)
    matrix <m00> <m01> <off0> <m10> <m11> <off1>     M[0,0] M[0,1] M[0,2] M[1,0] M[1,1] M[1,2]
    in <b> ...                                       C*H*W bytes 0..255 in NCHW order; pixel = b / 255 in float32
    out <v> ...                                      C*H*W float32 values, shortest repr
    end

and then the random parameters of a few (seed, step, index) triples, computed here from the hash
the docs define (SplitMix64 in exact integer arithmetic, then the same double operations as Java):

    stream <seed> <step> <index> <H> <W> <R> <h> <w> <theta> <row shift> <col shift>
"""
import sys

import numpy as np
import scipy
from scipy import ndimage


def keras_matrix(theta, tx, ty, h, w):
    """The 3x3 matrix of Keras' apply_affine_transform for rotation and shift only (None: identity)."""
    m = None
    if theta != 0:
        t = np.deg2rad(theta)
        m = np.array([[np.cos(t), -np.sin(t), 0],
                      [np.sin(t), np.cos(t), 0],
                      [0, 0, 1]])
    if tx != 0 or ty != 0:
        shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        m = shift if m is None else np.dot(m, shift)
    if m is None:
        return None
    o_r = float(h) / 2 + 0.5          # the centre of the Keras releases of 2016-2020 (see the docs)
    o_c = float(w) / 2 + 0.5
    offset = np.array([[1, 0, o_r], [0, 1, o_c], [0, 0, 1]])
    reset = np.array([[1, 0, -o_r], [0, 1, -o_c], [0, 0, 1]])
    return np.dot(np.dot(offset, m), reset)


def warp(img, m):
    """img: float32 [C, H, W]. Each channel resampled at M . (row, col, 1): bilinear, nearest fill."""
    if m is None:
        return img.copy()
    return np.stack([ndimage.affine_transform(ch, m[:2, :2], m[:2, 2], order=1, mode='nearest')
                     for ch in img]).astype(np.float32)


def content(kind, c, h, w, rng):
    """Bytes [C, H, W]: 'random' (uniform bytes, so every edge pixel differs), 'digit' (a thick
    stroke on a black background, like an MNIST digit), 'ramp' (10 r + c)."""
    if kind == 'random':
        return rng.randint(0, 256, size=(c, h, w))
    if kind == 'ramp':
        r, q = np.mgrid[0:h, 0:w]
        return np.stack([10 * r + q + 50 * k for k in range(c)])
    if kind == 'digit':   # a slanted "0" with a tail: ellipse ring plus a bar, anti-aliased
        r, q = np.mgrid[0:h, 0:w].astype(np.float64)
        u, v = (q - 0.55 * w) / (0.26 * w), (r - 0.45 * h) / (0.33 * h)
        ring = np.clip(1.0 - np.abs(np.hypot(u + 0.25 * v, v) - 1.0) / 0.28, 0, 1)
        bar = np.clip(1.0 - np.abs(r - (0.85 * h - 0.5 * q)) / 1.6, 0, 1) * (q > 0.2 * w) * (q < 0.6 * w)
        img = np.maximum(ring, bar)
        return np.stack([np.round(255 * img) for _ in range(c)]).astype(np.int64)
    raise ValueError(kind)


MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    """SplitMix64's output function (Stafford's Mix13) on 64-bit words."""
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_params(seed, step, index, h, w, rot, hs, ws):
    """key = mix(mix(mix(seed + g) + step + g) + index + g); u_j = (mix(key + j g) >> 11) 2^-53;
    theta = -R + 2R u_1, row = (-h + 2h u_2) H, col = (-w + 2w u_3) W (0 where the range is 0)."""
    key = mix64(seed + GOLDEN)
    key = mix64(key + step + GOLDEN)
    key = mix64(key + index + GOLDEN)
    u = [(mix64(key + j * GOLDEN) >> 11) * 2.0 ** -53 for j in (1, 2, 3)]

    def sym(r, v):
        return 0.0 if r == 0 else -r + (r + r) * v
    return sym(rot, u[0]), sym(hs, u[1]) * h, sym(ws, u[2]) * w


# seed, step, index, H, W, rotation range, height fraction, width fraction
STREAMS = [
    (0, 0, 0, 28, 28, 10.0, 0.1, 0.1),
    (1, 0, 0, 28, 28, 10.0, 0.1, 0.1),
    (1, 1, 0, 28, 28, 10.0, 0.1, 0.1),
    (1, 0, 1, 28, 28, 10.0, 0.1, 0.1),
    (42, 499, 59999, 28, 28, 10.0, 0.1, 0.1),
    (-7, 20000, 69999, 16, 16, 10.0, 0.1, 0.1),
    (-(1 << 63), (1 << 63) - 1, (1 << 31) - 1, 12, 20, 10.0, 0.1, 0.1),
    (123456789, 3, 17, 9, 14, 25.0, 0.3, 0.05),
    (5, 6, 7, 28, 28, 0.0, 0.0, 0.1),
]

# name, C, H, W, theta (degrees), tx (rows), ty (cols), content
CASES = [
    ('digit_28', 1, 28, 28, 7.25, -2.1, 1.7, 'digit'),
    ('digit_28_range_corner', 1, 28, 28, -10.0, 2.8, -2.8, 'digit'),   # the corner of DEC-DA's ranges
    ('random_28_c3', 3, 28, 28, 3.6, 0.95, -1.45, 'random'),
    ('random_16_c3', 3, 16, 16, -8.4, 1.2, -0.7, 'random'),
    ('random_16', 1, 16, 16, 9.1, -1.55, 0.35, 'random'),
    ('nonsquare_12x20', 1, 12, 20, -6.2, 1.1, -1.9, 'random'),
    ('nonsquare_9x14_c3', 3, 9, 14, 9.9, -0.85, 1.3, 'random'),
    ('edges_16', 1, 16, 16, 25.0, 7.5, -9.25, 'random'),              # large: much of it is edge fill
    ('edges_20x11_c3', 3, 20, 11, -33.0, -8.6, 6.4, 'random'),
    ('integer_shift_10', 1, 10, 10, 0.0, 3.0, -2.0, 'random'),
    ('rotate90_3', 1, 3, 3, 90.0, 0.0, 0.0, 'ramp'),
    ('identity_16', 1, 16, 16, 0.0, 0.0, 0.0, 'random'),
]


def main():
    try:
        from keras_preprocessing.image import apply_affine_transform
        import keras_preprocessing
        keras_version = keras_preprocessing.__version__
    except ImportError:
        apply_affine_transform, keras_version = None, None
    rng = np.random.RandomState(20180630)
    out = sys.stdout
    out.write('# DEC-DA affine augmentation reference: docs/tools/make_augment_fixtures.py, numpy %s, scipy %s%s\n'
              % (np.__version__, scipy.__version__,
                 ', cross-checked with keras_preprocessing %s' % keras_version if keras_version else ''))
    for name, c, h, w, theta, tx, ty, kind in CASES:
        b = content(kind, c, h, w, rng)
        assert b.min() >= 0 and b.max() <= 255
        x = b.astype(np.float32) / np.float32(255)
        m = keras_matrix(theta, tx, ty, h, w)
        y = warp(x, m)
        if apply_affine_transform is not None:
            k = apply_affine_transform(np.transpose(x, (1, 2, 0)), theta=theta, tx=tx, ty=ty,
                                       row_axis=0, col_axis=1, channel_axis=2,
                                       fill_mode='nearest', order=1)
            k = np.transpose(k, (2, 0, 1))
            if not np.array_equal(k, y):
                sys.exit('%s: keras_preprocessing differs from the matrix built here by %g'
                         % (name, np.max(np.abs(k - y))))
        mm = np.eye(3) if m is None else m
        out.write('case %s %d %d %d\n' % (name, c, h, w))
        out.write('params %r %r %r\n' % (float(theta), float(tx), float(ty)))
        out.write('matrix %s\n' % ' '.join(repr(float(mm[i, j])) for i in (0, 1) for j in (0, 1, 2)))
        out.write('in %s\n' % ' '.join(str(int(v)) for v in b.ravel()))
        out.write('out %s\n' % ' '.join(str(v) for v in y.astype(np.float32).ravel()))
        out.write('end\n')
    for seed, step, index, h, w, rot, hs, ws in STREAMS:
        th, row, col = stream_params(seed, step, index, h, w, rot, hs, ws)
        out.write('stream %d %d %d %d %d %r %r %r %r %r %r\n' % (seed, step, index, h, w, rot, hs, ws, th, row, col))
    if keras_version is None:
        sys.stderr.write('keras_preprocessing not importable: written without the cross-check\n')


if __name__ == '__main__':
    main()
