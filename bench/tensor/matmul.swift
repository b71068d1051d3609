// Tensor.matmul against raw cblas_sgemm (through BLAS.sgemm) on square matrices, same threads.
//
//   matmul-bench --size 512 --threads 2 --reps 50
// Prints one JSON line: GFLOP/s medians of both and their ratio.
import Foundation
import Tensor

var size = 512, threads = 2, reps = 50
var args = CommandLine.arguments.dropFirst().makeIterator()
while let flag = args.next() {
    let value = Int(args.next() ?? "") ?? 0
    switch flag {
    case "--size": size = value
    case "--threads": threads = value
    case "--reps": reps = value
    default: fatalError("unknown flag \(flag)")
    }
}
Parallel.threadCount = threads
let n = size
let a = Tensor.randn([n, n], seed: 1), b = Tensor.randn([n, n], seed: 2)
var c = [Float](repeating: 0, count: n * n)
let flop = 2.0 * Double(n * n * n)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

var raw: [Double] = [], api: [Double] = []
for r in 0..<(reps + 3) {
    // Alternate the two so drifting machine load hits both alike.
    let tr = seconds {
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: n, k: n,
                               a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
    let tt = try seconds { _ = try a.matmul(b) }
    if r >= 3 {
        raw.append(flop / tr / 1e9)
        api.append(flop / tt / 1e9)
    }
}
let result: [String: Any] = [
    "size": n, "threads": threads, "reps": reps, "raw_sgemm_gflops": median(raw), "tensor_matmul_gflops": median(api),
    "ratio": median(api) / median(raw),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
