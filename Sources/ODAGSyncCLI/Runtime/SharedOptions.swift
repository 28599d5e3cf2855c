/// The flags shared by the commands that read the project and talk to a server (SPEC §6).
enum SharedOptions {
    static let project: [OptionSpec] = [
        .value("--config", "FILE", "The config file (default: ./odag-sync.json when present)"),
        .value("--env", "NAME", "The environment of the config to use (its server and variables)"),
    ]

    static let connection: [OptionSpec] = [
        .value("--server", "URL", "The ODAG API base URL, e.g. https://qlik.example.com/api/odag/v1 (or ODAG_SERVER)"),
        .value("--emulator", "STATEFILE", "Run against a local emulator started in-process, state kept in STATEFILE"),
        .value(
            "--header", "'NAME: VALUE'", repeatable: true,
            "Send a header with every request, e.g. 'X-Qlik-User: UserDirectory=CORP; UserId=svc'"),
        .value(
            "--header-file", "FILE", repeatable: true,
            "Send the headers in FILE, one 'NAME: VALUE' per line (also ODAG_HEADERS); kept out of the process list"),
        .value("--token-file", "FILE", "Send the token in FILE as 'Authorization: Bearer' (or ODAG_TOKEN)"),
        .value("--ca-cert", "FILE", "Trust this CA (PEM) for the server's certificate, instead of the system store"),
        .value(
            "--client-cert", "FILE",
            "Present this client certificate (PEM), e.g. Qlik's exported client.pem"),
        .value("--client-key", "FILE", "The client certificate's private key (PEM), e.g. client_key.pem"),
        .flag("--insecure", "Do not verify the server's TLS certificate (last resort; warned on every run)"),
        .flag(
            "--trust-config-server",
            "Send credentials to a server named only by the config or a plan file (default: only to --server or ODAG_SERVER)"
        ),
        .value("--timeout", "SECONDS", "Time limit of each whole request attempt, answer included (default 30)"),
        .value(
            "--api", "FLAVOUR",
            "The API the server speaks: document, qseow (Qlik Sense Enterprise on Windows) or auto (default;"
                + " recognised from the live links, or the config's \"api\")"),
    ]

    static let output: [OptionSpec] = [
        .flag("--no-color", "Never use colours (also NO_COLOR)"),
        .flag("--verbose", "Log each request (method, path, status, time; never secrets) to stderr"),
        .flag("--quiet", "Print only data and errors"),
    ]

    static let target = OptionSpec.value(
        "--target", "NAME", repeatable: true, "Only this link (by name); pruning is off outside the targets")
}
