import Foundation
import Tensor

/// What `models()` shows about a GGUF file: architecture, size, quantisation, context.
public struct GGUFModelSummary: Sendable, CustomStringConvertible {
    /// The file's path, when known.
    public var path: String?
    /// `general.name`, if present.
    public var name: String?
    /// `general.architecture`.
    public var architecture: String
    /// Total number of weights.
    public var parameterCount: Int
    /// The dominant storage type (by bytes), e.g. `q4_1`.
    public var quantization: String
    /// Size of the file in bytes.
    public var fileBytes: Int
    /// The training context, when the metadata says.
    public var contextLength: Int?
    /// Transformer blocks, when the metadata says.
    public var layers: Int?
    /// Model width, when the metadata says.
    public var embeddingLength: Int?

    /// Summarises an opened file.
    public init(file: GGUFFile, path: String?) {
        self.path = path
        name = file["general.name"]?.string
        architecture = file["general.architecture"]?.string ?? "unknown"
        parameterCount = file.tensors.reduce(0) { $0 + $1.count }
        var bytesByType: [String: Int] = [:]
        for t in file.tensors { bytesByType[t.type.name, default: 0] += t.byteCount }
        quantization = bytesByType.max { $0.value < $1.value }?.key ?? "none"
        fileBytes = file.storage.bytes.count
        contextLength = file["\(architecture).context_length"]?.int
        layers = file["\(architecture).block_count"]?.int
        embeddingLength = file["\(architecture).embedding_length"]?.int
    }

    /// Opens and summarises the file at `path` (only the header is read).
    public init(path: String) throws {
        try self.init(file: GGUFFile(path: path), path: path)
    }

    public var description: String {
        let params =
            parameterCount >= 1_000_000_000
            ? String(format: "%.2fB", Double(parameterCount) / 1e9) : String(format: "%.1fM", Double(parameterCount) / 1e6)
        var parts = ["\(architecture) \(params) params \(quantization)"]
        if let layers { parts.append("\(layers) layers") }
        if let embeddingLength { parts.append("width \(embeddingLength)") }
        if let contextLength { parts.append("context \(contextLength)") }
        parts.append(String(format: "%.1f MB", Double(fileBytes) / 1e6))
        return (name.map { $0 + ": " } ?? "") + parts.joined(separator: ", ")
    }
}
