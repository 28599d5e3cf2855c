import ODAGCore
import Testing

@testable import ODAGSync

/// Hostile names, owners and messages through every renderer: nothing unsafe reaches the output.
@Suite struct SafeTextTests {
    typealias F = PlanFixtures

    /// One scalar of each class that must never reach a reader raw.
    static let unsafe: [(String, Unicode.Scalar)] = [
        ("NUL", "\u{0}"), ("ESC", "\u{1B}"), ("CR", "\r"), ("LF", "\n"), ("TAB", "\t"), ("US", "\u{1F}"),
        ("DEL", "\u{7F}"), ("PAD", "\u{80}"), ("CSI", "\u{9B}"), ("APC", "\u{9F}"),
        ("LRE", "\u{202A}"), ("RLE", "\u{202B}"), ("PDF", "\u{202C}"), ("LRO", "\u{202D}"), ("RLO", "\u{202E}"),
        ("LRI", "\u{2066}"), ("RLI", "\u{2067}"), ("FSI", "\u{2068}"), ("PDI", "\u{2069}"),
        ("LRM", "\u{200E}"), ("RLM", "\u{200F}"), ("ALM", "\u{061C}"),
        ("LSEP", "\u{2028}"), ("PSEP", "\u{2029}"),
        ("ZWSP", "\u{200B}"), ("ZWNJ", "\u{200C}"), ("ZWJ", "\u{200D}"), ("WJ", "\u{2060}"), ("IPS", "\u{2063}"),
        ("IPL", "\u{2064}"), ("BOM", "\u{FEFF}"),
    ]

    /// A name carrying every unsafe scalar, an OSC 52 clipboard write, a screen clear and mentions.
    static let hostile =
        "Evil \u{1B}]52;c;cm0gLXJmIH4K\u{07} \u{1B}[2J @octocat @org/team "
        + unsafe.map { "<\($0.0)\(String($0.1))>" }.joined()

    /// Whether `text` holds no unsafe scalar but line feeds.
    static func isClean(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { !SafeText.isUnsafe($0) || $0 == "\n" }
    }

    /// `markdown` without its fenced code blocks, where GitHub makes no mentions.
    static func outsideCodeBlocks(_ markdown: String) -> String {
        var inBlock = false
        var kept: [Substring] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock.toggle()
            } else if !inBlock {
                kept.append(line)
            }
        }
        return kept.joined(separator: "\n")
    }

    @Test func classifiesEveryClass() {
        for (name, scalar) in Self.unsafe {
            #expect(SafeText.isUnsafe(scalar), "\(name)")
        }
        for scalar: Unicode.Scalar in [
            "a", " ", "~", "\u{A0}", "\u{E9}", "\u{301}", "\u{2027}", "\u{202F}", "\u{1F600}",
        ] {
            #expect(!SafeText.isUnsafe(scalar), "U+\(String(scalar.value, radix: 16))")
        }
        #expect(SafeText.escaped("a\u{1B}[2Jb\u{202E}c") == #"a\u001b[2Jb\u202ec"#)
        #expect(SafeText.escaped("one\ntwo\r", keepingLineFeeds: true) == "one\ntwo\\u000d")
    }

    @Test func quotedIsSafeJSONThatReadsBack() throws {
        let literal = quoted(Self.hostile)
        #expect(Self.isClean(literal) && !literal.contains("\n"))
        #expect(try JSONParser.parse(literal) == .string(Self.hostile))
        #expect(quoted("Sales \"A\"") == #""Sales \"A\"""#)
        #expect(quoted(String(repeating: "x", count: 100), limit: 10) == "\"xxxxxxxxx…")
    }

    func hostilePlan() throws -> Plan {
        let live = [
            try F.live(1, Self.hostile, properties: ["rowEstExpr": .string(Self.hostile)], owner: Self.hostile),
            try F.live(2, "Pinned", template: F.appB, owner: Self.hostile),
            try F.live(3, "Out of scope", owner: Self.hostile + "x"),
        ]
        let desired = [
            F.desired(Self.hostile, properties: ["rowEstExpr": "new \u{202E} value"]),
            F.desired("Pinned", id: F.id(2), template: F.appC),
            F.desired("Elsewhere", id: F.id(3)),
        ]
        let scope = LinkScope(owners: [Self.hostile])
        var plan = Planner.plan(
            desired: desired, live: live + [try F.live(4, "Stray \u{1B}[31m", owner: Self.hostile)],
            options: F.options(prune: false, scope: scope))
        plan.server = "https://evil\u{1B}]0;title\u{07}.example"
        plan.errors.append(PlanError(kind: .invalidLiveLink, message: "server said \u{1B}[2J\u{9B}1m"))
        return plan
    }

    @Test func planTextMarkdownAndJSONCarryNothingUnsafe() throws {
        let plan = try hostilePlan()
        #expect(plan.errors.contains { $0.kind == .pinnedReplace })
        let text = PlanTextRenderer().render(plan)
        #expect(Self.isClean(text), "\(text)")
        #expect(text.contains(#"\u001b]52;c;"#), "the escape is shown, visibly")
        let markdown = PlanMarkdownRenderer().render(plan)
        #expect(Self.isClean(markdown), "\(markdown)")
        let prose = Self.outsideCodeBlocks(markdown)
        #expect(!prose.contains("@octocat") && !prose.contains("@org/team"), "\(markdown)")
        #expect(markdown.contains("<code>@</code>octocat"))
        #expect(markdown.contains("&#92;u202e"))
        // JSON keeps the exact text (the writer escapes C0 controls; a JSON reader gets the name back).
        #expect(try Plan(json: JSONParser.parse(plan.jsonText)) == plan)
    }

    @Test func driftTextMarkdownAndMetricsCarryNothingUnsafe() throws {
        let report = DriftReport(plan: try hostilePlan())
        #expect(Self.isClean(DriftTextRenderer().render(report)))
        let markdown = DriftMarkdownRenderer().render(report)
        #expect(Self.isClean(markdown))
        #expect(!Self.outsideCodeBlocks(markdown).contains("@octocat"))
        var plan = report.plan
        plan.environment = Self.hostile
        let metrics = DriftMetricsRenderer().render(DriftReport(plan: plan), timestamp: 0)
        #expect(Self.isClean(metrics))
        #expect(metrics.contains(#"environment="Evil \\u001b]52;c;"#), "\(metrics)")
        #expect(
            Self.isClean(DriftMetricsRenderer().renderFailure(server: Self.hostile, environment: nil, timestamp: 0)))
    }

    @Test func applyReportsAndStaleLinesCarryNothingUnsafe() throws {
        let change = PlannedChange(action: .replace, name: Self.hostile, id: "id\u{1B}[2J", before: ["name": "x\u{9B}"])
        let report = ApplyReport(
            server: Self.hostile,
            results: [
                ChangeResult(
                    change: change, outcome: .failed("server said \u{1B}]52;c;eA==\u{07}"),
                    deletedLink: ["name": .string(Self.hostile)]),
                ChangeResult(change: change, outcome: .succeeded(newId: "new\u{202E}")),
                ChangeResult(change: change, outcome: .alreadyDone(note: "note\u{2028}", newId: nil)),
                ChangeResult(change: change, outcome: .notStarted),
            ])
        for unicode in [true, false] {
            #expect(Self.isClean(ApplyReportRenderer(unicode: unicode).renderText(report)))
        }
        let live = [try F.live(1, "A", properties: ["rowEstExpr": "1"])]
        let plan = Planner.plan(
            desired: [F.desired("A", properties: ["rowEstExpr": "2"])], live: live, options: F.options())
        var changed = live
        changed[0].properties?.rowEstExpr = "\u{1B}[2J"
        changed[0].properties?.extra = ["\u{202E}key": "\u{9B}"]
        let problems = StalePlanCheck.problems(plan: plan, live: changed, scope: LinkScope())
        #expect(problems.count == 1)
        #expect(problems.allSatisfy(Self.isClean), "\(problems)")
    }

    @Test func markdownEscapesMarkupAndMentionsButNotInsideCode() {
        #expect(MarkdownText.escape("@user") == "<code>@</code>user")
        #expect(MarkdownText.escape("a@b <i>|`*_") == "a<code>@</code>b &lt;i&gt;&#124;&#96;&#42;&#95;")
        #expect(MarkdownText.code("@user") == "<code>@user</code>", "mentions are not made in code")
        #expect(MarkdownText.escape("x\u{200B}y") == "x&#92;u200by")
        #expect(MarkdownText.codeLine("+ name: \"\u{1B}[2J\"") == #"+ name: "\u001b[2J""#)
    }
}
