import Foundation
import ODAGCore

/// Finds, reads and checks `odag-sync.json` with the same strict reader and diagnostics as manifests.
public enum ConfigLoader {
    /// The config file's name, looked for in the current folder.
    public static let fileName = "odag-sync.json"

    /// The config file to use: `explicit` when given (even if missing, so that reading it reports that),
    /// else `odag-sync.json` when it exists in `currentDirectory`, else `nil`.
    public static func locate(explicit: String?, currentDirectory: String) -> String? {
        if let explicit { return explicit }
        let candidate = ManifestLoader.absolute(fileName, in: currentDirectory)
        return FileManager.default.fileExists(atPath: candidate) ? fileName : nil
    }

    /// Reads and checks the config `file` (relative to `currentDirectory`, or absolute). The config is
    /// returned whenever its root is an object, with the valid parts filled in, so that manifests can
    /// still be checked; `diagnostics` says what was wrong. A value that holds one of `credentials` is an error.
    public static func load(file: String, currentDirectory: String, credentials: CredentialValues = CredentialValues())
        -> (
            config: ProjectConfig?, diagnostics: [Diagnostic]
        )
    {
        let absolutePath = ManifestLoader.absolute(file, in: currentDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory), !isDirectory.boolValue
        else {
            return (nil, [.error(file: file, location: nil, "no such config file; expected an odag-sync.json file")])
        }
        guard let data = FileManager.default.contents(atPath: absolutePath) else {
            return (nil, [.error(file: file, location: nil, "the config file cannot be read")])
        }
        return parse([UInt8](data), file: file, credentials: credentials)
    }

    /// Parses and checks config text; `file` names it in diagnostics and anchors its relative paths.
    public static func parse(_ bytes: [UInt8], file: String, credentials: CredentialValues = CredentialValues()) -> (
        config: ProjectConfig?, diagnostics: [Diagnostic]
    ) {
        let document: JSONDocument
        do {
            document = try JSONParser.parseDocument(bytes)
        } catch {
            return (nil, [.error(file: file, location: error.location, error.message)])
        }
        let positions = SourcePositions(document: document)
        var checker = DocumentChecker(value: document.value, positions: positions, file: file)
        checker.diagnostics += credentials.diagnostics(in: document.value, file: file, positions: positions)
        guard let members = checker.object(document.value, at: "", expected: "a config object") else {
            return (nil, checker.diagnostics)
        }
        checker.checkKeys(members, at: "", known: ConfigSchema.rootKeys, what: "the config")
        var config = ProjectConfig(file: file)
        if let value = members["$schema"] {
            _ = checker.string(value, at: "$schema", expected: "a string (the path or URL of the schema)")
        }
        if let value = members["manifests"] {
            config.manifests = manifests(value, checker: &checker)
            config.manifestLocations = (config.manifests ?? []).indices.map { index in
                document.location(of: JSONPath.appending(index: index, to: "manifests"))
            }
        }
        config.settings = settings(members, at: "", checker: &checker)
        if let value = members["environments"],
            let environments = checker.object(value, at: "environments", expected: "an object of environments")
        {
            for (name, value) in environments {
                let path = JSONPath.appending(key: name, to: "environments")
                if name.isEmpty { checker.keyError(path, "an environment name is empty; expected a non-empty name") }
                guard let members = checker.object(value, at: path, expected: "an environment object") else { continue }
                checker.checkKeys(members, at: path, known: ConfigSchema.environmentKeys, what: "an environment")
                config.environments[name] = settings(members, at: path, checker: &checker)
            }
        }
        return (config, Diagnostic.normalized(checker.diagnostics))
    }

    private static func manifests(_ value: JSONValue, checker: inout DocumentChecker) -> [String]? {
        guard let elements = checker.array(value, at: "manifests", expected: "an array of paths") else { return nil }
        if elements.isEmpty { checker.warning("manifests", "lists no paths; no manifest will be read") }
        var paths: [String] = []
        for (index, element) in elements.enumerated() {
            let path = JSONPath.appending(index: index, to: "manifests")
            guard let text = checker.string(element, at: path, expected: "a path string") else { continue }
            if text.isEmpty {
                checker.error(path, "the path is empty; expected a file or folder")
            } else {
                paths.append(text)
            }
        }
        return paths
    }

    /// The overridable settings among `members` (the root or one environment at `path`).
    private static func settings(
        _ members: [String: JSONValue], at path: String, checker: inout DocumentChecker
    ) -> ConfigSettings {
        func child(_ key: String) -> String { JSONPath.appending(key: key, to: path) }
        var settings = ConfigSettings()
        if let value = members["server"] {
            let serverPath = child("server")
            if let text = checker.string(value, at: serverPath, expected: "a URL string") {
                if text.hasPrefix("https://") || text.hasPrefix("http://") {
                    settings.server = text
                } else {
                    checker.error(
                        serverPath,
                        "\(quoted(text, limit: 60)) is not an http(s) URL; "
                            + "expected a URL such as \"https://qlik.example.com/api/odag/v1\"")
                }
            }
        }
        if let value = members["api"] {
            let apiPath = child("api")
            let expected = "one of \(quotedList(APIChoice.names))"
            if let text = checker.string(value, at: apiPath, expected: expected) {
                if let choice = APIChoice(rawValue: text) {
                    settings.api = choice
                } else {
                    var message = "unknown api \(quoted(text, limit: 60)); expected \(expected)"
                    if let hint = KeySuggester.hint(for: text, among: APIChoice.names) { message += "; \(hint)" }
                    checker.error(apiPath, message)
                }
            }
        }
        if let value = members["variables"], let variables = checker.stringMap(value, at: child("variables")) {
            settings.variables = variables
        }
        if let value = members["scope"],
            let scope = checker.object(
                value, at: child("scope"), expected: "an object with \"namePrefix\" and \"owners\"")
        {
            checker.checkKeys(scope, at: child("scope"), known: ConfigSchema.scopeKeys, what: "scope")
            let scopePath = child("scope")
            if let prefix = scope["namePrefix"] {
                settings.namePrefix = checker.string(prefix, at: JSONPath.appending(key: "namePrefix", to: scopePath))
            }
            if let owners = scope["owners"] {
                let ownersPath = JSONPath.appending(key: "owners", to: scopePath)
                if let elements = checker.array(owners, at: ownersPath, expected: "an array of owner names") {
                    var names: [String] = []
                    for (index, element) in elements.enumerated() {
                        let elementPath = JSONPath.appending(index: index, to: ownersPath)
                        if let name = checker.string(element, at: elementPath, expected: "an owner name string") {
                            names.append(name)
                        }
                    }
                    settings.owners = names
                }
            }
        }
        if let value = members["prune"] {
            settings.prune = checker.bool(value, at: child("prune"))
        }
        if let value = members["safety"],
            let safety = checker.object(
                value, at: child("safety"), expected: "an object with \"maxDeletes\" and \"maxDeletePercent\"")
        {
            let safetyPath = child("safety")
            checker.checkKeys(safety, at: safetyPath, known: ConfigSchema.safetyKeys, what: "safety")
            if let maxDeletes = safety["maxDeletes"] {
                settings.maxDeletes = checker.nonNegativeInt(
                    maxDeletes, at: JSONPath.appending(key: "maxDeletes", to: safetyPath))
            }
            if let percent = safety["maxDeletePercent"] {
                let percentPath = JSONPath.appending(key: "maxDeletePercent", to: safetyPath)
                if let number = percent.doubleValue, number >= 0, number <= 100 {
                    settings.maxDeletePercent = number
                } else {
                    checker.error(
                        percentPath, "expected a number from 0 to 100, found \(DocumentChecker.describe(percent))")
                }
            }
        }
        return settings
    }
}
