/// The word at a Jupyter cursor, cut the way libedit cuts it at the REPL prompt, so the REPL's
/// `Completer` sees the same line and word it would see there.
///
/// Jupyter counts the cursor in Unicode code points over the whole cell; the completer wants
/// the current line and the word's start in UTF-8 bytes into it.
struct CursorWord {
    /// The line the cursor is on, up to the cursor.
    let line: String
    /// The word before the cursor.
    let word: String
    /// Where the word starts, in code points from the start of the cell.
    let wordStart: Int
    /// Where the word starts, in UTF-8 bytes from the start of `line`.
    let wordStartInLine: Int
    /// The cursor, in code points from the start of the cell.
    let cursor: Int
    /// The name under the cursor (letters, digits, `_` on both sides), for inspection.
    let name: String

    /// libedit's default word breaks (`rl_basic_word_break_characters`).
    static let breaks = Set(" \t\n\"\\'`@$><=;|&{(".unicodeScalars)

    init(code: String, cursor requested: Int) {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, requested), scalars.count)
        var lineStart = cursor
        while lineStart > 0 && scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        var start = cursor
        while start > lineStart && !CursorWord.breaks.contains(scalars[start - 1]) { start -= 1 }
        func text(_ range: Range<Int>) -> String {
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[range])
            return String(out)
        }
        self.cursor = cursor
        self.line = text(lineStart..<cursor)
        self.word = text(start..<cursor)
        self.wordStart = start
        self.wordStartInLine = text(lineStart..<start).utf8.count
        func isNameCharacter(_ s: Unicode.Scalar) -> Bool { s == "_" || s.properties.isAlphabetic || ("0"..."9").contains(s) }
        var nameStart = cursor, nameEnd = cursor
        while nameStart > 0 && isNameCharacter(scalars[nameStart - 1]) { nameStart -= 1 }
        while nameEnd < scalars.count && isNameCharacter(scalars[nameEnd]) { nameEnd += 1 }
        // A cursor just after `head(` inspects `head`.
        if nameStart == nameEnd, cursor > 0, scalars[cursor - 1] == "(" {
            nameEnd = cursor - 1
            nameStart = nameEnd
            while nameStart > 0 && isNameCharacter(scalars[nameStart - 1]) { nameStart -= 1 }
        }
        self.name = text(nameStart..<nameEnd)
    }
}
