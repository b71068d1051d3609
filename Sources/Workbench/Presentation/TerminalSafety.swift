/// Neutralises terminal control sequences in text that comes from outside fewshot (teacher
/// replies, dataset rows, files, recorded outputs), so it cannot move the cursor, clear the
/// screen, set the window title or hide text. fewshot's own colours are added after this.
public enum TerminalSafety {
    /// Replaces every C0 control except newline and tab, DEL, and every C1 control with a
    /// visible escape such as `\u{1b}`, so `"\u{1b}[2J"` prints as `\u{1b}[2J`, harmlessly.
    /// A carriage return is kept only when it ends a line (CRLF text).
    public static func neutralize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" {
                result.append(scalar)
            } else if isControl(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        default: return false
        }
    }
}
