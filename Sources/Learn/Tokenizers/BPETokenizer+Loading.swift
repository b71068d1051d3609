import Foundation
import SafeFiles

/// Why a BPE vocabulary could not be built.
public enum BPETokenizerError: Error, CustomStringConvertible, Equatable {
    case notBPE(model: String)
    case unsupportedPretokenizer(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .notBPE(let model):
            "tokenizer model '\(model)' is not byte-level BPE ('gpt2'); only BPE vocabularies are supported"
        case .unsupportedPretokenizer(let name):
            "pre-tokenizer '\(name)' is not supported (supported: gpt-2, mpt, olmo, llama-bpe, llama3, qwen2, qwen35, "
                + "smollm, starcoder, refact, command-r)"
        case .malformed(let what): "malformed tokenizer data: \(what)"
        }
    }
}

extension BPETokenizer {
    /// Builds the tokenizer a GGUF model carries (`tokenizer.ggml.*` metadata).
    public convenience init(gguf file: GGUFFile) throws {
        let model = (try? file.string("tokenizer.ggml.model")) ?? "missing"
        guard model == "gpt2" else { throw BPETokenizerError.notBPE(model: model) }
        let preName = file["tokenizer.ggml.pre"]?.string ?? "default"
        guard let pretokenizer = Pretokenizer(ggufName: preName) else {
            throw BPETokenizerError.unsupportedPretokenizer(preName)
        }
        let texts = try file.strings("tokenizer.ggml.tokens")
        let types = (try? file.ints("tokenizer.ggml.token_type")) ?? Array(repeating: 1, count: texts.count)
        guard types.count == texts.count else {
            throw BPETokenizerError.malformed("\(types.count) token types for \(texts.count) tokens")
        }
        var kinds: [TokenKind] = []
        var bytes: [[UInt8]] = []
        kinds.reserveCapacity(texts.count)
        bytes.reserveCapacity(texts.count)
        for (text, type) in zip(texts, types) {
            let kind = TokenKind(rawValue: type) ?? .normal
            kinds.append(kind)
            // Control and user-defined tokens are stored as plain text, the rest byte-level encoded.
            if kind == .control || kind == .userDefined {
                bytes.append(Array(text.utf8))
            } else {
                bytes.append(BPEByteLevel.bytes(of: text) ?? Array(text.utf8))
            }
        }
        var idOfText: [String: Int32] = [:]
        idOfText.reserveCapacity(texts.count)
        for (i, t) in texts.enumerated() { idOfText[t] = Int32(i) }
        var merges: [(rank: Int, left: Int32, right: Int32, merged: Int32)] = []
        for (rank, line) in ((try? file.strings("tokenizer.ggml.merges")) ?? []).enumerated() {
            // "left right": split at the first space after the first character.
            let scalars = Array(line.unicodeScalars)
            guard let cut = scalars.dropFirst().firstIndex(of: " ") else {
                throw BPETokenizerError.malformed("merge '\(line)' has no space")
            }
            var left = String.UnicodeScalarView(), right = String.UnicodeScalarView()
            left.append(contentsOf: scalars[..<cut])
            right.append(contentsOf: scalars[(cut + 1)...])
            let l = String(left), r = String(right)
            guard let a = idOfText[l], let b = idOfText[r], let m = idOfText[l + r] else { continue }
            merges.append((rank, a, b, m))
        }
        let bos = file["tokenizer.ggml.bos_token_id"]?.int
        let eos = file["tokenizer.ggml.eos_token_id"]?.int
        let addsBOS = file["tokenizer.ggml.add_bos_token"]?.bool ?? (pretokenizer == .llama3)
        self.init(
            tokenBytes: bytes, kinds: kinds, merges: merges, pretokenizer: pretokenizer,
            bos: bos.flatMap { $0 < texts.count ? $0 : nil }, eos: eos.flatMap { $0 < texts.count ? $0 : nil },
            addsBOS: addsBOS)
    }

    /// The largest tiktoken file read (GPT-2's is 0.8 MB, cl100k's 1.7 MB).
    static let maximumTiktokenFileBytes = 64 << 20
    /// The longest token in a tiktoken file (real ones are at most 128 bytes).
    static let maximumTokenBytes = 1024

    /// Builds a tokenizer from a tiktoken rank file (`<base64 bytes> <rank>` per line), such as
    /// GPT-2's `gpt2.tiktoken`. Ranks become token ids; `specialTokens` are added as control tokens.
    public convenience init(
        tiktokenFile path: String, pretokenizer: Pretokenizer = .gpt2,
        specialTokens: [String: Int] = ["<|endoftext|>": 50256]
    ) throws {
        let text: String
        do {
            text = String(decoding: try SafeFile.read(path, limit: Self.maximumTiktokenFileBytes), as: UTF8.self)
        } catch {
            throw BPETokenizerError.malformed("\(error)")
        }
        let lines = text.split(whereSeparator: \.isNewline)
        var ranked: [(bytes: [UInt8], rank: Int)] = []
        for (number, line) in lines.enumerated() {
            let parts = line.split(separator: " ")
            // Ranks are dense (0 to lines - 1) in real files: a larger one would only make the
            // vocabulary table huge. Tokens are short: every split of one is looked up below.
            guard parts.count == 2, let data = Data(base64Encoded: String(parts[0])), let rank = Int(parts[1]),
                rank >= 0, rank < lines.count + 65_536, data.count <= Self.maximumTokenBytes
            else {
                throw BPETokenizerError.malformed(
                    "\(path) line \(number + 1) is not '<base64 of at most \(Self.maximumTokenBytes) bytes> <rank below \(lines.count + 65_536)>'"
                )
            }
            ranked.append((Array(data), rank))
        }
        guard specialTokens.values.allSatisfy({ $0 < lines.count + 65_536 }) else {
            throw BPETokenizerError.malformed("a special token id is far beyond the \(lines.count) ranks of \(path)")
        }
        let size = max(ranked.map(\.rank).max() ?? -1, specialTokens.values.max() ?? -1) + 1
        var bytes = [[UInt8]](repeating: [], count: size)
        var kinds = [TokenKind](repeating: .unused, count: size)
        for r in ranked {
            bytes[r.rank] = r.bytes
            kinds[r.rank] = .normal
        }
        for (name, id) in specialTokens where id >= 0 {
            bytes[id] = Array(name.utf8)
            kinds[id] = .control
        }
        // tiktoken merges the pair whose concatenation has the lowest rank: every split of a
        // token into two tokens is a merge of that rank.
        var idOfBytes: [[UInt8]: Int32] = [:]
        for r in ranked { idOfBytes[r.bytes] = Int32(r.rank) }
        var merges: [(rank: Int, left: Int32, right: Int32, merged: Int32)] = []
        for r in ranked where r.bytes.count >= 2 {
            for cut in 1..<r.bytes.count {
                if let a = idOfBytes[Array(r.bytes[..<cut])], let b = idOfBytes[Array(r.bytes[cut...])] {
                    merges.append((r.rank, a, b, Int32(r.rank)))
                }
            }
        }
        let eos = specialTokens["<|endoftext|>"]
        self.init(
            tokenBytes: bytes, kinds: kinds, merges: merges, pretokenizer: pretokenizer,
            bos: eos, eos: eos, addsBOS: false)
    }
}
