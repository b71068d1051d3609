import Foundation
import Tensor
import Testing

@testable import Learn

@Suite struct BPETokenizerTests {
    /// Pieces of `text` under a pre-tokenizer, as strings.
    func pieces(_ p: Pretokenizer, _ text: String) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        var out: [String] = []
        var i = 0
        for n in p.split(Array(text.utf8).withUnsafeBufferPointer(CodepointFlags.classify)) {
            var s = String.UnicodeScalarView()
            for v in scalars[i..<i + n] { s.append(Unicode.Scalar(v)!) }
            out.append(String(s))
            i += n
        }
        return out
    }

    @Test func gpt2PretokenizerSplitsLikeItsRegex() {
        #expect(pieces(.gpt2, "Hello world's 123  ok!!\n\n") == ["Hello", " world", "'s", " 123", " ", " ok", "!!", "\n\n"])
        #expect(pieces(.gpt2, "Ünïcödé ΑΒΓ 你好") == ["Ünïcödé", " ΑΒΓ", " 你好"])
    }

    @Test func llama3AndQwenPretokenizersGroupDigitsDifferently() {
        #expect(pieces(.llama3, "12345 I'LL go\r\n  x") == ["123", "45", " I", "'LL", " go", "\r\n", " ", " x"])
        #expect(pieces(.qwen2, "2024") == ["2", "0", "2", "4"])
        #expect(pieces(.smollm, "abc123 4") == ["abc", "1", "2", "3", " ", "4"])
    }

    @Test func mergesFollowRankOrder() {
        // Vocabulary: bytes a, b, c plus "ab" (rank 1) and "bc" (rank 0) and "abc" (rank 2).
        var bytes = (0..<256).map { [UInt8($0)] }
        let a = Int32(UInt8(ascii: "a")), b = Int32(UInt8(ascii: "b")), c = Int32(UInt8(ascii: "c"))
        bytes += [Array("bc".utf8), Array("ab".utf8), Array("abc".utf8)]
        let kinds = [BPETokenizer.TokenKind](repeating: .normal, count: bytes.count)
        let tokenizer = BPETokenizer(
            tokenBytes: bytes, kinds: kinds,
            merges: [(0, b, c, 256), (1, a, b, 257), (2, a, 256, 258)], pretokenizer: .gpt2,
            bos: nil, eos: nil, addsBOS: false)
        #expect(tokenizer.encode("abc") == [258])  // bc first, then a+bc
        #expect(tokenizer.encode("abab") == [257, 257])
        #expect(tokenizer.decode([258, 257]) == "abcab")
    }

    @Test func classifiedScalarsDecodeEveryUTF8Width() {
        let text = "a é€🦙\t٣ñ\u{0301}"
        let classified = Array(text.utf8).withUnsafeBufferPointer(CodepointFlags.classify)
        #expect(classified == text.unicodeScalars.map { CodepointFlags.classified($0.value) })
        #expect(classified.map(CodepointFlags.utf8Width) == text.unicodeScalars.map { UTF8.width($0) })
        let flags = classified.map { CodepointFlags(classified: $0) }
        #expect(flags[0].isLetter && flags[1].isWhitespace && flags[6].isNumber && flags[8].isMark)
        #expect(flags.allSatisfy(\.exists) && !CodepointFlags.none.exists)
    }

    /// The scan for short words and the heap for long ones must merge identically.
    @Test func scanningAndHeapMergesAgree() {
        var rng = SeededRandom(seed: 7)
        // A random vocabulary over 4 base symbols: 60 merges of existing ids, ranks shuffled.
        var table = BPEPairTable(capacity: 8)
        var ranks = Array(0..<60).shuffled(using: &rng)
        for merged in 4..<64 {
            let left = Int32.random(in: 0..<Int32(merged), using: &rng)
            let right = Int32.random(in: 0..<Int32(merged), using: &rng)
            table.insert(left: left, right: right, rank: UInt32(ranks.removeLast()), merged: Int32(merged))
        }
        let merger = BPEMerger(pairs: table)
        var merges = 0
        for length in [2, 3, 5, 8, 13, 40, 120] {
            for _ in 0..<50 {
                let word = (0..<length).map { _ in Int32.random(in: -1..<4, using: &rng) }
                var scanned = word, heaped = word
                merger.mergeByScanning(&scanned)
                merger.mergeWithHeap(&heaped)
                #expect(scanned == heaped, "\(word)")
                merges += word.count - scanned.count
            }
        }
        #expect(merges > 500)
    }

    @Test(.enabled(if: LlamaFixtures.modelPath != nil, "SmolLM2 model not installed (run scripts/setup)"))
    func smolLM2VocabularyAndSpecialTokens() throws {
        let tokenizer = try BPETokenizer(gguf: GGUFFile(path: LlamaFixtures.modelPath!))
        #expect(tokenizer.pretokenizer == .smollm)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.eosToken == 2 && tokenizer.bosToken == 1 && !tokenizer.addsBOS)
        let chat = "<|im_start|>user\nHi there 42<|im_end|>\n"
        let ids = tokenizer.encode(chat, parseSpecial: true)
        #expect(ids.first == 1 && ids.contains(2))
        #expect(tokenizer.decode(ids) == chat)
        #expect(tokenizer.decode(ids, skipSpecial: true) == "user\nHi there 42\n")
        #expect(tokenizer.encode(chat, parseSpecial: false).first != 1)
        #expect(tokenizer.id(of: "<|im_end|>") == 2)
    }

    @Test func streamingDecoderHoldsBackPartialCharacters() {
        var decoder = UTF8StreamDecoder()
        let bytes = Array("é🦙!".utf8)
        var text = ""
        for b in bytes { text += decoder.append([b]) }
        text += decoder.flush()
        #expect(text == "é🦙!")
        var broken = UTF8StreamDecoder()
        #expect(broken.append([0xF0, 0x9F]) == "")
        #expect(broken.flush() == "\u{FFFD}")
    }
}
