import Foundation
import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

@Suite struct ConfigTests {
    static let uuidA = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let uuidB = "0f1e2d3c-4b5a-4968-8776-655443322110"

    static let config = #"""
        {
          "manifests": ["links", "/abs/more"],
          "server": "https://top.example.com/api/odag/v1",
          "variables": { "app": "top", "shared": "top" },
          "environments": {
            "dev": { "server": "http://127.0.0.1:1/api/odag/v1", "variables": { "app": "dev" } },
            "prod": { "scope": { "owners": ["CORP\\prod"] }, "prune": true, "safety": { "maxDeletes": 3 } }
          },
          "scope": { "namePrefix": "Sales ", "owners": ["CORP\\svc_odag"] },
          "prune": false,
          "safety": { "maxDeletes": 10, "maxDeletePercent": 25.5 }
        }
        """#

    static func parse(_ text: String, file: String = "deploy/odag-sync.json") -> (ProjectConfig?, [Diagnostic]) {
        let parsed = ConfigLoader.parse(Array(text.utf8), file: file)
        return (parsed.config, parsed.diagnostics)
    }

    @Test func readsEveryKey() throws {
        let (config, diagnostics) = Self.parse(Self.config)
        #expect(diagnostics.isEmpty)
        let project = try #require(config)
        #expect(project.manifests == ["links", "/abs/more"])
        #expect(project.environmentNames == ["dev", "prod"])
        #expect(project.settings.maxDeletePercent == 25.5)
    }

    @Test func pathsAreRelativeToTheConfigFolder() throws {
        let project = try #require(Self.parse(Self.config).0)
        #expect(project.manifestPaths == ["deploy/links", "/abs/more"])
        let here = try #require(Self.parse(Self.config, file: "odag-sync.json").0)
        #expect(here.manifestPaths == ["links", "/abs/more"])
        let rooted = try #require(Self.parse(#"{"manifests": ["."]}"#, file: "/etc/odag/odag-sync.json").0)
        #expect(rooted.manifestPaths == ["/etc/odag"])
    }

    @Test func environmentsOverrideTheTopLevelKeyByKey() throws {
        let project = try #require(Self.parse(Self.config).0)
        let top = try project.resolved(environment: nil)
        #expect(top.environment == nil)
        #expect(top.server == "https://top.example.com/api/odag/v1")
        #expect(top.variables == ["app": "top", "shared": "top"])
        #expect(top.scope == LinkScope(namePrefix: "Sales ", owners: ["CORP\\svc_odag"]))
        #expect(top.prune == false)
        #expect(top.safety == SafetyLimits(maxDeletes: 10, maxDeletePercent: 25.5))

        let dev = try project.resolved(environment: "dev")
        #expect(dev.environment == "dev")
        #expect(dev.server == "http://127.0.0.1:1/api/odag/v1")
        #expect(dev.variables == ["app": "dev", "shared": "top"])
        #expect(dev.configFile == "deploy/odag-sync.json")

        let prod = try project.resolved(environment: "prod")
        #expect(prod.server == "https://top.example.com/api/odag/v1")
        #expect(prod.scope == LinkScope(namePrefix: "Sales ", owners: ["CORP\\prod"]))
        #expect(prod.prune == true)
        #expect(prod.safety == SafetyLimits(maxDeletes: 3, maxDeletePercent: 25.5))
    }

    @Test func defaultsWhenNothingIsSet() throws {
        let project = try #require(Self.parse("{}").0)
        let resolved = try project.resolved(environment: nil)
        #expect(resolved.manifestPaths.isEmpty)
        #expect(resolved.scope.isUnbounded)
        #expect(resolved.prune == false)
        #expect(resolved.safety == SafetyLimits(maxDeletes: nil, maxDeletePercent: 30))
    }

    @Test func anUnknownEnvironmentListsTheKnownOnes() throws {
        let project = try #require(Self.parse(Self.config).0)
        #expect(
            throws: Diagnostic.error(
                file: "deploy/odag-sync.json", location: nil,
                #"unknown environment "prd"; known environments: "dev", "prod"; did you mean "prod"?"#)
        ) {
            try project.resolved(environment: "prd")
        }
        let empty = try #require(Self.parse("{}").0)
        #expect(throws: Diagnostic.self) { try empty.resolved(environment: "prod") }
    }

    @Test func commandLineOverridesReplaceConfigValues() throws {
        let resolved = try #require(Self.parse(Self.config).0).resolved(environment: "dev")
        let overridden = resolved.overriding(manifestPaths: ["cli"], server: "https://cli.example.com", prune: true)
        #expect(overridden.manifestPaths == ["cli"])
        #expect(overridden.server == "https://cli.example.com")
        #expect(overridden.prune)
        #expect(resolved.overriding() == resolved)
    }

    @Test func apiIsChosenPerEnvironmentOverTheTopLevel() throws {
        let project = try #require(
            Self.parse(
                #"{"api": "qseow", "environments": {"lab": {"api": "document"}, "any": {"api": "auto"}, "same": {}}}"#
            ).0)
        #expect(try project.resolved(environment: nil).api == .qseow)
        #expect(try project.resolved(environment: "lab").api == .document)
        #expect(try project.resolved(environment: "any").api == nil)
        #expect(try project.resolved(environment: "same").api == .qseow)
        #expect(try #require(Self.parse("{}").0).resolved(environment: nil).api == nil)
    }

    @Test func commandLineApiOverridesTheConfig() throws {
        let resolved = try #require(Self.parse(#"{"api": "qseow"}"#).0).resolved(environment: nil)
        #expect(resolved.overriding(api: .auto).api == nil)
        #expect(resolved.overriding(api: .document).api == .document)
        #expect(resolved.overriding(api: nil).api == .qseow)
        #expect(APIChoice(rawValue: "qseow")?.flavour == .qseow)
    }

    @Test func badApiValuesAreErrorsWithTheirPlace() {
        let (config, diagnostics) = Self.parse(
            """
            {"api": "qsoew",
             "environments": {"prod": {"api": 1}, "dev": {"api": "cloud"}}}
            """, file: "odag-sync.json")
        #expect(config != nil)
        #expect(
            diagnostics.map(\.description) == [
                #"odag-sync.json:1:9: api: unknown api "qsoew"; expected one of "document", "qseow", "auto"; did you mean "qseow"?"#,
                #"odag-sync.json:2:35: environments.prod.api: expected one of "document", "qseow", "auto", found an integer 1"#,
                #"odag-sync.json:2:54: environments.dev.api: unknown api "cloud"; expected one of "document", "qseow", "auto""#,
            ])
    }

    @Test func checksKeysAndTypesWithPositions() {
        let (config, diagnostics) = Self.parse(
            """
            {"enviroments": {}, "safety": {"maxDeletePercent": "30"},
             "scope": {"owners": "me"}, "manifests": [""], "environments": {"x": {"manifests": []}}}
            """, file: "odag-sync.json")
        #expect(config != nil)
        #expect(
            diagnostics.map(\.description) == [
                #"odag-sync.json:1:2: enviroments: unknown key "enviroments" in the config; did you mean "environments"?"#,
                #"odag-sync.json:1:52: safety.maxDeletePercent: expected a number from 0 to 100, found a string "30""#,
                #"odag-sync.json:2:22: scope.owners: expected an array of owner names, found a string "me""#,
                #"odag-sync.json:2:43: manifests[0]: the path is empty; expected a file or folder"#,
                #"odag-sync.json:2:71: environments.x.manifests: unknown key "manifests" in an environment; "#
                    + #"expected one of "server", "api", "variables", "scope", "prune", "safety""#,
            ])
    }

    @Test func syntaxErrorsArePositioned() {
        let (config, diagnostics) = Self.parse("{\n  \"prune\": true,\n}", file: "odag-sync.json")
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == ["odag-sync.json:3:1: trailing comma before '}'"])
    }

    @Test func locatesTheConfigInTheCurrentFolder() throws {
        let temporary = try TemporaryFolder(prefix: "project", files: ["odag-sync.json": "{}"])
        let folder = temporary.root
        #expect(ConfigLoader.locate(explicit: nil, currentDirectory: folder) == "odag-sync.json")
        #expect(ConfigLoader.locate(explicit: nil, currentDirectory: folder + "/missing") == nil)
        #expect(ConfigLoader.locate(explicit: "other.json", currentDirectory: folder) == "other.json")
        let missing = ConfigLoader.load(file: "other.json", currentDirectory: folder)
        #expect(missing.config == nil)
        #expect(
            missing.diagnostics.map(\.description) == [
                "other.json: no such config file; expected an odag-sync.json file"
            ])
    }
}
