import Foundation
import SafeFiles

/// The safetensors file format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data.
///
/// Writing is atomic (temporary file, fsync, rename; `SafeFile.writeAtomically`), so a crash never
/// leaves half a file under the real name. Reading checks every length and range and throws `LearnError.checkpoint`
/// for a truncated or corrupt file.
public enum Safetensors {
    /// One named tensor as stored: row-major Float32 values and a shape.
    public struct Entry: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    /// The longest JSON header read (the reference implementation's limit is 100 MB).
    public static let maximumHeaderBytes = 100 << 20
    /// The most dimensions a tensor may have.
    public static let maximumDimensions = 8

    /// Writes `tensors` (in the given order) as F32 with string `metadata` to `url`, atomically.
    public static func write(_ tensors: [(name: String, entry: Entry)], metadata: [String: String], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, entry) in tensors {
            guard entry.shape.reduce(1, *) == entry.values.count else {
                throw LearnError.checkpoint("tensor '\(name)' has \(entry.values.count) values for shape \(entry.shape)")
            }
            let bytes = entry.values.count * 4
            header[name] = ["dtype": "F32", "shape": entry.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
        while (json.count % 8) != 0 { json.append(0x20) }
        var file: [UInt8] = []
        file.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: json)
        for (_, entry) in tensors {
            // x86 and arm64 are little-endian, as the format is.
            entry.values.withUnsafeBytes { file.append(contentsOf: $0) }
        }
        do {
            try SafeFile.writeAtomically(file, to: url.path)
        } catch {
            throw LearnError.checkpoint("\(error)")
        }
    }

    /// Reads every tensor (F32, F16, BF16, or integers, converted to Float32) and the metadata of a file.
    /// The file must be a regular file (a FIFO or a folder is refused before reading); it is
    /// mapped, not copied.
    public static func read(from url: URL) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        let mapped: MappedFile
        do {
            mapped = try MappedFile(path: url.path)
        } catch {
            throw LearnError.checkpoint("\(error)")
        }
        return try parse(mapped.bytes, name: url.lastPathComponent)
    }

    /// Parses the bytes of a safetensors file; `name` is used in error messages.
    public static func parse(_ data: Data, name: String = "file") throws -> (tensors: [String: Entry], metadata: [String: String])
    {
        try data.withUnsafeBytes { try parse($0, name: name) }
    }

    /// Parses the bytes of a safetensors file. Every size in the header is checked against the
    /// bytes that are really there, with overflow-checked arithmetic, before anything is
    /// allocated; a problem throws `LearnError.checkpoint` naming the file, the tensor and the field.
    public static func parse(_ data: UnsafeRawBufferPointer, name: String = "file") throws -> (
        tensors: [String: Entry], metadata: [String: String]
    ) {
        guard data.count >= 8 else { throw LearnError.checkpoint("\(name) is truncated: \(data.count) bytes, no header length") }
        let headerLength = UInt64(littleEndian: data.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(data.count - 8) else {
            throw LearnError.checkpoint(
                "\(name) is truncated or corrupt: its header length field says \(headerLength) bytes but only \(data.count - 8) follow"
            )
        }
        guard headerLength <= UInt64(maximumHeaderBytes) else {
            throw LearnError.checkpoint(
                "\(name): its header length field says \(headerLength) bytes, more than the \(maximumHeaderBytes) allowed")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(data[8..<headerEnd]))
        } catch {
            throw LearnError.checkpoint("\(name) has a corrupt header (not JSON)")
        }
        guard let header = json as? [String: Any] else {
            throw LearnError.checkpoint("\(name) has a header that is not a JSON object")
        }
        let body = data.count - headerEnd
        var metadata: [String: String] = [:]
        var located: [(key: String, dtype: String, shape: [Int], start: Int, count: Int)] = []
        for (key, value) in header {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else {
                    throw LearnError.checkpoint("\(name): __metadata__ is not a map of strings to strings")
                }
                metadata = m
                continue
            }
            let (dtype, shape, range, count) = try locate(key, value, body: body, file: name)
            located.append((key, dtype, shape, headerEnd + range.lowerBound, count))
        }
        var tensors: [String: Entry] = [:]
        for t in located {
            tensors[t.key] = Entry(shape: t.shape, values: decode(data, at: t.start, count: t.count, dtype: t.dtype))
        }
        return (tensors, metadata)
    }

    /// Checks one tensor's header entry against the `body` data bytes: its dtype, shape (each
    /// size and their product, overflow-checked) and byte range. Returns the range in the body.
    private static func locate(_ key: String, _ value: Any, body: Int, file: String) throws -> (
        dtype: String, shape: [Int], range: Range<Int>, count: Int
    ) {
        func bad(_ field: String, _ why: String) -> LearnError {
            LearnError.checkpoint("\(file): tensor '\(key)': \(field) \(why)")
        }
        guard let info = value as? [String: Any] else { throw bad("header entry", "is not a JSON object") }
        guard let dtype = info["dtype"] as? String else { throw bad("dtype", "is missing or not a string") }
        let width: Int
        switch dtype {
        case "F32": width = 4
        case "F16", "BF16", "I16": width = 2
        case "I64": width = 8
        case "I32": width = 4
        case "I8", "U8", "BOOL": width = 1
        default: throw bad("dtype", "\(dtype) is not supported (F32, F16, BF16, or an integer type)")
        }
        guard let shape = wholeNumbers(info["shape"]) else { throw bad("shape", "is missing or not a list of whole numbers") }
        guard shape.count <= maximumDimensions else {
            throw bad("shape", "has \(shape.count) dimensions (at most \(maximumDimensions))")
        }
        var count = 1
        for size in shape {
            guard size >= 0 else { throw bad("shape", "\(shape) has a negative size") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= body else {
                throw bad("shape", "\(shape) has more elements than the \(body) data bytes of the file can hold")
            }
            count = product
        }
        guard let offsets = wholeNumbers(info["data_offsets"]), offsets.count == 2 else {
            throw bad("data_offsets", "is missing or not two whole numbers")
        }
        guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body else {
            throw bad(
                "data_offsets", "\(offsets) lie outside the \(body) data bytes of the file (is the file truncated?)")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, offsets[1] - offsets[0] == bytes else {
            throw bad(
                "data_offsets",
                "\(offsets) span \(offsets[1] - offsets[0]) bytes but shape \(shape) of \(dtype) needs \(count) x \(width)")
        }
        return (dtype, shape, offsets[0]..<offsets[1], count)
    }

    /// A JSON array of whole numbers that fit an `Int`, or nil (fractions, strings, huge numbers).
    private static func wholeNumbers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Int] = []
        out.reserveCapacity(list.count)
        for item in list {
            guard let number = item as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double.isFinite, double == double.rounded(), abs(double) < 9.0e15, let int = Int(exactly: double) else {
                return nil
            }
            out.append(int)
        }
        return out
    }

    /// `count` values of `dtype` starting at byte `start`, as Float32.
    private static func decode(_ data: UnsafeRawBufferPointer, at start: Int, count: Int, dtype: String) -> [Float] {
        let base = data.baseAddress! + start
        switch dtype {
        case "F32":
            #if _endian(little)
                // The file's bytes are this machine's Float32s: one copy (a 90 MB BERT loads in
                // milliseconds, even in a debug build).
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if count > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: count * 4) }
                    initialized = count
                }
            #else
                return (0..<count).map {
                    Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                }
            #endif
        case "F16":
            return (0..<count).map {
                halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
            }
        case "BF16":
            return (0..<count).map {
                Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) << 16)
            }
        // Integer tensors (a BERT's `position_ids`) are read as Float, exact up to 2^24.
        case "I64":
            return (0..<count).map { Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
        case "I32":
            return (0..<count).map { Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) }
        case "I16":
            return (0..<count).map { Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self))) }
        case "I8": return (0..<count).map { Float(base.load(fromByteOffset: $0, as: Int8.self)) }
        default: return (0..<count).map { Float(base.load(fromByteOffset: $0, as: UInt8.self)) }
        }
    }
}

/// IEEE half to single precision.
private func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exp = Int((h >> 10) & 0x1F), mant = UInt32(h & 0x3FF)
    if exp == 0 {
        let v = Float(mant) * 5.960_464_5e-8  // mant x 2^-24
        return sign == 0 ? v : -v
    }
    if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
    return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
}
