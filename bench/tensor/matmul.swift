// Tensor.matmul (fewshot's own GEMM) against raw cblas_sgemm (OpenBLAS with its own threads) on
// square matrices, the same number of threads for both. OPENBLAS_CORETYPE picks OpenBLAS's
// kernel (the JSON line names the one it ran); FEWSHOT_KERNELS picks fewshot's path.
//
//   matmul-bench --size 512 --threads 2 --reps 50
// Prints one JSON line: GFLOP/s medians of both and their ratio.
import CBLAS
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

func rawGEMM() {
    a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                    1, pa.baseAddress!, Int32(n), pb.baseAddress!, Int32(n), 0, pc.baseAddress!, Int32(n))
            }
        }
    }
}

// Blocks of runs, alternating raw and Tensor blocks so drifting load hits both alike. Not
// single runs: after a call OpenBLAS's own worker threads spin for a while, which would
// steal a core from the Tensor run that follows.
var raw: [Double] = [], api: [Double] = []
let block = max(1, reps / 5)
for _ in 0..<5 {
    openblas_set_num_threads(Int32(threads))
    for r in 0..<(block + 2) {
        let t = seconds { rawGEMM() }
        if r >= 2 { raw.append(flop / t / 1e9) }
    }
    Parallel.threadCount = threads  // fewshot's setting: OpenBLAS on the calling thread
    usleep(200_000)  // let OpenBLAS's workers stop spinning
    for r in 0..<(block + 2) {
        let t = try seconds { _ = try a.matmul(b) }
        if r >= 2 { api.append(flop / t / 1e9) }
    }
}
let result: [String: Any] = [
    "size": n, "threads": threads, "reps": reps, "openblas_core": String(cString: openblas_get_corename()),
    "fewshot_kernels": KernelPath.best.rawValue, "raw_sgemm_gflops": median(raw), "tensor_matmul_gflops": median(api),
    "ratio": median(api) / median(raw),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
