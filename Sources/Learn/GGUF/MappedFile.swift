import Foundation
import SafeFiles
import Tensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Read-only bytes of a file mapped into memory (or, for tests, a copy of an in-memory buffer).
///
/// The mapping lives as long as this object; pointers into `bytes` are valid until then.
public final class MappedFile: ReloadableBytes, @unchecked Sendable {
    /// The file's bytes.
    public let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool
    private let allocation: UnsafeMutableRawPointer?

    /// Maps the file at `path` read-only. Only a regular file is mapped: a FIFO, a device or a
    /// folder is refused before anything is read (`SafeFile.openForReading`).
    public init(path: String) throws {
        let file: SafeFile.OpenFile
        do { file = try SafeFile.openForReading(path) } catch {
            throw GGUFError.cannotOpen(path: path, reason: error.explanation)
        }
        let fd = file.fd
        defer { close(fd) }
        let size = file.size
        guard size > 0 else { throw GGUFError.cannotOpen(path: path, reason: "the file is empty") }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        isMapped = true
        allocation = nil
    }

    /// Copies `data` into a private buffer (for parsing bytes built in memory).
    public init(copying data: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, data.count), alignment: 64)
        buffer.copyBytes(from: data)
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: data.count)
        isMapped = false
        allocation = buffer.baseAddress
    }

    /// Lets the system drop the pages of `range` (within `bytes`): a mapped file's pages are read
    /// again from the file at the next access (they were never written: the mapping is
    /// read-only); bytes copied into memory, or a range outside the file, stay as they are.
    public func releasePages(_ range: UnsafeRawBufferPointer) {
        guard isMapped, let start = range.baseAddress, range.count > 0, let base = bytes.baseAddress,
            start >= base, start + range.count <= base + bytes.count
        else { return }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let first = UInt(bitPattern: start) / page * page
        let end = (UInt(bitPattern: start) + UInt(range.count) + page - 1) / page * page
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), Int(end - first), MADV_DONTNEED)
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            allocation?.deallocate()
        }
    }
}
