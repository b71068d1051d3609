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

    /// The chart both drawings come from: training loss as `•` (a line in the SVG), validation
    /// loss as `○` (dots), epoch starts as dashed lines.
    var chart: Chart {
        var series = [
            Chart.Series(name: "train", points: trainLoss.enumerated().map { (Double($0.offset), $0.element) }, dots: false)
        ]
        if !validationLoss.isEmpty {
            series.append(Chart.Series(name: "validation", points: validationLoss.map { (Double($0.step), $0.loss) }))
        }
        return Chart(
            series: series, xRange: (0, Double(trainLoss.count - 1)), xLabel: "step",
            markers: epochStarts.map(Double.init), markerLegend: "epoch start")
    }

    /// A Unicode chart for the terminal: `height` rows, `width` columns, training loss as `•`,
    /// validation loss as `○`, epoch boundaries as `┊`, with the loss scale on the left.
    public func terminalChart(width: Int = 60, height: Int = 10) -> String {
        trainLoss.isEmpty ? "(no steps)" : chart.terminal(width: width, height: height)
    }

    /// The same curve as a standalone SVG document, for notebook outputs and exports.
    public func svg(width: Int = 640, height: Int = 320) -> String {
        chart.svg(width: width, height: height)
    }
}
