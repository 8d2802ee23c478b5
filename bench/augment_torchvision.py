#!/usr/bin/python3
"""torchvision's SimCLR augmentation on PIL images, one image at a time, as a DataLoader worker runs it.

Prints one JSON object: {"torchvision": version, "results": [{"n", "size", "imagesPerSecond"}]}.
Run by bench/augment.ts with Debian's /usr/bin/python3 (python3-torchvision).
"""

import json
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


def measure(n, size, min_seconds):
    rng = np.random.default_rng(0)
    images = [Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)) for _ in range(n)]
    pipeline = simclr_pipeline(size)
    torch.stack([pipeline(im) for im in images])
    rates = []
    start = time.perf_counter()
    while len(rates) < 3 or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        torch.stack([pipeline(im) for im in images])
        rates.append(n / (time.perf_counter() - t0))
    return float(np.median(rates))


if __name__ == "__main__":
    configs = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [[256, 32], [64, 96]]
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    results = [{"n": n, "size": s, "imagesPerSecond": measure(n, s, min_seconds)} for n, s in configs]
    print(json.dumps({"torchvision": torchvision.__version__, "results": results}))
