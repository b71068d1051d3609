import CKernels

/// How `QuantizedMatrix.multiply` treats its input vector.
public enum ActivationFormat: Sendable {
    /// Float throughout: products equal those with the dequantised weights up to rounding.
    case float
    /// Rounded to 8 bits per block of 32 values, then multiplied with the weights' blocks as
    /// integers, as llama.cpp does: about 1.3x to 2x as fast; each product moves by at most
    /// half a rounding step per value (SmolLM2's logits by up to 0.64 on the parity prompt).
    /// Q4_0, Q4_1 and Q8_0 matrices do this on every CPU and kernel path (with the same bits);
    /// F32 and F16 matrices use `.float`.
    case int8
}

extension GGMLType {
    /// Whether this type is multiplied with 8-bit activations when they are asked for.
    var hasInt8Kernel: Bool { self == .q4_0 || self == .q4_1 || self == .q8_0 }
}

/// The input of one product, with what the kernels derive from it once for every row.
struct QuantizedInput {
    /// `tokens` rows of `columns` input values.
    let x: UnsafePointer<Float>
    let tokens: Int
    /// Sums of x's blocks of 32 values, token by token (the Q4 formats' offsets multiply them).
    let blockSums: UnsafePointer<Float>
    /// x rounded to signed bytes, for `.int8` products.
    let bytes: UnsafePointer<Int8>?
    /// The scale of each block of `bytes` (value = byte * scale).
    let scales: UnsafePointer<Float>?
}

extension QuantizedMatrix {
    /// Whether products with 8-bit activations run for this matrix (its type alone decides, so
    /// every CPU and kernel path takes the same algorithm): they make a batch of a few dozen
    /// tokens cheaper than dequantising the matrix for a GEMM.
    public var hasInt8Kernel: Bool { type.hasInt8Kernel }

    /// `y = W x` (y: `rows` Floats, x: `columns` Floats), split across `threads` threads by rows.
    public func multiply(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, threads: Int = 1, activations: ActivationFormat = .float
    ) {
        Self.multiply([self], x, into: [y], threads: threads, activations: activations, path: .best)
    }

    /// `outputs[i] = x matrices[i]^T` for matrices that share their input (a layer's query, key
    /// and value; its gate and up projections), in one parallel pass: waking the workers once
    /// instead of once per matrix matters when a whole product takes tens of microseconds.
    /// x holds `tokens` rows of `columns` values, `outputs[i]` gets `tokens` rows of `rows_i`.
    /// Every output is computed whole by one thread, so the bits do not depend on `threads`.
    public static func multiply(
        _ matrices: [QuantizedMatrix], _ x: UnsafePointer<Float>, tokens: Int = 1, into outputs: [UnsafeMutablePointer<Float>],
        threads: Int, activations: ActivationFormat = .float
    ) {
        multiply(matrices, x, tokens: tokens, into: outputs, threads: threads, activations: activations, path: .best)
    }

    /// `multiply` on the kernels of `path` (tests compare the paths).
    static func multiply(
        _ matrices: [QuantizedMatrix], _ x: UnsafePointer<Float>, tokens: Int = 1, into outputs: [UnsafeMutablePointer<Float>],
        threads: Int, activations: ActivationFormat, path: KernelPath
    ) {
        precondition(matrices.count == outputs.count && !matrices.isEmpty && tokens > 0)
        let columns = matrices[0].columns
        precondition(matrices.allSatisfy { $0.columns == columns })
        let bytes = activations == .int8 && matrices.contains { $0.type.hasInt8Kernel }
        withInput(x, columns: columns, tokens: tokens, bytes: bytes, threads: threads, path: path) { input in
            let (pieces, parallel) = rowPieces(matrices.map(\.rows), threads: threads)
            func run(_ i: Int) {
                let piece = pieces[i]
                matrices[piece.matrix].multiplyRows(piece.rows, input, outputs[piece.matrix], path: path)
            }
            if parallel {
                Parallel.perform(pieces.count, run)
            } else {
                for i in pieces.indices { run(i) }
            }
        }
    }

    /// The pieces a product of matrices with `rows` rows each is split into for `threads`
    /// threads: runs of rows of one matrix, starting at multiples of 8, that the threads claim
    /// one at a time. About six per thread, so that a thread that runs slower (or starts later)
    /// takes fewer of them instead of keeping the others waiting; at least 64 rows each, since
    /// every piece gathers the tokens' activations again. `parallel` is false when the product
    /// is too small to share (the caller runs the pieces itself, one per matrix).
    static func rowPieces(_ rows: [Int], threads: Int) -> (pieces: [(matrix: Int, rows: Range<Int>)], parallel: Bool) {
        let total = rows.reduce(0, +)
        let wanted = threads <= 1 ? 1 : max(1, min(6 * threads, total / 64))
        let size = wanted == 1 ? max(1, total) : max(64, ((total + wanted - 1) / wanted + 7) / 8 * 8)
        let pieces = rows.enumerated().flatMap { matrix, count in
            stride(from: 0, to: count, by: size).map { (matrix: matrix, rows: $0..<min(count, $0 + size)) }
        }
        return (pieces, wanted > 1)
    }

    /// Calls `body` with x (`tokens` rows of `columns`) prepared for the kernels: block sums, and
    /// 8-bit values when `bytes` is asked for (rounded by `path`'s code, to the same bytes).
    /// Block by block, so a long batch is shared among `threads` threads with the same results.
    static func withInput<R>(
        _ x: UnsafePointer<Float>, columns: Int, tokens: Int = 1, bytes: Bool, threads: Int = 1,
        path: KernelPath = .best, _ body: (QuantizedInput) -> R
    ) -> R {
        let blocks = columns / 32
        // x's blocks of 32 follow each other across tokens when columns is a multiple of 32.
        let whole = blocks > 0 && columns % 32 == 0
        let blockSums = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tokens * blocks))
        defer { blockSums.deallocate() }
        let quantized = bytes && whole
        let values = UnsafeMutablePointer<Int8>.allocate(capacity: quantized ? tokens * columns : 1)
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: quantized ? tokens * blocks : 1)
        defer {
            values.deallocate()
            scales.deallocate()
        }
        func prepare(_ first: Int, _ count: Int) {
            QuantizedDot.blockSums(x + 32 * first, blocks: count, into: blockSums + first)
            guard quantized else { return }
            #if arch(x86_64)
                if path == .avx2 {
                    fewshot_quantize_q8(x + 32 * first, count, values + 32 * first, scales + first)
                    return
                }
            #endif
            QuantizedDot.quantize(x + 32 * first, blocks: count, into: values + 32 * first, scales: scales + first)
        }
        if whole {
            // Shared from 256 blocks (8,192 values) per thread.
            Parallel.forRange(tokens * blocks, grain: 256, threads: threads) { prepare($0, $1 - $0) }
        } else {
            for t in 0..<tokens { QuantizedDot.blockSums(x + t * columns, blocks: blocks, into: blockSums + t * blocks) }
        }
        return body(
            QuantizedInput(
                x: x, tokens: tokens, blockSums: blockSums, bytes: quantized ? values : nil,
                scales: quantized ? scales : nil))
    }

    /// `y[t * rows + r] = dot(row r, x_t)` for `r` in `range` and every token t, on `path`.
    func multiplyRows(_ range: Range<Int>, _ input: QuantizedInput, _ y: UnsafeMutablePointer<Float>, path: KernelPath = .best) {
        let blocks = columns / 32
        if let bytes = input.bytes, let scales = input.scales, type.hasInt8Kernel {
            #if arch(x86_64)
                if path == .avx2 {
                    multiplyRowsInt8AVX2(range, input, bytes: bytes, scales: scales, y)
                    return
                }
            #endif
            QuantizedDot.int8Rows(
                type, data, rowBytes: rowBytes, range, bytes: bytes, scales: scales, blockSums: input.blockSums,
                blocks: blocks, tokens: input.tokens, y, yStride: rows)
            return
        }
        #if arch(x86_64)
            if path == .avx2 && type.hasInt8Kernel {
                multiplyRowsTokensAVX2(range, input.x, tokens: input.tokens, y)
                return
            }
        #endif
        for t in 0..<input.tokens {
            #if arch(x86_64)
                if path == .avx2 {
                    multiplyRowsAVX2(range, input.x + t * columns, y + t * rows)
                    continue
                }
            #endif
            multiplyRowsPortable(range, input.x + t * columns, y + t * rows)
        }
    }

    #if arch(x86_64)
        /// The 8-bit-activation kernels of `CKernels`, every token in one call, on the matrix's
        /// tiles (built at the first call). Any range of rows works; one that starts or ends
        /// inside a tile of 8 rows computes that tile's 8 rows and keeps its own, so ranges in
        /// multiples of 8 rows waste nothing.
        private func multiplyRowsInt8AVX2(
            _ range: Range<Int>, _ input: QuantizedInput, bytes: UnsafePointer<Int8>, scales: UnsafePointer<Float>,
            _ y: UnsafeMutablePointer<Float>
        ) {
            let first = range.lowerBound, last = range.upperBound, blocks = columns / 32, tokens = input.tokens
            let sums = input.blockSums
            guard let tiles = int8Tiles?.pointer else { preconditionFailure("\(type) has no 8-bit-activation kernel") }
            switch type {
            case .q4_1: fewshot_tiles_q4_1_q8(tiles, first, last, bytes, scales, sums, blocks, tokens, y, rows)
            case .q4_0: fewshot_tiles_q4_0_q8(tiles, first, last, bytes, scales, sums, blocks, tokens, y, rows)
            default: fewshot_tiles_q8_0_q8(tiles, first, last, bytes, scales, sums, blocks, tokens, y, rows)
            }
        }

        /// The Float-activation AVX2 kernels of Q4_1, Q4_0 and Q8_0 rows for `tokens` tokens at
        /// once: each row is decoded once per call, and every token's products are the bits of
        /// `multiplyRowsAVX2` with it alone.
        private func multiplyRowsTokensAVX2(
            _ range: Range<Int>, _ x: UnsafePointer<Float>, tokens: Int, _ y: UnsafeMutablePointer<Float>
        ) {
            let first = range.lowerBound, last = range.upperBound, blocks = columns / 32
            switch type {
            case .q4_1: fewshot_rows_q4_1_tokens(data, rowBytes, first, last, x, blocks, tokens, y, rows)
            case .q4_0: fewshot_rows_q4_0_tokens(data, rowBytes, first, last, x, blocks, tokens, y, rows)
            default: fewshot_rows_q8_0_tokens(data, rowBytes, first, last, x, blocks, tokens, y, rows)
            }
        }

        /// The Float-activation AVX2 kernels of `CKernels` for one token: blocks widened in
        /// registers, never stored.
        func multiplyRowsAVX2(_ range: Range<Int>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
            let first = range.lowerBound, last = range.upperBound, blocks = columns / 32
            switch type {
            case .f32: fewshot_rows_f32(data.assumingMemoryBound(to: Float.self), first, last, x, columns, y)
            case .f16: fewshot_rows_f16(data, rowBytes, first, last, x, columns, y)
            case .q4_1: fewshot_rows_q4_1(data, rowBytes, first, last, x, blocks, y)
            case .q4_0: fewshot_rows_q4_0(data, rowBytes, first, last, x, blocks, y)
            default: fewshot_rows_q8_0(data, rowBytes, first, last, x, blocks, y)
            }
        }
    #endif

    /// Any CPU: decode each row to Float, then its `LaneSum` with x (activations stay Float).
    func multiplyRowsPortable(_ range: Range<Int>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        if type == .f32 {
            let base = data.assumingMemoryBound(to: Float.self)
            for r in range { y[r] = LaneSum.dot(base + r * columns, x, columns) }
            return
        }
        let row = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { row.deallocate() }
        for r in range {
            switch type {
            case .q4_1: QuantizedDot.decodeQ4_1(data + r * rowBytes, blocks: blocks, into: row)
            case .q4_0: QuantizedDot.decodeQ4_0(data + r * rowBytes, blocks: blocks, into: row)
            case .q8_0: QuantizedDot.decodeQ8_0(data + r * rowBytes, blocks: blocks, into: row)
            default: dequantizeRow(r, into: row)  // F16
            }
            y[r] = LaneSum.dot(row, x, columns)
        }
    }
}
