import Foundation
import SafeFiles

/// Decides which files the language may touch. Every file access from fewshot code
/// (`read_text`, `write_text`, `import`, and built-ins that call `CallContext.resolvePath`)
/// goes through the session's policy.
///
/// The default allows everything; a host confines scripts by overriding `resolve`.
open class FileAccessPolicy: @unchecked Sendable {
    /// What a path will be used for.
    public enum Mode: String, Sendable { case read, write }

    public init() {}

    /// Returns the absolute path to use for `path` (relative to `directory`), or throws a
    /// `RuntimeError` explaining why access is refused.
    open func resolve(_ path: String, mode: Mode, relativeTo directory: String) throws -> String {
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: directory).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// The largest text file `read_text` and `import` read (1 GiB).
    public static let maximumTextFileBytes = 1 << 30

    /// Reads a UTF-8 text file (after `resolve`); errors name the path. Only a regular file is
    /// read: a FIFO, a device or a folder is refused before reading.
    open func readText(_ path: String, relativeTo directory: String) throws -> String {
        let full = try resolve(path, mode: .read, relativeTo: directory)
        let data: Data
        do { data = Data(try SafeFile.read(full, limit: Self.maximumTextFileBytes)) } catch {
            throw RuntimeError("cannot read '\(path)': \(error.explanation)")
        }
        guard let text = String(validatingUTF8Data: data) else {
            throw RuntimeError("cannot read '\(path)': the file is not valid UTF-8")
        }
        return text
    }

    /// Writes a text file atomically (after `resolve`), with known secrets redacted.
    open func writeText(_ text: String, to path: String, relativeTo directory: String) throws {
        let full = try resolve(path, mode: .write, relativeTo: directory)
        do { try SafeFile.writeAtomically(Array(SecretRedaction.redact(text).utf8), to: full) } catch {
            throw RuntimeError("cannot write '\(path)': \(error.explanation)")
        }
    }
}

extension String {
    /// Decodes UTF-8, returning nil (instead of repairing) when the bytes are invalid.
    public init?(validatingUTF8Data data: Data) {
        let decoded = String(decoding: data, as: UTF8.self)
        guard decoded.utf8.elementsEqual(data) else { return nil }
        self = decoded
    }
}
