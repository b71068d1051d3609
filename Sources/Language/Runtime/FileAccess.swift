import Foundation

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

    /// Reads a UTF-8 text file (after `resolve`); errors name the path.
    open func readText(_ path: String, relativeTo directory: String) throws -> String {
        let full = try resolve(path, mode: .read, relativeTo: directory)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw RuntimeError("cannot read '\(path)': no such file or not readable")
        }
        guard let text = String(validatingUTF8Data: data) else {
            throw RuntimeError("cannot read '\(path)': the file is not valid UTF-8")
        }
        return text
    }

    /// Writes a text file atomically (after `resolve`).
    open func writeText(_ text: String, to path: String, relativeTo directory: String) throws {
        let full = try resolve(path, mode: .write, relativeTo: directory)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: full), options: .atomic)
        } catch {
            throw RuntimeError("cannot write '\(path)': \(error.localizedDescription)")
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
