/// A named piece of source text (a file, a notebook cell, a `-e` argument).
///
/// The text is kept as UTF-8 bytes; every token and syntax node points into it with byte
/// offsets, and line/column numbers are computed only when a diagnostic is shown.
public final class SourceFile: @unchecked Sendable {
    /// The name shown in diagnostics, e.g. `cell-3` or `examples/fib.shot`.
    public let name: String
    /// The source text.
    public let text: String
    /// The UTF-8 bytes of `text`.
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts (line 1 starts at 0).
    private lazy var lineStarts: [Int] = {
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        return starts
    }()

    /// Creates a source file from text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// The 1-based line and column (in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {  // last line start <= offset
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let column = scalarCount(start..<offset) + 1
        return SourceLocation(line: lo + 1, column: column, offset: offset)
    }

    /// The text of a 1-based line, without its line terminator.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text between two byte offsets.
    public func slice(_ range: Range<Int>) -> String {
        let lo = max(0, min(range.lowerBound, bytes.count))
        let hi = max(lo, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    private func scalarCount(_ range: Range<Int>) -> Int {
        // Count UTF-8 lead bytes: every byte that is not a continuation byte starts a scalar.
        var n = 0
        for i in range where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }
}

/// A 1-based line and column (counted in Unicode scalars), plus the byte offset.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let offset: Int
    public var description: String { "\(line):\(column)" }
}

/// A span of source text: byte offsets `start..<end` in `file`.
public struct SourceRange: @unchecked Sendable, CustomStringConvertible {
    public let file: SourceFile
    public let start: Int
    public let end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The location where the range starts.
    public var location: SourceLocation { file.location(of: start) }

    /// The smallest range covering both ranges (which must be in the same file).
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// `name:line:col`.
    public var description: String { "\(file.name):\(location)" }
}
