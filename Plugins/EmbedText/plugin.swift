import PackagePlugin

/// Embeds a target's `.txt` and `.json` files in its code at build time: `EmbeddedText.<name>`
/// (`common-passwords.txt` → `common_passwords_txt`), a `String`, so the binary needs no file
/// beside it. A build command, not a prebuild one: it runs again only when an input changes.
@main
struct EmbedText: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs = target.sourceFiles
            .filter { ["txt", "json"].contains($0.url.pathExtension) }
            .map(\.url)
            .sorted { $0.path < $1.path }
        guard !inputs.isEmpty else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedText.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.map(\.lastPathComponent).joined(separator: ", ")) in \(target.name)",
                executable: try context.tool(named: "embed-text").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
