import CKernels
import Dispatch

/// A weight matrix kept in its GGUF storage format, multiplied without dequantising it first.
///
/// Shape (rows, columns), row-major: row `r` holds the weights of output `r` (PyTorch's
/// `Linear.weight` layout, ggml's `ne0 = columns`). Q4_0, Q4_1, Q8_0 and F32 rows are dotted
/// directly from their blocks with SIMD (AVX2/FMA kernels when the CPU has them); other types
/// are dequantised to F32 once, at creation.
public final class QuantizedMatrix: @unchecked Sendable {
    /// Output size.
    public let rows: Int
    /// Input size.
    public let columns: Int
    /// The storage type of `data`.
    public let type: GGMLType
    /// Bytes per row in `data`.
    public let rowBytes: Int
    /// The row-major blocks (borrowed from a mapped file, or owned when converted).
    public let data: UnsafeRawPointer
    private let owned: UnsafeMutableRawPointer?
    /// Keeps the owner of borrowed bytes (the mapped file) alive.
    private let keepAlive: AnyObject?

    /// Wraps `rows * columns` values of `type` at `data`; converts unsupported types to F32.
    public init(rows: Int, columns: Int, type: GGMLType, data: UnsafeRawPointer, owner: AnyObject?) throws {
        self.rows = rows
        self.columns = columns
        guard let layout = type.layout, columns % layout.blockSize == 0 else {
            throw Dequantize.Failure.unsupportedType(type)
        }
        if Self.hasDirectKernel(type) && (type == .f32 || columns % 32 == 0) {
            self.type = type
            self.rowBytes = columns / layout.blockSize * layout.blockBytes
            self.data = data
            self.owned = nil
            self.keepAlive = owner
        } else {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: rows * columns * 4, alignment: 64)
            try Dequantize.row(type, from: data, count: rows * columns, into: buffer.assumingMemoryBound(to: Float.self))
            self.type = .f32
            self.rowBytes = columns * 4
            self.data = UnsafeRawPointer(buffer)
            self.owned = buffer
            self.keepAlive = nil
        }
    }

    deinit { owned?.deallocate() }

    /// Whether `type` rows are multiplied straight from their blocks.
    public static func hasDirectKernel(_ type: GGMLType) -> Bool {
        type == .f32 || type == .q4_0 || type == .q4_1 || type == .q8_0
    }

    /// Decodes row `r` into `destination` (`columns` Floats).
    public func dequantizeRow(_ r: Int, into destination: UnsafeMutablePointer<Float>) {
        // The type was checked at creation, so decoding cannot fail.
        try! Dequantize.row(type, from: data + r * rowBytes, count: columns, into: destination)
    }

    /// Decodes rows `range` into `destination` (row-major, `range.count * columns` Floats).
    public func dequantizeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        try! Dequantize.row(type, from: data + range.lowerBound * rowBytes, count: range.count * columns, into: destination)
    }

    /// `y[r] = dot(row r, x)` for `r` in `range` (x holds `columns` values; `blockSums` the sums
    /// of its 32-value blocks, which the Q4 offsets multiply).
    func multiplyRows(
        _ range: Range<Int>, _ x: UnsafePointer<Float>, blockSums: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
    ) {
        #if arch(x86_64)
            if CPUFeatures.hasAVX2FMA {
                multiplyRowsAVX2(range, x, blockSums: blockSums, y)
                return
            }
        #endif
        multiplyRowsPortable(range, x, y)
    }

    #if arch(x86_64)
        /// The AVX2/FMA kernels of `CKernels`: blocks widened to Float in registers, never stored.
        func multiplyRowsAVX2(
            _ range: Range<Int>, _ x: UnsafePointer<Float>, blockSums: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
        ) {
            let first = range.lowerBound, last = range.upperBound, blocks = columns / 32
            switch type {
            case .f32: fewshot_rows_f32(data.assumingMemoryBound(to: Float.self), first, last, x, columns, y)
            case .q4_1: fewshot_rows_q4_1(data, rowBytes, first, last, x, blockSums, blocks, y)
            case .q4_0: fewshot_rows_q4_0(data, rowBytes, first, last, x, blockSums, blocks, y)
            default: fewshot_rows_q8_0(data, rowBytes, first, last, x, blocks, y)
            }
        }
    #endif

    /// Baseline-x86-64 (or any CPU) path: decode each row to Float, then a SIMD dot product.
    func multiplyRowsPortable(_ range: Range<Int>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        if type == .f32 {
            let base = data.assumingMemoryBound(to: Float.self)
            for r in range { y[r] = QuantizedDot.f32(base + r * columns, x, count: columns) }
            return
        }
        let row = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { row.deallocate() }
        switch type {
        case .q4_1:
            for r in range {
                QuantizedDot.decodeQ4_1(data + r * rowBytes, blocks: blocks, into: row)
                y[r] = QuantizedDot.f32(row, x, count: columns)
            }
        case .q4_0:
            for r in range {
                QuantizedDot.decodeQ4_0(data + r * rowBytes, blocks: blocks, into: row)
                y[r] = QuantizedDot.f32(row, x, count: columns)
            }
        default:
            for r in range {
                QuantizedDot.decodeQ8_0(data + r * rowBytes, blocks: blocks, into: row)
                y[r] = QuantizedDot.f32(row, x, count: columns)
            }
        }
    }

    /// `y = W x` (y: `rows` Floats, x: `columns` Floats), split across `threads` threads by rows.
    public func multiply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, threads: Int = 1) {
        Self.multiply([self], x, into: [y], threads: threads)
    }

    /// `outputs[i] = matrices[i] x` for matrices that share their input (a layer's query, key and
    /// value; its gate and up projections), in one parallel pass: waking the workers once instead
    /// of once per matrix matters when a whole product takes tens of microseconds.
    public static func multiply(
        _ matrices: [QuantizedMatrix], _ x: UnsafePointer<Float>, into outputs: [UnsafeMutablePointer<Float>], threads: Int
    ) {
        precondition(matrices.count == outputs.count && !matrices.isEmpty)
        let columns = matrices[0].columns
        precondition(matrices.allSatisfy { $0.columns == columns })
        let blocks = columns / 32
        let blockSums = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blocks))
        defer { blockSums.deallocate() }
        for b in 0..<blocks { blockSums[b] = QuantizedDot.sum(x + 32 * b, count: 32) }
        // Each part takes a run of rows of the matrices stacked one above the other.
        let total = matrices.reduce(0) { $0 + $1.rows }
        let parts = max(1, min(threads, total / 64))
        let chunk = (total + parts - 1) / parts
        func run(_ part: Int) {
            let start = part * chunk, end = min(total, start + chunk)
            var offset = 0
            for (w, y) in zip(matrices, outputs) {
                let lo = max(start, offset) - offset, hi = min(end, offset + w.rows) - offset
                if lo < hi { w.multiplyRows(lo..<hi, x, blockSums: blockSums, y) }
                offset += w.rows
            }
        }
        if parts == 1 {
            run(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: run)
        }
    }
}
