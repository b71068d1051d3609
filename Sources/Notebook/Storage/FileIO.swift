// The file system calls the notebook needs, through SafeFiles: reading a whole regular file,
// and replacing one atomically. Errors become `NotebookError.file`, in plain words.

import SafeFiles

enum FileIO {
    /// Notebooks larger than this are refused before reading (a notebook is text a person can
    /// read; 1 GiB leaves room for embedded recordings and images).
    static let sizeLimit = 1 << 30

    /// The whole content of the regular file at `path`.
    static func read(_ path: String) throws(NotebookError) -> [UInt8] {
        do { return try SafeFile.read(path, limit: sizeLimit) } catch { throw .file(error) }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        SafeFile.exists(path)
    }

    /// Replaces the file at `path` with `bytes` so that, whenever the process or the machine
    /// stops, the path holds either the old content or the new, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        do { try SafeFile.writeAtomically(bytes, to: path) } catch { throw .file(error) }
    }
}
