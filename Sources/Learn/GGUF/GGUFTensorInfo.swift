import Tensor

/// Where and how one tensor is stored in a GGUF file.
public struct GGUFTensorInfo: Sendable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Dimensions in ggml order: `shape[0]` is the row length (the fastest-moving index).
    public let shape: [Int]
    /// The storage type.
    public let type: GGMLType
    /// Byte offset of the data from the start of the file.
    public let fileOffset: Int
    /// Bytes of storage.
    public let byteCount: Int

    /// Number of values.
    public var count: Int { shape.reduce(1, *) }
    /// Values per row (`shape[0]`).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows (the product of the other dimensions).
    public var rows: Int { count / max(1, rowLength) }
}
