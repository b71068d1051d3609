"""Prints the benchmark's results as a table, extrapolating quadratic runs to N rows."""
import json
import sys


def main():
    path, n_target = sys.argv[1], int(sys.argv[2])
    runs, compares = [], []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            (compares if "compare" in r else runs).append(r)
    print(f"\n{'implementation':<28}{'rows':>8}{'dropped':>9}{'seconds':>10}   at {n_target} rows")
    best = {}
    for r in runs:
        if r["rows"] >= best.get(r["impl"], {"rows": 0})["rows"]:
            best[r["impl"]] = r
    for r in runs:
        quadratic = r["impl"] != "swift-minhash" and not r["impl"].startswith("swift-minhash")
        if r["rows"] == n_target:
            at = f"{r['seconds']:.2f} s measured"
        elif quadratic and best[r["impl"]] is r:
            at = f"~{r['seconds'] * (n_target / r['rows']) ** 2:,.0f} s (x(N/n)^2)"
        else:
            at = ""
        print(f"{r['impl']:<28}{r['rows']:>8}{r['dropped']:>9}{r['seconds']:>10.3f}   {at}")
    for c in compares:
        print(f"{c['compare']}: dropped by both {c['both']}, only the first {c['only_first']}, only the second {c['only_second']}")


if __name__ == "__main__":
    main()
