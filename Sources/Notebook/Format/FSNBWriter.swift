// Writes a notebook in the canonical .fsnb form (docs/fsnb.md). Canonical means: the one
// spelling the reader maps back to exactly this notebook, so load-then-save gives the bytes
// that were loaded.

enum FSNBWriter {
    /// Header keys the format itself defines; `NotebookMetadata.extra` may not use them.
    static let reservedKeys: Set<String> = ["fewshot-version", "teacher-model", "teacher-base-url", "teacher-recording"]

    /// The file's bytes, with secrets redacted (`Notebook.redactingSecrets`; pass `redacted:
    /// true` for a notebook that already is). Throws when the notebook cannot be written
    /// faithfully: a secret in the header, a bad or duplicate cell id, a bad header key, a text
    /// cell with outputs.
    static func encode(_ original: Notebook, redacted: Bool = false) throws(NotebookError) -> [UInt8] {
        let notebook = redacted ? original : original.redactingSecrets()
        try validate(notebook)
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize(notebook))
        append("fsnb \(max(notebook.formatVersion, .current))\n", to: &out)
        let m = notebook.metadata
        if let version = m.fewshotVersion { appendHeader("fewshot-version", version, to: &out) }
        if let teacher = m.teacher {
            appendHeader("teacher-model", teacher.model, to: &out)
            if let url = teacher.baseURL { appendHeader("teacher-base-url", url, to: &out) }
        }
        if let recording = notebook.teacherRecording {
            switch recording.placement {
            case .embedded:
                appendHeader("teacher-recording", "embedded", to: &out)
            case .sidecar:
                let hash = String(TeacherRecording.fnv1a64(recording.content), radix: 16)
                appendHeader("teacher-recording", "sidecar size=\(recording.content.count) fnv1a64=\(hash)", to: &out)
            }
        }
        for entry in m.extra { appendHeader(entry.key, entry.value, to: &out) }

        for cell in notebook.cells {
            append("\n=== \(cell.kind.rawValue) id=\(cell.id)", to: &out)
            if let count = cell.executionCount { append(" count=\(count)", to: &out) }
            if let duration = cell.duration { append(" duration=\(duration)", to: &out) }
            for attribute in cell.extraAttributes { attribute.append(into: &out) }
            out.append(0x0A)
            BodyLines.encode(cell.source, into: &out)
            for output in cell.outputs { appendOutput(output, to: &out) }
        }
        if let recording = notebook.teacherRecording, recording.placement == .embedded {
            append("\n=== teacher-recording\n", to: &out)
            recording.content.withUnsafeBufferPointer { BodyLines.encode($0, into: &out) }
        }
        // The end line: a file cut anywhere, even at a block boundary, lacks it.
        append("\n=== end\n", to: &out)
        return out
    }

    private static func appendOutput(_ output: CellOutput, to out: inout [UInt8]) {
        switch output {
        case .stream(let stream, let text):
            append("--- stream \(stream.rawValue)\n", to: &out)
            BodyLines.encode(text, into: &out)
        case .table(let text):
            append("--- table\n", to: &out)
            BodyLines.encode(text, into: &out)
        case .svg(let text):
            append("--- svg\n", to: &out)
            BodyLines.encode(text, into: &out)
        case .png(let bytes):
            append("--- png\n", to: &out)
            Base64.appendLines(bytes, into: &out)
        case .error(let message, let diagnostic):
            append("--- error", to: &out)
            Attribute(key: "message", value: message).append(into: &out)
            out.append(0x0A)
            BodyLines.encode(diagnostic, into: &out)
        case .unrecognized(let block):
            append("--- \(block.kind)\(block.header)\n", to: &out)
            block.body.withUnsafeBufferPointer { BodyLines.encode($0, into: &out) }
        }
    }

    private static func validate(_ notebook: Notebook) throws(NotebookError) {
        let m = notebook.metadata
        var headers: [(String, String)] = []
        if let version = m.fewshotVersion { headers.append(("fewshot-version", version)) }
        if let teacher = m.teacher {
            headers.append(("teacher-model", teacher.model))
            if let url = teacher.baseURL { headers.append(("teacher-base-url", url)) }
        }
        for entry in m.extra {
            guard Attribute.isValidKey(entry.key[...].utf8), !reservedKeys.contains(entry.key) else {
                throw .invalidMetadataKey(entry.key)
            }
            headers.append((entry.key, entry.value))
        }
        for (key, value) in headers {
            if let reason = SecretCheck.problem(key: key, value: value) {
                throw .secretInMetadata(key: key, reason: reason)
            }
        }
        var seen = Set<String>()
        for cell in notebook.cells {
            guard Cell.isValidID(cell.id) else { throw .invalidCellID(cell.id) }
            guard seen.insert(cell.id).inserted else { throw .duplicateCellID(cell.id) }
            if cell.kind == .text && !cell.outputs.isEmpty {
                throw .invalidCell(id: cell.id, reason: "a text cell has no outputs")
            }
            if let count = cell.executionCount, count < 0 {
                throw .invalidCell(id: cell.id, reason: "execution count \(count) is negative")
            }
            if let duration = cell.duration, !(duration.isFinite && duration >= 0) {
                throw .invalidCell(id: cell.id, reason: "duration \(duration) is not a finite, non-negative number")
            }
            for case .unrecognized(let block) in cell.outputs
            where !Attribute.isValidKey(block.kind[...].utf8)
                || !(block.header.isEmpty || block.header.hasPrefix(" ")) || block.header.contains(where: \.isNewline)
            {
                throw .invalidCell(id: cell.id, reason: "an unrecognised output was changed into one that cannot be written")
            }
            for attribute in cell.extraAttributes
            where ["id", "count", "duration"].contains(attribute.key)
                || !Attribute.isValidKey(attribute.key[...].utf8)
            {
                throw .invalidCell(id: cell.id, reason: "'\(attribute.key)' cannot be an extra attribute")
            }
        }
    }

    private static func appendHeader(_ key: String, _ value: String, to out: inout [UInt8]) {
        append(key, to: &out)
        out += [UInt8(ascii: ":"), 0x20]
        Values.appendHeaderValue(value, into: &out)
        out.append(0x0A)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    private static func estimatedSize(_ notebook: Notebook) -> Int {
        var size = 256 + (notebook.teacherRecording?.content.count ?? 0) * 11 / 10
        for cell in notebook.cells {
            size += 64 + cell.source.utf8.count
            for output in cell.outputs {
                switch output {
                case .stream(_, let t), .table(let t), .svg(let t), .error(_, let t): size += 32 + t.utf8.count
                case .png(let b): size += 32 + b.count * 4 / 3 + b.count / 38
                case .unrecognized(let u): size += 32 + u.body.count
                }
            }
        }
        return size
    }
}
