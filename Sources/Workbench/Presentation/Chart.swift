import Foundation

/// A line chart drawn two ways from the same data: Unicode for the terminal and SVG for
/// notebook outputs and exports. `finetune`'s loss curve and the `plot` built-in draw with it.
///
/// ```swift
/// let chart = Chart(
///     series: [Chart.Series(name: "generation", points: [(50, 0.61), (100, 0.64)], dots: true)],
///     xLabel: "rows", xTicks: [50, 100])
/// print(chart.terminal())        // • marks each point, the scale on the left
/// let svg = chart.svg()          // a standalone SVG document
/// ```
public struct Chart: Sendable {
    /// One named line of points.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The points, in the order the line joins them.
        public var points: [(x: Double, y: Double)]
        /// Whether the SVG marks each point with a dot (the terminal always marks points).
        public var dots: Bool

        /// Creates a series.
        public init(name: String, points: [(x: Double, y: Double)], dots: Bool = true) {
            self.name = name
            self.points = points
            self.dots = dots
        }
    }

    /// The lines, drawn in order (a later one covers an earlier one where they meet).
    public var series: [Series]
    /// The x range drawn; by default the points' own range.
    public var xRange: (low: Double, high: Double)
    /// What the x axis counts, e.g. `"step"`.
    public var xLabel: String
    /// What the y axis measures, if worth saying.
    public var yLabel: String?
    /// A title above the chart.
    public var title: String?
    /// x values labelled under the SVG's axis.
    public var xTicks: [Double]
    /// x positions of dashed vertical lines (the epoch starts of a loss curve).
    public var markers: [Double]
    /// What the dashed lines mean, for the legend.
    public var markerLegend: String

    /// The terminal's point marks, one per series in order.
    static let marks: [Character] = ["•", "○", "×", "◆", "▲", "■"]
    /// The SVG's line colours, one per series in order.
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// Creates a chart; `xRange` defaults to the range of the points' x values.
    public init(
        series: [Series], xRange: (low: Double, high: Double)? = nil, xLabel: String, yLabel: String? = nil,
        title: String? = nil, xTicks: [Double] = [], markers: [Double] = [], markerLegend: String = ""
    ) {
        self.series = series
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        self.xRange = xRange ?? (xs.min() ?? 0, xs.max() ?? 0)
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.title = title
        self.xTicks = xTicks
        self.markers = markers
        self.markerLegend = markerLegend
    }

    /// The y range: the finite values' range, widened by 0.5 either way when it is one value.
    private var yRange: (low: Double, high: Double) {
        let values = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 1
        return high > low ? (low, high) : (low - 0.5, high + 0.5)
    }

    /// Where `v` lies between `low` and `high` (0 to 1), computed on halves so values near
    /// ±1e308 do not overflow to infinity and NaN.
    static func fraction(_ v: Double, _ low: Double, _ high: Double) -> Double {
        (v / 2 - low / 2) / (high / 2 - low / 2)
    }

    /// A grid position from a computed coordinate, 0 for NaN and clamped to Int's range.
    static func cell(_ d: Double) -> Int {
        guard !d.isNaN else { return 0 }
        return Int(max(-1e9, min(1e9, d)))
    }

    /// Whether `x` lies inside the drawn x range.
    private func inRange(_ x: Double) -> Bool { x >= xRange.low && x <= xRange.high }

    /// A Unicode chart for the terminal: `height` rows, `width` columns, each series' points
    /// with its own mark, dashed lines as `┊`, the y scale on the left and a legend below.
    public func terminal(width: Int = 60, height: Int = 10) -> String {
        let (low, high) = yRange
        let span = xRange.high - xRange.low
        var grid = Array(repeating: Array(repeating: Character(" "), count: width), count: height)
        // Multiply before dividing, so whole-number x values land exactly where integer
        // arithmetic would put them.
        func column(_ x: Double) -> Int {
            guard span > 0 else { return 0 }
            let position =
                span.isFinite
                ? (x - xRange.low) * Double(width - 1) / span
                : Chart.fraction(x, xRange.low, xRange.high) * Double(width - 1)
            return max(0, min(width - 1, Chart.cell(position)))
        }
        func row(_ y: Double) -> Int {
            let scaled = Chart.fraction(y, low, high)
            return min(height - 1, max(0, Chart.cell(((1 - scaled) * Double(height - 1)).rounded())))
        }
        for x in markers where inRange(x) {
            for r in 0..<height { grid[r][column(x)] = "┊" }
        }
        for (index, line) in series.enumerated() {
            for point in line.points where point.y.isFinite && inRange(point.x) {
                grid[row(point.y)][column(point.x)] = Self.marks[index % Self.marks.count]
            }
        }
        let labels = (0..<height).map { r -> String in
            guard r == 0 || r == height - 1 || r == height / 2 else { return "" }
            return String(format: "%.3f", high - (high - low) * Double(r) / Double(height - 1))
        }
        let labelWidth = labels.map(\.count).max() ?? 0
        var lines = title.map { [$0] } ?? []
        lines += zip(labels, grid).map { label, cells in
            String(repeating: " ", count: labelWidth - label.count) + label + " │" + String(cells)
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: width))
        var legend = "\(xLabel) \(Self.number(xRange.low))…\(Self.number(xRange.high))"
        if let yLabel { legend += "   y: \(yLabel)" }
        for (index, line) in series.enumerated() { legend += "   \(Self.marks[index % Self.marks.count]) \(line.name)" }
        if !markers.isEmpty { legend += "   ┊ \(markerLegend)" }
        lines.append(String(repeating: " ", count: labelWidth + 2) + legend)
        return lines.joined(separator: "\n")
    }

    /// The same chart as a standalone SVG document, for notebook outputs and exports.
    public func svg(width: Int = 640, height: Int = 320) -> String {
        let (low, high) = yRange
        let left = 56.0, right = 16.0, top = title == nil ? 16.0 : 32.0, bottom = 40.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let span = xRange.high - xRange.low > 0 ? xRange.high - xRange.low : 1
        func x(_ value: Double) -> Double { left + plotW * (value - xRange.low) / span }
        func y(_ value: Double) -> Double { top + plotH * (1 - (value - low) / (high - low)) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <line x1="\(f(left))" y1="\(f(top + plotH))" x2="\(f(left + plotW))" y2="\(f(top + plotH))" stroke="#444"/>
            <line x1="\(f(left))" y1="\(f(top))" x2="\(f(left))" y2="\(f(top + plotH))" stroke="#444"/>

            """
        if let title {
            svg +=
                "<text x=\"\(f(Double(width) / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(Self.escaped(title))</text>\n"
        }
        for i in 0...4 {
            let value = low + (high - low) * Double(i) / 4
            svg +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", value))</text>\n"
        }
        for tick in xTicks where inRange(tick) {
            svg +=
                "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x(tick)))\" y2=\"\(f(top + plotH + 4))\" stroke=\"#444\"/>\n"
            svg +=
                "<text x=\"\(f(x(tick)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(Self.escaped(Self.number(tick)))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        if let yLabel {
            svg +=
                "<text x=\"14\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + plotH / 2)))\">\(Self.escaped(yLabel))</text>\n"
        }
        for marker in markers where inRange(marker) {
            svg +=
                "<line x1=\"\(f(x(marker)))\" y1=\"\(f(top))\" x2=\"\(f(x(marker)))\" y2=\"\(f(top + plotH))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let finite = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let points = finite.map { "\(f(x($0.x))),\(f(y($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            guard line.dots else { continue }
            for point in finite {
                svg += "<circle cx=\"\(f(x(point.x)))\" cy=\"\(f(y(point.y)))\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
        }
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            svg +=
                "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(top + 12 + 16 * Double(index)))\" text-anchor=\"end\" fill=\"\(colour)\">\(Self.escaped(line.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// A number as an axis shows it: whole numbers without a decimal point.
    static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%g", value)
    }

    /// Text made safe inside an SVG element.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
