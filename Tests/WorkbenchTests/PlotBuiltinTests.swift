import Testing

@testable import Workbench

@Suite struct PlotBuiltinTests {
    @Test func drawsEveryLineInTheTerminalAndKeepsAnSVG() throws {
        let k = try TestWorkspace()
        let text = k.ok(
            #"plot(x: [50, 100, 200], y: {generation: [0.5, 0.6, 0.7], annotation: [0.55, 0.65, 0.6]}, title: "by rows", xlabel: "rows", ylabel: "accuracy")"#
        )
        #expect(text.hasPrefix("by rows\n0.700 │"))
        #expect(text.contains("rows 50…200   y: accuracy   • generation   ○ annotation"))
        #expect(text.hasSuffix("[svg]\n"), "the chart is kept as a plot output")
    }

    @Test func aPlainListIsOneLineNamedByItsLabel() throws {
        let k = try TestWorkspace()
        #expect(k.ok("plot(x: [1, 2, 3], y: [3, 1, 2], ylabel: \"loss\")").contains("• loss"))
        #expect(k.ok("plot(x: [1, 2], y: [1.5, 2.5])").contains("x 1…2   • y"))
    }

    @Test(arguments: [
        ("plot(x: [1, 2], y: [1])", "the line 'y' has 1 values for 2 x values"),
        ("plot(x: [1, 2], y: {a: [1, 2], b: [1, 2, 3]})", "the line 'b' has 3 values for 2 x values"),
        ("plot(x: [1, \"two\"], y: [1, 2])", "x must hold finite numbers; item 1 is string"),
        ("plot(x: [1, 2], y: {a: [1, nil]})", "the line 'a' must hold finite numbers; item 1 is nil"),
        ("plot(x: [1, 2], y: {a: 3})", "the line 'a' must be a list, got int"),
        ("plot(x: [], y: [])", "plot needs at least one point"),
        ("plot(x: [1], y: \"up\")", "y must be a list of numbers or a record of lists, got string"),
        ("plot(x: [1], y: {})", "y has no lines to draw"),
    ])
    func badInputIsExplained(code: String, message: String) throws {
        let text = try TestWorkspace().run(code)
        #expect(text.contains("error: "), "\(text)")
        #expect(text.contains(message), "\(text)")
    }
}
