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
    /// For each byte, whether a special token starts with it: bit 0 a user-defined one (always
    /// matched), bit 1 any (matched with `parseSpecial`). Most bytes start none, and skip the search.
    private let specialStarts: [UInt8]

    /// Words already merged. Encoding holds `cacheLock` while it uses the cache; a call that
    /// finds it held by another thread uses a cache of its own rather than wait.
    private var cache = BPEWordCache(limit: BPETokenizer.cacheLimit)
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
        var pairs = BPEPairTable(capacity: merges.count)
        for m in merges where m.left >= 0 && m.right >= 0 && m.rank >= 0 && m.rank < Int(UInt32.max) {
            pairs.insert(left: m.left, right: m.right, rank: UInt32(m.rank), merged: m.merged)
        }
        merger = BPEMerger(pairs: pairs)
        specials = kinds.indices
            .filter { (kinds[$0] == .control || kinds[$0] == .userDefined) && !tokenBytes[$0].isEmpty }
            .map { (tokenBytes[$0], Int32($0), kinds[$0] == .control) }
            .sorted { $0.bytes.count > $1.bytes.count }
        var starts = [UInt8](repeating: 0, count: 256)
        for special in specials { starts[Int(special.bytes[0])] |= special.isControl ? 2 : 3 }
        specialStarts = starts
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
        var text = text
        return text.withUTF8 { bytes in
            if cacheLock.try() {
                defer { cacheLock.unlock() }
                return encode(bytes, parseSpecial: parseSpecial, cache: &cache)
            }
            var ownCache = BPEWordCache(limit: Self.cacheLimit)
            return encode(bytes, parseSpecial: parseSpecial, cache: &ownCache)
        }
    }

    private func encode(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, cache: inout BPEWordCache) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(bytes.count / 3)
        var symbols: [Int32] = []
        let mask: UInt8 = parseSpecial ? 2 : 1
        var start = 0
        var i = 0
        while i < bytes.count {
            if specialStarts[Int(bytes[i])] & mask != 0, let special = specialMatch(bytes, at: i, parseSpecial: parseSpecial) {
                encodeOrdinary(UnsafeBufferPointer(rebasing: bytes[start..<i]), into: &out, cache: &cache, symbols: &symbols)
                out.append(Int(special.id))
                i += special.bytes.count
                start = i
            } else {
                i += 1
            }
        }
        encodeOrdinary(UnsafeBufferPointer(rebasing: bytes[start...]), into: &out, cache: &cache, symbols: &symbols)
        return out
    }

    private func specialMatch(
        _ bytes: UnsafeBufferPointer<UInt8>, at i: Int, parseSpecial: Bool
    ) -> (bytes: [UInt8], id: Int32, isControl: Bool)? {
        for special in specials where (parseSpecial || !special.isControl) && special.bytes[0] == bytes[i] {
            let n = special.bytes.count
            if i + n <= bytes.count && bytes[i..<i + n].elementsEqual(special.bytes) { return special }
        }
        return nil
    }

    /// Pre-tokenises and BPE-encodes text with no special tokens in it.
    private func encodeOrdinary(
        _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int], cache: inout BPEWordCache, symbols: inout [Int32]
    ) {
        guard !bytes.isEmpty else { return }
        let text = CodepointFlags.classify(utf8: bytes)
        let ascii = text.count == bytes.count
        var scalarStart = 0
        var byteStart = bytes.startIndex
        for length in pretokenizer.split(text) {
            var byteLength = length
            if !ascii {
                byteLength = 0
                for c in text[scalarStart..<scalarStart + length] { byteLength += CodepointFlags.utf8Width(c) }
            }
            scalarStart += length
            let word = UnsafeBufferPointer(rebasing: bytes[byteStart..<byteStart + byteLength])
            byteStart += byteLength
            let hash = BPEWordCache.hash(word)
            if cache.appendIDs(of: word, hash: hash, to: &out) { continue }
            encodeWord(word, into: &symbols)
            cache.insert(word, hash: hash, ids: symbols[...])
            for id in symbols { out.append(Int(id)) }
        }
    }

    /// BPE of one pre-tokenised word into `ids` (bytes outside the vocabulary are dropped).
    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        if pretokenizer.ignoresMerges, let whole = idOfBytes[Array(word)] {
            ids.append(whole)
            return
        }
        for b in word { ids.append(byteTokens[Int(b)]) }
        merger.merge(&ids)
        ids.removeAll { $0 < 0 }
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
