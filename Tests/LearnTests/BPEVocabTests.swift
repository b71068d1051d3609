import Foundation
import Testing

@testable import Learn

/// llama.cpp's tokenizer golden files, cached by scripts/fetch-test-vectors.
enum BPETestVectors {
    static var folder: String {
        let home = ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
        return home + "/test-vectors"
    }

    static var available: Bool {
        FileManager.default.fileExists(atPath: folder + "/ggml-vocab-gpt-2.gguf.out")
    }

    /// (input, expected ids) pairs of one vocabulary, split as llama.cpp's test-tokenizer-0 does.
    static func cases(_ name: String) throws -> [(String, [Int])] {
        let base = folder + "/ggml-vocab-\(name).gguf"
        let input = try String(contentsOfFile: base + ".inp", encoding: .utf8)
        let output = try String(contentsOfFile: base + ".out", encoding: .utf8)
        var inputs = input.components(separatedBy: "\n__ggml_vocab_test__\n")
        // Like test-tokenizer-0, a separator at the very end opens no further case.
        if inputs.last == "" { inputs.removeLast() }
        var lines = output.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        #expect(inputs.count == lines.count, "\(name): \(inputs.count) inputs, \(lines.count) outputs")
        return zip(inputs, lines).map { text, line in
            (text, line.split(separator: " ").compactMap { Int($0) })
        }
    }
}

@Suite(.enabled(if: BPETestVectors.available, "llama.cpp test vectors not cached (run scripts/fetch-test-vectors)"))
struct BPEVocabTests {
    @Test(arguments: ["gpt-2", "llama-bpe", "qwen2", "qwen35", "mpt", "starcoder", "refact", "command-r"])
    func matchesLlamaCppGoldenTokens(vocab: String) throws {
        let file = try GGUFFile(path: BPETestVectors.folder + "/ggml-vocab-\(vocab).gguf")
        let tokenizer = try BPETokenizer(gguf: file)
        let cases = try BPETestVectors.cases(vocab)
        #expect(cases.count > 30)
        var failures = 0
        for (text, expected) in cases {
            let got = tokenizer.encode(text)
            if got != expected {
                failures += 1
                Issue.record("\(vocab): \(text.debugDescription) -> \(got), expected \(expected)")
            }
            // Byte-level BPE is lossless: decoding gives the text back.
            #expect(tokenizer.decode(got) == text)
        }
        #expect(failures == 0)
    }

    @Test func tiktokenRanksMatchTheGPT2Vocabulary() throws {
        let path = BPETestVectors.folder + "/gpt2.tiktoken"
        try #require(FileManager.default.fileExists(atPath: path), "gpt2.tiktoken not cached")
        let tokenizer = try BPETokenizer(tiktokenFile: path)
        #expect(tokenizer.vocabularySize == 50257)
        for (text, expected) in try BPETestVectors.cases("gpt-2") {
            #expect(tokenizer.encode(text) == expected, "\(text.debugDescription)")
        }
        #expect(tokenizer.encode("a<|endoftext|>", parseSpecial: true) == [64, 50256])
        #expect(tokenizer.encode("<|endoftext|>", parseSpecial: false).count > 1)
    }

    @Test func rejectsNonBPEVocabularies() throws {
        let file = try GGUFFile(path: BPETestVectors.folder + "/ggml-vocab-llama-spm.gguf")
        #expect(throws: BPETokenizerError.notBPE(model: "llama")) { try BPETokenizer(gguf: file) }
        let deepseek = try GGUFFile(path: BPETestVectors.folder + "/ggml-vocab-deepseek-llm.gguf")
        #expect(throws: BPETokenizerError.unsupportedPretokenizer("deepseek-llm")) { try BPETokenizer(gguf: deepseek) }
    }
}
