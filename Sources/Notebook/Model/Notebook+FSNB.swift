extension Notebook {
    /// Parses the bytes of a `.fsnb` file. `load(from:)` reads files and their sidecars; this
    /// initializer is for bytes from elsewhere.
    ///
    ///     let notebook = try Notebook(fsnb: Array("fsnb 1.0\n\n=== code id=a\n| print(1)\n".utf8))
    ///
    /// - Parameters:
    ///   - path: names the file in error messages only.
    ///   - sidecar: the content of the sidecar recording, required when the header announces
    ///     one (`teacher-recording: sidecar ...`), and checked against it (its first `size`
    ///     bytes must have the announced hash; bytes after them are left out).
    public init(fsnb bytes: [UInt8], path: String? = nil, sidecar: [UInt8]? = nil) throws(NotebookError) {
        let result = try FSNBReader.read(bytes, path: path)
        self = result.notebook
        if let expected = result.sidecar {
            let sidecarPath = TeacherRecording.sidecarPath(forNotebookAt: path ?? "<notebook>")
            guard let sidecar else { throw .sidecarMissing(path: sidecarPath) }
            // A longer sidecar whose beginning matches is the notebook's recording with
            // exchanges appended by a save that was cut off before the notebook's own rename:
            // the notebook keeps the part it was saved with.
            let own = Array(sidecar.prefix(expected.size))
            guard own.count == expected.size, TeacherRecording.fnv1a64(own) == expected.hash else {
                throw .sidecarMismatch(path: sidecarPath)
            }
            teacherRecording = TeacherRecording(content: own, placement: .sidecar)
        }
    }

    /// The notebook's `.fsnb` bytes, in the canonical form that `init(fsnb:)` reads back to
    /// an equal notebook (with known secrets redacted: `redactingSecrets()`). A sidecar
    /// recording is announced in the header but not included.
    ///
    ///     let bytes = try notebook.fsnb()
    ///     try Notebook(fsnb: bytes) == notebook    // true
    ///
    /// Throws when the notebook cannot be written faithfully: a secret in the header, a bad
    /// or duplicate cell id, a text cell with outputs, a reserved or malformed header key.
    public func fsnb() throws(NotebookError) -> [UInt8] {
        try FSNBWriter.encode(self)
    }
}
