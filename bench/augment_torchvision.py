#!/usr/bin/python3
"""torchvision's SimCLR augmentation on PIL images, one image at a time, as a DataLoader worker runs it.

A measuring server for bench/augment-throughput.ts (used by augment.ts and run-all.ts), run with Debian's
/usr/bin/python3 (python3-torchvision): it prints {"torchvision": version}, then for each stdin line
"N SIZE SECONDS" times the pipeline on N random SIZE x SIZE RGB images for about SECONDS and prints
{"imagesPerSecond": median over batches, "maxRssBytes": peak resident memory of this process so far}.
"""

import json
import resource
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

# The TypeScript side runs on one thread (tfjs-backend-wasm in Node), so this does too.
torch.set_num_threads(1)


def simclr_pipeline(size):
    kernel = size // 10 if (size // 10) % 2 == 1 else size // 10 + 1
    return T.Compose(
        [
            T.RandomResizedCrop(size),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8),
            T.RandomGrayscale(p=0.2),
            T.RandomApply([T.GaussianBlur(kernel, sigma=(0.1, 2.0))], p=0.5),
            T.ToTensor(),
        ]
    )


batches = {}


def measure(n, size, seconds):
    if (n, size) not in batches:
        rng = np.random.default_rng(0)
        images = [Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)) for _ in range(n)]
        pipeline = simclr_pipeline(size)
        torch.stack([pipeline(im) for im in images])
        batches[(n, size)] = (images, pipeline)
    images, pipeline = batches[(n, size)]
    rates = []
    start = time.perf_counter()
    while len(rates) < 3 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        torch.stack([pipeline(im) for im in images])
        rates.append(n / (time.perf_counter() - t0))
    return float(np.median(rates))


print(json.dumps({"torchvision": torchvision.__version__}), flush=True)
for line in sys.stdin:
    n, size, seconds = line.split()
    rate = measure(int(n), int(size), float(seconds))
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"imagesPerSecond": rate, "maxRssBytes": peak}), flush=True)
