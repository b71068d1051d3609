import Foundation
import SafeFiles

/// BERT's WordPiece tokenizer, built from a Hugging Face `tokenizer.json`, with the same ids
/// as `tokenizers` gives (all-MiniLM-L6-v2's parity fixture checks this on tweets and
/// hostile Unicode).
///
/// Encoding a text:
/// 1. the special tokens written literally in the raw text (`[CLS]`, `[SEP]`, `[UNK]`,
///    `[PAD]`, `[MASK]`: the `added_tokens`, matched before normalisation, longest first)
///    become their ids;
/// 2. the text between them is normalised and split into words (`BertNormalizer`);
/// 3. each word becomes its greedy longest-match-first pieces, continuations prefixed with
///    `##`; a word with a piece missing from the vocabulary, or longer than
///    `maxInputCharsPerWord` characters, becomes `[UNK]` whole;
/// 4. `[CLS] ... [SEP]` around the pieces, cut to `maxLength` ids in all.
///
/// ```swift
/// let tok = try WordPieceTokenizer(path: "models/all-MiniLM-L6-v2/tokenizer.json")
/// tok.encode("Hello, world!")  // [101, 7592, 1010, 2088, 999, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// Piece text to id (continuations carry their `##`).
    public let vocabulary: [String: Int]
    /// Id to piece text.
    public let pieces: [String]
    /// Ids of the special tokens.
    public let cls: Int, sep: Int, unk: Int, pad: Int
    /// Literal texts that are matched as whole tokens before normalisation, longest first.
    let addedTokens: [(text: [Unicode.Scalar], id: Int)]
    /// The normaliser and pre-tokeniser.
    public let normalizer: BertNormalizer
    /// The prefix of continuation pieces (`##`).
    public let continuingPrefix: String
    /// Words longer than this many characters become `[UNK]` (100 in BERT).
    public let maxInputCharsPerWord: Int
    /// The most characters of any piece (a `##` piece counted whole): no longer match is tried.
    let longestPiece: Int

    /// Reads `tokenizer.json` (a WordPiece model with a BERT normaliser).
    public init(path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: 64 << 20)
        } catch {
            throw LearnError.checkpoint("cannot read the tokenizer: \(error)")
        }
        try self.init(json: Data(bytes), name: (path as NSString).lastPathComponent)
    }

    /// Builds the tokenizer from the contents of a `tokenizer.json`; `name` is used in errors.
    public init(json: Data, name: String = "tokenizer.json") throws {
        func bad(_ why: String) -> LearnError { LearnError.checkpoint("\(name): \(why)") }
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece",
            let vocab = model["vocab"] as? [String: Int]
        else { throw bad("its model is not WordPiece with a vocabulary") }
        var pieces = [String](repeating: "", count: (vocab.values.max() ?? -1) + 1)
        for (text, id) in vocab where id >= 0 { pieces[id] = text }
        func id(_ text: String) throws -> Int {
            guard let id = vocab[text] else { throw bad("the vocabulary has no \(text)") }
            return id
        }
        let normalizer = root["normalizer"] as? [String: Any]
        guard normalizer == nil || normalizer?["type"] as? String == "BertNormalizer" else {
            throw bad("normaliser \(normalizer?["type"] ?? "?") is not BertNormalizer")
        }
        var added: [(text: [Unicode.Scalar], id: Int)] = []
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            if let content = entry["content"] as? String, let id = entry["id"] as? Int, !content.isEmpty {
                added.append((Array(content.unicodeScalars), id))
            }
        }
        self.vocabulary = vocab
        self.pieces = pieces
        self.unk = try id(model["unk_token"] as? String ?? "[UNK]")
        self.cls = try id("[CLS]")
        self.sep = try id("[SEP]")
        self.pad = try id("[PAD]")
        self.addedTokens = added.sorted { $0.text.count > $1.text.count }
        self.normalizer = BertNormalizer(lowercase: normalizer?["lowercase"] as? Bool ?? true)
        self.continuingPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        self.maxInputCharsPerWord = model["max_input_chars_per_word"] as? Int ?? 100
        self.longestPiece = vocab.keys.reduce(0) { longest, piece in max(longest, piece.unicodeScalars.count) }
    }

    /// The ids of `text` between `[CLS]` and `[SEP]`, at most `maxLength` ids in all (the
    /// pieces past `maxLength - 2` are dropped).
    public func encode(_ text: String, maxLength: Int = 512) -> [Int] {
        var ids = [cls]
        let room = max(0, maxLength - 2)
        for segment in segments(text) {
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let scalars):
                for word in normalizer.words(scalars: scalars) {
                    ids += wordPieces(of: word)
                    if ids.count > room { break }
                }
            }
            if ids.count > room { break }
        }
        return Array(ids.prefix(room + 1)) + [sep]
    }

    /// The piece texts of ids (for display and tests).
    public func decodePieces(_ ids: [Int]) -> [String] {
        ids.map { $0 >= 0 && $0 < pieces.count ? pieces[$0] : "[?]" }
    }

    /// One word's pieces: greedy longest-match-first, or `[UNK]` for the whole word.
    ///
    /// Swift compares strings by canonical equivalence, `tokenizers` byte by byte; they agree
    /// here because an uncased vocabulary's pieces and the normalised words are both NFD
    /// (all-MiniLM-L6-v2's 30,522 pieces are, and a piece of an NFD text is NFD).
    func wordPieces(of word: [Unicode.Scalar]) -> [Int] {
        if word.count > maxInputCharsPerWord { return [unk] }
        var ids: [Int] = []
        var start = 0
        while start < word.count {
            var end = min(word.count, start + longestPiece)
            var found: Int?
            while start < end {
                var piece = String(String.UnicodeScalarView(word[start..<end]))
                if start > 0 { piece = continuingPrefix + piece }
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else { return [unk] }
            ids.append(found)
            start = end
        }
        return ids
    }

    /// A run of raw text, or a special token written in it.
    enum Segment: Equatable {
        case text([Unicode.Scalar])
        case special(Int)
    }

    /// `text` cut at the literal special tokens (leftmost match, the longest at a position).
    func segments(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var out: [Segment] = []
        var runStart = 0, i = 0
        let firsts = Set(addedTokens.compactMap(\.text.first))
        scan: while i < scalars.count {
            guard firsts.contains(scalars[i]) else {
                i += 1
                continue
            }
            for token in addedTokens where scalars.count - i >= token.text.count {
                if scalars[i..<(i + token.text.count)].elementsEqual(token.text) {
                    if runStart < i { out.append(.text(Array(scalars[runStart..<i]))) }
                    out.append(.special(token.id))
                    i += token.text.count
                    runStart = i
                    continue scan
                }
            }
            i += 1
        }
        if runStart < scalars.count { out.append(.text(Array(scalars[runStart..<scalars.count]))) }
        return out
    }
}
