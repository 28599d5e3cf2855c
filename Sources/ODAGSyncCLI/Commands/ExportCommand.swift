import Foundation
import ODAGCore
import ODAGSync

/// `odag-sync export`: writes manifests from the live links.
struct ExportCommand: Command {
    static let name = "export"
    static let summary = "Write manifests from the live links (to adopt an existing server)"
    static let usage = "export [--out DIR|-] [--schema-ref REF] [options]"
    static let discussion = """
        Reads the live links in scope and writes one manifest per link into DIR (created when missing;
        files of the same name are overwritten), or all of them as one manifest to standard output with
        "--out -" (the default). The manifests validate and plan to no changes against the same server.
        Links whose name is shared by another link (the same Unicode scalars) cannot be declared by name and
        are skipped with an error.
        Each manifest written into DIR starts with "$schema": "odag-links.schema.json" (in the qseow
        flavour "odag-links-qseow.schema.json"), and the schema is written beside them, so an editor
        validates the files in your repository. --schema-ref REF writes
        REF as "$schema" instead (a path relative to the manifests, or a URL) and no schema file; with
        "--out -" only --schema-ref adds a "$schema" line.
        The links are read in the flavour --api or "api" in the config names, else the one recognised
        from them (when they cannot tell, export says so and reads them in the document flavour).
        qseow manifests state what a user declares (bindings by templateAppVarName, selectAppParamType
        and selectAppParamName; properties without the read-only streamName and sheetName); retired
        (decommissioned) links are not exported. Qlik never returns a link's selection app, so the
        manifests have no "selectionApp": add it before a link has to be created again (a note says so).
        Exit codes: 0 ok, 1 error or links skipped, 3 refused (credentials for a server only the config
        names), 64 bad usage.
        """
    static let examples = [
        "odag-sync export --env prod --out links/",
        "# manifests that point at a schema the repository already keeps",
        "odag-sync export --env prod --out links/ --schema-ref ../schemas/odag-links.schema.json",
        "odag-sync export --emulator /tmp/odag-state.json --out - > all-links.json",
    ]
    static let options: [OptionSpec] =
        SharedOptions.project + SharedOptions.connection + [
            .value("--out", "DIR|-", "The folder to write manifests into, or - for standard output (default)"),
            .value(
                "--schema-ref", "REF",
                "The manifests' \"$schema\" (default: odag-links.schema.json, written beside them)"),
        ] + SharedOptions.output

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        if let extra = arguments.positionals.first {
            throw CommandError.usage(UsageError("export takes no paths, got \(quoted(extra)); use --out DIR"))
        }
        let options = try ConnectionOptions(arguments, context: context)
        let config = try ProjectLoading.config(arguments, context: context, credentials: options.credentials)
        let connection = try ServerConnection.open(options, config: config, context: context)
        defer { connection.close() }
        let read = try await PlanMaking.readLive(
            connection, configured: config.api, named: FlavourChoice.named(arguments), written: nil, purpose: .reading,
            context: context)
        let live = read.links
        let out = arguments.value("--out") ?? "-"
        let schemaReference = arguments.value("--schema-ref")
        if out == "-" {
            let result = Exporter.export(live, scope: config.scope, flavour: read.api)
            context.console.output(Exporter.combined(result, schemaReference: schemaReference).text)
            return report(result, context: context)
        }
        let schemaFile = read.api == .qseow ? QseowManifestJSONSchema.fileName : ManifestJSONSchema.fileName
        let result = Exporter.export(
            live, scope: config.scope, schemaReference: schemaReference ?? schemaFile, flavour: read.api)
        let folder = absolutePath(out, context)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandError.failed("cannot create the folder \(quoted(out)): \(error.localizedDescription)")
        }
        for manifest in result.manifests {
            try PlanMaking.write(
                manifest.text, to: (folder as NSString).appendingPathComponent(manifest.fileName), context: context)
        }
        if schemaReference == nil {
            let schema = read.api == .qseow ? QseowManifestJSONSchema.text : ManifestJSONSchema.text
            try PlanMaking.write(schema, to: (folder as NSString).appendingPathComponent(schemaFile), context: context)
        }
        context.console.info("Exported \(result.manifests.count) link(s) to \(out).")
        return report(result, context: context)
    }

    /// Names each link that was not exported and says each note (even with --quiet: they say what the
    /// manifests lack); the exit code.
    static func report(_ result: Exporter.Result, context: CommandContext) -> ExitCode {
        for note in result.notes { context.console.message("note: \(note)\n") }
        for reason in result.skipped { context.console.error("not exported: \(reason)") }
        return result.skipped.isEmpty ? .success : .failure
    }
}
