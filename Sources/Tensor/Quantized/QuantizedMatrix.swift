/// A weight matrix kept in its GGUF storage format, multiplied without dequantising it first.
///
/// Shape (rows, columns), row-major: row `r` holds the weights of output `r` (PyTorch's
/// `Linear.weight` layout, ggml's `ne0 = columns`). Q4_0, Q4_1, Q8_0 and F32 rows (and F16 rows
/// on AVX2 CPUs) are dotted directly from their blocks with SIMD (AVX2/FMA kernels when the CPU
/// has them); other types are dequantised to F32 once, at creation.
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
    #if arch(x86_64)
        /// The rows in the layout of the AVX2 8-bit-activation kernels, built at the first product
        /// that uses them (Q4_1, Q4_0 and Q8_0 matrices only).
        let int8Tiles: Int8Tiles?
    #endif

    /// Wraps `rows * columns` values of `type` at `data`; converts unsupported types to F32.
    public init(rows: Int, columns: Int, type: GGMLType, data: UnsafeRawPointer, owner: AnyObject?) throws {
        self.rows = rows
        self.columns = columns
        guard let layout = type.layout, columns % layout.blockSize == 0 else {
            throw Dequantize.Failure.unsupportedType(type)
        }
        if Self.hasDirectKernel(type) && (type == .f32 || type == .f16 || columns % 32 == 0) {
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
        #if arch(x86_64)
            self.int8Tiles =
                self.type.hasInt8Kernel
                ? Int8Tiles(
                    type: self.type, data: self.data, rowBytes: rowBytes, rows: rows, blocks: columns / 32, owner: keepAlive)
                : nil
        #endif
    }

    deinit { owned?.deallocate() }

    /// Whether `type` rows are multiplied straight from their blocks (F16 on AVX2 CPUs only:
    /// elsewhere decoding each row for every product costs more than the memory it saves).
    public static func hasDirectKernel(_ type: GGMLType) -> Bool {
        type == .f32 || type == .q4_0 || type == .q4_1 || type == .q8_0 || (type == .f16 && KernelPath.best == .avx2)
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
}
