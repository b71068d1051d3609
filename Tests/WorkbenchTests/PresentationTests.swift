import Foundation
import FoundationXML
import Testing

@testable import Workbench

@Suite struct TerminalSafetyTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("clear\u{1b}[2Jscreen", "clear\\u{1b}[2Jscreen"),
        ("title\u{1b}]0;pwned\u{07}", "title\\u{1b}]0;pwned\\u{7}"),
        ("line\r\nnext", "line\r\nnext"),
        ("over\rwrite", "over\\u{d}write"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("c1\u{9b}31m", "c1\\u{9b}31m"),
    ])
    func neutralizesControlSequences(input: String, expected: String) {
        #expect(TerminalSafety.neutralize(input) == expected)
    }
}

@Suite struct ProgressBarTests {
    @Test func drawsFractionRateAndETA() {
        let start = Date(timeIntervalSince1970: 0)
        let bar = ProgressBar(label: "generate", total: 200, width: 10, now: start)
        let line = bar.line(done: 50, fields: ["tokens 1200"], now: start.addingTimeInterval(10))
        #expect(line == "generate ▕██▌       ▏  25% 50/200 5.0 it/s ETA 0:30 tokens 1200")
    }

    @Test func finishedBarHasNoETA() {
        let start = Date(timeIntervalSince1970: 0)
        let bar = ProgressBar(label: "epoch 1/1", total: 4, width: 4, now: start)
        #expect(bar.line(done: 4, now: start.addingTimeInterval(2)) == "epoch 1/1 ▕████▏ 100% 4/4 2.0 it/s")
    }

    @Test func aFinalLineOfWorkStoppedEarlyHasNoETA() {
        let start = Date(timeIntervalSince1970: 0)
        let bar = ProgressBar(label: "label", total: 6, width: 4, now: start)
        let line = bar.line(done: 3, fields: ["cost $0.4560"], now: start.addingTimeInterval(1), eta: false)
        #expect(line == "label ▕██  ▏  50% 3/6 3.0 it/s cost $0.4560")
    }

    @Test func clockFormats() {
        #expect(ProgressBar.clock(5) == "0:05")
        #expect(ProgressBar.clock(3725) == "1:02:05")
    }
}

@Suite struct LossCurveTests {
    let curve = LossCurve(
        trainLoss: [3.0, 2.5, 2.0, 1.2, 1.0, 0.9, 0.4, 0.3],
        validationLoss: [(3, 1.5), (7, 1.4)], epochStarts: [3, 6])

    @Test func terminalChartMarksPointsEpochsAndScale() {
        let chart = curve.terminalChart(width: 8, height: 5)
        let lines = chart.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("3.000 │•"))
        #expect(lines[4].hasPrefix("0.300 │"))
        #expect(lines[4].hasSuffix("•"))
        #expect(chart.contains("┊"))
        #expect(chart.contains("○"))
        #expect(lines[6].contains("┊ epoch start"))
    }

    @Test func svgIsWellFormedXML() throws {
        let svg = curve.svg()
        let document = try XMLDocument(data: Data(svg.utf8))
        #expect(document.rootElement()?.name == "svg")
        #expect(svg.components(separatedBy: "stroke-dasharray").count == 3)  // two epoch lines
        #expect(svg.contains("validation"))
    }
}

@Suite struct ChartTests {
    let chart = Chart(
        series: [
            Chart.Series(name: "generation", points: [(50, 0.5), (100, 0.6), (200, 0.7), (400, 0.9)]),
            Chart.Series(name: "annotation", points: [(50, 0.6), (100, 0.5), (200, 0.8), (400, 0.7)]),
        ],
        xLabel: "rows", yLabel: "accuracy", title: "student accuracy", xTicks: [50, 100, 200, 400])

    @Test func terminalMarksEachSeriesOnItsOwnScale() {
        let lines = chart.terminal(width: 36, height: 5).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 8)  // title, 5 rows, axis, legend
        #expect(lines[0] == "student accuracy")
        #expect(lines[1] == "0.900 │" + String(repeating: " ", count: 35) + "•", "the top point sits in the last column")
        #expect(lines[5].hasPrefix("0.500 │•"), "the lowest value of the first line, at the first column")
        #expect(lines[7] == "       rows 50…400   y: accuracy   • generation   ○ annotation")
        // x = 100 lies 50/350 of the way along 35 columns: column 5.
        #expect(lines[5].dropFirst("0.500 │".count).dropFirst(5).first == "○")
    }

    @Test func svgHasTitleTicksAxisLabelsAndALineEach() throws {
        let svg = chart.svg()
        let document = try XMLDocument(data: Data(svg.utf8))
        #expect(document.rootElement()?.name == "svg")
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.components(separatedBy: "<circle").count == 9)
        for text in [">student accuracy<", ">rows<", ">accuracy<", ">400<", ">generation<", ">annotation<"] {
            #expect(svg.contains(text), "missing \(text)")
        }
    }

    @Test func textIsEscapedInSVG() throws {
        let svg = Chart(series: [Chart.Series(name: "a<b & c", points: [(0, 1), (1, 2)])], xLabel: "x").svg()
        #expect(svg.contains("a&lt;b &amp; c"))
        _ = try XMLDocument(data: Data(svg.utf8))
    }

    @Test func aSinglePointAndAFlatLineStillDraw() {
        let single = Chart(series: [Chart.Series(name: "y", points: [(3, 0.25)])], xLabel: "x").terminal(width: 10, height: 3)
        #expect(single.contains("•"))
        #expect(single.contains("x 3…3"))
    }
}

@Suite struct RowListTests {
    @Test func rowsAreNumberedFromOneWithRunsJoined() {
        #expect(RowList.describe([2, 3, 4, 5]) == "rows 3-6")
        #expect(RowList.describe([0, 2, 3, 9]) == "rows 1, 3-4, 10")
        #expect(RowList.describe([4]) == "row 5")
        #expect(RowList.describe([0, 2, 4, 6], limit: 2) == "rows 1, 3 and 2 more")
    }
}
