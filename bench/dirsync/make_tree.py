#!/usr/bin/env python3
"""Deterministic benchmark tree: N files (default 100,000), mostly small.

  make_tree.py create ROOT [--files N]   build the tree (fails if ROOT exists)
  make_tree.py mutate ROOT ROUND         rewrite 1% of the files (every 100th), half of them
                                         with the same size (so only content and mtime differ)

Sizes: 80% 0.1-4 KiB, 19% 4-32 KiB, 1% 32-256 KiB; 100 top directories x 10 subdirectories,
plus a few empty directories and symlinks. Contents come from a seeded PRNG, so every run
builds the same tree.
"""
import os, random, sys

def size_for(rng):
    r = rng.random()
    if r < 0.80:
        return rng.randint(100, 4096)
    if r < 0.99:
        return rng.randint(4096, 32768)
    return rng.randint(32768, 262144)

def path_for(root, i):
    return os.path.join(root, f"d{i % 100:03d}", f"s{(i // 100) % 10}", f"file-{i:06d}.dat")

def create(root, files):
    os.makedirs(root)
    rng = random.Random(20261122)
    for i in range(files):
        p = path_for(root, i)
        if i < 1000:
            os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(rng.randbytes(size_for(rng)))
    for i in range(20):
        os.makedirs(os.path.join(root, "empty", f"e{i}"))
    for i in range(20):
        os.symlink(f"../d{i:03d}/s0", os.path.join(root, "d000", f"link-{i}"))

def mutate(root, round_):
    rng = random.Random(1000 + round_)
    count = 0
    i = 0
    while True:
        p = path_for(root, i)
        if not os.path.exists(p):
            break
        if i % 100 == 0:
            size = os.path.getsize(p)
            if (i // 100) % 2 == 1:
                size = size + rng.randint(1, 512)
            with open(p, "wb") as f:
                f.write(rng.randbytes(size))
            count += 1
        i += 1
    print(f"mutated {count} of {i} files", file=sys.stderr)

if __name__ == "__main__":
    cmd, root = sys.argv[1], sys.argv[2]
    if cmd == "create":
        n = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--files" else 100_000
        create(root, n)
    elif cmd == "mutate":
        mutate(root, int(sys.argv[3]))
    else:
        sys.exit(__doc__)
