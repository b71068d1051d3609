/// The formats a notebook exports to.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// Jupyter notebook format 4.5 (`.ipynb`): cell ids, `source`, outputs as stream,
    /// display_data and error, accepted by nbformat's validator.
    case ipynb
    /// Markdown (`.md`) for docs and blogs: text cells as they are, code and outputs fenced,
    /// pictures inline as data URIs.
    case markdown

    /// The format named `name` on a command line: `ipynb`, `md` or `markdown`.
    ///
    ///     ExportFormat(name: "md")   // .markdown
    public init?(name: String) {
        switch name.lowercased() {
        case "ipynb", "jupyter": self = .ipynb
        case "md", "markdown": self = .markdown
        default: return nil
        }
    }

    /// The usual file extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .ipynb: return "ipynb"
        case .markdown: return "md"
        }
    }
}

extension Notebook {
    /// The notebook in another format, as text, with known secrets redacted (`redactingSecrets()`).
    ///
    ///     let ipynb = notebook.export(to: .ipynb)
    ///     let markdown = notebook.export(to: .markdown)
    public func export(to format: ExportFormat) -> String {
        let clean = redactingSecrets()
        switch format {
        case .ipynb: return IpynbExport.render(clean)
        case .markdown: return MarkdownExport.render(clean)
        }
    }

    /// Writes the export to `path`, atomically like `save(to:)`. An ipynb export takes the
    /// teacher recording along beside it (`PATH.teacher`), where the Jupyter kernel and
    /// `importIpynb(from:)` find it, so the notebook still replays offline.
    ///
    ///     try notebook.export(to: .markdown, path: "docs/sentiment.md")
    public func export(to format: ExportFormat, path: String) throws(NotebookError) {
        try FileIO.writeAtomically(Array(export(to: format).utf8), to: path)
        if format == .ipynb, let recording = redactingSecrets().teacherRecording {
            try FileIO.writeAtomically(recording.content, to: TeacherRecording.sidecarPath(forNotebookAt: path))
        }
    }
}
