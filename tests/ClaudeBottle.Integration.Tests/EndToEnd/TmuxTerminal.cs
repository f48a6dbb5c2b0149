using System.Diagnostics;
using System.Globalization;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// A terminal a person would use: a tmux session of its own (its own server socket), running one command. The test
/// types into it, reads its screen as rendered, and gets everything it printed and its exit code.
/// </summary>
internal sealed class TmuxTerminal : IAsyncDisposable
{
    private readonly string _socket;
    private readonly string _directory;

    private TmuxTerminal(string socket, string directory) => (_socket, _directory) = (socket, directory);

    /// <summary>Runs <paramref name="command"/> in <paramref name="workingDirectory"/> in a new 160x48 terminal.</summary>
    public static async Task<TmuxTerminal> StartAsync(AppHostProcess.Command command, string workingDirectory)
    {
        if (!File.Exists("/usr/bin/tmux"))
        {
            const string reason = "the terminal tests need tmux (apt-get install tmux)";
            if (TestEngine.UnderCi)
                throw new InvalidOperationException($"CI is set, so the terminal tests must run, but {reason}");
            Skip.If(true, reason);
        }
        var directory = Directory.CreateTempSubdirectory("claude-bottle-tmux-").FullName;
        var terminal = new TmuxTerminal($"cbt-{Guid.NewGuid().ToString("N")[..10]}", directory);
        // The command waits for "go" so that not a byte it prints comes before its output is captured.
        await File.WriteAllTextAsync(terminal.Path("run.sh"), $"""
            cd {AppHostProcess.Quote(workingDirectory)}
            {string.Concat(command.Environment.Select(e => $"export {e.Key}={AppHostProcess.Quote(e.Value)}\n"))}
            while [ ! -e {AppHostProcess.Quote(terminal.Path("go"))} ]; do sleep 0.05; done
            {command.Line}
            echo $? > {AppHostProcess.Quote(terminal.Path("exit"))}
            """);
        await terminal.TmuxAsync("new-session", "-d", "-s", "main", "-x", "160", "-y", "48", $"bash {AppHostProcess.Quote(terminal.Path("run.sh"))}");
        await terminal.TmuxAsync("pipe-pane", "-t", "main", "-o", $"cat >> {AppHostProcess.Quote(terminal.Path("output"))}");
        await File.WriteAllTextAsync(terminal.Path("go"), "");
        return terminal;
    }

    /// <summary>Everything the command printed so far, escape sequences and all.</summary>
    public string Output => File.Exists(Path("output")) ? File.ReadAllText(Path("output")) : "";

    /// <summary>The command's exit code, once it has exited.</summary>
    public int? ExitCode => File.Exists(Path("exit")) && File.ReadAllText(Path("exit")).Trim() is { Length: > 0 } code
        ? int.Parse(code, CultureInfo.InvariantCulture) : null;

    /// <summary>The screen as a person sees it now (empty once the command has exited and the terminal closed).</summary>
    public async Task<string> ScreenAsync()
    {
        try
        {
            return await TmuxAsync("capture-pane", "-p", "-t", "main");
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>Types <paramref name="text"/> as it is, then (after a pause, as a person would) presses Enter.</summary>
    public async Task EnterAsync(string text)
    {
        await TmuxAsync("send-keys", "-t", "main", "-l", text);
        await Task.Delay(500);
        await TmuxAsync("send-keys", "-t", "main", "Enter");
    }

    public async Task WaitForScreenAsync(string text) =>
        await AppHostCrashTests.WaitUntilAsync(async () => (await ScreenAsync()).Contains(text, StringComparison.Ordinal),
            $"the terminal shows '{text}'; it shows:\n{await ScreenAsync()}\nand printed:\n{Output}");

    public async Task WaitForExitAsync() =>
        await AppHostCrashTests.WaitUntilAsync(() => Task.FromResult(ExitCode is not null), $"the command exited; it printed:\n{Output}");

    private string Path(string name) => System.IO.Path.Join(_directory, name);

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux", ["-L", _socket, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {await error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server ended with its last session.
        }
        Directory.Delete(_directory, recursive: true);
    }
}
