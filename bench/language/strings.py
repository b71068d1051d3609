total = 0
for i in range(200000):
    s = f"item {i}: {i * 2} of {'total'}"
    total += len(s)
print(total)
