"""PyTorch's convolutions (all threads) on the shapes native-kernels.ts sends on stdin: GFLOP/s of the
forward, dX and dW of each, best of `reps` runs, as JSON rows."""
import json
import sys
import time

import torch

spec = json.load(sys.stdin)
reps = spec["reps"]


def best(fn):
    fn()
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


rows = []
for c in spec["convs"]:
    n, h, w, ci = c["x"]
    fh, fw, _, co = c["filter"]
    s = c["stride"]
    pad = fh // 2
    x = torch.randn(n, ci, h, w).contiguous(memory_format=torch.channels_last).requires_grad_()
    weight = torch.randn(co, ci, fh, fw).contiguous(memory_format=torch.channels_last).requires_grad_()
    y = torch.nn.functional.conv2d(x, weight, stride=s, padding=pad)
    dy = torch.randn_like(y)
    flop = 2 * y.numel() * fh * fw * ci
    with torch.no_grad():
        fwd = best(lambda: torch.nn.functional.conv2d(x, weight, stride=s, padding=pad))
    dx = best(lambda: torch.autograd.grad(y, x, dy, retain_graph=True))
    dw = best(lambda: torch.autograd.grad(y, weight, dy, retain_graph=True))
    rows.append([flop / t / 1e9 for t in (fwd, dx, dw)])
print(json.dumps(rows))
