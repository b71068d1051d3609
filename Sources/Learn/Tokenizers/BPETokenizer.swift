import Foundation

/// A byte-level BPE tokenizer (GPT-2 style), built from a GGUF file's metadata or a `.tiktoken`
/// rank file.
///
/// ```swift
/// let tokenizer = try BPETokenizer(gguf: file)
/// let ids = tokenizer.encode("Hello world")          // [19556, 905]
/// tokenizer.decode(ids)                              // "Hello world"
/// tokenizer.encode("<|im_start|>user", parseSpecial: true)
/// ```
public final class BPETokenizer: @unchecked Sendable {
    /// What a token is, as GGUF's `tokenizer.ggml.token_type` numbers it.
    public enum TokenKind: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// The bytes each token stands for.
    public let tokenBytes: [[UInt8]]
    /// The kind of each token.
    public let tokenKinds: [TokenKind]
    /// How text is cut into words before BPE.
    public let pretokenizer: Pretokenizer
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bosToken: Int?
    /// End-of-sequence token, if the vocabulary has one.
    public let eosToken: Int?
    /// Whether the model expects `bosToken` in front of every prompt.
    public let addsBOS: Bool

    let idOfBytes: [[UInt8]: Int32]
    let byteTokens: [Int32]
    let merger: BPEMerger
    /// Special tokens matched in the text before pre-tokenisation, longest first: (bytes, id, control?).
    let specials: [(bytes: [UInt8], id: Int32, isControl: Bool)]

    private var cache: [[UInt8]: [Int32]] = [:]
    private let cacheLock = NSLock()
    private static let cacheLimit = 100_000

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { tokenBytes.count }

    /// Builds a tokenizer from raw parts. `merges` are (rank, left id, right id, merged id).
    init(
        tokenBytes: [[UInt8]], kinds: [TokenKind], merges: [(rank: Int, left: Int32, right: Int32, merged: Int32)],
        pretokenizer: Pretokenizer,
        bos: Int?, eos: Int?, addsBOS: Bool
    ) {
        self.tokenBytes = tokenBytes
        self.tokenKinds = kinds
        self.pretokenizer = pretokenizer
        self.bosToken = bos
        self.eosToken = eos
        self.addsBOS = addsBOS
        var idOfBytes: [[UInt8]: Int32] = [:]
        idOfBytes.reserveCapacity(tokenBytes.count)
        for (id, bytes) in tokenBytes.enumerated() where kinds[id] != .control {
            idOfBytes[bytes] = Int32(id)
        }
        self.idOfBytes = idOfBytes
        byteTokens = (0..<256).map { idOfBytes[[UInt8($0)]] ?? -1 }
        var pairs: [UInt64: UInt64] = [:]
        pairs.reserveCapacity(merges.count)
        for m in merges {
            let key = BPEMerger.key(m.left, m.right)
            let packed = UInt64(m.rank) << 32 | UInt64(UInt32(bitPattern: m.merged))
            if let existing = pairs[key], existing <= packed { continue }
            pairs[key] = packed
        }
        merger = BPEMerger(pairs: pairs)
        specials = kinds.indices
            .filter { (kinds[$0] == .control || kinds[$0] == .userDefined) && !tokenBytes[$0].isEmpty }
            .map { (tokenBytes[$0], Int32($0), kinds[$0] == .control) }
            .sorted { $0.bytes.count > $1.bytes.count }
    }

    /// The id of the token whose bytes are the UTF-8 of `text` (special tokens included).
    public func id(of text: String) -> Int? {
        let bytes = Array(text.utf8)
        if let special = specials.first(where: { $0.bytes == bytes }) { return Int(special.id) }
        return idOfBytes[bytes].map(Int.init)
    }

    /// Whether `id` is a control token (like `<|im_end|>`), which decoding can hide.
    public func isControl(_ id: Int) -> Bool {
        id >= 0 && id < tokenKinds.count && tokenKinds[id] == .control
    }

    // MARK: Encoding

    /// Token ids of `text`. With `parseSpecial`, control-token texts such as `<|im_start|>` become
    /// their tokens; user-defined tokens always do (as in llama.cpp). No BOS is added here.
    public func encode(_ text: String, parseSpecial: Bool = false) -> [Int] {
        var out: [Int] = []
        let bytes = Array(text.utf8)
        var start = 0
        var i = 0
        while i < bytes.count {
            if let special = specialMatch(bytes, at: i, parseSpecial: parseSpecial) {
                encodeOrdinary(bytes[start..<i], into: &out)
                out.append(Int(special.id))
                i += special.bytes.count
                start = i
            } else {
                i += 1
            }
        }
        encodeOrdinary(bytes[start..<bytes.count], into: &out)
        return out
    }

    private func specialMatch(_ bytes: [UInt8], at i: Int, parseSpecial: Bool) -> (bytes: [UInt8], id: Int32, isControl: Bool)? {
        for special in specials where (parseSpecial || !special.isControl) && special.bytes[0] == bytes[i] {
            let n = special.bytes.count
            if i + n <= bytes.count && bytes[i..<i + n].elementsEqual(special.bytes) { return special }
        }
        return nil
    }

    /// Pre-tokenises and BPE-encodes text with no special tokens in it.
    private func encodeOrdinary(_ bytes: ArraySlice<UInt8>, into out: inout [Int]) {
        guard !bytes.isEmpty else { return }
        // Decode UTF-8 to scalars, remembering where each starts (invalid bytes become U+FFFD).
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var position = bytes.startIndex
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                offsets.append(position)
                scalars.append(s.value)
                let length = UTF8.width(s)
                position += length
            case .emptyInput:
                break loop
            case .error:
                offsets.append(position)
                scalars.append(0xFFFD)
                position += 1
            }
        }
        offsets.append(bytes.endIndex)
        var scalarIndex = 0
        for length in pretokenizer.split(scalars) {
            let word = Array(bytes[offsets[scalarIndex]..<offsets[scalarIndex + length]])
            scalarIndex += length
            for id in encodeWord(word) where id >= 0 { out.append(Int(id)) }
        }
    }

    /// BPE of one pre-tokenised word, through a cache.
    private func encodeWord(_ word: [UInt8]) -> [Int32] {
        cacheLock.lock()
        let cached = cache[word]
        cacheLock.unlock()
        if let cached { return cached }
        let result: [Int32]
        if pretokenizer.ignoresMerges, let whole = idOfBytes[word] {
            result = [whole]
        } else {
            result = merger.merge(word.map { byteTokens[Int($0)] })
        }
        cacheLock.lock()
        if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[word] = result
        cacheLock.unlock()
        return result
    }

    // MARK: Decoding

    /// The bytes of `ids` joined; control tokens are left out when `skipSpecial`.
    public func decodeBytes(_ ids: [Int], skipSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids where id >= 0 && id < tokenBytes.count {
            if skipSpecial && tokenKinds[id] == .control { continue }
            out.append(contentsOf: tokenBytes[id])
        }
        return out
    }

    /// The text of `ids` (invalid UTF-8 is repaired with U+FFFD).
    public func decode(_ ids: [Int], skipSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }
}
