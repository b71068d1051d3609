/// A bounds-checked little-endian reader over a byte buffer: every read that would run past
/// the end throws `GGUFError.truncated` naming the offset and what was being read.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw GGUFError.truncated(offset: offset, reading: what()) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let start = offset
        let length = try read(UInt64.self, what())
        guard length <= UInt64(remaining) else { throw GGUFError.truncated(offset: start, reading: what()) }
        let n = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
        offset += n
        // GGUF strings are UTF-8; invalid sequences are repaired rather than rejected.
        return String(decoding: slice, as: UTF8.self)
    }
}
