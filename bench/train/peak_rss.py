#!/usr/bin/env python3
"""Runs a benchmark command and adds its peak resident memory to the JSON line it prints.

    peak_rss.py IMPL COMMAND [ARGS...]

The command's last stdout line must be a JSON object; it is printed again with "impl": IMPL and
"peak_rss_mb": the child's maximum resident set size (getrusage RUSAGE_CHILDREN, the same kernel
figure fewshot-bench reads for itself with RUSAGE_SELF). Lets run.sh compare the two sides'
memory in the same run."""
import json, resource, subprocess, sys

impl, command = sys.argv[1], sys.argv[2:]
out = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
record = json.loads(out.strip().splitlines()[-1])
record = {"impl": impl, **record}
record.setdefault("peak_rss_mb", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
print(json.dumps(record), flush=True)
