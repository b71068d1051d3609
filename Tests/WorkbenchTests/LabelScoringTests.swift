import Datasets
import Foundation
import Teacher
import Testing

@testable import Workbench

/// The arithmetic of `scoring: "likelihood"`: normalisation, calibration and the labelled row.
struct LabelScoringTests {
    let labels = ["negative", "neutral", "positive"]

    func scoring(_ normalization: LabelScoring.Normalization, calibrate: [String]? = nil) -> LabelScoring {
        LabelScoring(method: .likelihood, labels: labels, field: "label", normalization: normalization, contentFree: calibrate)
    }

    func scores(_ logprobs: [Double], tokens: [Int] = [1, 1, 1]) -> [CandidateScore] {
        zip(logprobs, tokens).map { CandidateScore(logprob: $0, tokens: $1) }
    }

    @Test func sumMeanAndMutualInformation() {
        let row = scores([log(0.2), log(0.3), log(0.5)], tokens: [1, 2, 1])
        let sum = scoring(.sum).distribution(row, empty: nil)
        #expect(zip(sum, [0.2, 0.3, 0.5]).allSatisfy { abs($0 - $1) < 1e-12 })
        // Per token: neutral's log 0.3 over two tokens.
        let mean = scoring(.mean).distribution(row, empty: nil)
        let expected = LabelScoring.softmax([log(0.2), log(0.3) / 2, log(0.5)])
        #expect(zip(mean, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(mean[1] > sum[1])
        // Mutual information: each label against its score after an empty input.
        let empty = [log(0.1), log(0.3), log(0.6)]
        let info = scoring(.mutualInformation).distribution(row, empty: empty)
        let expectedInfo = LabelScoring.softmax([log(2), log(1), log(0.5 / 0.6)])
        #expect(zip(info, expectedInfo).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(scoring(.mutualInformation).referenceInputs == [""])
    }

    /// Contextual calibration divides by the mean content-free distribution: a teacher that
    /// says "positive" 0.8 of the time to "N/A" no longer wins rows it is lukewarm about.
    @Test func calibrationDividesOutTheBias() {
        let s = scoring(.sum, calibrate: ["N/A", ""])
        let (_, bias) = s.references([
            "N/A": scores([log(0.1), log(0.1), log(0.8)]), "": scores([log(0.1), log(0.1), log(0.8)]),
        ])
        #expect(bias!.mean.map { ($0 * 1000).rounded() / 1000 } == [0.1, 0.1, 0.8])
        let probs = s.distribution(scores([log(0.25), log(0.05), log(0.7)]), empty: nil, bias: bias)
        // 0.25/0.1 : 0.05/0.1 : 0.7/0.8 = 2.5 : 0.5 : 0.875
        let total = 2.5 + 0.5 + 0.875
        #expect(zip(probs, [2.5 / total, 0.5 / total, 0.875 / total]).allSatisfy { abs($0 - $1) < 1e-12 })
        let row = s.labelledRow(Row([("text", .string("meh"))]), probs: probs)
        #expect(row["label"] == .string("negative"))
        #expect(row["confidence"]?.doubleValue == probs[0])
        guard case .record(let record)? = row["probs"] else {
            Issue.record("no probs record")
            return
        }
        #expect(Array(record.fields.keys) == labels)
        #expect(s.describe(bias!).contains(#"content-free inputs "N/A", """#))
    }

    @Test func tiesGoToTheFirstLabelAndInfinitiesStayFinite() {
        #expect(LabelScoring.best([0.4, 0.4, 0.2]) == 0)
        let flat = LabelScoring.softmax([-.infinity, -.infinity])
        #expect(flat == [0.5, 0.5])
        #expect(LabelScoring.softmax([0, -.infinity]) == [1, 0])
    }
}

/// `scoring: "likelihood"` end to end with the local teacher: rows keep a distribution that
/// replays from the recording, and the filter, evaluate and soft-label student use it.
@Suite(.enabled(if: PlanAndBudgetTests.modelInstalled, "SmolLM2 model not installed (run scripts/setup)"))
struct LabelScoringLoopTests {
    @Test func scoredRowsFilterEvaluateAndSoftStudents() throws {
        let k = try TestWorkspace()
        k.ok(
            """
            let p = prompt('Tweet: {text}\\nSentiment:', system: "Classify the sentiment of tweets.", output: ["negative", "positive"])
            let s = shots(dataset([{text: "I loved it", label: "positive"}, {text: "I hated it", label: "negative"}]), k: 2)
            let test = dataset([{text: "what a wonderful day", label: "positive"}, {text: "this is awful", label: "negative"},
                {text: "so happy with my new car", label: "positive"}])
            let d = generate(p, s, label: select(test, ["text"]), scoring: "likelihood", calibrate: ["N/A", ""], seed: 3)
            """)
        let rows = k.ok("print(d.rows)")
        #expect(rows.contains("probs: {negative: ") && rows.contains("confidence: "))
        #expect(k.ok("print(all(d.rows, fn(r) => abs(r.probs.negative + r.probs.positive - 1) < 1e-9))") == "true\n")
        #expect(k.ok("print(all(d.rows, fn(r) => r.confidence >= 0.5))") == "true\n")
        // The calibration estimate is shown, and the same call replays its recorded answers.
        let again = k.ok(
            #"print(generate(p, s, label: select(test, ["text"]), scoring: "likelihood", calibrate: ["N/A", ""]).rows)"#)
        #expect(
            again.contains("calibration: the teacher gives the content-free inputs \"N/A\", \"\"") && again.contains("replayed 5")
        )
        #expect(again.hasSuffix(rows))
        #expect(k.ok("print(report(filter(d, confidence: 1.0)))").contains("confidence < 1.0"))
        let evaluation = k.ok(
            #"let r = evaluate(teacher(), test, prompt: p, shots: s, scoring: "likelihood", calibrate: ["N/A", ""])"#)
        #expect(evaluation.contains("replayed") || evaluation.contains("evaluate"))
        #expect(k.ok("print(r.ece >= 0 and r.ece <= 1, len(r.reliability.accuracy) >= 1)") == "true true\n")
        let student = k.ok(#"print(finetune(d, model: "classifier", epochs: 2, soft: true, temperature: 2, curve: false))"#)
        #expect(student.contains("labels negative|positive"))
        // Misuse is caught where it is written.
        #expect(k.run(#"generate(p, s, n: 2, scoring: "likelihood")"#).contains("give them with label: data"))
        #expect(k.run(#"generate(p, s, label: test, scoring: "likelyhood")"#).contains("scoring must be"))
        #expect(
            k.run(#"generate(p, s, label: test, calibrate: true)"#).contains(
                "applies to scoring: \"likelihood\" or \"channel\" only"))
        #expect(k.run(#"generate(p, s, label: test, scoring: "likelihood", calibrate: [1])"#).contains("content-free inputs"))
        #expect(
            k.run(#"generate(p, s, label: test, scoring: "likelihood", normalize: "max")"#).contains("normalize must be one of"))
        let free = #"prompt('Say {text}', output: "text")"#
        #expect(k.run("generate(\(free), label: test, scoring: \"likelihood\")").contains("this prompt has none"))
        #expect(k.run(#"filter(test, confidence: 0.5)"#).contains("needs a 'confidence' column"))
        #expect(k.run(#"finetune(test, model: "classifier", soft: true)"#).contains("row 1 has none"))
        #expect(k.run(#"finetune(d, model: "classifier", temperature: 2)"#).contains("use it with soft: true"))
    }

    /// `scoring: "channel"`: one request per row and label, each scoring the row's text after
    /// the label; the rows get a distribution as with likelihood, it replays, and the options
    /// that only make sense for P(label | text) are refused where they are written.
    @Test func channelScoringRanksEachRowsTextGivenEveryLabel() throws {
        let k = try TestWorkspace()
        k.ok(
            """
            let p = prompt('Tweet: {text}\\nSentiment:', system: "Classify the sentiment of tweets.", output: ["negative", "positive"])
            let s = shots(dataset([{text: "I loved it", label: "positive"}, {text: "I hated it", label: "negative"}]), k: 2)
            let test = dataset([{text: "what a wonderful day", label: "positive"}, {text: "this is awful", label: "negative"}])
            """)
        let first = k.ok(#"let r = evaluate(teacher(), test, prompt: p, shots: s, scoring: "channel")"#)
        #expect(first.contains("4/4"), "\(first)")
        #expect(k.ok("print(r.ece >= 0 and r.ece <= 1, r.accuracy >= 0)") == "true true\n")
        let d = k.ok(#"let d = generate(p, s, label: select(test, ["text"]), scoring: "channel")"#)
        #expect(d.contains("replayed 4"), "\(d)")
        #expect(k.ok("print(all(d.rows, fn(r) => abs(r.probs.negative + r.probs.positive - 1) < 1e-9))") == "true\n")
        #expect(
            k.ok("print(map(d.rows, fn(r) => r.label))")
                == k.ok("print(map(r.examples.rows, fn(e) => e.predicted))"))
        #expect(
            k.run(#"generate(p, s, label: test, scoring: "channel", calibrate: true)"#).contains("leave calibrate: out"))
        #expect(
            k.run(#"generate(p, s, label: test, scoring: "channel", normalize: "mutual_info")"#).contains(
                "channel scoring has none"))
        #expect(k.run(#"generate(p, s, label: test, scoring: "chanel")"#).contains(#""likelihood" or "channel""#))
    }
}
