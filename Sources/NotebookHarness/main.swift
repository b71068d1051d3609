// A helper executable for the Notebook layer's crash test and benchmark; not part of the
// product.
//
//   NotebookHarness save-loop PATH   writes PATH.a and PATH.b (two large notebooks), prints
//                                    "ready", then saves them over PATH in turn until killed
//   NotebookHarness write-loop PATH  the same, writing the notebooks' pre-encoded bytes with
//                                    AtomicFile (what save does after encoding), so that
//                                    nearly every moment of the loop is inside a write
//   NotebookHarness sidecar-loop PATH
//                                    prints "ready", then saves a notebook with a sidecar
//                                    recording that grows by one exchange each turn (turn N:
//                                    exchanges 1...N, the first cell prints "turn N")
//   NotebookHarness bench [RUNS]     times encode, parse, save and load of a 10 MB notebook
//                                    and of a 100-cell notebook (bench/notebook/run.sh)

import Notebook

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A notebook of `cells` code cells, each with a source and `outputBytes` of output text
/// that looks like what fewshot prints (tables, progress summaries, numbers).
func syntheticNotebook(cells: Int, outputBytes: Int, variant: Int) -> Notebook {
    var notebook = Notebook(
        metadata: NotebookMetadata(
            fewshotVersion: "0.1.0", teacher: TeacherConfiguration(model: "gpt-4o-mini", baseURL: "http://localhost:8080/v1")))
    for i in 0..<cells {
        if i % 10 == 0 {
            notebook.cells.append(
                Cell(id: "t\(i)", kind: .text, source: "## Step \(i / 10)\nWhat this step shows, in a sentence or two."))
        }
        var output = ""
        var row = 0
        while output.utf8.count < outputBytes {
            output +=
                "│ \(variant) │ row \(row) │ label=positive │ confidence=0.\(1000 + (row * 7919 + i) % 9000) │ «tweet text #\(row)» │\n"
            row += 1
        }
        notebook.cells.append(
            Cell(
                id: "c\(i)", kind: .code,
                source:
                    "let shots\(i) = sample(tweets, \(i + variant))\nlet model = train(student, shots\(i), epochs: 3)\nevaluate(model, test)",
                outputs: [.stream(.stdout, "epoch 3/3 loss 0.\(4000 + i) done in 1.2s\n"), .table(output)],
                executionCount: i + 1, duration: Double(i) / 1000))
    }
    return notebook
}

func fail(_ message: String) -> Never {
    fputs("NotebookHarness: \(message)\n", stderr)
    exit(1)
}

func saveLoop(_ path: String, preEncoded: Bool) {
    let a = syntheticNotebook(cells: 30, outputBytes: 40_000, variant: 1)
    let b = syntheticNotebook(cells: 30, outputBytes: 40_000, variant: 2)
    do {
        let bytes = [try a.fsnb(), try b.fsnb()]
        for (k, suffix) in [".a", ".b"].enumerated() where access(path + suffix, F_OK) != 0 {
            try AtomicFile.write(bytes[k], to: path + suffix)
        }
        try AtomicFile.write(bytes[0], to: path)
        print("ready")
        fflush(stdout)
        var turn = 0
        while true {
            turn += 1
            if preEncoded {
                try AtomicFile.write(bytes[turn % 2], to: path)
            } else {
                try (turn % 2 == 0 ? a : b).save(to: path)
            }
        }
    } catch { fail("\(error)") }
}

/// Exchange `k` of the growing recording, as the crash test expects it.
func exchange(_ k: Int) -> [UInt8] {
    Array("{\"exchange\":\(k),\"pad\":\"\(String(repeating: "x", count: 20_000))\"}\n".utf8)
}

func sidecarLoop(_ path: String) {
    var notebook = syntheticNotebook(cells: 20, outputBytes: 40_000, variant: 3)
    var recording: [UInt8] = []
    print("ready")
    fflush(stdout)
    var turn = 0
    while true {
        turn += 1
        recording += exchange(turn)
        notebook.cells[0].outputs = [.stream(.stdout, "turn \(turn)\n")]
        notebook.teacherRecording = TeacherRecording(content: recording, placement: .sidecar)
        do { try notebook.save(to: path) } catch { fail("\(error)") }
    }
}

/// The median of `runs` timings of `body`, in milliseconds.
func time(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    return samples.sorted()[samples.count / 2]
}

/// `value` with `places` decimal places (no Foundation formatting here).
func decimal(_ value: Double, _ places: Int) -> String {
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((value * Double(scale)).rounded())
    let fraction = String(scaled % scale)
    return "\(scaled / scale)." + String(repeating: "0", count: places - fraction.count) + fraction
}

func bench(runs: Int) throws {
    let directory = "/tmp/fsnb-bench-\(getpid())"
    mkdir(directory, 0o755)
    defer { system("rm -rf '\(directory)'") }
    let cases = [
        ("10 MB notebook (200 code cells, 50 KB output each)", syntheticNotebook(cells: 200, outputBytes: 50_000, variant: 1)),
        ("100-cell notebook (100 code cells, 2 KB output each)", syntheticNotebook(cells: 100, outputBytes: 2_000, variant: 1)),
    ]
    print("| notebook | size | encode | parse | save (atomic, fsync) | load (read + parse) | check's normalising (one side) |")
    print("|---|---|---|---|---|---|---|")
    for (name, notebook) in cases {
        let path = "\(directory)/bench.fsnb"
        let bytes = try notebook.fsnb()
        let encode = try time(runs) { _ = try notebook.fsnb() }
        let parse = try time(runs) { _ = try Notebook(fsnb: bytes) }
        let save = try time(runs) { try notebook.save(to: path) }
        let load = try time(runs) { _ = try Notebook.load(from: path) }
        guard try Notebook.load(from: path) == notebook else { fail("round trip changed the notebook") }
        // What `check` adds per side: progress collapsing and the normaliser on every output.
        let normalize = time(max(1, runs / 3)) {
            for cell in notebook.cells {
                for output in cell.outputs {
                    if case .stream(let stream, let text) = output {
                        _ = OutputNormalizer.standard.normalize(.stream(stream, ProgressText.collapse(text)))
                    } else {
                        _ = OutputNormalizer.standard.normalize(output)
                    }
                }
            }
        }
        print(
            "| \(name) | \(decimal(Double(bytes.count) / 1_000_000, 2)) MB | \(decimal(encode, 1)) ms | "
                + "\(decimal(parse, 1)) ms | \(decimal(save, 1)) ms | \(decimal(load, 1)) ms | \(decimal(normalize, 1)) ms |")
    }
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "save-loop" where arguments.count == 3:
    saveLoop(arguments[2], preEncoded: false)
case "write-loop" where arguments.count == 3:
    saveLoop(arguments[2], preEncoded: true)
case "sidecar-loop" where arguments.count == 3:
    sidecarLoop(arguments[2])
case "bench":
    do { try bench(runs: arguments.count > 2 ? Int(arguments[2]) ?? 9 : 9) } catch { fail("\(error)") }
default:
    fail("usage: NotebookHarness save-loop PATH | write-loop PATH | sidecar-loop PATH | bench [RUNS]")
}
