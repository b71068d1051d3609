#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Dataset {
    /// Loads a `.jsonl`, `.csv` or `.json` file. JSONL in a public export format
    /// (OpenAI chat or batch, Alpaca) is recognised and read back (see `ExportFormat.recognise`).
    ///
    /// ```swift
    /// let tweets = try Dataset.load("tweets.csv").withLabel("sentiment")
    /// ```
    /// - Throws: `DatasetError` with the file, the line and what was expected.
    public static func load(_ path: String) throws -> Dataset {
        let format = try FileFormat(path: path)
        let text = try readText(path)
        do {
            var records = try DatasetCodec.decode(text, as: format)
            let recognised = try ExportFormat.recognise(records)
            if let recognised { records = try recognised.readBack(records) }
            var dataset = Dataset(records)
            dataset.sourceFormat = recognised
            return dataset
        } catch let e as DatasetError {
            throw e.located(in: path)
        }
    }

    /// Writes the rows to `path` in the format its extension names, atomically: a temporary
    /// file in the same folder, flushed to disk, then renamed over `path`.
    /// - Throws: `DatasetError` naming the file on an unknown extension or a failed write.
    public func save(_ path: String) throws {
        let format = try FileFormat(path: path)
        try writeFileAtomically(path, contents: DatasetCodec.encode(rows, as: format))
    }
}

/// The text of the file at `path` (invalid UTF-8 replaced by U+FFFD).
/// - Throws: `DatasetError` naming the file when it cannot be read.
func readText(_ path: String) throws -> String {
    guard let f = fopen(path, "rb") else {
        throw DatasetError("cannot open: \(String(cString: strerror(errno)))", file: path)
    }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count {
            if ferror(f) != 0 { throw DatasetError("read failed: \(String(cString: strerror(errno)))", file: path) }
            break
        }
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Replaces `path` with `contents` atomically: write a temporary file beside it, fsync it,
/// rename it over `path`, fsync the folder. A crash leaves the old file or the new one, never half.
/// - Throws: `DatasetError` naming the file and the failing step.
public func writeFileAtomically(_ path: String, contents: String) throws {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]) } ?? "."
    let temp = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    func fail(_ step: String) -> DatasetError {
        DatasetError("\(step) failed: \(String(cString: strerror(errno)))", file: path)
    }
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw fail("creating a temporary file") }
    var ok = false
    defer { if !ok { unlink(temp) } }
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            close(fd)
            throw fail("writing")
        }
        written += n
    }
    guard fsync(fd) == 0 else { close(fd); throw fail("fsync") }
    guard close(fd) == 0 else { throw fail("closing") }
    guard rename(temp, path) == 0 else { throw fail("renaming into place") }
    ok = true
    let dir = open(folder.isEmpty ? "/" : folder, O_RDONLY)
    if dir >= 0 {
        _ = fsync(dir)
        close(dir)
    }
}
