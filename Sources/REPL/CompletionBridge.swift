import CEdit
import Foundation

/// Produces completions for the word before the cursor.
///
/// `line` is the whole input line and `wordStart` the offset (in UTF-8 bytes) where the word
/// being completed begins, so a provider can tell `data.` (fields) from `f(x, ` (argument
/// names) from a string literal (paths). Returns full replacements for the word.
public typealias CompletionProvider = (_ line: String, _ word: String, _ wordStart: Int) -> [String]

/// Connects libedit's C completion hook to a Swift `CompletionProvider`.
///
/// libedit calls back through a plain C function pointer that cannot capture context, so the
/// provider lives in a static; there is one line editor per process.
enum CompletionBridge {
    nonisolated(unsafe) static var provider: CompletionProvider?

    static func install(_ provider: CompletionProvider?) {
        self.provider = provider
        // Completions end their own way (`n: `, a folder's `/`, a string's closing quote,
        // `:save `): libedit adds nothing after a unique one.
        rl_completion_append_character = 0
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1  // never fall back to file-name completion
            guard let text, let provider = CompletionBridge.provider else { return nil }
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let matches = provider(line, String(cString: text), Int(start))
            return CompletionBridge.matchArray(matches)
        }
    }

    /// The NULL-terminated array libedit expects, allocated with malloc (libedit frees it):
    /// the text to insert (the longest common prefix), then each match. A single match is
    /// listed twice, because libedit reads the third entry to tell a unique match.
    static func matchArray(_ matches: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !matches.isEmpty else { return nil }
        let entries = [commonPrefix(matches)] + matches
        let bytes = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)
        let array = malloc(bytes)!.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
        array[entries.count] = nil
        return array
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
