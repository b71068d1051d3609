/// The pre-tokenizers of byte-level BPE vocabularies: they cut text into words before BPE.
///
/// Each is a hand-written matcher for one regex, ported from llama.cpp's `unicode.cpp` so that
/// the pieces agree with llama.cpp (and Hugging Face) exactly, Unicode categories included.
/// `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`
/// `llama3`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// `qwen2`: as `llama3` with `\p{N}` (single digits); `qwen35`: as `qwen2` with letters `[\p{L}\p{M}]`.
/// `smollm` (also starcoder, refact, command-r): first `\p{N}` (each digit alone), then `gpt2`.
public enum Pretokenizer: String, Sendable, CaseIterable {
    case gpt2, llama3, qwen2, qwen35, smollm

    /// The pre-tokenizer for a GGUF `tokenizer.ggml.pre` name, or nil if unsupported.
    public init?(ggufName: String) {
        switch ggufName {
        case "gpt-2", "gpt2", "phi-2", "mpt", "olmo", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "default":
            self = .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe":
            self = .llama3
        case "qwen2", "stablelm2", "deepseek-r1-qwen", "megrez":
            self = .qwen2
        case "qwen35":
            self = .qwen35
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            self = .smollm
        default:
            return nil
        }
    }

    /// Whether a word that is itself a token skips the merges (llama3 vocabularies do this).
    var ignoresMerges: Bool { self == .llama3 }

    /// Splits `text` (classified scalars, `CodepointFlags.classify(utf8:)`) into consecutive
    /// pieces; returns each piece's length in scalars.
    func split(_ text: [UInt32]) -> [Int] {
        let whole = [text.count]
        switch self {
        case .gpt2: return Self.gpt2(text, whole)
        case .llama3: return Self.llama3Family(text, whole, digitRun: 3, lettersTakeMarks: false)
        case .qwen2: return Self.llama3Family(text, whole, digitRun: 1, lettersTakeMarks: false)
        case .qwen35: return Self.llama3Family(text, whole, digitRun: 1, lettersTakeMarks: true)
        case .smollm: return Self.gpt2(text, Self.isolateDigits(text, whole))
        }
    }

    /// Applies `\p{N}` as a splitting regex: every number codepoint becomes its own piece.
    static func isolateDigits(_ text: [UInt32], _ fragments: [Int]) -> [Int] {
        var out: [Int] = []
        var start = 0
        for length in fragments {
            var run = 0
            for i in start..<start + length {
                if CodepointFlags(classified: text[i]).isNumber {
                    if run > 0 { out.append(run) }
                    out.append(1)
                    run = 0
                } else {
                    run += 1
                }
            }
            if run > 0 { out.append(run) }
            start += length
        }
        return out
    }

    /// A cursor over one fragment: positions outside it read as "no character".
    private struct Fragment {
        let text: [UInt32]
        let start: Int, end: Int
        static let outOfRange: UInt32 = 0xFFFF_FFFF

        func cpt(_ pos: Int) -> UInt32 { pos >= start && pos < end ? CodepointFlags.scalar(text[pos]) : Self.outOfRange }
        func flags(_ pos: Int) -> CodepointFlags {
            pos >= start && pos < end ? CodepointFlags(classified: text[pos]) : .none
        }
    }

    /// Matches a contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at `pos`; returns its length.
    private static func contraction(_ f: Fragment, _ pos: Int, caseInsensitive: Bool) -> Int {
        guard f.cpt(pos) == 0x27, pos + 1 < f.end else { return 0 }
        func lower(_ c: UInt32) -> UInt32 {
            guard caseInsensitive, c != Fragment.outOfRange, let s = Unicode.Scalar(c) else { return c }
            let l = s.properties.lowercaseMapping.unicodeScalars
            return l.count == 1 ? l.first!.value : c
        }
        let next = lower(f.cpt(pos + 1))
        if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 { return 2 }  // s t m d
        if pos + 2 < f.end {
            let after = lower(f.cpt(pos + 2))
            if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {
                return 3  // re ve ll
            }
        }
        return 0
    }

    static func gpt2(_ text: [UInt32], _ fragments: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.count / 3)
        var start = 0
        for length in fragments {
            let f = Fragment(text: text, start: start, end: start + length)
            start += length
            var previous = f.start
            func emit(_ end: Int) {
                if end > previous { out.append(end - previous) }
                previous = end
            }
            var pos = f.start
            while pos < f.end {
                let cpt = f.cpt(pos)
                let flags = f.flags(pos)
                let c = contraction(f, pos, caseInsensitive: false)
                if c > 0 {
                    pos += c
                    emit(pos)
                    continue
                }
                var flags2 = cpt == 0x20 ? f.flags(pos + 1) : flags
                if flags2.isLetter {  // ' ?\p{L}+'
                    if cpt == 0x20 { pos += 1 }
                    while flags2.isLetter { pos += 1; flags2 = f.flags(pos) }
                    emit(pos)
                    continue
                }
                if flags2.isNumber {  // ' ?\p{N}+'
                    if cpt == 0x20 { pos += 1 }
                    while flags2.isNumber { pos += 1; flags2 = f.flags(pos) }
                    emit(pos)
                    continue
                }
                if !(flags2.isWhitespace || flags2.isLetter || flags2.isNumber) && flags2.exists {
                    if cpt == 0x20 { pos += 1 }  // ' ?[^\s\p{L}\p{N}]+'
                    while !(flags2.isWhitespace || flags2.isLetter || flags2.isNumber) && flags2.exists {
                        pos += 1
                        flags2 = f.flags(pos)
                    }
                    emit(pos)
                    continue
                }
                var spaces = 0
                while f.flags(pos + spaces).isWhitespace { spaces += 1 }
                if spaces > 1 && f.cpt(pos + spaces) != Fragment.outOfRange {  // '\s+(?!\S)'
                    pos += spaces - 1
                    emit(pos)
                    continue
                }
                if spaces > 0 {  // '\s+'
                    pos += spaces
                    emit(pos)
                    continue
                }
                pos += 1  // no match: the character alone
                emit(pos)
            }
        }
        return out
    }

    static func llama3Family(_ text: [UInt32], _ fragments: [Int], digitRun: Int, lettersTakeMarks: Bool) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.count / 3)
        var start = 0
        for length in fragments {
            let f = Fragment(text: text, start: start, end: start + length)
            start += length
            var previous = f.start
            func emit(_ end: Int) {
                if end > previous { out.append(end - previous) }
                previous = end
            }
            func isLetter(_ fl: CodepointFlags) -> Bool { fl.isLetter || (lettersTakeMarks && fl.isMark) }
            var pos = f.start
            while pos < f.end {
                let cpt = f.cpt(pos)
                let flags = f.flags(pos)
                let c = contraction(f, pos, caseInsensitive: true)
                if c > 0 {
                    pos += c
                    emit(pos)
                    continue
                }
                // '[^\r\n\p{L}\p{N}]?\p{L}+'
                if !(cpt == 0x0D || cpt == 0x0A || flags.isNumber) {
                    if isLetter(flags) || isLetter(f.flags(pos + 1)) {
                        pos += 1
                        while isLetter(f.flags(pos)) { pos += 1 }
                        emit(pos)
                        continue
                    }
                }
                if flags.isNumber {  // '\p{N}{1,digitRun}'
                    var first = pos
                    while f.flags(pos).isNumber {
                        pos += 1
                        if pos - first >= digitRun {
                            emit(pos)
                            first = pos
                        }
                    }
                    emit(pos)
                    continue
                }
                // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
                var flags2 = cpt == 0x20 ? f.flags(pos + 1) : flags
                if !(flags2.isWhitespace || isLetter(flags2) || flags2.isNumber) && flags.exists {
                    if cpt == 0x20 { pos += 1 }
                    while !(flags2.isWhitespace || isLetter(flags2) || flags2.isNumber) && flags2.exists {
                        pos += 1
                        flags2 = f.flags(pos)
                    }
                    var c2 = f.cpt(pos)
                    while c2 == 0x0D || c2 == 0x0A {
                        pos += 1
                        c2 = f.cpt(pos)
                    }
                    emit(pos)
                    continue
                }
                var spaces = 0
                var lastNewlineEnd = 0
                while f.flags(pos + spaces).isWhitespace {
                    let c2 = f.cpt(pos + spaces)
                    if c2 == 0x0D || c2 == 0x0A { lastNewlineEnd = pos + spaces + 1 }
                    spaces += 1
                }
                if lastNewlineEnd > 0 {  // '\s*[\r\n]+'
                    pos = lastNewlineEnd
                    emit(pos)
                    continue
                }
                if spaces > 1 && f.cpt(pos + spaces) != Fragment.outOfRange {  // '\s+(?!\S)'
                    pos += spaces - 1
                    emit(pos)
                    continue
                }
                if spaces > 0 {  // '\s+'
                    pos += spaces
                    emit(pos)
                    continue
                }
                pos += 1
                emit(pos)
            }
        }
        return out
    }
}
