/// The owner of a `QuantizedMatrix`'s borrowed bytes, when their memory pages can be given back
/// to the system and read again from their file at the next access (a read-only file mapping).
///
/// A matrix whose products read only a rearranged copy of its rows (the tiles of the AVX2
/// 8-bit-activation kernels) gives its rows' pages back once the copy is built, so that the
/// model is not held in memory twice:
///
/// ```swift
/// let w = try QuantizedMatrix(rows: 576, columns: 576, type: .q4_1, data: file.data(info), owner: file)
/// ```
public protocol ReloadableBytes: AnyObject, Sendable {
    /// Lets the system drop the memory pages of `bytes` (part of this owner's bytes); reading
    /// them later gives the same bytes.
    func releasePages(_ bytes: UnsafeRawBufferPointer)
}
