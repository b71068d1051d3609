rows = []
for i in range(100000):
    rows.append({"id": i, "score": (i * 7919) % 10007, "label": "pos" if i % 3 == 0 else "neg"})
positives = list(filter(lambda r: r["label"] == "pos" and r["score"] > 5000, rows))
ranked = sorted(positives, key=lambda r: r["score"], reverse=True)
print(len(ranked), ranked[0]["id"], ranked[0]["score"])
