extension Notebook {
    /// Reads the notebook at `path`, and its sidecar recording when it has one.
    ///
    ///     let notebook = try Notebook.load(from: "notebooks/sentiment.fsnb")
    ///
    /// Throws `NotebookError`: `.malformed` with the line for a damaged file,
    /// `.unsupportedVersion` for a newer major format, `.sidecarMissing` or `.sidecarMismatch`
    /// for a sidecar recording that is absent or not the one saved with the notebook.
    public static func load(from path: String) throws(NotebookError) -> Notebook {
        let bytes = try FileIO.read(path)
        let sidecarPath = TeacherRecording.sidecarPath(forNotebookAt: path)
        // A sidecar the header does not announce is ignored by the parser.
        let sidecar = FileIO.exists(sidecarPath) ? try FileIO.read(sidecarPath) : nil
        return try Notebook(fsnb: bytes, path: path, sidecar: sidecar)
    }

    /// Writes the notebook to `path` atomically: a reader of `path`, or a crash at any moment,
    /// sees the old file or the new one, never a mix. A sidecar recording is written first,
    /// the same way, so that the new notebook never points to an old recording. Known secrets
    /// are redacted from everything written (`redactingSecrets()`).
    ///
    ///     try notebook.save(to: "sentiment.fsnb")
    ///
    /// Throws before writing anything when the notebook cannot be written faithfully (see
    /// `fsnb()`), and `NotebookError.file` when the file system refuses.
    public func save(to path: String) throws(NotebookError) {
        let clean = redactingSecrets()
        let bytes = try FSNBWriter.encode(clean, redacted: true)
        if let recording = clean.teacherRecording, recording.placement == .sidecar {
            try FileIO.writeAtomically(recording.content, to: TeacherRecording.sidecarPath(forNotebookAt: path))
        }
        try FileIO.writeAtomically(bytes, to: path)
    }
}
