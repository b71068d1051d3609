// The Swift side of the near-duplicate benchmark: loads rows, keeps the first N, runs the
// ROUGE-L > 0.7 filter (MinHash/LSH candidates or exhaustive), prints one JSON line of
// timings and writes the dropped row indices.
// Usage: filterbench ROWS.jsonl N minhash|exhaustive OUT [BANDS ROWS_PER_BAND]
import Datasets

let args = CommandLine.arguments
guard args.count == 5 || args.count == 7, let n = Int(args[2]) else {
    print("usage: filterbench ROWS.jsonl N minhash|exhaustive OUT [BANDS ROWS_PER_BAND]")
    exit(2)
}
let clock = ContinuousClock()
let loadStart = clock.now
let data = try Dataset.load(args[1]).head(n)
let loadSeconds = (clock.now - loadStart) / .seconds(1)
let search: NearDuplicateSearch =
    args[3] == "exhaustive"
    ? .exhaustive
    : args.count == 7 ? .minHash(bands: Int(args[5]) ?? 32, rowsPerBand: Int(args[6]) ?? 3) : .minHash()
let start = clock.now
let result = try data.filter([.nearDuplicates(threshold: 0.7, on: .field("instruction"), search: search)])
let seconds = (clock.now - start) / .seconds(1)
try writeFileAtomically(args[4], contents: result.dropped.map { String($0.index) + "\n" }.joined())
func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
print(
    #"{"impl": "swift-\#(args[3])\#(args.count == 7 ? "-b\(args[5])r\(args[6])" : "")", "rows": \#(data.count), "kept": \#(result.kept.count), "dropped": \#(result.dropped.count), "seconds": \#(rounded(seconds)), "load_seconds": \#(rounded(loadSeconds))}"#
)

#if canImport(Glibc)
    import Glibc
#endif
