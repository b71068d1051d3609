import Foundation

/// A training loss curve: the loss at every step, validation loss where it was measured, and
/// the steps where each epoch began — marked, because a loss that drops at every epoch
/// boundary is the sign of a model memorising examples it has seen once.
public struct LossCurve: Sendable {
    /// Training loss per optimiser step.
    public var trainLoss: [Double]
    /// (step, loss) pairs of the validation loss.
    public var validationLoss: [(step: Int, loss: Double)]
    /// Steps at which epochs 2, 3, ... begin.
    public var epochStarts: [Int]

    /// Creates a curve.
    public init(trainLoss: [Double], validationLoss: [(step: Int, loss: Double)] = [], epochStarts: [Int] = []) {
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.epochStarts = epochStarts
    }

    private var range: (low: Double, high: Double) {
        let values = (trainLoss + validationLoss.map(\.loss)).filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 1
        return high > low ? (low, high) : (low - 0.5, high + 0.5)
    }

    /// A Unicode chart for the terminal: `height` rows, `width` columns, training loss as `•`,
    /// validation loss as `○`, epoch boundaries as `┊`, with the loss scale on the left.
    public func terminalChart(width: Int = 60, height: Int = 10) -> String {
        guard !trainLoss.isEmpty else { return "(no steps)" }
        let (low, high) = range
        var grid = Array(repeating: Array(repeating: Character(" "), count: width), count: height)
        func column(_ step: Int) -> Int {
            trainLoss.count <= 1 ? 0 : min(width - 1, step * (width - 1) / (trainLoss.count - 1))
        }
        func row(_ loss: Double) -> Int {
            let scaled = (loss - low) / (high - low)
            return min(height - 1, max(0, Int(((1 - scaled) * Double(height - 1)).rounded())))
        }
        for start in epochStarts where start < trainLoss.count {
            for r in 0..<height { grid[r][column(start)] = "┊" }
        }
        for (step, loss) in trainLoss.enumerated() where loss.isFinite { grid[row(loss)][column(step)] = "•" }
        for point in validationLoss where point.loss.isFinite && point.step < trainLoss.count {
            grid[row(point.loss)][column(point.step)] = "○"
        }
        let labels = (0..<height).map { r -> String in
            guard r == 0 || r == height - 1 || r == height / 2 else { return "" }
            return String(format: "%.3f", high - (high - low) * Double(r) / Double(height - 1))
        }
        let labelWidth = labels.map(\.count).max() ?? 0
        var lines = zip(labels, grid).map { label, cells in
            String(repeating: " ", count: labelWidth - label.count) + label + " │" + String(cells)
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: width))
        var legend = "step 0…\(trainLoss.count - 1)   • train"
        if !validationLoss.isEmpty { legend += "   ○ validation" }
        if !epochStarts.isEmpty { legend += "   ┊ epoch start" }
        lines.append(String(repeating: " ", count: labelWidth + 2) + legend)
        return lines.joined(separator: "\n")
    }

    /// The same curve as a standalone SVG document, for notebook outputs and exports.
    public func svg(width: Int = 640, height: Int = 320) -> String {
        let (low, high) = range
        let left = 56.0, right = 16.0, top = 16.0, bottom = 40.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let steps = max(trainLoss.count - 1, 1)
        func x(_ step: Int) -> Double { left + plotW * Double(step) / Double(steps) }
        func y(_ loss: Double) -> Double { top + plotH * (1 - (loss - low) / (high - low)) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <line x1="\(f(left))" y1="\(f(top + plotH))" x2="\(f(left + plotW))" y2="\(f(top + plotH))" stroke="#444"/>
            <line x1="\(f(left))" y1="\(f(top))" x2="\(f(left))" y2="\(f(top + plotH))" stroke="#444"/>

            """
        for i in 0...4 {
            let value = low + (high - low) * Double(i) / 4
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", value))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">step</text>\n"
        for start in epochStarts where start < trainLoss.count {
            svg += "<line x1=\"\(f(x(start)))\" y1=\"\(f(top))\" x2=\"\(f(x(start)))\" y2=\"\(f(top + plotH))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        let trainPoints = trainLoss.enumerated().filter { $0.element.isFinite }
            .map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(trainPoints)\"/>\n"
        if !validationLoss.isEmpty {
            let points = validationLoss.filter { $0.loss.isFinite }
                .map { "\(f(x($0.step))),\(f(y($0.loss)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            for point in validationLoss where point.loss.isFinite {
                svg += "<circle cx=\"\(f(x(point.step)))\" cy=\"\(f(y(point.loss)))\" r=\"3\" fill=\"#d62728\"/>\n"
            }
        }
        svg += "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(top + 12))\" text-anchor=\"end\" fill=\"#1f77b4\">train</text>\n"
        if !validationLoss.isEmpty {
            svg += "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(top + 28))\" text-anchor=\"end\" fill=\"#d62728\">validation</text>\n"
        }
        return svg + "</svg>\n"
    }
}
