import Testing

@testable import ODAGSyncCLI

@Suite struct ArgumentParserTests {
    let parser = ArgumentParser(options: [
        .value("--server", "URL", "server"),
        .value("--header", "H", repeatable: true, "header"),
        .flag("--prune", "prune"),
    ])

    @Test func readsValuesInBothSpellings() throws {
        let parsed = try parser.parse([
            "links", "--server", "http://a", "--header=X: 1", "--header", "Y: 2", "--prune", "b",
        ])
        #expect(parsed.positionals == ["links", "b"])
        #expect(parsed.value("--server") == "http://a")
        #expect(parsed.all("--header") == ["X: 1", "Y: 2"])
        #expect(parsed.has("--prune"))
    }

    @Test func treatsEverythingAfterDoubleDashAsPositional() throws {
        let parsed = try parser.parse(["--", "--prune", "-x"])
        #expect(parsed.positionals == ["--prune", "-x"])
        #expect(!parsed.has("--prune"))
    }

    @Test func acceptsAValueThatLooksLikeAFlagAfterAnOption() throws {
        #expect(try parser.parse(["--server", "-"]).value("--server") == "-")
        #expect(try parser.parse(["-"]).positionals == ["-"])
    }

    @Test func recognisesHelp() throws {
        #expect(try parser.parse(["-h"]).helpRequested)
        #expect(try parser.parse(["x", "--help"]).helpRequested)
    }

    @Test func rejectsUnknownFlagsWithASuggestion() {
        #expect(throws: UsageError("unknown option \"--sever\"", hint: "did you mean \"--server\"?")) {
            try parser.parse(["--sever", "x"])
        }
        #expect(throws: UsageError("unknown option \"--zzz\"", hint: "see --help for the options")) {
            try parser.parse(["--zzz"])
        }
    }

    @Test func rejectsMisusedFlags() {
        #expect(throws: UsageError("option --server needs a value (--server URL)")) { try parser.parse(["--server"]) }
        #expect(throws: UsageError("option --server was given more than once")) {
            try parser.parse(["--server", "a", "--server=b"])
        }
        #expect(throws: UsageError("option --prune takes no value, but was given \"yes\"")) {
            try parser.parse(["--prune=yes"])
        }
    }

    @Test func checksNumbersAndChoices() throws {
        let p = ArgumentParser(options: [.value("--n", "N", "n"), .value("--output", "F", "f")])
        #expect(try p.parse(["--n", "8"]).int("--n", in: 1...64) == 8)
        #expect(throws: UsageError("option --n needs a whole number from 1 to 64, got \"0\"")) {
            try p.parse(["--n", "0"]).int("--n", in: 1...64)
        }
        #expect(
            throws: UsageError("option --output must be one of text, json, got \"jsn\"", hint: "did you mean \"json\"?")
        ) {
            try p.parse(["--output", "jsn"]).choice("--output", ["text", "json"])
        }
    }
}
