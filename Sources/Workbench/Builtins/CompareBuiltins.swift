import Datasets
import Foundation
import Language
import Learn
import OrderedCollections
import Teacher

/// `compare` (McNemar's paired test on two evaluations of the same rows) and `examples`.
extension EvaluateBuiltins {
    static let compare = Builtin(
        "compare", [P("first", .host("evaluation")), P("second", .host("evaluation"))], category: "loop",
        doc: """
            Puts two evaluations of the same rows side by side and tests whether they really
            differ (McNemar's paired test on which rows each got right).
            Example: compare(evaluate(student, test), evaluate(teacher(), test, prompt: p, shots: 3, pool: train))
            """
    ) { args, ctx in
        let a = try args.host("first", as: EvaluationObject.self), b = try args.host("second", as: EvaluationObject.self)
        guard a.correct.count == b.correct.count, !a.correct.isEmpty else {
            throw args.error("second", "the two evaluations must score the same rows (\(a.correct.count) vs \(b.correct.count))")
        }
        let test = Intervals.mcnemar(correctA: a.correct, correctB: b.correct)
        var lines = ["A: \(a.title)", "B: \(b.title)"]
        for name in OrderedSet(a.metrics.keys).union(b.metrics.keys) {
            let left = a.metrics[name].map(EvaluationObject.format) ?? "-",
                right = b.metrics[name].map(EvaluationObject.format) ?? "-"
            lines.append("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) A \(left)   B \(right)")
        }
        let accuracyA = Intervals.bootstrap95(a.correct.map { $0 ? 1 : 0 }),
            accuracyB = Intervals.bootstrap95(b.correct.map { $0 ? 1 : 0 })
        lines.append(
            String(
                format: "right      A %.3f [%.3f, %.3f]   B %.3f [%.3f, %.3f] (bootstrap 95%%)",
                accuracyA.value, accuracyA.low, accuracyA.high, accuracyB.value, accuracyB.low, accuracyB.high))
        lines.append(
            String(
                format: "McNemar: only A right on %d rows, only B right on %d, p = %.4f%@", test.onlyA, test.onlyB, test.pValue,
                test.pValue < 0.05 ? " (a real difference at the 5% level)" : " (not significant at the 5% level)"))
        ctx.write(lines.joined(separator: "\n") + "\n")
        var result = Record()
        result["only_first"] = .int(test.onlyA)
        result["only_second"] = .int(test.onlyB)
        result["p_value"] = .float(test.pValue)
        return .record(result)
    }

    static let examples = Builtin(
        "examples", [P("result", .host("evaluation"))], category: "loop",
        doc: """
            The per-example results of an evaluation, as a dataset (input, expected, predicted,
            correct), to read the mistakes or save them.
            Example: filter(examples(r), where: fn(e) => not e.correct)
            """
    ) { args, _ in
        .host(DatasetObject(try args.host("result", as: EvaluationObject.self).examples))
    }
}
