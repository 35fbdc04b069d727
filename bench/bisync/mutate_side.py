#!/usr/bin/env python3
"""Rewrites 1% of one side's files for the two-way benchmark: every 100th file from OFFSET (half of them with the
same size), so the two sides change different files.

  mutate_side.py ROOT OFFSET ROUND
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dirsync"))
from make_tree import path_for

root, offset, round_ = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7000 + 100 * round_ + offset)
count, i = 0, offset
while os.path.exists(path_for(root, i)):
    p = path_for(root, i)
    size = os.path.getsize(p) + (rng.randint(1, 512) if count % 2 else 0)
    with open(p, "wb") as f:
        f.write(rng.randbytes(size))
    count += 1
    i += 100
print(f"mutated {count} files of {root}", file=sys.stderr)
