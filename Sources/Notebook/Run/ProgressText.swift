/// Turns text that a terminal would show with carriage-return updates (progress bars) into
/// what is worth keeping: each line's final state.
///
///     ProgressText.collapse("epoch 1 [##   ] 40%\repoch 1 [#####] 100% loss 0.31\n")
///     // "epoch 1 [#####] 100% loss 0.31\n"
///
/// A line is what lies between line feeds; "\r\n" ends a line (it is not an update) and is
/// kept. Within a line, each lone "\r" starts the line anew, and the last non-empty segment
/// is kept, so a bar that ends with "\r" keeps its final state instead of vanishing.
public enum ProgressText {
    /// `text` with each line collapsed to its final carriage-return segment.
    public static func collapse(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(0x0D) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var start = 0
        while start <= bytes.count {
            var stop = start
            while stop < bytes.count && bytes[stop] != 0x0A { stop += 1 }
            var end = stop
            let crlf = stop < bytes.count && end > start && bytes[end - 1] == 0x0D
            if crlf { end -= 1 }
            out += finalSegment(bytes[start..<end])
            if crlf { out.append(0x0D) }
            if stop < bytes.count { out.append(0x0A) }
            start = stop + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func finalSegment(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let segments = line.split(separator: 0x0D, omittingEmptySubsequences: true)
        return segments.last ?? line[line.startIndex..<line.startIndex]
    }
}
