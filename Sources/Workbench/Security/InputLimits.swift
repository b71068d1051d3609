import Foundation

/// The largest files `fewshot run` and `fewshot check` read, checked before reading a byte, so
/// a hostile or damaged file is refused with a clear error instead of exhausting memory.
///
/// | file | limit |
/// |---|---|
/// | `.fsnb` notebook (outputs and an embedded recording included) | 64 MiB |
/// | `.fsnb.teacher` sidecar recording | 256 MiB |
/// | `.shot` script | 16 MiB |
///
/// Nesting needs no limit of its own here: `.fsnb` is line-based, the language's parser
/// refuses deeper nesting than it can handle, and recordings are JSON lines whose decoder
/// refuses deep nesting with an error.
public enum InputLimits {
    public static let maxNotebookBytes = 64 << 20
    public static let maxRecordingBytes = 256 << 20
    public static let maxScriptBytes = 16 << 20

    /// Throws when the notebook at `path`, or its sidecar recording, is past its limit.
    public static func checkNotebook(at path: String) throws {
        try check(path, limit: maxNotebookBytes, what: "notebook")
        try check(path + ".teacher", limit: maxRecordingBytes, what: "teacher recording")
    }

    /// Throws when the script at `path` is past its limit.
    public static func checkScript(at path: String) throws {
        try check(path, limit: maxScriptBytes, what: "script")
    }

    private static func check(_ path: String, limit: Int, what: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // absent: the reader reports it
        let size = Int(info.st_size)
        if size > limit {
            throw InputTooLarge(path: path, what: what, size: size, limit: limit)
        }
    }
}

/// A file past its `InputLimits` size.
public struct InputTooLarge: Error, CustomStringConvertible {
    public var path: String
    public var what: String
    public var size: Int
    public var limit: Int

    public var description: String {
        "\(path): the \(what) is \(mebibytes(size)) MiB, over fewshot's limit of \(limit >> 20) MiB "
            + "for \(what)s; it was not loaded (see docs/security.md)"
    }

    private func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / Double(1 << 20))
    }
}
