#if arch(x86_64)
    import CKernels
    import Synchronization

    /// The rows of a Q4_1, Q4_0 or Q8_0 matrix rearranged into the tile layout of the AVX2
    /// 8-bit-activation kernels (`quantized_tiles.h`): 8 rows at a time, each block's weights
    /// transposed so that one register holds a chunk of all 8 rows, their scales and offsets
    /// decoded beside them.
    ///
    /// Built once, at the matrix's first such product, and kept as long as the matrix (anonymous
    /// memory: 1.2x the size of Q4_1 rows, 1.33x Q4_0, 1.06x Q8_0), so that a product with a few
    /// tokens does not rearrange every tile again. After that the products read only the tiles,
    /// never the GGUF rows, whose pages go back to the system when their owner allows it
    /// (`ReloadableBytes`: a mapped file). The weights, scales and offsets keep their exact
    /// values, so the products' bits are those of the specification (`quantized_dot.h`).
    final class Int8Tiles: Sendable {
        private let type: GGMLType
        private let rows: Int, blocks: Int, rowBytes: Int
        /// The GGUF rows, borrowed from the matrix, which outlives this object.
        private nonisolated(unsafe) let data: UnsafeRawPointer
        /// The owner of `data`, when its pages can be dropped once the tiles are built.
        private let owner: (any ReloadableBytes)?
        /// The tiles' address once built (0 before), read without a lock by every product (each
        /// piece of rows of every product asks for it).
        private let built = Atomic<UInt>(0)
        /// Held while the tiles are built, so that the first products on several threads build
        /// them once, the others waiting.
        private let building = Mutex(())

        /// The tiles of `rows` rows of `type` (Q4_1, Q4_0 or Q8_0) of `blocks` blocks each,
        /// `rowBytes` apart from `data` (owned by `owner`), to be built at the first use.
        init(type: GGMLType, data: UnsafeRawPointer, rowBytes: Int, rows: Int, blocks: Int, owner: AnyObject?) {
            precondition(type.hasInt8Kernel)
            self.type = type
            self.data = data
            self.owner = owner as? any ReloadableBytes
            self.rowBytes = rowBytes
            self.rows = rows
            self.blocks = blocks
        }

        deinit { UnsafeMutableRawPointer(bitPattern: built.load(ordering: .acquiring))?.deallocate() }

        /// The tiles, built on the first call.
        var pointer: UnsafeRawPointer {
            if let ready = UnsafeRawPointer(bitPattern: built.load(ordering: .acquiring)) { return ready }
            return building.withLock { _ in
                if let ready = UnsafeRawPointer(bitPattern: built.load(ordering: .acquiring)) { return ready }
                let storage = build()
                built.store(UInt(bitPattern: storage), ordering: .releasing)
                return UnsafeRawPointer(storage)
            }
        }

        /// Builds the tiles 4096 rows at a time, giving each run's pages back once its tiles are
        /// built, so that the rows and the tiles are never both in memory for more than a run.
        private func build() -> UnsafeMutableRawPointer {
            func bytes(_ rows: Int) -> Int {
                type == .q8_0 ? fewshot_tiles_q8_0_bytes(rows, blocks) : fewshot_tiles_q4_bytes(rows, blocks)
            }
            let storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes(rows), 1), alignment: 64)
            for first in stride(from: 0, to: rows, by: 4096) {
                let count = min(4096, rows - first)
                let from = data + first * rowBytes, to = storage + bytes(first)
                switch type {
                case .q4_1: fewshot_tiles_q4_1(from, rowBytes, count, blocks, to)
                case .q4_0: fewshot_tiles_q4_0(from, rowBytes, count, blocks, to)
                default: fewshot_tiles_q8_0(from, rowBytes, count, blocks, to)
                }
                owner?.releasePages(UnsafeRawBufferPointer(start: from, count: count * rowBytes))
            }
            return storage
        }
    }
#endif
