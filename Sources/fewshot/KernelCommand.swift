import ArgumentParser
import Foundation
import JupyterKernel
import REPL
import Workbench

/// `fewshot kernel -f FILE`: the Jupyter kernel; `fewshot kernel install` / `uninstall`: its
/// kernelspec.
struct Kernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run fewshot as a Jupyter kernel, or install its kernelspec.",
        discussion: """
            Jupyter starts the kernel itself once it is installed:
              fewshot kernel install --user    then pick "fewshot" in JupyterLab or VS Code
              fewshot kernel uninstall --user
            The cells are confined as under `fewshot run` (docs/security.md): files under the
            notebook's folder and fewshot's home, teachers only at $OPENAI_BASE_URL, unless
            --allow-fs / --allow-teacher-url say otherwise. See docs/jupyter.md.
            """,
        subcommands: [KernelInstall.self, KernelUninstall.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "file"))
    var connectionFile: String?

    @Option(
        name: .customLong("allow-fs"),
        help: ArgumentHelp("Also let the cells read and write PATH (a file or folder; repeatable).", valueName: "path"))
    var allowFS: [String] = []

    @Option(
        name: .customLong("allow-teacher-url"),
        help: ArgumentHelp("Also let teachers send requests (and the API key) to this base URL (repeatable).", valueName: "url"))
    var allowTeacherURL: [String] = []

    mutating func run() throws {
        guard let connectionFile else {
            throw ValidationError("fewshot kernel needs -f CONNECTION_FILE (Jupyter passes it; see `fewshot kernel install`)")
        }
        let connection = try ConnectionInfo(file: connectionFile)
        let folder = FileManager.default.currentDirectoryPath
        let notebook = KernelCells.notebookPath(environment: ProcessInfo.processInfo.environment, folder: folder)
        let cells = try KernelCells(
            notebookPath: notebook, folder: folder,
            confinement: Confinement(allowedPaths: allowFS.map(NotebookCommand.absolute), allowedTeacherURLs: allowTeacherURL))
        let server = try KernelServer(connection: connection, cells: cells) { line in
            FileHandle.standardError.write(Data("fewshot kernel: \(line)\n".utf8))
        }
        // interrupt_mode "signal": Jupyter sends SIGINT, which stops the cell as Ctrl-C does.
        let interrupts = InterruptHandler { [cells] in cells.interrupt() }
        server.run()
        withExtendedLifetime(interrupts) {}
    }
}

/// Where `install` and `uninstall` put the kernelspec.
struct KernelLocationOptions: ParsableArguments {
    @Flag(help: "This user's Jupyter folder ($JUPYTER_DATA_DIR or ~/.local/share/jupyter).")
    var user = false

    @Option(help: ArgumentHelp("An environment's prefix (a virtualenv): PREFIX/share/jupyter.", valueName: "prefix"))
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("choose --user or --prefix, not both") }
    }

    var location: KernelSpec.Location {
        if user { return .user }
        if let prefix { return .prefix(NotebookCommand.absolute(prefix)) }
        return .system
    }
}

/// `fewshot kernel install [--user | --prefix P]`.
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the kernelspec, so Jupyter offers a fewshot kernel.",
        discussion: "Without --user or --prefix: /usr/local/share/jupyter (every user; needs root).")

    @OptionGroup var where_: KernelLocationOptions

    @Option(help: ArgumentHelp("How Jupyter interrupts a cell: message or signal.", valueName: "mode"))
    var interruptMode = "message"

    func validate() throws {
        guard ["message", "signal"].contains(interruptMode) else {
            throw ValidationError("--interrupt-mode must be message or signal")
        }
    }

    mutating func run() throws {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().path else {
            throw ValidationError("cannot tell where the fewshot executable is")
        }
        var spec = KernelSpec(executable: executable)
        spec.interruptMode = interruptMode
        let folder = try spec.install(where_.location)
        print("installed the fewshot kernelspec in \(folder.path)")
    }
}

/// `fewshot kernel uninstall [--user | --prefix P]`.
struct KernelUninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall", abstract: "Remove the kernelspec that `fewshot kernel install` wrote.")

    @OptionGroup var where_: KernelLocationOptions

    mutating func run() throws {
        if let folder = try KernelSpec.uninstall(where_.location) {
            print("removed \(folder.path)")
        } else {
            print("no fewshot kernelspec in \(KernelSpec.folder(where_.location).path)")
        }
    }
}
