import Foundation
import Language

/// `plot`: a line chart of numbers, drawn in the terminal and kept as SVG in the notebook.
enum PlotBuiltin {
    typealias P = BuiltinParameter

    static let builtin = Builtin(
        "plot",
        [
            P("x", .list), P("y"), P("title", .optional(.string), default: .nil), P("xlabel", .string, default: "x"),
            P("ylabel", .optional(.string), default: .nil),
        ], category: "plots",
        doc: """
            Draws a line chart: y against x, in the terminal and as an SVG kept in the notebook's
            output (and its exports). y is a list of numbers, or a record of named lists for
            several lines, each as long as x.
            Example: plot(x: [50, 100, 200], y: {generation: [0.61, 0.64, 0.70], annotation: [0.58, 0.66, 0.72]}, title: "student accuracy", xlabel: "rows", ylabel: "accuracy")
            """
    ) { args, ctx in
        let xs = try numbers(args.list("x"), "x", args)
        guard !xs.isEmpty else { throw args.error("x", "plot needs at least one point") }
        let named: [(name: String, values: [Value])]
        switch args["y"] {
        case .list(let values):
            named = [(try args.optional("ylabel").map { _ in try args.string("ylabel") } ?? "y", values.array)]
        case .record(let record):
            named = try record.fields.map { name, value in
                guard case .list(let values) = value else {
                    throw args.error("y", "the line '\(name)' must be a list, got \(value.typeName)")
                }
                return (name, values.array)
            }
        default: throw args.error("y", "y must be a list of numbers or a record of lists, got \(args["y"].typeName)")
        }
        guard !named.isEmpty else { throw args.error("y", "y has no lines to draw") }
        let series = try named.map { name, values -> Chart.Series in
            let ys = try numbers(values, "y", args, line: name)
            guard ys.count == xs.count else {
                throw args.error("y", "the line '\(name)' has \(ys.count) values for \(xs.count) x values")
            }
            return Chart.Series(name: name, points: Array(zip(xs, ys)))
        }
        let title = args.optional("title") == nil ? nil : try args.string("title")
        let chart = Chart(
            series: series, xLabel: try args.string("xlabel"),
            yLabel: args.optional("ylabel") == nil ? nil : try args.string("ylabel"),
            title: title, xTicks: xs)
        ctx.write(chart.terminal() + "\n")
        ctx.emit(.svg(chart.svg(), alt: title ?? "plot"))
        return .nil
    }

    /// The numbers of a list, or an error naming the argument (and the line) holding something else.
    private static func numbers(_ values: [Value], _ argument: String, _ args: Arguments, line: String? = nil) throws -> [Double]
    {
        try values.enumerated().map { index, value in
            switch value {
            case .int(let n): return Double(n)
            case .float(let v) where v.isFinite: return v
            default:
                let place = line.map { "the line '\($0)'" } ?? argument
                throw args.error(argument, "\(place) must hold finite numbers; item \(index) is \(value.typeName)")
            }
        }
    }
}
