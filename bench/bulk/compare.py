#!/usr/bin/env python3
"""Compares the answers of two teacher recordings (.teacher files): for every request both
hold (same key and sample), whether the reply texts are equal.

    python3 bench/bulk/compare.py A.teacher B.teacher
"""
import json
import sys


def answers(path):
    found = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if "key" in record:
                found[(record["key"], record.get("sample", 0))] = record["response"]["text"]
    return found


a, b = answers(sys.argv[1]), answers(sys.argv[2])
shared = sorted(set(a) & set(b))
differing = [k for k in shared if a[k] != b[k]]
print(f"{len(shared)} requests in both; {len(shared) - len(differing)} same answers, {len(differing)} different")
for key in differing[:5]:
    print(f"  {key[0][:12]}: {a[key]!r}\n  {' ' * 12}  {b[key]!r}")
