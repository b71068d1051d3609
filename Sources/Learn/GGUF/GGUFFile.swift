import Tensor

/// A parsed GGUF file (versions 2 and 3): metadata, tensor directory, and the memory-mapped data.
///
/// ```swift
/// let file = try GGUFFile(path: "SmolLM2-135M-Instruct.Q4_1.gguf")
/// let layers = try file.int("llama.block_count")        // 30
/// let norm = try file.floats("output_norm.weight")      // [576] Floats
/// ```
///
/// Opening parses only the header; tensor data stays in the mapping until asked for.
public final class GGUFFile: @unchecked Sendable {
    /// The file format version (2 or 3).
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// Alignment of tensor data in bytes (`general.alignment`, default 32).
    public let alignment: Int
    /// The mapped bytes of the whole file.
    public let storage: MappedFile

    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    /// Deepest nesting of arrays accepted (GGUF writers never nest deeper than 2).
    static let maximumArrayDepth = 8
    /// ggml tensors have at most four dimensions.
    static let maximumDimensions = 4

    /// Maps and parses the file at `path`.
    public convenience init(path: String) throws {
        try self.init(storage: MappedFile(path: path))
    }

    /// Parses bytes already in memory (the tests build files this way).
    public convenience init(bytes: [UInt8]) throws {
        try self.init(storage: MappedFile(copying: bytes))
    }

    /// Parses the header of `storage`.
    public init(storage: MappedFile) throws {
        self.storage = storage
        var cursor = ByteCursor(storage.bytes)
        guard storage.bytes.count >= 4, try cursor.read(UInt32.self, "magic") == 0x4655_4747 else {
            throw GGUFError.notGGUF
        }
        version = try cursor.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }
        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let metadataCount = try cursor.read(UInt64.self, "metadata count")
        // Each key/value needs at least 13 bytes and each tensor info at least 24: reject counts
        // the file cannot possibly hold before allocating anything for them.
        guard metadataCount <= UInt64(cursor.remaining / 13) else {
            throw GGUFError.malformed("metadata count \(metadataCount) exceeds what the file can hold")
        }
        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw GGUFError.malformed("tensor count \(tensorCount) exceeds what the file can hold")
        }

        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataIndex: [String: Int] = [:]
        for i in 0..<Int(metadataCount) {
            let key = try cursor.readString("key of metadata entry \(i)")
            let code = try cursor.read(UInt32.self, "type of '\(key)'")
            let value = try Self.readValue(code: code, key: key, depth: 0, from: &cursor)
            guard metadataIndex[key] == nil else { throw GGUFError.malformed("duplicate metadata key '\(key)'") }
            metadataIndex[key] = metadata.count
            metadata.append((key, value))
        }
        self.metadata = metadata
        self.metadataIndex = metadataIndex

        var alignment = 32
        if let entry = metadataIndex["general.alignment"] {
            guard let value = metadata[entry].value.int, value > 0, value & (value - 1) == 0 else {
                throw GGUFError.malformed("general.alignment must be a power of two")
            }
            alignment = value
        }
        self.alignment = alignment

        var raw: [(name: String, shape: [Int], type: GGMLType, offset: UInt64)] = []
        var tensorIndex: [String: Int] = [:]
        for i in 0..<Int(tensorCount) {
            let name = try cursor.readString("name of tensor \(i)")
            let dimensions = try cursor.read(UInt32.self, "dimension count of '\(name)'")
            guard dimensions >= 1, dimensions <= Self.maximumDimensions else {
                throw GGUFError.malformed("tensor '\(name)' has \(dimensions) dimensions (1 to 4 allowed)")
            }
            var shape: [Int] = []
            for d in 0..<Int(dimensions) {
                let size = try cursor.read(UInt64.self, "dimension \(d) of '\(name)'")
                guard size >= 1, size <= UInt64(Int32.max) else {
                    throw GGUFError.malformed("tensor '\(name)' has dimension \(d) of size \(size)")
                }
                shape.append(Int(size))
            }
            let type = GGMLType(rawValue: try cursor.read(UInt32.self, "type of '\(name)'"))
            let offset = try cursor.read(UInt64.self, "offset of '\(name)'")
            guard tensorIndex[name] == nil else { throw GGUFError.malformed("duplicate tensor name '\(name)'") }
            tensorIndex[name] = raw.count
            raw.append((name, shape, type, offset))
        }
        self.tensorIndex = tensorIndex

        let dataStart = (cursor.offset + alignment - 1) / alignment * alignment
        self.tensors = try raw.map { t in
            try Self.locate(
                t.name, t.shape, t.type, t.offset, dataStart: dataStart, alignment: alignment,
                fileSize: storage.bytes.count)
        }
    }

    /// Checks a tensor's shape, type and extent against the file and computes its byte range.
    private static func locate(
        _ name: String, _ shape: [Int], _ type: GGMLType, _ offset: UInt64, dataStart: Int,
        alignment: Int, fileSize: Int
    ) throws -> GGUFTensorInfo {
        guard let layout = type.layout else {
            throw GGUFError.unsupportedTensorType(tensor: name, type: type.name)
        }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw GGUFError.malformed("tensor '\(name)' has too many elements")
            }
            count = product
        }
        guard shape[0] % layout.blockSize == 0 else {
            throw GGUFError.malformed(
                "tensor '\(name)' rows of \(shape[0]) values are not whole \(type.name) blocks of \(layout.blockSize)")
        }
        let byteCount = count / layout.blockSize * layout.blockBytes
        guard offset % UInt64(alignment) == 0 else {
            throw GGUFError.malformed("tensor '\(name)' data offset \(offset) is not aligned to \(alignment)")
        }
        guard offset <= UInt64(fileSize), dataStart + Int(offset) + byteCount <= fileSize else {
            throw GGUFError.truncated(offset: dataStart + Int(min(offset, UInt64(fileSize))), reading: "data of tensor '\(name)'")
        }
        return GGUFTensorInfo(name: name, shape: shape, type: type, fileOffset: dataStart + Int(offset), byteCount: byteCount)
    }

    /// Reads one metadata value of type `code`.
    private static func readValue(code: UInt32, key: String, depth: Int, from cursor: inout ByteCursor) throws
        -> GGUFValue
    {
        switch code {
        case 0: return .uint8(try cursor.read(UInt8.self, "value of '\(key)'"))
        case 1: return .int8(try cursor.read(Int8.self, "value of '\(key)'"))
        case 2: return .uint16(try cursor.read(UInt16.self, "value of '\(key)'"))
        case 3: return .int16(try cursor.read(Int16.self, "value of '\(key)'"))
        case 4: return .uint32(try cursor.read(UInt32.self, "value of '\(key)'"))
        case 5: return .int32(try cursor.read(Int32.self, "value of '\(key)'"))
        case 6: return .float32(Float(bitPattern: try cursor.read(UInt32.self, "value of '\(key)'")))
        case 7:
            let byte = try cursor.read(UInt8.self, "value of '\(key)'")
            guard byte <= 1 else { throw GGUFError.malformed("boolean '\(key)' has value \(byte)") }
            return .bool(byte == 1)
        case 8: return .string(try cursor.readString("value of '\(key)'"))
        case 9:
            guard depth < maximumArrayDepth else { throw GGUFError.malformed("arrays nested too deeply in '\(key)'") }
            let elementCode = try cursor.read(UInt32.self, "array type of '\(key)'")
            let count = try cursor.read(UInt64.self, "array length of '\(key)'")
            guard let size = minimumSize(of: elementCode) else {
                throw GGUFError.unknownValueType(key: key, code: elementCode)
            }
            guard count <= UInt64(cursor.remaining / size) else {
                throw GGUFError.truncated(offset: cursor.offset, reading: "\(count) array elements of '\(key)'")
            }
            var elements: [GGUFValue] = []
            elements.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                elements.append(try readValue(code: elementCode, key: key, depth: depth + 1, from: &cursor))
            }
            return .array(elements)
        case 10: return .uint64(try cursor.read(UInt64.self, "value of '\(key)'"))
        case 11: return .int64(try cursor.read(Int64.self, "value of '\(key)'"))
        case 12: return .float64(Double(bitPattern: try cursor.read(UInt64.self, "value of '\(key)'")))
        default: throw GGUFError.unknownValueType(key: key, code: code)
        }
    }

    /// The fewest bytes a value of type `code` occupies, or nil for an unknown type.
    private static func minimumSize(of code: UInt32) -> Int? {
        switch code {
        case 0, 1, 7: 1
        case 2, 3: 2
        case 4, 5, 6: 4
        case 8, 10, 11, 12: 8
        case 9: 12
        default: nil
        }
    }

    // MARK: Metadata access

    /// The value stored under `key`, if any.
    public subscript(key: String) -> GGUFValue? {
        metadataIndex[key].map { metadata[$0].value }
    }

    /// The integer under `key`, or a `missingKey` error.
    public func int(_ key: String) throws -> Int {
        guard let value = self[key]?.int else { throw GGUFError.missingKey(key) }
        return value
    }

    /// The number under `key`, or a `missingKey` error.
    public func double(_ key: String) throws -> Double {
        guard let value = self[key]?.double else { throw GGUFError.missingKey(key) }
        return value
    }

    /// The string under `key`, or a `missingKey` error.
    public func string(_ key: String) throws -> String {
        guard let value = self[key]?.string else { throw GGUFError.missingKey(key) }
        return value
    }

    /// The array of strings under `key`, or a `missingKey` error.
    public func strings(_ key: String) throws -> [String] {
        guard let array = self[key]?.array else { throw GGUFError.missingKey(key) }
        return try array.map { element in
            guard let s = element.string else { throw GGUFError.missingKey(key) }
            return s
        }
    }

    /// The array of integers under `key`, or a `missingKey` error.
    public func ints(_ key: String) throws -> [Int] {
        guard let array = self[key]?.array else { throw GGUFError.missingKey(key) }
        return try array.map { element in
            guard let i = element.int else { throw GGUFError.missingKey(key) }
            return i
        }
    }

    // MARK: Tensor access

    /// The directory entry of tensor `name`.
    public func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let index = tensorIndex[name] else { throw GGUFError.missingTensor(name) }
        return tensors[index]
    }

    /// Whether the file has a tensor called `name`.
    public func hasTensor(_ name: String) -> Bool { tensorIndex[name] != nil }

    /// A pointer to the raw (possibly quantised) bytes of `info`, valid while this file lives.
    public func data(_ info: GGUFTensorInfo) -> UnsafeRawPointer {
        storage.bytes.baseAddress! + info.fileOffset
    }

    /// Tensor `name` decoded to Floats, in ggml order (row after row of `rowLength` values).
    public func floats(_ name: String) throws -> [Float] {
        let info = try tensor(name)
        return try [Float](unsafeUninitializedCapacity: info.count) { buffer, initialized in
            try dequantize(info, into: buffer.baseAddress!)
            initialized = info.count
        }
    }

    /// Decodes all of `info` into `destination` (which holds `info.count` Floats).
    public func dequantize(_ info: GGUFTensorInfo, into destination: UnsafeMutablePointer<Float>) throws {
        guard info.type.canDequantize else {
            throw GGUFError.unsupportedTensorType(tensor: info.name, type: info.type.name)
        }
        try Dequantize.row(info.type, from: data(info), count: info.count, into: destination)
    }
}

extension GGUFFile: ReloadableBytes {
    /// Lets the system drop the pages of `bytes` (tensor data of this file), to be read again from
    /// the file when needed.
    public func releasePages(_ bytes: UnsafeRawBufferPointer) { storage.releasePages(bytes) }
}
