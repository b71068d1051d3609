/// Atomic replacement of a whole file, as `Notebook.save` does it: the bytes go to a
/// temporary file in the same directory, which is fsynced and renamed over the target, and
/// the directory is fsynced. A crash or a kill at any moment leaves the old content or the
/// new one. Temporary files that killed writers left behind are removed by the next write
/// into the same folder. Other layers may use it for their own files (recordings, history).
///
///     try AtomicFile.write(Array("hello\n".utf8), to: "out.txt")
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, keeping its permissions (a new file gets
    /// 0666 less the umask). Throws `NotebookError.file` saying in plain words what went wrong.
    public static func write(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        try FileIO.writeAtomically(bytes, to: path)
    }
}
