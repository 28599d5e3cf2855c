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
    /// The project folder (the config file's folder, or the current folder without one), absolute:
    /// paths from the config and symbolic links found while searching must stay inside it (a link may
    /// also stay inside the command-line path it was found under). `nil` places no bound.
    public var projectFolder: String?
    /// How much may be read.
    public var limits: InputLimits

    /// Creates a loader that resolves relative paths against `currentDirectory`.
    public init(
        currentDirectory: String, excludedFiles: Set<String> = [], projectFolder: String? = nil,
        limits: InputLimits = .standard
    ) {
        self.currentDirectory = currentDirectory
        self.excludedFiles = Set(excludedFiles.map { Self.absolute($0, in: currentDirectory) })
        self.projectFolder = projectFolder.map { Self.realPath(Self.absolute($0, in: currentDirectory)) }
        self.limits = limits
    }

    /// Why a path could not be searched.
    enum PathProblem: Sendable, Equatable {
        /// The path does not exist.
        case missing
        /// A path from the config leads outside the project folder (to `realPath`).
        case outsideProject(realPath: String)
        /// A symbolic link found while searching leads outside the project (to `realPath`).
        case linkOutsideProject(realPath: String)
        /// More manifest files than ``InputLimits/maxFiles``.
        case tooManyFiles
        /// More entries to search than ``InputLimits/maxEntries``.
        case tooManyEntries
    }

    /// The manifest files under `paths` and what went wrong: each problem with the given path it
    /// concerns (`index` into `paths`) and the path to name (the path itself or a link under it).
    /// `fromConfig` paths must lie inside ``projectFolder``.
    func find(_ paths: [String], fromConfig: Bool) -> (
        files: [String], problems: [(index: Int, path: String, problem: PathProblem)]
    ) {
        var search = Search(limits: limits)
        var problems: [(index: Int, path: String, problem: PathProblem)] = []
        let manager = FileManager.default
        for (index, path) in paths.enumerated() {
            let absolutePath = Self.absolute(path, in: currentDirectory)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else {
                problems.append((index, path, .missing))
                continue
            }
            let real = Self.realPath(absolutePath)
            if fromConfig, let projectFolder, !Self.isInside(real, projectFolder) {
                problems.append((index, path, .outsideProject(realPath: real)))
                continue
            }
            if isDirectory.boolValue {
                search.bounds = projectFolder.map { [$0, real] } ?? []
                search.visited = []
                collect(folder: absolutePath, display: Self.trimmingSlashes(path), depth: 0, search: &search)
                problems += search.problems.map { (index, $0.path, $0.problem) }
                search.problems = []
            } else if !excludedFiles.contains(Self.standardized(absolutePath)) {
                search.files.append(path)
            }
            if search.stopped { break }
        }
        var seen: Set<String> = []
        let unique = search.files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.filter {
            seen.insert($0).inserted
        }
        return (unique, problems)
    }

    /// What a folder search has found so far.
    struct Search {
        let limits: InputLimits
        var files: [String] = []
        var problems: [(path: String, problem: PathProblem)] = []
        var visited: Set<String> = []
        var entries = 0
        var stopped = false
        /// The real folders a symbolic link may lead into.
        var bounds: [String] = []

        init(limits: InputLimits) { self.limits = limits }
    }

    /// The message for a problem with `path`.
    func message(for problem: PathProblem) -> String {
        let project = quoted(projectFolder ?? currentDirectory)
        switch problem {
        case .missing:
            return "no such file or folder; expected a manifest or a folder of manifests"
        case .outsideProject(let real):
            return "leads outside the project folder \(project) (to \(quoted(real))); the config's manifest paths "
                + "must stay inside the config file's folder (give other paths on the command line)"
        case .linkOutsideProject(let real):
            return "is a symbolic link to \(quoted(real)), outside the project folder \(project); "
                + "odag-sync does not follow links out of the project"
        case .tooManyFiles:
            return
                "holds more than \(limits.maxFiles) manifest files, the most odag-sync reads; is this the right path?"
        case .tooManyEntries:
            return "holds more than \(limits.maxEntries) files and folders, the most odag-sync searches for "
                + "manifests; is this the right path?"
        }
    }

    /// Finds, reads and checks the manifests under `paths` in one step; `flavour` is the config's `api`
    /// (`nil`: the flavour the manifests show).
    public func load(
        paths: [String], resolver: VariableResolver = VariableResolver(), scope: LinkScope = LinkScope(),
        flavour: APIFlavour? = nil
    ) -> ManifestLoadResult {
        let found = findFiles(paths)
        var result = Self.check(readFiles(found.files), resolver: resolver, scope: scope, flavour: flavour)
        result.diagnostics = Diagnostic.normalized(result.diagnostics + found.diagnostics)
        return result
    }

    /// The manifest files under `paths`, as display paths (the given path followed by the path found
    /// under it), in sorted order without repeats; a path that does not exist, a symbolic link out of the
    /// project and a search past the limits are diagnostics.
    public func findFiles(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        let found = find(paths, fromConfig: false)
        return (found.files, found.problems.map { .error(file: $0.path, location: nil, message(for: $0.problem)) })
    }

    /// Reads and parses each file; a file that cannot be read or parsed carries its diagnostic. Past
    /// ``InputLimits/maxTotalBytes`` the file that crosses the limit carries the error and no more are read.
    public func readFiles(_ files: [String]) -> [ManifestFile] {
        var total = 0
        var read: [ManifestFile] = []
        read.reserveCapacity(files.count)
        for file in files {
            let absolutePath = Self.absolute(file, in: currentDirectory)
            let size = (try? FileManager.default.attributesOfItem(atPath: absolutePath)[.size] as? Int) ?? 0
            if total + size > limits.maxTotalBytes {
                let limit = InputLimits.describe(bytes: limits.maxTotalBytes)
                read.append(
                    ManifestFile(
                        file: file,
                        failure: .error(
                            file: file, location: nil,
                            "the manifests exceed \(limit) in total, the most odag-sync reads; this file and the "
                                + "ones after it were not read")))
                break
            }
            guard let data = FileManager.default.contents(atPath: absolutePath) else {
                read.append(ManifestFile(file: file, failure: .error(file: file, location: nil, "cannot be read")))
                continue
            }
            total += data.count
            read.append(ManifestFile(file: file, bytes: [UInt8](data)))
        }
        return read
    }

    /// Checks parsed files with one set of variables: each link's shape, then the rules across files
    /// (unique names, unique pinned ids, names within `scope`, one flavour). `flavour` is the config's
    /// `api`; `nil` lets the manifests' fields tell it.
    public static func check(
        _ files: [ManifestFile], resolver: VariableResolver, scope: LinkScope, flavour: APIFlavour? = nil
    ) -> ManifestLoadResult {
        var cache: [Int: ManifestChecker] = [:]
        return check(files, resolver: resolver, scope: scope, flavour: flavour, cache: &cache)
    }

    /// ``check(_:resolver:scope:flavour:)`` that reuses, from `cache`, the checks of files that use no
    /// variables (their outcome depends on nothing but the flavour they were checked in) and adds such
    /// files to it.
    static func check(
        _ files: [ManifestFile], resolver: VariableResolver, scope: LinkScope, flavour configured: APIFlavour? = nil,
        flavourFromCommandLine: Bool = false, cache: inout [Int: ManifestChecker]
    ) -> ManifestLoadResult {
        var links: [DeclaredLink] = []
        var diagnostics: [Diagnostic] = []
        var linkCount = 0
        // Two names are duplicates only when their Unicode scalars are the same, as the planner matches them.
        var firstName: [NameKey: ManifestChecker.Occurrence] = [:]
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
        let flavours = Self.flavours(
            of: files, configured: configured, fromCommandLine: flavourFromCommandLine,
            environment: resolver.environment)
        diagnostics += flavours.diagnostics
        for (index, file) in files.enumerated() {
            if let failure = file.failure { diagnostics.append(failure) }
            guard let value = file.value else { continue }
            let fileFlavour = flavours.files[index]
            let checker: ManifestChecker
            if let cached = cache[index], cached.flavour == fileFlavour {
                checker = cached
            } else {
                var fresh = ManifestChecker(
                    file: file, fileIndex: index, value: value, resolver: resolver, flavour: fileFlavour)
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
                if let first = firstName[NameKey(name.value)] {
                    diagnostics.append(
                        duplicate(name, of: first, "duplicate link name \(quoted(name.value, limit: 60))"))
                } else {
                    firstName[NameKey(name.value)] = name
                }
                if !scope.contains(name: name.value) {
                    let (file, location) = place(name)
                    diagnostics.append(
                        .error(
                            file: file, location: location, path: name.path,
                            "\(quoted(name.value, limit: 60)) is outside the scope\(inEnvironment); "
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
            links: links, diagnostics: Diagnostic.normalized(diagnostics), fileCount: files.count, linkCount: linkCount,
            flavour: flavours.project)
    }

    /// The flavour of each file (the one its links show, else the project's, else `document`) and of the
    /// project (`configured`, by the config or `fromCommandLine`, else the one the first telling file
    /// shows), with an error for each file
    /// whose links show another flavour than the project's.
    static func flavours(
        of files: [ManifestFile], configured: APIFlavour?, fromCommandLine: Bool = false, environment: String?
    ) -> (
        project: APIFlavour?, files: [APIFlavour], diagnostics: [Diagnostic]
    ) {
        let shown = files.map { file in file.value.flatMap(ManifestChecker.shownFlavour(of:)) }
        let firstTelling = shown.indices.first { shown[$0] != nil }
        let project = configured ?? firstTelling.flatMap { shown[$0]?.flavour }
        var diagnostics: [Diagnostic] = []
        for (index, file) in files.enumerated() {
            guard let (flavour, path) = shown[index], let project, flavour != project else { continue }
            let key = path.split(separator: ".").last.map(String.init) ?? path
            var message = "this manifest is written in the \(flavour.rawValue) flavour (it has \(quoted(key))), but "
            if configured != nil, fromCommandLine {
                message += "--api is \(quoted(project.rawValue))"
            } else if configured != nil {
                let inEnvironment = environment.map { " for environment \(quoted($0))" } ?? ""
                message += "the config's \"api\" is \(quoted(project.rawValue))\(inEnvironment)"
            } else if let firstTelling {
                message += "\(files[firstTelling].file) is written in the \(project.rawValue) flavour"
            }
            message += "; a project's manifests are all in the flavour its server speaks"
            diagnostics.append(
                .error(
                    file: file.file,
                    location: file.positions.keyLocation(of: path) ?? file.positions.location(of: path),
                    path: path, message))
        }
        return (project, shown.map { $0?.flavour ?? project ?? .document }, diagnostics)
    }

    /// Files in a manifest folder that end with this are JSON Schemas (the one `export` writes beside
    /// its manifests), not manifests.
    static let schemaSuffix = ".schema.json"

    private func collect(folder: String, display: String, depth: Int, search: inout Search) {
        // Each real folder and file is read once, so a symbolic link loop (or two links to one place)
        // neither recurses nor declares the same links twice; the depth limit is a last resort.
        guard !search.stopped, depth < 32, search.visited.insert(Self.realPath(folder)).inserted,
            let entries = try? FileManager.default.contentsOfDirectory(atPath: folder)
        else { return }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            search.entries += 1
            if search.entries > limits.maxEntries {
                search.problems.append((display, .tooManyEntries))
                search.stopped = true
                return
            }
            let absolutePath = folder + "/" + entry
            let displayPath = display.isEmpty || display == "." ? entry : display + "/" + entry
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue || entry.hasSuffix(".json") else { continue }
            if !search.bounds.isEmpty, Self.isSymbolicLink(absolutePath) {
                let real = Self.realPath(absolutePath)
                guard search.bounds.contains(where: { Self.isInside(real, $0) }) else {
                    search.problems.append((displayPath, .linkOutsideProject(realPath: real)))
                    continue
                }
            }
            if isDirectory.boolValue {
                collect(folder: absolutePath, display: displayPath, depth: depth + 1, search: &search)
                if search.stopped { return }
            } else if !entry.hasSuffix(Self.schemaSuffix), !excludedFiles.contains(Self.standardized(absolutePath)),
                search.visited.insert(Self.realPath(absolutePath)).inserted
            {
                if search.files.count >= limits.maxFiles {
                    search.problems.append((display, .tooManyFiles))
                    search.stopped = true
                    return
                }
                search.files.append(displayPath)
            }
        }
    }

    /// Whether `path` itself (not what it leads to) is a symbolic link.
    static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    /// `path` with every symbolic link resolved.
    static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Whether `path` is `folder` or lies under it (both real, absolute paths).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
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
