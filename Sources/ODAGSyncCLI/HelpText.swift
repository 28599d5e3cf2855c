import ODAGCore

/// The text of `odag-sync help` and of each command's `--help`.
enum HelpText {
    static func overview() -> String {
        let width = CommandLineTool.commands.map { $0.name.count }.max() ?? 8
        var text = """
            odag-sync: manage Qlik Sense ODAG navigation links from JSON manifests in git.

            Usage: odag-sync <command> [options]

            Commands:

            """
        for command in CommandLineTool.commands {
            text +=
                "  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += """

            Run "odag-sync help <command>" or "odag-sync <command> --help" for a command's options.
            Exit codes: 0 ok, 1 error, 2 changes or drift present, 3 refused (nothing applied), 64 bad usage.

            """
        return text
    }

    static func help(for command: any Command.Type) -> String {
        var text = "Usage: odag-sync \(command.usage)\n\n\(command.summary).\n"
        if !command.discussion.isEmpty { text += "\n" + command.discussion + "\n" }
        let options = command.options + [.flag("--help", "Show this help")]
        let labels = options.map { option in option.name + (option.valueName.map { " " + $0 } ?? "") }
        let width = min(labels.map(\.count).max() ?? 0, 30)
        text += "\nOptions:\n"
        for (option, label) in zip(options, labels) {
            let padded =
                label.count > width
                ? label + "\n" + String(repeating: " ", count: width + 4)
                : label
                    .padding(toLength: width, withPad: " ", startingAt: 0)
            let repeatNote = option.repeatable ? " (repeatable)" : ""
            text += "  \(padded)  \(option.help)\(repeatNote)\n"
        }
        if !command.examples.isEmpty {
            text += "\nExamples:\n"
            for example in command.examples { text += "  " + example + "\n" }
        }
        return text
    }
}
