"""Writes the Fashion-MNIST subset shipped with the quickstart: a class-balanced, seeded sample of
1000 training and 200 test images per class, in the publisher's gzipped IDX format.

Source: Debian's `dataset-fashion-mnist` package (/usr/share/datasets/fashion-mnist).
Usage: python3 make_subset.py [SOURCE_DIR]
"""
import gzip
import os
import random
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.dirname(os.path.abspath(__file__))
PER_CLASS = {"train": 1000, "t10k": 200}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return magic, dims, data[4 + 4 * ndim :]


def write_idx(path, magic, dims, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    # mtime=0 keeps the files byte-identical from run to run.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + payload)


def main():
    rng = random.Random(20200213)
    for split, per_class in PER_CLASS.items():
        im_magic, im_dims, images = read_idx(f"{SRC}/{split}-images-idx3-ubyte.gz")
        lb_magic, _, labels = read_idx(f"{SRC}/{split}-labels-idx1-ubyte.gz")
        size = im_dims[1] * im_dims[2]
        by_class = {c: [i for i, l in enumerate(labels) if l == c] for c in range(10)}
        chosen = sorted(i for c in range(10) for i in rng.sample(by_class[c], per_class))
        rng.shuffle(chosen)
        write_idx(
            f"{OUT}/{split}-images-idx3-ubyte.gz",
            im_magic,
            (len(chosen), im_dims[1], im_dims[2]),
            b"".join(images[i * size : (i + 1) * size] for i in chosen),
        )
        write_idx(f"{OUT}/{split}-labels-idx1-ubyte.gz", lb_magic, (len(chosen),), bytes(labels[i] for i in chosen))
        print(f"{split}: {len(chosen)} images")


if __name__ == "__main__":
    main()
