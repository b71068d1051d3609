import Testing

@testable import Datasets

@Suite struct ValuesTests {
    @Test func schemaUnifiesTypesAndMarksOptionalColumns() {
        let d = Dataset([["a": 1, "b": "x"], ["a": 2.5, "c": true], ["a": nil, "b": 3]])
        #expect(d.schema.names == ["a", "b", "c"])
        #expect(d.schema.columns.map(\.typeName) == ["double?", "mixed?", "bool?"])
    }

    @Test func labelColumnIsDetectedByNameAndCounted() {
        let d = Dataset([["text": "a", "label": "pos"], ["text": "b", "label": "neg"], ["text": "c", "label": "pos"]])
        #expect(d.labelColumn == "label")
        #expect(d.labelDistribution.map(\.label) == ["pos", "neg"])
        #expect(d.labelDistribution.map(\.count) == [2, 1])
        #expect(d.labels == ["pos", "neg"])
        #expect(Dataset([["text": "a"]]).labelColumn == nil)
    }

    @Test func withLabelRejectsAnUnknownColumn() throws {
        let d = Dataset([["text": "a", "sentiment": "pos"]])
        #expect(try d.withLabel("sentiment").labelDistribution.first?.label == "pos")
        #expect(throws: DatasetError.self) { try d.withLabel("nope") }
    }

    @Test func recordKeepsFieldOrderAndFlattensText() {
        var r: Row = ["z": "first", "a": ["x", 2, .record(["k": "nested"])]]
        r["m"] = "last"
        #expect(r.names == ["z", "a", "m"])
        #expect(r.text() == "first\nx\nnested\nlast")
        #expect(r.text(excluding: ["z"]) == "x\nnested\nlast")
        r["a"] = nil
        #expect(r.names == ["z", "m"])
        #expect(r.merging(["m": "new", "label": "pos"]) == ["z": "first", "m": "new", "label": "pos"])
    }

    @Test func tableShowsTypesTruncatesAndCountsLabels() {
        let long = String(repeating: "word ", count: 20)
        let d = Dataset([
            ["text": .string(long), "n": 3, "label": "pos"], ["text": "line1\nline2", "n": 12, "label": "neg"],
            ["text": "c", "n": 1, "label": "pos"],
        ])
        let lines = d.table(maxRows: 2, maxCellWidth: 12).split(separator: "\n").map(String.init)
        #expect(lines[0] == "┌───┬──────────────┬─────┬────────┐")
        #expect(lines[1] == "│ # │ text         │ n   │ label  │")
        #expect(lines[2] == "│   │ string       │ int │ string │")
        #expect(lines[4] == "│ 0 │ word word w… │   3 │ pos    │")
        #expect(lines[5] == "│ 1 │ line1⏎line2  │  12 │ neg    │")
        #expect(lines.last == "3 rows (showing the first 2) · label: pos 2 (67%), neg 1 (33%)")
        #expect(Set(lines.dropLast().map(TableRenderer.displayWidth)).count == 1)
    }

    @Test func tableMeasuresWideCharacters() {
        let d = Dataset([["text": "日本語"], ["text": "abc"]])
        let lines = d.table().split(separator: "\n").map(String.init)
        #expect(Set(lines.dropLast().map(TableRenderer.displayWidth)).count == 1)
        #expect(lines.contains("│ 0 │ 日本語 │"))
    }

    @Test func chatMessagesShowAsTurnsInACell() {
        let d = Dataset([
            [
                "messages": [
                    .record(["role": "user", "content": "hi"]), .record(["role": "assistant", "content": "aha cheers !"]),
                ]
            ]
        ])
        #expect(d.table().contains("user: hi ⏎ assistant: aha cheers !"))
    }
}
