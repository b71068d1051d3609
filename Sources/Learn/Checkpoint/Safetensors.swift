import Foundation

/// The safetensors file format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data.
///
/// Writing is atomic (temporary file, fsync, rename), so a crash never leaves half a file under
/// the real name. Reading checks every length and range and throws `LearnError.checkpoint`
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
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for (_, entry) in tensors {
            entry.values.withUnsafeBufferPointer { p in
                // x86 and arm64 are little-endian, as the format is.
                file.append(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self), count: p.count * 4))
            }
        }
        try writeAtomically(file, to: url)
    }

    /// Reads every tensor (F32, F16 or BF16, converted to Float32) and the metadata of a file.
    public static func read(from url: URL) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw LearnError.checkpoint("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(data, name: url.lastPathComponent)
    }

    /// Parses the bytes of a safetensors file; `name` is used in error messages.
    public static func parse(_ data: Data, name: String = "file") throws -> (tensors: [String: Entry], metadata: [String: String])
    {
        guard data.count >= 8 else { throw LearnError.checkpoint("\(name) is truncated: \(data.count) bytes, no header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw LearnError.checkpoint(
                "\(name) is truncated or corrupt: header of \(headerLength) bytes but only \(data.count - 8) follow")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd))
        } catch {
            throw LearnError.checkpoint("\(name) has a corrupt header (not JSON)")
        }
        guard let header = json as? [String: Any] else {
            throw LearnError.checkpoint("\(name) has a header that is not a JSON object")
        }
        let body = data.count - headerEnd
        var metadata: [String: String] = [:]
        var tensors: [String: Entry] = [:]
        for (key, value) in header {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else {
                    throw LearnError.checkpoint("\(name): __metadata__ is not a string map")
                }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw LearnError.checkpoint("\(name): tensor '\(key)' has a malformed header entry") }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            default: throw LearnError.checkpoint("\(name): tensor '\(key)' has unsupported dtype \(dtype)")
            }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body,
                offsets[1] - offsets[0] == count * width
            else {
                throw LearnError.checkpoint(
                    "\(name): tensor '\(key)' (shape \(shape), \(dtype)) has byte range \(offsets) outside the \(body) data bytes or of the wrong size; the file may be truncated"
                )
            }
            let start = headerEnd + offsets[0]
            let values: [Float] = data.withUnsafeBytes { raw in
                let base = raw.baseAddress! + start
                switch dtype {
                case "F32":
                    return (0..<count).map {
                        Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                    }
                case "F16":
                    return (0..<count).map {
                        halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
                    }
                default:
                    return (0..<count).map {
                        Float(
                            bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
                                << 16)
                    }
                }
            }
            tensors[key] = Entry(shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// Writes to a temporary file beside `url`, fsyncs it, renames it over `url`, and fsyncs the folder.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LearnError.checkpoint("cannot create \(temp.path): \(String(cString: strerror(errno)))") }
        var ok = true
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { ok = false; break }
                done += n
            }
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard ok, synced else {
            unlink(temp.path)
            throw LearnError.checkpoint("cannot write \(temp.path): \(String(cString: strerror(errno)))")
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw LearnError.checkpoint("cannot rename to \(url.path): \(reason)")
        }
        let dfd = open(dir.path, O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
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
