import Foundation
import Testing

@testable import Workbench

/// `embed`, `similarity` and `nearest` in the language, on the installed all-MiniLM-L6-v2.
@Suite(.enabled(if: EmbeddingModel.isInstalled, "all-MiniLM-L6-v2 not installed (run bash scripts/setup)"))
struct EmbeddingBuiltinsTests {
    let cars =
        #"dataset([{text: "the car drives itself on the highway", label: "a"}, {text: "I baked bread this morning", label: "b"}, {text: "autonomous vehicles steer without a driver", label: "a"}, {text: "my cat sleeps all day", label: "b"}])"#

    @Test func embedGivesUnitVectorsOfTextsAndColumns() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(cars)")
        #expect(k.ok("print(embed(d))").hasPrefix("embeddings(4 texts x 384, all-MiniLM-L6-v2, unit length)"))
        #expect(
            k.ok(#"print(len(embed(["a", "b"]).vectors[1]), embed("hi").dimension, len(embed(d, on: "label")))"#) == "384 384 4\n"
        )
        k.ok(#"let v = embed("hello world").vectors[0]"#)
        let norm = k.ok("print(round(sum(map(v, fn(x) => x * x)) * 1000))")
        #expect(norm == "1000\n")
        #expect(k.run(#"embed(d, on: "body")"#).contains("the dataset has no column 'body'"))
        #expect(
            k.ok("print(map(filter(models().rows, fn(m) => m.name == \"minilm\"), fn(m) => m.parameters))") == "[\"22.6M\"]\n",
            "22,565,376 weights: all but the unused pooler")
        #expect(k.run("embed(3)").contains("must be a text, a list of texts or a dataset, got int"))
        #expect(k.run(#"embed(["a", 1])"#).contains("item 1 is a int"))
    }

    @Test func similarityRanksMeaningOverSharedWords() throws {
        let k = try TestWorkspace()
        // Paraphrases that share no content word score above a sentence that shares several.
        let out = k.ok(
            #"print(similarity("he bought a new car", "he purchased an automobile") > similarity("he bought a new car", "he bought a new cat"))"#
        )
        #expect(out == "true\n")
        #expect(k.ok(#"print(round(similarity("same text", "same text") * 1000))"#) == "1000\n")
        #expect(
            k.ok(#"print(len(similarity(embed(["a", "b", "c"]), "d")), len(similarity(["a", "b"], ["c", "d", "e"])[0]))"#)
                == "3 3\n")
        #expect(
            k.ok("print(similarity([1, 0], [0, 2]), similarity([1, 1], [2, 2]), similarity([1, 0], [-3, 0]))") == "0.0 1.0 -1.0\n"
        )
        #expect(k.run("similarity([1, 0], [1, 0, 0])").contains("cannot be compared"))
        #expect(k.run("similarity([], \"a\")").contains("is an empty list"))
        // A number past Float's range is not a vector value (it would make every score NaN).
        #expect(k.run("similarity([1e300, 1], [1, 1])").contains("must be finite numbers within Float's range"))
    }

    @Test func nearestFindsTheRowsOfTheSameMeaning() throws {
        let k = try TestWorkspace()
        k.ok("let d = \(cars)")
        k.ok(#"let n = nearest(d, "self-driving cars", k: 2)"#)
        let out = k.ok("print(map(n.rows, fn(r) => r.label), n.columns)")
        #expect(out == #"["a", "a"] ["text", "label", "similarity"]"# + "\n")
        #expect(k.run(#"nearest(d, "x", k: 0)"#).contains("error: "))
        #expect(k.run(#"nearest(d, ["x", "y"])"#).contains("nearest takes one query"))
        #expect(k.ok(#"print(len(nearest(d, "x", k: 10)))"#) == "4\n")
    }
}

/// `shots(..., measure:)`: similar and diverse shots by MiniLM embeddings, and TF-IDF by name.
@Suite(.enabled(if: EmbeddingModel.isInstalled, "all-MiniLM-L6-v2 not installed (run bash scripts/setup)"))
struct EmbeddingShotsTests {
    @Test func shotsByMeaningSayWhichMeasure() throws {
        let k = try TestWorkspace()
        k.ok(
            #"let d = dataset([{text: "the car drives itself on the highway", label: "a"}, {text: "I baked bread this morning", label: "b"}, {text: "autonomous vehicles steer without a driver", label: "a"}, {text: "my cat sleeps all day", label: "b"}])"#
        )
        k.ok(#"let p = prompt('Topic of {text}:', output: "label")"#)
        k.ok(#"let s = shots(d, k: 1, select: "similar", measure: "minilm")"#)
        #expect(k.ok("print(s)") == "shots(1 similar by all-MiniLM-L6-v2 embedding cosine from 4 rows)\n")
        // "robotaxi" shares no word with either car row; the embedding still finds one.
        let rendered = k.ok(#"print(render(p, {text: "a robotaxi picked me up"}, shots: s).messages[1].content)"#)
        #expect(rendered == "Topic of autonomous vehicles steer without a driver:\n", "\(rendered)")
        #expect(k.ok(#"print(shots(d, k: 2, select: "similar"))"#) == "shots(2 similar by TF-IDF cosine from 4 rows)\n")
        #expect(k.ok(#"print(shots(d, k: 2, select: "diverse", measure: "auto"))"#).contains("by all-MiniLM-L6-v2"))
        #expect(
            k.run(#"shots(d, k: 2, select: "similar", measure: "bert")"#).contains(
                "measure must be \"tfidf\", \"minilm\" or \"auto\""))
        #expect(k.run(#"shots(d, k: 2, select: "balanced", measure: "minilm")"#).contains("select is \"balanced\""))
    }
}
