using System.Diagnostics;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The host's git, run on the user's own repository only (never in an agent's clone, whose configuration the agent
/// controls): an absolute path found once on PATH (a relative PATH entry could put a repository's own "git" first),
/// arguments as a list (no shell), the launching environment's <c>GIT_*</c> variables dropped (a <c>GIT_DIR</c> would
/// redirect it), hooks and fsmonitor off, no prompt.
/// </summary>
public static class HostGit
{
    private static readonly Lazy<string?> Executable = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(Path.IsPathFullyQualified)
            .Select(d => Path.Join(d, "git"))
            .FirstOrDefault(File.Exists));

    /// <summary>Runs git in <paramref name="directory"/>; its exit code and output. Throws when there is no git on PATH.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string directory, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Executable.Value ?? throw new InvalidOperationException(
            "clone mode needs git on the host, and none is on PATH; install git, or use \"mode\": \"mount\""))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        // A fetch runs the host repository's reference-transaction hook; an agent's bundle must not run the user's hooks.
        foreach (var setting in new[] { "core.hooksPath=/dev/null", "core.fsmonitor=false" })
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(setting);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    /// <summary>Runs git and returns its output; throws with its message when it fails.</summary>
    public static async Task<string> OutputAsync(string directory, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(directory, arguments, ct);
        return code == 0 ? output : throw new InvalidOperationException(
            $"git {string.Join(' ', arguments.Take(2))} in {directory} failed ({code}): {Last(error)}");
    }

    private static string Last(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no message";
}
