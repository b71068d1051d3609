// swift-tools-version: 6.0
// fewshot: a notebook-style REPL for few-shot learning and knowledge distillation.
//
// The layers, bottom to top (each a target; tests mirror them under Tests/):
//   CEdit, CBLAS, CCurl   thin C shims; nothing else touches C directly (CBLAS: tests and benchmarks only)
//   CZMQ                  the shim over ZeroMQ (libzmq3-dev), for the Jupyter kernel only
//   SafeFiles             reading regular files, atomic saves, plain-worded file errors, secret redaction
//   PortableMath          exp, log, tanh, sin, cos, pow and seed streams, the same bits on every machine
//   JSONText              the one JSON reader and writer (RFC 8259, ordered objects, line:col errors)
//   CKernels              the few SIMD inner loops Swift cannot compile for AVX2 (run-time checked)
//   Chat                  the one chat message type (role, content, training weight)
//   Tensor                Float32 tensors, ops, reverse-mode autograd, its own GEMM (same bits everywhere)
//   Learn                 layers, models, tokenizers, GGUF/safetensors, optimizers, training, metrics
//   Teacher               the ChatTeacher protocol, requests and responses, recording and replay, usage and budgets (no curl)
//   TeacherHTTP           the OpenAI-compatible chat client over libcurl, batch and fine-tuning jobs
//   Language              lexer, parser, diagnostics, interpreter of the fewshot DSL
//   Datasets              records, file formats, splitting, shot selection, filtering rules
//   Notebook              the .fsnb format: cells, outputs, atomic save/load, export, ipynb import
//   Workbench             the ML built-ins, binding Language to Learn, Teacher and Datasets
//   REPL                  the libedit line editor, completion, history, :commands
//   JupyterKernel         the Jupyter messaging protocol over ZeroMQ, kernelspecs
//   fewshot               the executable
import PackageDescription

let package = Package(
    name: "fewshot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fewshot", targets: ["fewshot"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C shims.
        .systemLibrary(
            name: "CEdit", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZMQ", pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]),

        // Transcendental functions from IEEE basic operations only, so every number is the same
        // on every CPU and OS (the bottom layer: no dependencies).
        .target(name: "PortableMath"),

        // The one place files are read (regular files only) and replaced atomically, and
        // where secrets are redacted from written text (no dependencies).
        .target(name: "SafeFiles"),

        // Inner loops that need AVX2/FMA, chosen per function at run time (Swift compiles for
        // baseline x86-64 and has no per-function target attribute). Optimised even in debug
        // builds: the tests run the 135M model through them. `-ffp-contract=off`: clang never
        // fuses a separate multiply and add, so the elementwise kernels match the Swift ones bit
        // for bit (explicit `_mm256_fmadd_ps` intrinsics are unaffected).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),

        // The one JSON reader and writer (RFC 8259, ordered objects, line:col errors), for the
        // language's json/parse_json, dataset files and the Jupyter export.
        .target(name: "JSONText", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),

        // The runtime and the models.
        .target(name: "Tensor", dependencies: ["CKernels", "PortableMath"]),

        // The one chat message type: a teacher's request, a dataset's messages and a chat
        // template's turns (below Learn, Teacher and Datasets, which all need it).
        .target(name: "Chat"),
        .target(
            name: "Learn",
            dependencies: [
                "Chat", "Tensor", "PortableMath", "SafeFiles", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "Teacher",
            dependencies: ["Chat", "SafeFiles", .product(name: "Crypto", package: "swift-crypto")]),
        // The HTTP client of OpenAI-compatible servers: the one part of the teachers that links libcurl.
        .target(
            name: "TeacherHTTP",
            dependencies: [
                "Chat", "CCurl", "Teacher", "PortableMath", "SafeFiles", .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // The language and the product built on it.
        .target(
            name: "Language",
            dependencies: [
                "JSONText", "PortableMath", "SafeFiles", .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        .target(
            name: "Datasets",
            dependencies: [
                "Chat", "JSONText", "PortableMath", "SafeFiles",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        .target(
            name: "Notebook",
            dependencies: ["JSONText", "SafeFiles", .product(name: "OrderedCollections", package: "swift-collections")]),
        .executableTarget(name: "NotebookHarness", dependencies: ["Notebook"]),
        .target(
            name: "Workbench",
            dependencies: [
                "Chat", "Language", "Learn", "Teacher", "TeacherHTTP", "Datasets", "Notebook", "PortableMath", "Tensor",
                "SafeFiles",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        .target(
            name: "REPL", dependencies: ["CEdit", "Language", "Notebook", "Teacher", "Workbench", "SafeFiles"],
            resources: [.copy("Tour/tour.fsnb")]),
        .target(
            name: "JupyterKernel",
            dependencies: [
                "CZMQ", "Language", "Notebook", "REPL", "SafeFiles", "Teacher", "Workbench",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "fewshot",
            dependencies: [
                "Language", "Workbench", "Notebook", "REPL", "Teacher", "JupyterKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmarks: training and generation against PyTorch (bench/train/run.sh), Tensor.matmul
        // against raw cblas_sgemm, GGUF inference and the BPE tokenizer (bench/llama/run.sh).
        .executableTarget(
            name: "fewshot-bench", dependencies: ["Learn", "Tensor"], path: "bench/train",
            exclude: ["run.sh", "summarize.py", "results"]),
        .executableTarget(name: "matmul-bench", dependencies: ["Tensor", "CBLAS"], path: "bench/tensor"),
        .executableTarget(
            name: "fewshot-llama-bench", dependencies: ["Chat", "Learn", "Teacher", "Tensor", "Workbench"],
            path: "bench/llama/Sources/fewshot-llama-bench"),

        // Tests, one target per layer, plus end-to-end tests of the real binary. TestSupport: the
        // helpers several test targets share (running the binary, the teacher fixture server).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CShimTests", dependencies: ["CBLAS", "CCurl", "CEdit"]),
        .testTarget(name: "PortableMathTests", dependencies: ["PortableMath"]),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CBLAS", "CKernels", "PortableMath"]),
        .testTarget(
            name: "LearnTests", dependencies: ["Chat", "Learn", "Tensor", "PortableMath"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TeacherTests", dependencies: ["Chat", "Teacher", "TeacherHTTP", "TestSupport", "teacher-fixture-server"]),
        .executableTarget(name: "teacher-fixture-server", path: "Tests/Fixtures/TeacherFixtureServer"),
        .executableTarget(
            name: "teacher-bench", dependencies: ["Chat", "Teacher", "TeacherHTTP"], path: "bench/teacher/TeacherBench"),
        .executableTarget(
            name: "teacher-smoke", dependencies: ["Chat", "Teacher", "TeacherHTTP"], path: "bench/teacher/TeacherSmoke"),
        .testTarget(name: "LanguageTests", dependencies: ["Language"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Chat", "Datasets"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "NotebookHarness", "SafeFiles"]),
        .testTarget(
            name: "WorkbenchTests",
            dependencies: ["Chat", "TestSupport", "Workbench", "Language", "Datasets", "Notebook", "Teacher", "TeacherHTTP"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Language", "Notebook", "Workbench"]),
        .testTarget(name: "EndToEndTests", dependencies: ["fewshot", "TestSupport"]),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "Notebook"]),
        .testTarget(
            name: "SecurityTests",
            dependencies: ["Chat", "Workbench", "Language", "Notebook", "PortableMath", "Teacher", "fewshot"],
            resources: [.copy("Hostile")]),
    ],
    swiftLanguageModes: [.v5]
)

// The interpreter's hot paths touch class fields constantly; in release builds the Language
// target skips dynamic exclusivity checks (~20% of its run time; it never overlaps accesses).
for target in package.targets where target.name == "Language" {
    target.swiftSettings = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
