#!/usr/bin/python3
"""The SimCLR training step of bench/simclr-step.ts in PyTorch, for the ratios that bench/run-all.ts prints.

Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision), one case per process so that
ru_maxrss is that case's peak:

    train_torch.py --probe
        prints {"torch": version, "torchvision": version}
    train_torch.py --model resnet18 --batch 128 --chunk 32 --threads 1 \\
                   --warmup 2 --min-steps 3 --max-steps 20 --seconds 20
        prints one JSON line: versions, threads, params, per-step timings (ms), last loss, maxRssBytes

The step matches ours:
- augmentation the torchvision way: each of the B images is a 32x32 uint8 PIL image, transformed one at a
  time (RandomResizedCrop, flip, ColorJitter(0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale with p 0.2, no blur:
  strength 0.5 as for CIFAR-10), ToTensor, stacked; done twice, for two views. Timed inside the step and
  also on its own (augmentMs), as on our side.
- the same networks: our own BasicBlock ResNet-18 with the CIFAR stem (3x3 stride-1 conv, no max-pool)
  and a width multiplier (torchvision's ResNet class fixes 64 base channels), the small CNN, and the
  2-layer projection head with batch norm; parameter counts are reported so the caller can compare.
- each view through the network in its own forward pass (batch norm sees one view's batch, as ours).
- NT-Xent with tau 0.5 over the 2B views; LARS with our semantics (weight decay and trust ratio skipped
  for batch-norm parameters and biases, i.e. the 1-D parameters).
- with --chunk, the same gradient cache as contrastiveGradients: every z without grad, d loss / d z for
  the whole batch, then backward chunk by chunk, batch-norm running statistics restored after pass 2.
Tensors are NCHW float32 (PyTorch's default layout); no torch.compile, no channels_last.
"""

import argparse
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from torch import nn
from torchvision import transforms as T

IMAGE_SIZE = 32
TEMPERATURE = 0.5
STRENGTH = 0.5


def conv_bn(cin, cout, kernel, stride):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout)]


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(cin, planes, 3, stride), nn.ReLU(inplace=True), *conv_bn(planes, planes, 3, 1))
        self.downsample = nn.Sequential(*conv_bn(cin, planes, 1, stride)) if stride != 1 or cin != planes else nn.Identity()

    def forward(self, x):
        return F.relu(self.body(x) + self.downsample(x))


def resnet18_cifar(width):
    base = int(64 * width)
    layers = [*conv_bn(3, base, 3, 1), nn.ReLU(inplace=True)]
    cin = base
    for stage in range(4):
        planes = base * 2**stage
        for block in range(2):
            layers.append(BasicBlock(cin, planes, 2 if stage > 0 and block == 0 else 1))
            cin = planes
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten()), cin


def small_cnn(widths=(16, 32, 64)):
    layers = []
    cin = 3
    for w in widths:
        layers += [*conv_bn(cin, w, 3, 2), nn.ReLU(inplace=True)]
        cin = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten()), cin


def build_model(name):
    if name == "small-cnn":
        encoder, dim = small_cnn()
    else:
        encoder, dim = resnet18_cifar(1.0 if name == "resnet18" else 0.25)
    head = nn.Sequential(nn.Linear(dim, dim, bias=False), nn.BatchNorm1d(dim), nn.ReLU(inplace=True), nn.Linear(dim, 128))
    return nn.Sequential(encoder, head)


def nt_xent(z1, z2, tau):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = (z @ z.t()) / tau
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(logits, targets)


class Lars(torch.optim.Optimizer):
    """Momentum SGD with coupled weight decay and the LARS trust ratio, as @simclr/train's lars()."""

    def __init__(self, params, lr, momentum=0.9, weight_decay=1e-6, eta=0.001):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                scaled_lr = group["lr"]
                if p.ndim > 1:
                    g = g.add(p, alpha=group["weight_decay"])
                    w_norm, g_norm = torch.norm(p), torch.norm(g)
                    ratio = torch.where(
                        (w_norm > 0) & (g_norm > 0), group["eta"] * w_norm / g_norm, torch.ones_like(w_norm)
                    )
                    scaled_lr = scaled_lr * ratio
                state = self.state[p]
                if "momentum" not in state:
                    state["momentum"] = torch.zeros_like(p)
                v = state["momentum"]
                v.mul_(group["momentum"]).add_(g * scaled_lr)
                p.sub_(v)


def augmentation():
    s = STRENGTH
    return T.Compose(
        [
            T.RandomResizedCrop(IMAGE_SIZE),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s)], p=0.8),
            T.RandomGrayscale(p=0.2),
            T.ToTensor(),
        ]
    )


def make_step(model, optimizer, images, chunk):
    augment = augmentation()
    bn_buffers = [b for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) for b in m.buffers()]

    def views():
        return torch.stack([augment(im) for im in images]), torch.stack([augment(im) for im in images])

    def plain(v1, v2):
        optimizer.zero_grad(set_to_none=True)
        loss = nt_xent(model(v1), model(v2), TEMPERATURE)
        loss.backward()
        return loss

    def chunked(v1, v2):
        with torch.no_grad():
            z1 = torch.cat([model(c) for c in v1.split(chunk)])
            z2 = torch.cat([model(c) for c in v2.split(chunk)])
        saved = [b.clone() for b in bn_buffers]
        z1.requires_grad_(True)
        z2.requires_grad_(True)
        loss = nt_xent(z1, z2, TEMPERATURE)
        loss.backward()
        optimizer.zero_grad(set_to_none=True)
        for view, dz in ((v1, z1.grad), (v2, z2.grad)):
            for c, g in zip(view.split(chunk), dz.split(chunk)):
                (model(c) * g).sum().backward()
        with torch.no_grad():
            for b, s in zip(bn_buffers, saved):
                b.copy_(s)
        return loss

    def step():
        t0 = time.perf_counter()
        v1, v2 = views()
        augment_ms = (time.perf_counter() - t0) * 1000
        loss = (chunked if chunk else plain)(v1, v2)
        optimizer.step()
        return augment_ms, loss.item()

    return step


def run_case(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    images = [
        Image.fromarray(rng.integers(0, 256, (IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)) for _ in range(args.batch)
    ]
    model = build_model(args.model).train()
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = Lars(model.parameters(), lr=0.3 * args.batch / 256)
    step = make_step(model, optimizer, images, args.chunk)
    for _ in range(args.warmup):
        step()
    steps = []
    elapsed = 0.0
    loss = float("nan")
    while len(steps) < args.min_steps or (len(steps) < args.max_steps and elapsed < args.seconds * 1000):
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        augment_ms, loss = step()
        step_ms = (time.perf_counter() - t0) * 1000
        steps.append({"stepMs": step_ms, "augmentMs": augment_ms, "cpuMs": (time.process_time() - cpu0) * 1000})
        elapsed += step_ms
    return {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "params": params,
        "steps": steps,
        "loss": loss,
        # ru_maxrss is in KiB on Linux.
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--model", choices=["small-cnn", "resnet18-w0.25", "resnet18"])
    parser.add_argument("--batch", type=int)
    parser.add_argument("--chunk", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--min-steps", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    if args.probe:
        result = {"torch": torch.__version__, "torchvision": torchvision.__version__, "cores": os.cpu_count()}
    else:
        if args.model is None or args.batch is None:
            parser.error("--model and --batch are required")
        result = run_case(args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
