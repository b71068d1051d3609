/// Everything that can go wrong reading a GGUF file, each case naming where.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The first four bytes are not `GGUF`.
    case notGGUF
    /// A GGUF version this reader does not know (it reads 2 and 3).
    case unsupportedVersion(UInt32)
    /// The file ends before a value that should be at `offset`.
    case truncated(offset: Int, reading: String)
    /// A structurally invalid file: a bad count, type, alignment, shape or offset.
    case malformed(String)
    /// A metadata value has a type code GGUF does not define.
    case unknownValueType(key: String, code: UInt32)
    /// A required metadata key is missing or has the wrong type.
    case missingKey(String)
    /// No tensor of that name.
    case missingTensor(String)
    /// A tensor's storage type cannot be decoded.
    case unsupportedTensorType(tensor: String, type: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .notGGUF: "not a GGUF file (the magic bytes are not 'GGUF')"
        case .unsupportedVersion(let v): "GGUF version \(v) is not supported (only 2 and 3)"
        case .truncated(let offset, let what): "GGUF file is truncated: \(what) at byte \(offset) runs past the end"
        case .malformed(let what): "malformed GGUF file: \(what)"
        case .unknownValueType(let key, let code): "metadata key '\(key)' has unknown value type \(code)"
        case .missingKey(let key): "GGUF metadata lacks '\(key)' (or it has the wrong type)"
        case .missingTensor(let name): "GGUF file has no tensor named '\(name)'"
        case .unsupportedTensorType(let tensor, let type): "tensor '\(tensor)' has type \(type), which this runtime cannot decode"
        }
    }
}
