import Foundation
import PackagePlugin

/// Records the git revision the command line is built from, for `odag-sync version`.
///
/// A prebuild command (it runs on every build) writes `BuildRevision.swift` with
/// `let buildRevision: String?`: the short commit id, `-dirty` when tracked files have changes, or
/// `nil` when the package is not a git checkout or git is missing.
@main struct GitRevisionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildRevision.swift")
        let root = context.package.directoryURL.path
        let script = """
            rev=$(git -C '\(root)' rev-parse --short=12 HEAD 2>/dev/null || true)
            if [ -n "$rev" ] && [ -n "$(git -C '\(root)' status --porcelain --untracked-files=no 2>/dev/null)" ]; then
              rev="$rev-dirty"
            fi
            if [ -n "$rev" ]; then value="\\"$rev\\""; else value=nil; fi
            printf '/// The git revision this was built from, when known.\\nlet buildRevision: String? = %s\\n' "$value" \
              > '\(output.path)'
            """
        return [
            .prebuildCommand(
                displayName: "Recording the git revision", executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script], outputFilesDirectory: context.pluginWorkDirectoryURL)
        ]
    }
}
