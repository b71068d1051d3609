// Reads the .fsnb format (docs/fsnb.md) line by line from bytes. Every problem is reported
// with its 1-based line number; nothing is guessed or repaired.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct FSNBReader {
    /// What the header says about a sidecar recording: its size and FNV-1a hash.
    struct SidecarExpectation: Hashable {
        var size: Int
        var hash: UInt64
    }

    /// The notebook, plus the sidecar it expects when its recording lives outside the file.
    struct Result {
        var notebook: Notebook
        var sidecar: SidecarExpectation?
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let path: String?
    private var position = 0
    private var lineNumber = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, path: String?) {
        self.bytes = bytes
        self.path = path
    }

    /// Parses a whole file. `path` only names the file in error messages.
    static func read(_ bytes: [UInt8], path: String?) throws(NotebookError) -> Result {
        do {
            return try bytes.withUnsafeBufferPointer { buffer throws(NotebookError) in
                var reader = FSNBReader(bytes: buffer, path: path)
                return try reader.readFile()
            }
        }
    }

    // MARK: Lines

    private var atEnd: Bool { position >= bytes.count }

    /// The next line without its line feed, or nil at the end of the file.
    private func peekLine() -> UnsafeBufferPointer<UInt8>? {
        guard !atEnd else { return nil }
        let start = bytes.baseAddress! + position
        let remaining = bytes.count - position
        let stop = memchr(start, 0x0A, remaining).map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? remaining
        return UnsafeBufferPointer(start: start, count: stop)
    }

    /// Consumes the line `peekLine` returned.
    private mutating func advance(past line: UnsafeBufferPointer<UInt8>) {
        position += line.count + 1
        lineNumber += 1
    }

    private func fail(_ message: String, line: Int? = nil) -> NotebookError {
        .malformed(path: path, line: line ?? lineNumber, message: message)
    }

    private func text(_ line: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: line, as: UTF8.self)
    }

    private func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        let p = prefix.utf8Start
        for k in 0..<count where line[k] != p[k] { return false }
        return true
    }

    // MARK: Structure

    private mutating func readFile() throws(NotebookError) -> Result {
        // The version line first, so that a file that is no notebook at all says so.
        var notebook = Notebook()
        notebook.formatVersion = try readVersionLine()
        if let bad = UTF8Scan.firstInvalidOffset(bytes) {
            let line = 1 + bytes[..<bad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw fail("the file is not valid UTF-8 (byte \(bad)); notebooks are UTF-8 text", line: line)
        }
        let sidecar = try readHeader(into: &notebook)
        let ended = try readBlocks(into: &notebook)
        if notebook.formatVersion.requiresEndLine && !ended {
            throw fail(
                "the notebook ends without its '=== end' line: the file is truncated (an interrupted copy or save?); "
                    + "the cells read so far are not the whole notebook",
                line: lineNumber + 1)
        }
        if notebook.teacherRecording == nil && expectsEmbedded {
            throw fail("the header says 'teacher-recording: embedded' but there is no '=== teacher-recording' block")
        }
        return Result(notebook: notebook, sidecar: sidecar)
    }

    private var expectsEmbedded = false

    private mutating func nextLine() throws(NotebookError) -> UnsafeBufferPointer<UInt8>? {
        guard let line = peekLine() else { return nil }
        try take(line)
        return line
    }

    /// Consumes `line` (just returned by `peekLine`), refusing carriage returns.
    private mutating func take(_ line: UnsafeBufferPointer<UInt8>) throws(NotebookError) {
        advance(past: line)
        if !line.isEmpty && memchr(line.baseAddress!, 0x0D, line.count) != nil {
            throw fail(
                "a carriage return in the file: notebooks use LF line endings (was it converted to CRLF? see docs/fsnb.md, 'Lines and encoding')"
            )
        }
    }

    private mutating func readVersionLine() throws(NotebookError) -> FormatVersion {
        guard let line = try nextLine(), starts(line, with: "fsnb ") else {
            throw fail("not an fsnb notebook: the first line must be 'fsnb \(FormatVersion.current)'", line: 1)
        }
        let word = text(UnsafeBufferPointer(rebasing: line[5...]))
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
        else {
            throw fail("'\(word)' is not a format version (MAJOR.MINOR, such as \(FormatVersion.current))", line: 1)
        }
        guard FormatVersion.readableMajors.contains(major) else { throw .unsupportedVersion(path: path, found: word) }
        return FormatVersion(major: major, minor: minor)
    }

    /// Reads `key: value` lines up to the first blank line or block line.
    private mutating func readHeader(into notebook: inout Notebook) throws(NotebookError) -> SidecarExpectation? {
        var seen = Set<String>()
        var teacherModel: String?
        var teacherURL: String?
        var sidecar: SidecarExpectation?
        while let line = peekLine(), !line.isEmpty, !starts(line, with: "=== ") {
            _ = try nextLine()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon + 1 < line.count, line[colon + 1] == 0x20 else {
                throw fail("expected a header line 'key: value' (or a blank line before the first cell)")
            }
            let key = text(UnsafeBufferPointer(rebasing: line[..<colon]))
            guard Attribute.isValidKey(key[...].utf8) else {
                throw fail("'\(key)' is not a header key (lower-case letters, digits, '-')")
            }
            guard seen.insert(key).inserted else { throw fail("the header has '\(key)' twice") }
            let value: String
            do throws(FormatProblem) {
                let (v, next) = try Values.read(line, from: colon + 2, bareToEnd: true)
                guard next == line.count else { throw FormatProblem("text after the closing '\"'") }
                value = v
            } catch { throw fail(error.message) }
            switch key {
            case "fewshot-version": notebook.metadata.fewshotVersion = value
            case "teacher-model": teacherModel = value
            case "teacher-base-url": teacherURL = value
            case "teacher-recording": sidecar = try readRecordingHeader(value)
            default: notebook.metadata.extra.append(MetadataEntry(key: key, value: value))
            }
        }
        if let model = teacherModel {
            notebook.metadata.teacher = TeacherConfiguration(model: model, baseURL: teacherURL)
        } else if teacherURL != nil {
            throw fail("the header has 'teacher-base-url' without 'teacher-model'")
        }
        return sidecar
    }

    private mutating func readRecordingHeader(_ value: String) throws(NotebookError) -> SidecarExpectation? {
        if value == "embedded" {
            expectsEmbedded = true
            return nil
        }
        let words = value.split(separator: " ")
        guard words.count == 3, words[0] == "sidecar", words[1].hasPrefix("size="), words[2].hasPrefix("fnv1a64="),
            let size = Int(words[1].dropFirst(5)), size >= 0,
            let hash = UInt64(words[2].dropFirst(8), radix: 16)
        else {
            throw fail("'teacher-recording' is 'embedded' or 'sidecar size=N fnv1a64=HEX'")
        }
        return SidecarExpectation(size: size, hash: hash)
    }

    /// Reads the cell blocks and the recording block, skipping the blank lines between them.
    /// Returns whether the file ended with the `=== end` line (format 2.0 and later).
    private mutating func readBlocks(into notebook: inout Notebook) throws(NotebookError) -> Bool {
        var ids = Set<String>()
        let endsWithLine = notebook.formatVersion.requiresEndLine
        while let line = try nextLine() {
            if line.isEmpty { continue }
            guard starts(line, with: "=== ") else {
                throw fail("expected a cell line such as '=== code id=...', found '\(text(line).prefix(40))'")
            }
            if endsWithLine && line.count == 7 && starts(line, with: "=== end") {
                guard position == bytes.count else {
                    throw fail(
                        position > bytes.count
                            ? "the '=== end' line has no line feed: the file is truncated"
                            : "text after the '=== end' line, which must be the last line")
                }
                return true
            }
            guard notebook.teacherRecording == nil else {
                throw fail(
                    "the '=== teacher-recording' block must be the last block" + (endsWithLine ? " before '=== end'" : ""))
            }
            let blockLine = lineNumber
            let attributes: [Attribute]
            do { attributes = try Attribute.parseList(line, from: 3) } catch { throw fail(error.message) }
            guard let kindWord = attributes.first, kindWord.value == nil else {
                throw fail("a block line starts with its kind: '=== code', '=== text' or '=== teacher-recording'")
            }
            switch kindWord.key {
            case "teacher-recording":
                guard expectsEmbedded, attributes.count == 1 else {
                    throw fail(
                        expectsEmbedded
                            ? "'=== teacher-recording' takes no attributes"
                            : "an embedded recording needs 'teacher-recording: embedded' in the header")
                }
                notebook.teacherRecording = TeacherRecording(content: try readBody(), placement: .embedded)
            case "code", "text":
                var cell = try readCellLine(kind: Cell.Kind(rawValue: kindWord.key)!, attributes.dropFirst())
                guard ids.insert(cell.id).inserted else { throw fail("a second cell has the id '\(cell.id)'") }
                cell.source = try readText(what: "cell source")
                while let next = peekLine(), starts(next, with: "--- ") {
                    _ = try nextLine()
                    guard cell.kind == .code else { throw fail("a text cell has no outputs") }
                    cell.outputs.append(try readOutput(next))
                }
                notebook.cells.append(cell)
            default:
                throw fail(
                    "unknown block kind '\(kindWord.key)' (known: code, text, teacher-recording"
                        + (endsWithLine ? ", and the final '=== end')" : ")"),
                    line: blockLine)
            }
        }
        return false
    }

    private func readCellLine(kind: Cell.Kind, _ attributes: ArraySlice<Attribute>) throws(NotebookError) -> Cell {
        var id: String?
        var count: Int?
        var duration: Double?
        var extra: [Attribute] = []
        for attribute in attributes {
            let value = attribute.value
            switch attribute.key {
            case "id":
                guard id == nil, let value, Cell.isValidID(value) else {
                    throw fail("a cell needs one 'id=' of 1 to 64 of A-Z a-z 0-9 _ -")
                }
                id = value
            case "count":
                guard count == nil, let value, let n = Int(value), n >= 0 else {
                    throw fail("'count=' is a non-negative whole number")
                }
                count = n
            case "duration":
                guard duration == nil, let value, let d = Double(value), d.isFinite, d >= 0,
                    value.utf8.allSatisfy({ Values.isBareAttributeByte($0) })
                else { throw fail("'duration=' is a non-negative number of seconds") }
                duration = d
            default:
                if extra.contains(where: { $0.key == attribute.key }) {
                    throw fail("the cell line has '\(attribute.key)' twice")
                }
                extra.append(attribute)
            }
        }
        guard let id else { throw fail("a cell line needs an 'id=' attribute") }
        return Cell(id: id, kind: kind, source: "", executionCount: count, duration: duration, extraAttributes: extra)
    }

    private mutating func readOutput(_ line: UnsafeBufferPointer<UInt8>) throws(NotebookError) -> CellOutput {
        let attributes: [Attribute]
        do { attributes = try Attribute.parseList(line, from: 3) } catch { throw fail(error.message) }
        guard let kind = attributes.first, kind.value == nil else {
            throw fail("an output line starts with its kind, such as '--- stream stdout'")
        }
        let rest = Array(attributes.dropFirst())
        func expect(_ shape: String, _ ok: Bool) throws(NotebookError) {
            if !ok { throw fail("expected '--- \(shape)'") }
        }
        switch kind.key {
        case "stream":
            let stream = rest.count == 1 && rest[0].value == nil ? CellOutput.Stream(rawValue: rest[0].key) : nil
            try expect("stream stdout' or '--- stream stderr", stream != nil)
            return .stream(stream!, try readText(what: "stream output"))
        case "table":
            try expect("table", rest.isEmpty)
            return .table(try readText(what: "table output"))
        case "svg":
            try expect("svg", rest.isEmpty)
            return .svg(try readText(what: "svg output"))
        case "png":
            try expect("png", rest.isEmpty)
            let first = lineNumber + 1
            guard let png = Base64.decode(try readBody().filter { $0 != 0x0A }) else {
                throw fail("the png output's lines are not base64", line: first)
            }
            return .png(png)
        case "error":
            try expect("error message=\"...\"", rest.count == 1 && rest[0].key == "message" && rest[0].value != nil)
            return .error(message: rest[0].value!, diagnostic: try readText(what: "error diagnostic"))
        default:
            let header = text(UnsafeBufferPointer(rebasing: line[(4 + kind.key.utf8.count)...]))
            return .unrecognized(UnrecognizedOutput(kind: kind.key, header: header, body: try readBody()))
        }
    }

    /// Reads a body that must be valid UTF-8 text.
    private mutating func readText(what: String) throws(NotebookError) -> String {
        let first = lineNumber + 1
        let body = try readBody()
        guard let text = String(validating: body, as: UTF8.self) else {
            throw fail("the \(what) is not valid UTF-8 (its escapes make invalid bytes)", line: first)
        }
        return text
    }

    /// Reads body lines up to the first line that is not one.
    private mutating func readBody() throws(NotebookError) -> [UInt8] {
        var content: [UInt8] = []
        var first = true
        while let line = peekLine(), BodyLines.isBodyLine(line) {
            try take(line)
            if !first { content.append(0x0A) }
            first = false
            do { try BodyLines.decode(line, into: &content) } catch { throw fail(error.message) }
        }
        return content
    }
}
