#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// A block's body: arbitrary bytes written as lines that always start with '|' or '\', so that
// no content, whatever it holds, can be mistaken for the format's own structure lines.
//
//   |            an empty line of content
//   | text       a line of content written as is (valid UTF-8, no controls, no trailing blank)
//   \ te\x01xt   a line of content with escapes (everything else)
//
// The content is the body lines joined with line feeds; a block with no body lines holds the
// empty text. See docs/fsnb.md, "Bodies".

enum BodyLines {
    /// Appends the body lines for `bytes` to `out`, each ending with a line feed.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let end = bytes.count
        guard end > 0 else { return }
        var start = 0
        while true {
            let stop =
                memchr(bytes.baseAddress! + start, 0x0A, end - start)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) } ?? end
            let piece = UnsafeBufferPointer(rebasing: bytes[start..<stop])
            if piece.isEmpty {
                out.append(UInt8(ascii: "|"))
            } else if isPlain(piece) {
                out.append(UInt8(ascii: "|"))
                out.append(0x20)
                out.append(contentsOf: piece)
            } else {
                out.append(0x5C)
                out.append(0x20)
                Escaping.escape(piece, mode: .init(trailingSpaces: true, quoted: false), into: &out)
            }
            out.append(0x0A)
            if stop == end { return }
            start = stop + 1
        }
    }

    static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { encode($0, into: &out) }
    }

    /// Whether a line of content (no line feed in it) can be written as is after "| ".
    static func isPlain(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        let last = piece[piece.count - 1]
        if last == 0x20 || last == 0x09 { return false }
        var i = 0
        let end = piece.count
        while i < end {
            if i + 8 <= end && UTF8Scan.eightPrintable(piece, at: i) {
                i += 8
                continue
            }
            let b = piece[i]
            if b < 0x80 {
                if (b < 0x20 && b != 0x09) || b == 0x7F { return false }
                i += 1
                continue
            }
            let n = UTF8Scan.sequenceLength(piece, at: i, end: end)
            if n == 0 || UTF8Scan.needsEscape(UTF8Scan.scalar(piece, at: i, length: n)) { return false }
            i += n
        }
        return true
    }

    /// Whether a file line is a body line.
    static func isBodyLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = line.first else { return false }
        return first == UInt8(ascii: "|") || first == 0x5C
    }

    /// Appends the content of one body line to `out` (without the joining line feed).
    static func decode(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(FormatProblem) {
        if line.count == 1 && line[0] == UInt8(ascii: "|") { return }
        guard line.count >= 2, line[1] == 0x20 else {
            throw FormatProblem("a body line is '|' alone, or starts with '| ' or '\\ '")
        }
        let rest = UnsafeBufferPointer(rebasing: line[2...])
        if line[0] == UInt8(ascii: "|") {
            out += rest
        } else {
            try Escaping.unescape(rest, into: &out)
        }
    }
}
