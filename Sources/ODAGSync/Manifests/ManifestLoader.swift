import Foundation
import ODAGCore

/// Finds, reads and checks manifests (SPEC §2): every `*.json` under the given files and folders,
/// searched recursively (hidden files and folders skipped) and read in sorted path order.
///
/// Reading and checking are separate steps so that files are parsed once and checked against several
/// environments' variables.
public struct ManifestLoader: Sendable {
    /// The folder that relative paths are taken from.
    public var currentDirectory: String
    /// Files never treated as manifests (the config file, when it lies under a manifest folder), as
    /// absolute paths.
    public var excludedFiles: Set<String>

    /// Creates a loader that resolves relative paths against `currentDirectory`.
    public init(currentDirectory: String, excludedFiles: Set<String> = []) {
        self.currentDirectory = currentDirectory
        self.excludedFiles = Set(excludedFiles.map { Self.absolute($0, in: currentDirectory) })
    }

    /// Finds, reads and checks the manifests under `paths` in one step.
    public func load(
        paths: [String], resolver: VariableResolver = VariableResolver(), scope: LinkScope = LinkScope()
    ) -> ManifestLoadResult {
        let found = findFiles(paths)
        var result = Self.check(readFiles(found.files), resolver: resolver, scope: scope)
        result.diagnostics = Diagnostic.normalized(result.diagnostics + found.diagnostics)
        return result
    }

    /// The manifest files under `paths`, as display paths (the given path followed by the path found
    /// under it), in sorted order without repeats; a path that does not exist is a diagnostic.
    public func findFiles(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let manager = FileManager.default
        for path in paths {
            let absolutePath = Self.absolute(path, in: currentDirectory)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else {
                diagnostics.append(
                    .error(
                        file: path, location: nil,
                        "no such file or folder; expected a manifest or a folder of manifests"))
                continue
            }
            if isDirectory.boolValue {
                var visited: Set<String> = []
                collect(
                    folder: absolutePath, display: Self.trimmingSlashes(path), depth: 0, visited: &visited, into: &files
                )
            } else if !excludedFiles.contains(Self.standardized(absolutePath)) {
                files.append(path)
            }
        }
        var seen: Set<String> = []
        let unique = files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.filter { seen.insert($0).inserted }
        return (unique, diagnostics)
    }

    /// Reads and parses each file; a file that cannot be read or parsed carries its diagnostic.
    public func readFiles(_ files: [String]) -> [ManifestFile] {
        files.map { file in
            let absolutePath = Self.absolute(file, in: currentDirectory)
            guard let data = FileManager.default.contents(atPath: absolutePath) else {
                return ManifestFile(file: file, failure: .error(file: file, location: nil, "cannot be read"))
            }
            return ManifestFile(file: file, bytes: [UInt8](data))
        }
    }

    /// Checks parsed files with one set of variables: each link's shape, then the rules across files
    /// (unique names, unique pinned ids, names within `scope`).
    public static func check(_ files: [ManifestFile], resolver: VariableResolver, scope: LinkScope)
        -> ManifestLoadResult
    {
        var cache: [Int: ManifestChecker] = [:]
        return check(files, resolver: resolver, scope: scope, cache: &cache)
    }

    /// ``check(_:resolver:scope:)`` that reuses, from `cache`, the checks of files that use no variables
    /// (their outcome does not depend on the environment) and adds such files to it.
    static func check(
        _ files: [ManifestFile], resolver: VariableResolver, scope: LinkScope, cache: inout [Int: ManifestChecker]
    ) -> ManifestLoadResult {
        var links: [DeclaredLink] = []
        var diagnostics: [Diagnostic] = []
        var linkCount = 0
        var firstName: [String: ManifestChecker.Occurrence] = [:]
        var firstId: [String: ManifestChecker.Occurrence] = [:]
        // Most files are about the same size: reserve for all links after seeing the first file's.
        var reserved = false
        let inEnvironment = resolver.environment.map { " of environment \(quoted($0))" } ?? ""
        /// Where an occurrence was written, looked up only for a diagnostic.
        func place(_ occurrence: ManifestChecker.Occurrence) -> (file: String, location: SourceLocation?) {
            let file = files[occurrence.fileIndex]
            return (file.file, file.positions.location(of: occurrence.path))
        }
        func duplicate(
            _ occurrence: ManifestChecker.Occurrence, of first: ManifestChecker.Occurrence, _ message: String
        )
            -> Diagnostic
        {
            let (file, location) = place(occurrence)
            let (firstFile, firstLocation) = place(first)
            var where_ = firstFile
            if let firstLocation { where_ += ":\(firstLocation.line):\(firstLocation.column)" }
            return .error(
                file: file, location: location, path: occurrence.path,
                "\(message); also declared at \(where_) (\(first.path)); each link must be declared once")
        }
        for (index, file) in files.enumerated() {
            if let failure = file.failure { diagnostics.append(failure) }
            guard let value = file.value else { continue }
            let checker: ManifestChecker
            if let cached = cache[index] {
                checker = cached
            } else {
                var fresh = ManifestChecker(file: file, fileIndex: index, value: value, resolver: resolver)
                fresh.run()
                if !fresh.usesVariables { cache[index] = fresh }
                checker = fresh
            }
            if !reserved {
                reserved = true
                let estimate = checker.linkCount * files.count
                links.reserveCapacity(estimate)
                firstName.reserveCapacity(estimate)
            }
            links.append(contentsOf: checker.links)
            diagnostics.append(contentsOf: checker.diagnostics)
            linkCount += checker.linkCount
            for name in checker.names {
                if let first = firstName[name.value] {
                    diagnostics.append(
                        duplicate(name, of: first, "duplicate link name \(JSONValue.string(name.value).snippet())"))
                } else {
                    firstName[name.value] = name
                }
                if !scope.contains(name: name.value) {
                    let (file, location) = place(name)
                    diagnostics.append(
                        .error(
                            file: file, location: location, path: name.path,
                            "\(JSONValue.string(name.value).snippet()) is outside the scope\(inEnvironment); "
                                + "expected a name starting with \(quoted(scope.namePrefix ?? "")) (scope.namePrefix)"))
                }
            }
            for id in checker.ids {
                let key = id.value.lowercased()
                if let first = firstId[key] {
                    diagnostics.append(duplicate(id, of: first, "duplicate pinned id \(quoted(id.value))"))
                } else {
                    firstId[key] = id
                }
            }
        }
        return ManifestLoadResult(
            links: links, diagnostics: Diagnostic.normalized(diagnostics), fileCount: files.count, linkCount: linkCount)
    }

    private func collect(
        folder: String, display: String, depth: Int, visited: inout Set<String>, into files: inout [String]
    ) {
        // Each real folder and file is read once, so a symbolic link loop (or two links to one place)
        // neither recurses nor declares the same links twice; the depth limit is a last resort.
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard depth < 32, visited.insert(real).inserted,
            let entries = try? FileManager.default.contentsOfDirectory(atPath: folder)
        else { return }
        for entry in entries where !entry.hasPrefix(".") {
            let absolutePath = folder + "/" + entry
            let displayPath = display.isEmpty || display == "." ? entry : display + "/" + entry
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                collect(folder: absolutePath, display: displayPath, depth: depth + 1, visited: &visited, into: &files)
            } else if entry.hasSuffix(".json"), !excludedFiles.contains(Self.standardized(absolutePath)),
                visited.insert(URL(fileURLWithPath: absolutePath).resolvingSymlinksInPath().path).inserted
            {
                files.append(displayPath)
            }
        }
    }

    /// `path` made absolute against `directory`.
    static func absolute(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return standardized(path) }
        return standardized(directory + "/" + path)
    }

    /// `path` with `.` and empty components removed and `..` applied, without touching the disk.
    static func standardized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func trimmingSlashes(_ path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
