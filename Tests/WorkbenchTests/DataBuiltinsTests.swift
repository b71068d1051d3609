import Foundation
import Testing

@testable import Workbench

@Suite struct DataBuiltinsTests {
    let reviews =
        #"dataset([{text: "great film", label: "positive"}, {text: "dull plot", label: "negative"}, {text: "loved it", label: "positive"}, {text: "boring", label: "negative"}])"#

    @Test func datasetPrintsSummaryAndTable() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        #expect(k.ok("print(d)") == "dataset(4 rows: text, label · negative 2, positive 2)\n")
        let table = k.ok("d")
        #expect(table.contains("│ 0 │ great film │ positive │"))
        #expect(table.contains("4 rows · label: negative 2 (50%), positive 2 (50%)"))
        #expect(
            k.ok("print(len(d.rows), d.count, d.columns, d.labels)") == "4 4 [\"text\", \"label\"] [\"positive\", \"negative\"]\n"
        )
        // len works on every object with a size, as on lists.
        #expect(k.ok("print(len(d), len(shots(d, k: 2)), len(head(d, n: 1)))") == "4 2 1\n")
        #expect(k.run("len(print)").contains("an object with a size, got function"))
    }

    @Test func saveAndLoadRoundTripThroughEveryFormat() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        for ext in ["jsonl", "csv", "json"] {
            k.ok(#"save(d, "$DIR/d.\#(ext)")"#)
            #expect(k.ok(#"print(load("$DIR/d.\#(ext)").rows == d.rows)"#) == "true\n", "format \(ext)")
        }
    }

    @Test func loadNamesTheLabelColumn() throws {
        let k = try TestWorkspace()
        try "text,sentiment\ngreat,positive\ndull,negative\n".write(
            to: k.folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        #expect(k.ok(#"print(load("$DIR/t.csv").labels)"#) == "[]\n")
        #expect(k.ok(#"print(load("$DIR/t.csv", label: "sentiment").labels)"#) == "[\"positive\", \"negative\"]\n")
        #expect(k.run(#"load("$DIR/t.csv", label: "mood")"#).contains("error: "))
    }

    @Test func splitIsStratifiedAndSeeded() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        #expect(k.ok("let p = split(d, 0.5, seed: 3)\nprint(p.train.count, p.test.count, p.train.labels)").hasPrefix("2 2 "))
        #expect(k.ok("print(split(d, 0.5, seed: 3).train.rows == split(d, 0.5, seed: 3).train.rows)") == "true\n")
        #expect(k.ok(#"print(split("a,b", ","))"#) == "[\"a\", \"b\"]\n", "the core string split still works")
    }

    @Test func badInputsAreLocatedErrors() throws {
        let k = try TestWorkspace()
        #expect(k.run(#"load("$DIR/missing.jsonl")"#).contains("error: "))
        #expect(k.run(#"dataset([1, 2])"#).contains("item 0 is a int"))
        try "{\"a\": 1}\n{oops\n".write(to: k.folder.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        #expect(k.run(#"load("$DIR/bad.jsonl")"#).contains("bad.jsonl:2:"))
    }

    @Test func exportWritesOpenAIChatLines() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        k.ok(#"export(d, "openai-chat", "$DIR/chat.jsonl", system: "Classify.")"#)
        let lines = try String(contentsOf: k.folder.appendingPathComponent("chat.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let messages = first?["messages"] as? [[String: Any]]
        #expect(messages?.map { $0["role"] as? String } == ["system", "user", "assistant"])
        #expect(messages?.last?["content"] as? String == "positive")
    }

    @Test func batchExportNamesTheModelItIsGiven() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(reviews)")
        #expect(k.run(#"export(d, "openai-batch", "$DIR/b.jsonl")"#).contains("names its model"))
        #expect(k.run(#"export(d, "openai-batch", "$DIR/b.jsonl", model: 3)"#).contains("model name or a teacher"))
        k.ok(#"export(d, "openai-batch", "$DIR/b.jsonl", model: "qwen2.5-7b")"#)
        let text = try String(contentsOf: k.folder.appendingPathComponent("b.jsonl"), encoding: .utf8)
        #expect(text.contains(#""model":"qwen2.5-7b""#) && !text.contains("gpt-4o-mini"))
    }
}
