import SafeFiles

extension Notebook {
    /// The notebook with every known secret and key-shaped token replaced by `[redacted]`
    /// (`SecretRedaction`) in all the text it would write: cell sources, text outputs, error
    /// messages, kept output blocks and the teacher recording. PNG outputs are binary and kept.
    ///
    /// Saving, `fsnb()` and exports write this copy, so an API key that a teacher echoed into a
    /// reply, or that a user pasted into a cell, never reaches a file; the session in memory
    /// keeps the original.
    public func redactingSecrets() -> Notebook {
        var copy = self
        for index in copy.cells.indices {
            copy.cells[index].source = SecretRedaction.redact(copy.cells[index].source)
            copy.cells[index].outputs = copy.cells[index].outputs.map(Self.redacting)
        }
        if var recording = copy.teacherRecording, SecretRedaction.redact(bytes: &recording.content) {
            copy.teacherRecording = recording
        }
        return copy
    }

    private static func redacting(_ output: CellOutput) -> CellOutput {
        switch output {
        case .stream(let stream, let text): return .stream(stream, SecretRedaction.redact(text))
        case .table(let text): return .table(SecretRedaction.redact(text))
        case .svg(let text): return .svg(SecretRedaction.redact(text))
        case .png: return output
        case .error(let message, let diagnostic):
            return .error(message: SecretRedaction.redact(message), diagnostic: SecretRedaction.redact(diagnostic))
        case .unrecognized(var block):
            SecretRedaction.redact(bytes: &block.body)
            block.header = SecretRedaction.redact(block.header)
            return .unrecognized(block)
        }
    }
}
