import Foundation
import SafeFiles

/// An interpreter session: the public entry point for running fewshot code.
///
/// Globals persist across `evaluate` calls, like notebook cells. Output goes to `output`.
/// Evaluation runs on a helper thread with a large stack (so deep but bounded recursion never
/// overflows the native stack); the calling thread waits for it.
///
/// ```swift
/// let session = try Session()
/// session.output = CapturingOutputSink()
/// _ = try session.evaluate("let x = 20", name: "cell-1")
/// let v = try session.evaluate("x * 2 + 2", name: "cell-2")   // .int(42)
/// ```
public final class Session: @unchecked Sendable {
    /// Settings fixed when the session is created.
    public struct Options: Sendable {
        /// Load `stdlib/prelude.shot` at start-up.
        public var loadPrelude = true
        /// Where `import "name"` finds `name.shot` (nil: search, see `Session.findStdlib`).
        public var stdlibDirectory: String?
        /// The deepest nesting of fewshot function calls.
        public var maxCallDepth = 2_000
        /// Stop any single evaluation after this many steps (calls and loop iterations).
        public var stepLimit: Int?
        /// Native stack size of the evaluation thread, in bytes.
        public var stackSize = 512 << 20

        public init() {}
    }

    let runtime = Runtime()
    let options: Options
    /// Source files by name, for rendering diagnostics later.
    private var loadedModules = Set<String>()
    public let stdlibDirectory: String?
    private var evaluationCount = 0

    /// Creates a session with the core built-ins and (by default) the prelude.
    /// Throws a `DiagnosticError` if the prelude fails to load.
    public init(options: Options = Options()) throws {
        self.options = options
        self.stdlibDirectory = options.stdlibDirectory ?? Session.findStdlib()
        runtime.maxCallDepth = options.maxCallDepth
        for b in CoreBuiltins.all { register(b) }
        if case .function(let f)? = global("range") { runtime.rangeFunction = f }
        runtime.importModule = { [unowned self] path, range in try self.importModule(path, at: range) }
        if options.loadPrelude {
            guard let dir = stdlibDirectory else {
                let f = SourceFile(name: "<prelude>", text: "")
                throw DiagnosticError([
                    Diagnostic(
                        .runtime, "cannot find stdlib/prelude.shot (set FEWSHOT_STDLIB to the stdlib folder)",
                        at: SourceRange(file: f, start: 0, end: 0))
                ])
            }
            _ = try runFile(dir + "/prelude.shot", name: "stdlib/prelude.shot")
            loadedModules.insert(dir + "/prelude.shot")
        }
    }

    // MARK: Host configuration

    /// Where `print` and built-ins send output (standard output by default).
    public var output: OutputSink {
        get { runtime.output }
        set { runtime.output = newValue }
    }

    /// The policy every file access from the language goes through (unrestricted by default).
    public var fileAccess: FileAccessPolicy {
        get { runtime.fileAccess }
        set { runtime.fileAccess = newValue }
    }

    /// Adds (or replaces) a native built-in; it becomes a global function of that name.
    public func register(_ builtin: Builtin) {
        runtime.builtins.add(builtin)
        let cell = runtime.global(builtin.name)
        cell.value = .function(Function(builtin: builtin))
        cell.isDefined = true
        cell.isConstant = false
    }

    /// All registered built-ins (for `help`, completion and generated docs).
    public var builtins: BuiltinRegistry { runtime.builtins }

    /// Names of all defined globals (variables, functions, built-ins), sorted.
    public var globalNames: [String] { runtime.definedGlobalNames.sorted() }

    /// Reads a global variable.
    public func global(_ name: String) -> Value? {
        guard let c = runtime.globals[name], c.isDefined else { return nil }
        return c.value
    }

    /// Defines or replaces a global variable (e.g. to expose a host object).
    public func setGlobal(_ name: String, _ value: Value) {
        let c = runtime.global(name)
        c.value = value
        c.isDefined = true
        c.isConstant = false
    }

    /// Asks the running evaluation to stop; it fails with an "interrupted" runtime error and
    /// the session stays usable. Safe to call from any thread (e.g. a SIGINT handler's thread).
    public func cancel() { runtime.cancelFlag.raise() }

    // MARK: Evaluating

    /// Parses and compiles without running; returns every diagnostic found (empty if fine).
    /// Compiling may create (undefined) global cells for names it mentions, nothing else.
    public func check(_ source: String, name: String) -> [Diagnostic] {
        let file = SourceFile(name: name, text: source)
        return onLargeStack {
            let (stmts, diags) = Parser.parse(file)
            if !diags.isEmpty { return diags }
            let compiler = Compiler(runtime: runtime)
            _ = compiler.compileProgram(stmts, range: SourceRange(file: file, start: 0, end: file.bytes.count))
            return compiler.diagnostics
        }
    }

    /// Whether the source stops in the middle of a construct (open bracket, string, block, or
    /// a trailing operator): a REPL should read another line and try again.
    public static func isIncomplete(_ source: String) -> Bool {
        let file = SourceFile(name: "<input>", text: source)
        return onLargeStack(size: 64 << 20) {
            Parser.parse(file).diagnostics.contains { $0.kind == .incomplete }
        }
    }

    /// Runs source text named `name` (e.g. "cell-3") and returns the value of its last
    /// expression statement (nil when it ends with a binding, loop or assignment).
    /// Throws `DiagnosticError`: compile errors (all found) or one runtime error.
    @discardableResult
    public func evaluate(_ source: String, name: String) throws -> Value {
        try evaluate(SourceFile(name: name, text: source))
    }

    /// Runs a script file from disk (read directly, not through `fileAccess`: the host chose
    /// it). Relative paths in the script resolve against its directory.
    @discardableResult
    public func runFile(_ path: String, name: String? = nil) throws -> Value {
        let data: Data
        do { data = Data(try SafeFile.read(path, limit: FileAccessPolicy.maximumTextFileBytes)) } catch {
            throw DiagnosticError([Diagnostic(.runtime, "\(error)", at: emptyRange(path))])
        }
        guard let text = String(validatingUTF8Data: data) else {
            throw DiagnosticError([Diagnostic(.syntax, "'\(path)' is not valid UTF-8 text", at: emptyRange(path))])
        }
        let shown = name ?? path
        runtime.fileDirectories[shown] = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        return try evaluate(SourceFile(name: shown, text: text))
    }

    private func emptyRange(_ name: String) -> SourceRange {
        SourceRange(file: SourceFile(name: name, text: ""), start: 0, end: 0)
    }

    /// Runs `body` on one evaluation thread (the large stack that `evaluate` needs), so that
    /// every `evaluate` inside it runs in place rather than starting a thread of its own: for
    /// running a whole notebook, where a thread per cell cost most of the time of a large one.
    public func onEvaluationThread<T>(_ body: () throws -> T) throws -> T {
        let result: Result<T, Error> = onLargeStack(size: options.stackSize) { Result { try body() } }
        return try result.get()
    }

    func evaluate(_ file: SourceFile) throws -> Value {
        let result: Result<Value, DiagnosticError> = onLargeStack(size: options.stackSize) {
            do { return .success(try evaluateHere(file)) } catch let e as DiagnosticError { return .failure(e) } catch {
                return .failure(
                    DiagnosticError([Diagnostic(.runtime, "\(error)", at: SourceRange(file: file, start: 0, end: 0))]))
            }
        }
        return try result.get()
    }

    /// Parses, compiles and runs on the current thread.
    func evaluateHere(_ file: SourceFile) throws -> Value {
        let (stmts, parseDiagnostics) = Parser.parse(file)
        if !parseDiagnostics.isEmpty { throw DiagnosticError(parseDiagnostics) }
        let compiler = Compiler(runtime: runtime)
        let whole = SourceRange(file: file, start: 0, end: file.bytes.count)
        let (body, slots) = compiler.compileProgram(stmts, range: whole)
        if !compiler.diagnostics.isEmpty { throw DiagnosticError(compiler.diagnostics) }
        let nested = runtime.callDepth > 0 || evaluationCount > 0
        evaluationCount += 1
        defer { evaluationCount -= 1 }
        if !nested {
            runtime.ticks = 0
            runtime.stepLimit = options.stepLimit ?? .max
            _ = runtime.cancelFlag.take()  // a Ctrl-C between evaluations must not stop this one
        }
        let frame = Frame.make(count: slots, parent: nil)
        do {
            let v = try body.eval(frame, runtime)
            runtime.unwind = .none
            return v
        } catch let e as RuntimeError {
            runtime.unwind = .none
            if !nested { runtime.callDepth = 0 }
            throw DiagnosticError([e.diagnostic(fallback: whole)])
        }
    }

    // MARK: Modules

    /// `import "name"`: `name.shot` in the stdlib folder, or a path relative to the importing
    /// file (read through `fileAccess`). Each module runs once per session.
    func importModule(_ path: String, at range: SourceRange) throws {
        let isPath = path.contains("/") || path.hasSuffix(".shot")
        let file = isPath ? path : path + ".shot"
        let text: String
        let full: String
        if !isPath, let dir = stdlibDirectory, FileManager.default.fileExists(atPath: dir + "/" + file) {
            full = dir + "/" + file
            if loadedModules.contains(full) { return }
            text = try runtime.fileAccess.readText(full, relativeTo: dir)
        } else {
            let base = runtime.directory(of: range.file)
            full = try runtime.fileAccess.resolve(file, mode: .read, relativeTo: base)
            if loadedModules.contains(full) { return }
            guard FileManager.default.fileExists(atPath: full) else {
                throw RuntimeError(
                    "cannot find module '\(path)'\(isPath ? "" : " (no such file next to this one or in the stdlib folder)")",
                    at: range)
            }
            text = try runtime.fileAccess.readText(full, relativeTo: base)
        }
        loadedModules.insert(full)
        let name = isPath ? path : "stdlib/\(file)"
        runtime.fileDirectories[name] = URL(fileURLWithPath: full).deletingLastPathComponent().path
        do {
            _ = try evaluateHere(SourceFile(name: name, text: text))
        } catch let e as DiagnosticError {
            // Report the module's own error, noting the import that ran it.
            var d = e.diagnostics[0]
            d.notes.append(DiagnosticNote("while importing '\(path)'", at: range))
            var r = RuntimeError(d.message, at: d.range, notes: d.notes)
            r.callStack = d.callStack
            if e.isRuntime { throw r }
            throw e
        }
    }

    /// The stdlib folder: `$FEWSHOT_STDLIB`, else a `stdlib/` next to or above the executable,
    /// else the one in the source tree this was built from.
    public static func findStdlib() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["FEWSHOT_STDLIB"] { candidates.append(env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("stdlib").path)
            dir = dir.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("stdlib").path)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/prelude.shot") }
    }
}

private final class ThreadWork {
    let stackSize: Int
    let body: () -> Void
    init(stackSize: Int, _ body: @escaping () -> Void) {
        self.stackSize = stackSize
        self.body = body
    }
}

/// Runs `body` on a new thread with a `size`-byte stack and waits for it to finish.
func onLargeStack<T>(size: Int = 512 << 20, _ body: () -> T) -> T {
    if NativeStack.isMarkedThread { return body() }  // nested evaluations (imports) run in place
    return withoutActuallyEscaping(body) { body in
        var result: T?
        let work = ThreadWork(stackSize: size) { result = body() }
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, size)
        defer { pthread_attr_destroy(&attr) }
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let context = Unmanaged.passRetained(work).toOpaque()
        let started = pthread_create(
            &thread, &attr,
            { context in
                let work = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
                NativeStack.markThread(stackSize: work.stackSize)
                work.body()
                return nil
            }, context)
        if started != 0 {
            // No thread (resource limits): run here rather than fail.
            Unmanaged<ThreadWork>.fromOpaque(context).release()
            return body()
        }
        #if canImport(Glibc)
            pthread_join(thread, nil)
        #else
            pthread_join(thread!, nil)
        #endif
        return result!
    }
}
