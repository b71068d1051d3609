// fewshot's side of the training/generation benchmark: the same model, configs, data and
// timing rules as ../shared/bench/torch_gpt.py, printing one JSON line with the same keys.
//
//   fewshot-bench --config tiny --mode train --threads 2
//   fewshot-bench --config small --mode gen --threads 2
//   fewshot-bench --config gpt-tiny --mode finetune --epochs 3   (200 short synthetic dialogues
//       through Trainer, as the Workbench's finetune would run them)
import Foundation
import Learn
import Tensor

struct Arguments {
    var config = "tiny", mode = "train", threads = 2
    var steps: Int?, warmup: Int?, reps = 3, epochs = 3

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = args.next() {
            let value = args.next() ?? ""
            switch flag {
            case "--config": config = value
            case "--mode": mode = value
            case "--threads": threads = Int(value) ?? 2
            case "--steps": steps = Int(value)
            case "--warmup": warmup = Int(value)
            case "--reps": reps = Int(value) ?? 3
            case "--epochs": epochs = Int(value) ?? 3
            default: fatalError("unknown flag \(flag)")
            }
        }
    }
}

/// Batch sizes of torch_gpt.py's configs.
let batchSizes = ["tiny": 16, "small": 16, "gpt2": 4]

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func train(_ a: Arguments, _ cfg: GPTConfig) throws -> [String: Any] {
    let model = try GPT(config: cfg, seed: 1337)
    let b = batchSizes[a.config]!, t = cfg.context, v = cfg.vocabSize
    let opt = AdamW(model.namedParameters, learningRate: 3e-4, beta1: 0.9, beta2: 0.95, weightDecay: 0.1)
    var rng = SeededRandom(seed: 0)
    let steps = a.steps ?? ["tiny": 50, "small": 20, "gpt2": 3][a.config]!
    let warmup = a.warmup ?? ["tiny": 5, "small": 3, "gpt2": 1][a.config]!
    var times: [Double] = [], losses: [Float] = []
    for s in 0..<(warmup + steps) {
        let x = (0..<(b * t)).map { _ in rng.randint(v) }, y = (0..<(b * t)).map { _ in rng.randint(v) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let loss = try model.loss(inputs: x, targets: y, batch: b, time: t)
        model.zeroGrad()
        try loss.backward()
        opt.step()
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if s >= warmup {
            times.append(dt)
            losses.append(loss.item)
        }
    }
    let med = median(times)
    return [
        "step_s_median": med, "step_ms_all": times.map { ($0 * 10000).rounded() / 10 }, "step_s_min": times.min()!,
        "tok_per_s": Double(b * t) / med,
        "tok_per_s_best": Double(b * t) / times.min()!, "loss_first": losses.first!, "loss_last": losses.last!,
        "steps": steps, "warmup": warmup, "batch": b,
    ]
}

func generate(_ a: Arguments, _ cfg: GPTConfig) throws -> [String: Any] {
    let model = try GPT(config: cfg, seed: 1337)
    let n = cfg.context - 1
    var rates: [Double] = []
    for r in 0...a.reps {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let out = try model.generate(prompt: [0], options: GenerationOptions(maxTokens: n, stopAtEndOfText: false))
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        precondition(out.tokens.count == n)
        if r >= 1 { rates.append(Double(n) / dt) }
    }
    return [
        "gen_tokens": n, "gen_tok_per_s_median": median(rates), "gen_tok_per_s_best": rates.max()!, "reps": a.reps, "kv_cache": 1,
    ]
}

/// 200 short dialogues (about 60-90 bytes each), loss on the bot's turn only.
func finetune(_ a: Arguments, _ cfg: GPTConfig) throws -> [String: Any] {
    let model = try GPT(config: cfg, seed: 1)
    let greetings = ["hi", "hello", "hey there", "good morning", "yo", "evening"]
    let topics = ["the weather", "my cat", "dinner plans", "a good book", "the match", "work"]
    var rng = SeededRandom(seed: 3)
    let data = (0..<200).map { i in
        let g = greetings[rng.randint(greetings.count)], t = topics[rng.randint(topics.count)]
        return TokenSequence(segments: [
            ("User: \(g), can we talk about \(t)?\nBot: ", false),
            ("Sure, \(t) is a fine topic, tell me more! aha cheers #\(i % 7)\n", true),
        ])
    }
    let tokens = data.reduce(0) { $0 + $1.tokens.count }
    let trainer = Trainer(options: TrainingOptions(epochs: a.epochs, learningRate: 3e-3, batchSize: 16, validationFraction: 0.1))
    let history = try trainer.train(model, on: data)
    return [
        "dialogues": data.count, "tokens_per_epoch": tokens, "epochs": a.epochs, "seconds": history.seconds,
        "seconds_per_epoch": history.seconds / Double(a.epochs), "tok_per_s": history.tokensPerSecond,
        "loss_first": history.losses.first!, "loss_last": history.losses.last!,
        "val_losses": history.validationLosses,
    ]
}

let a = Arguments()
Parallel.threadCount = a.threads
guard let cfg = GPTConfig.preset(named: a.config) else { fatalError("unknown config \(a.config)") }
let t0 = Date()
var result: [String: Any] = [
    "impl": "fewshot", "config": a.config, "mode": a.mode, "threads": Parallel.threadCount,
    "params": try GPT(config: cfg).parameterCount,
]
switch a.mode {
case "train": result.merge(try train(a, cfg)) { $1 }
case "gen": result.merge(try generate(a, cfg)) { $1 }
case "finetune": result.merge(try finetune(a, cfg)) { $1 }
default: fatalError("unknown mode \(a.mode)")
}
result["peak_rss_mb"] = peakRSSMegabytes()
result["wall_s"] = Date().timeIntervalSince(t0)
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
