extension Notebook {
    /// Parses the bytes of a `.fsnb` file. A sidecar recording is not read here (there is no
    /// path): use `load(from:)` for files, or set `teacherRecording` yourself.
    ///
    ///     let notebook = try Notebook(fsnb: Array("fsnb 1.0\n\n=== code id=a\n| print(1)\n".utf8))
    ///
    /// - Parameter path: names the file in error messages only.
    public init(fsnb bytes: [UInt8], path: String? = nil) throws(NotebookError) {
        self = try FSNBReader.read(bytes, path: path).notebook
    }

    /// The notebook's `.fsnb` bytes, in the canonical form that `init(fsnb:)` reads back to
    /// an equal notebook. A sidecar recording is announced in the header but not included.
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
