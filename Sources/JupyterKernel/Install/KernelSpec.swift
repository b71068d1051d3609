import Foundation
import SafeFiles

/// The kernelspec that tells Jupyter how to start fewshot: a `fewshot` folder under
/// `share/jupyter/kernels` holding `kernel.json` and two logos.
///
/// ```json
/// {"argv": ["/usr/local/bin/fewshot", "kernel", "-f", "{connection_file}"],
///  "display_name": "fewshot", "language": "fewshot", "interrupt_mode": "message"}
/// ```
public struct KernelSpec {
    /// Where a kernelspec goes.
    public enum Location: Equatable {
        /// This user's Jupyter data folder: `$JUPYTER_DATA_DIR`, else `~/.local/share/jupyter`.
        case user
        /// Under an environment's prefix (a virtualenv, conda): `PREFIX/share/jupyter`.
        case prefix(String)
        /// Every user's: `/usr/local/share/jupyter` (Jupyter's default for `kernelspec install`).
        case system
    }

    /// The kernel's name in Jupyter (`jupyter kernelspec list`) and its folder's name.
    public static let name = "fewshot"

    /// The absolute path of the `fewshot` executable the kernel runs.
    public var executable: String
    /// How Jupyter interrupts a cell: `message` (an interrupt_request on the control channel)
    /// or `signal` (SIGINT); the kernel handles both.
    public var interruptMode = "message"

    /// A spec that starts `executable`.
    public init(executable: String) {
        self.executable = executable
    }

    /// The folder the spec is in, for `location`.
    public static func folder(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        switch location {
        case .user:
            if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty {
                base = URL(fileURLWithPath: data)
            } else {
                base = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(
                    ".local/share/jupyter")
            }
        case .prefix(let prefix):
            base = URL(fileURLWithPath: prefix).standardizedFileURL.appendingPathComponent("share/jupyter")
        case .system:
            base = URL(fileURLWithPath: "/usr/local/share/jupyter")
        }
        return base.appendingPathComponent("kernels").appendingPathComponent(name)
    }

    /// `kernel.json`'s text.
    public var json: String {
        let spec: [String: Any] = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": "fewshot",
            "language": "fewshot",
            "interrupt_mode": interruptMode,
            "metadata": ["debugger": false],
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes the spec into `location`'s folder (replacing an older one); returns the folder.
    @discardableResult
    public func install(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let folder = KernelSpec.folder(location, environment: environment)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try SafeFile.writeAtomically(Array(json.utf8), to: folder.appendingPathComponent("kernel.json").path)
            for size in [32, 64] {
                try SafeFile.writeAtomically(
                    KernelLogo.png(size: size), to: folder.appendingPathComponent("logo-\(size)x\(size).png").path)
            }
        } catch {
            throw KernelError("cannot write the kernelspec in \(folder.path): \(error)")
        }
        return folder
    }

    /// Removes the spec from `location`; returns the folder, or nil when none was there.
    @discardableResult
    public static func uninstall(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> URL?
    {
        let folder = KernelSpec.folder(location, environment: environment)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("kernel.json").path) else { return nil }
        do {
            try FileManager.default.removeItem(at: folder)
        } catch {
            throw KernelError("cannot remove \(folder.path): \(error)")
        }
        return folder
    }
}
