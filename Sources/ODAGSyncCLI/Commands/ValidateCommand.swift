import ODAGSync

/// `odag-sync validate`: offline checks of the config and the manifests.
struct ValidateCommand: Command {
    static let name = "validate"
    static let summary = "Check the config and manifests offline, reporting every problem at once"
    static let usage = "validate [PATHS…] [options]"
    static let discussion = """
        Reads odag-sync.json (or --config) and the manifests (PATHS, or the config's "manifests") and
        reports every problem at once as file:line:column: path: message. Without --env the manifests
        are checked against every environment of the config. Needs no server.
        Manifests are in one API flavour, "document" or "qseow" (Qlik's documented link fields): the one
        --api or the config's "api" names, else the one their link keys show; mixing them is an error.
        Warnings (such as a property key Qlik added that odag-sync does not check) are shown but do not
        fail.
        Exit codes: 0 valid (warnings allowed), 1 errors found, 64 bad usage.
        """
    static let examples = [
        "odag-sync validate",
        "odag-sync validate examples/quickstart/links",
        "odag-sync validate --env prod --output json",
        "odag-sync validate --api qseow links/",
    ]
    static let options: [OptionSpec] =
        SharedOptions.project + [
            .value("--output", "FORMAT", "text (default) or json"),
            .value(
                "--api", "FLAVOUR",
                "Check the manifests in this flavour: document, qseow or auto (default: the config's \"api\", else"
                    + " the one their link keys show)"),
        ] + SharedOptions.output

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let format = try arguments.choice("--output", ["text", "json"]) ?? "text"
        var loader = ProjectLoading.loader(arguments, context: context, credentials: CredentialValues())
        loader.everyEnvironment = true
        loader.api = try FlavourChoice.requested(arguments)
        let report = loader.load()
        if format == "json" {
            context.console.output(ValidationReportRenderer.json(report))
        } else if report.diagnostics.isEmpty {
            context.console.output(ValidationReportRenderer.text(report))
        } else {
            // Problems are messages (stderr), so a script can capture stdout and still see them.
            context.console.message(ValidationReportRenderer.text(report))
        }
        return report.isValid ? .success : .failure
    }
}
