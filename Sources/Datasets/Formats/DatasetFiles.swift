import SafeFiles

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

/// Dataset files larger than this are refused before reading (4 GiB of rows would not fit
/// the in-memory dataset anyway).
let maximumDatasetFileBytes = 4 << 30

/// The text of the regular file at `path` (invalid UTF-8 replaced by U+FFFD).
/// - Throws: `DatasetError` naming the file when it cannot be read, or is a FIFO, a device or
///   a folder.
func readText(_ path: String) throws -> String {
    var bytes: [UInt8]
    do { bytes = try SafeFile.read(path, limit: maximumDatasetFileBytes) } catch {
        throw DatasetError("cannot read: \(error.explanation)", file: path)
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Replaces `path` with `contents` atomically (`SafeFile.writeAtomically`): a crash leaves the
/// old file or the new one, never half. Known secrets are redacted first (a teacher may have
/// echoed an API key into a reply).
/// - Throws: `DatasetError` naming the file and saying in plain words what went wrong.
public func writeFileAtomically(_ path: String, contents: String) throws {
    do { try SafeFile.writeAtomically(Array(SecretRedaction.redact(contents).utf8), to: path) } catch {
        throw DatasetError("cannot write: \(error.explanation)", file: path)
    }
}
