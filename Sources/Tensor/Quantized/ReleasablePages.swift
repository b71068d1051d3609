/// An owner of a matrix's borrowed bytes that can hand the memory pages under a range back to
/// the system, to be read again from where they came on the next access (a read-only file
/// mapping). `QuantizedMatrix` calls it once it has copied the rows into a layout of its own,
/// so that the process does not keep both.
public protocol ReleasablePages: AnyObject {
    /// Gives back the whole pages inside `start ..< start + count`; the bytes stay readable.
    func releasePages(_ start: UnsafeRawPointer, count: Int)
}
