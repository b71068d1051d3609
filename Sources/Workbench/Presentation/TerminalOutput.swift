import Foundation
import Language

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard output for scripts and `-e`: like `StandardOutputSink`, with control sequences
/// in the text neutralised (see `TerminalSafety`), since what a script prints may come from a
/// teacher, a dataset or a file.
public final class SafeStandardOutputSink: OutputSink {
    public init() {}

    public func emit(_ item: OutputItem) {
        let stream = item.isWarning ? stderr : stdout
        fputs(TerminalSafety.neutralize(item.plainText), stream)
        fflush(stream)
    }
}

extension TerminalSafety {
    /// Neutralises control sequences like `neutralize`, except fewshot's own colours: SGR
    /// sequences (`ESC [ ... m`) made only of reset, bold and the foreground colours the
    /// diagnostics use. For diagnostics rendered in colour, whose message and source line may
    /// hold outside text. Outside text can at most colour itself with those; it cannot move
    /// the cursor, clear the screen, set the title, or hide text.
    public static func neutralizeKeepingStyles(_ text: String) -> String {
        let marker = "\u{1B}["
        guard text.contains(marker) else { return neutralize(text) }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: marker) {
            out += neutralize(String(rest[..<start.lowerBound]))
            let afterMarker = rest[start.upperBound...]
            if let end = afterMarker.firstIndex(of: "m"), isOwnStyle(afterMarker[..<end]) {
                out += marker + afterMarker[...end]
                rest = afterMarker[afterMarker.index(after: end)...]
            } else {
                out += neutralize("\u{1B}")
                rest = rest[rest.index(after: start.lowerBound)...]
            }
        }
        return out + neutralize(String(rest))
    }

    /// Whether SGR parameters are all in fewshot's palette: 0 reset, 1 bold, 22 normal
    /// intensity, 31 red, 32 green, 33 yellow, 36 cyan, 39 default colour.
    private static func isOwnStyle(_ parameters: Substring) -> Bool {
        let allowed: Set<Substring> = ["", "0", "1", "22", "31", "32", "33", "36", "39"]
        return parameters.count <= 8
            && parameters.split(separator: ";", omittingEmptySubsequences: false).allSatisfy(allowed.contains)
    }
}
