using System.Runtime.CompilerServices;

namespace ClaudeBottle.Launcher.Tests;

internal static class TestFiles
{
    /// <summary>Files copied beside the test assembly (corpus, golden files, the schema, the example manifest).</summary>
    public static string Output(params string[] parts) => Path.Join([AppContext.BaseDirectory, .. parts]);

    /// <summary>This project's source folder, for rewriting golden files with UPDATE_GOLDEN=1.</summary>
    public static string Source(string relative, [CallerFilePath] string caller = "") =>
        Path.Join(Path.GetDirectoryName(caller)!, relative);
}

/// <summary>A temporary directory removed when the test ends.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("claude-bottle-test-").FullName;

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Join(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
