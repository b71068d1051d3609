// Benchmarks of fewshot's GGUF inference and BPE tokenizer, printing one JSON line per run.
//
//   fewshot-llama-bench model  MODEL.gguf [threads] [prompt-tokens] [gen-tokens] [int8|float]
//       load time, resident memory, prompt processing and generation tokens/s (random tokens,
//       like llama-bench's pp/tg: no sampling, greedy argmax only to pick the next input);
//       the last argument picks the decoding activations (LlamaModel.activations, default int8)
//   fewshot-llama-bench agree  TWEETS.csv [count]
//       three-shot sentiment labels from SmolLM2 with Float vs 8-bit activations: how often
//       they agree, and the wall seconds of each
//   fewshot-llama-bench bpe    RANKS.tiktoken TEXT-FILE [repeats]
//       GPT-2 BPE encoding throughput in MB/s
//   fewshot-llama-bench teacher [MODEL.gguf]
//       two requests through LocalTeacher, printing the replies and token usage
//   fewshot-llama-bench student MODEL.gguf [lora|full] [threads] [context] [batch] [steps]
//       training the model as a LlamaStudent through the Trainer on random full-length
//       sequences: training tokens/s, peak resident memory, and decode tokens/s of the
//       trained weights (merged f32) through the inference path
import Chat
import Foundation
import Learn
import Teacher
import Tensor
import Workbench

func now() -> Double { Date().timeIntervalSince1970 }

/// CPU seconds used by the whole process so far (all threads): on a shared, busy machine this
/// tracks the work done far better than wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return Double(line.split(separator: " ")[1]).map { $0 / 1024 } ?? -1
}

func printJSON(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The process's peak resident memory (VmHWM) in MB.
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return -1 }
    return Double(line.split(separator: " ")[1]).map { $0 / 1024 } ?? -1
}

func benchStudent(_ args: [String]) throws {
    let path = args.first ?? LlamaModel.defaultModelPath
    let lora = (args.count > 1 ? args[1] : "lora") == "lora"
    let threads = args.count > 2 ? Int(args[2])! : 2
    let context = args.count > 3 ? Int(args[3])! : 128
    let batch = args.count > 4 ? Int(args[4])! : 8
    let steps = args.count > 5 ? Int(args[5])! : 4
    BLAS.threadCount = threads
    let t0 = now()
    let base = try LlamaModel(path: path)
    base.threads = threads
    let student = try LlamaStudent(
        base: base, baseName: (path as NSString).lastPathComponent, lora: lora ? LoRAOptions() : nil, context: context)
    let loadSeconds = now() - t0
    var rng = SeededRandom(seed: 7)
    let sequences = (0..<(batch * steps)).map { _ in
        TokenSequence(tokens: (0...context).map { _ in Int(rng.next() % UInt64(base.config.vocabularySize)) })
    }
    let options = TrainingOptions(epochs: 1, learningRate: lora ? 2e-4 : 2e-5, batchSize: batch, seed: 1)
    let c1 = cpuSeconds()
    let history = try Trainer(options: options).train(student, on: sequences)
    let trainCPU = cpuSeconds() - c1
    let inference = try student.inferenceModel()
    inference.threads = threads
    let cache = inference.makeCache()
    var token = 1
    let genTokens = 32
    let t2 = now()
    for _ in 0..<genTokens {
        let logits = try inference.logits(for: [token], cache: cache)
        token = logits.indices.max { logits[$0] < logits[$1] }!
    }
    let genSeconds = now() - t2
    printJSON([
        "bench": "student", "mode": lora ? "lora" : "full", "threads": threads, "context": context, "batch": batch,
        "steps": history.losses.count, "trained_params": student.parameterCount,
        "load_s": loadSeconds, "train_tok_per_s": history.tokensPerSecond, "train_seconds": history.seconds,
        "train_cpu_s": trainCPU, "first_loss": history.losses.first ?? -1, "last_loss": history.losses.last ?? -1,
        "merged_gen_tok_per_s": Double(genTokens) / genSeconds, "peak_rss_mb": peakResidentMegabytes(),
    ])
}

func benchModel(_ args: [String]) throws {
    let path = args.first ?? LlamaModel.defaultModelPath
    let threads = args.count > 1 ? Int(args[1])! : 2
    let promptTokens = args.count > 2 ? Int(args[2])! : 128
    let genTokens = args.count > 3 ? Int(args[3])! : 64
    let activations: ActivationFormat = args.count > 4 && args[4] == "float" ? .float : .int8
    BLAS.threadCount = threads
    let t0 = now()
    let model = try LlamaModel(path: path)
    let loadSeconds = now() - t0
    model.threads = threads
    model.activations = activations
    var rng = SystemRandomNumberGenerator()
    let prompt = (0..<promptTokens).map { _ in Int.random(in: 0..<model.config.vocabularySize, using: &rng) }

    let cache = model.makeCache()
    let t1 = now(), c1 = cpuSeconds()
    var logits = try model.logits(for: prompt, cache: cache)
    let ppSeconds = now() - t1, ppCPU = cpuSeconds() - c1

    let decodeCache = model.makeCache()
    var token = prompt[0]
    let t2 = now(), c2 = cpuSeconds()
    for _ in 0..<genTokens {
        logits = try model.logits(for: [token], cache: decodeCache)
        token = logits.indices.max { logits[$0] < logits[$1] }!
    }
    let tgSeconds = now() - t2, tgCPU = cpuSeconds() - c2
    printJSON([
        "bench": "model", "threads": threads, "activations": "\(activations)", "load_s": loadSeconds,
        "rss_mb": residentMegabytes(),
        "pp_tokens": promptTokens, "pp_tok_s": Double(promptTokens) / ppSeconds,
        "tg_tokens": genTokens, "tg_tok_s": Double(genTokens) / tgSeconds, "summary": model.summary,
        "pp_tok_per_cpu_s": Double(promptTokens) / ppCPU, "tg_tok_per_cpu_s": Double(genTokens) / tgCPU,
    ])
}

func benchBPE(_ args: [String]) throws {
    let tokenizer = try BPETokenizer(tiktokenFile: args[0])
    let text = try String(contentsOfFile: args[1], encoding: .utf8)
    let repeats = args.count > 2 ? Int(args[2])! : 3
    let bytes = Double(text.utf8.count)
    var best = Double.infinity
    var count = 0
    for _ in 0..<repeats {
        // A fresh tokenizer each run would time loading; clear nothing: tiktoken keeps no cache,
        // ours keeps a word cache, so the first run (cold cache) is reported separately.
        let t = now()
        count = tokenizer.encode(text).count
        best = min(best, now() - t)
    }
    let cold = try BPETokenizer(tiktokenFile: args[0])
    let t = now()
    _ = cold.encode(text)
    let coldSeconds = now() - t
    printJSON([
        "bench": "bpe", "bytes": Int(bytes), "tokens": count, "mb_s_warm": bytes / best / 1e6,
        "mb_s_cold": bytes / coldSeconds / 1e6,
    ])
}

func benchTeacher(_ args: [String]) throws {
    let teacher = LocalTeacher(modelPath: args.first ?? LlamaModel.defaultModelPath)
    let requests = [
        ChatRequest(
            model: "smollm2-135m", messages: [ChatMessage(role: "user", content: "What is the capital of France?")],
            temperature: 0, maxTokens: 40),
        ChatRequest(
            model: "smollm2-135m",
            messages: [
                ChatMessage(role: "system", content: "Answer with one word: positive or negative."),
                ChatMessage(role: "user", content: "I love this phone!"),
            ], temperature: 0, maxTokens: 5, stop: ["\n"]),
    ]
    for request in requests {
        let t = now()
        var streamed = ""
        let reply = try teacher.stream(request, onToken: { streamed += $0 }, isCancelled: { false })
        printJSON([
            "bench": "teacher", "text": reply.text, "streamed_equal": streamed == reply.text,
            "finish": reply.finishReason ?? "", "prompt_tokens": reply.usage.promptTokens,
            "completion_tokens": reply.usage.completionTokens, "seconds": now() - t,
        ])
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "model": try benchModel(Array(arguments.dropFirst()))
    case "bpe": try benchBPE(Array(arguments.dropFirst()))
    case "agree": try benchAgree(Array(arguments.dropFirst()))
    case "teacher": try benchTeacher(Array(arguments.dropFirst()))
    case "student": try benchStudent(Array(arguments.dropFirst()))
    default:
        FileHandle.standardError.write(Data("usage: fewshot-llama-bench model|bpe|teacher ...\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}

/// Labels the first `count` tweets of a CSV (`sentiment,confidence,text`) with SmolLM2 three-shot,
/// greedy, once with Float and once with 8-bit activations (two models, so neither reuses the
/// other's cache), and prints how often the labels agree and each one's wall seconds.
func benchAgree(_ args: [String]) throws {
    let models = try [ActivationFormat.float, .int8].map { a in
        let m = try LlamaModel(path: LlamaModel.defaultModelPath)
        m.threads = 2
        m.activations = a
        return m
    }
    let text = try String(contentsOfFile: args[0], encoding: .isoLatin1)
    let lines = text.split(whereSeparator: \.isNewline).dropFirst().prefix(args.count > 1 ? Int(args[1])! : 100)
    let shots: [ChatMessage] = [
        ChatMessage(
            role: "system",
            content:
                "Classify the sentiment of tweets. Answer with exactly one of: negative, neutral, positive. Reply with the label only."
        ),
        ChatMessage(role: "user", content: "Tweet: my car parked itself and I loved it\nSentiment:"),
        ChatMessage(role: "assistant", content: "positive"),
        ChatMessage(role: "user", content: "Tweet: I will never trust a car without a driver\nSentiment:"),
        ChatMessage(role: "assistant", content: "negative"),
        ChatMessage(role: "user", content: "Tweet: self-driving trucks were in the news today\nSentiment:"),
        ChatMessage(role: "assistant", content: "neutral"),
    ]
    var same = 0, n = 0
    var seconds: [String: Double] = [:]
    for line in lines {
        let tweet = String(line.split(separator: ",", maxSplits: 2).last ?? "")
        let messages = shots + [ChatMessage(role: "user", content: "Tweet: \(tweet)\nSentiment:")]
        var answers: [String] = []
        for model in models {
            let a = model.activations
            let t0 = now()
            answers.append(
                try model.generate(messages: messages, options: GenerationOptions(maxTokens: 3, temperature: 0)).text)
            seconds["\(a)", default: 0] += now() - t0
        }
        n += 1
        if answers[0] == answers[1] { same += 1 }
    }
    printJSON([
        "bench": "agree", "queries": n, "same_labels": same, "float_s": seconds["float"]!, "int8_s": seconds["int8"]!,
    ])
}
