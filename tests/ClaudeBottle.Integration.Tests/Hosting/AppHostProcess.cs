using System.Diagnostics;
using System.Text;
using ClaudeBottle.Integration.Tests.Docker;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// The app host as a separate process, the way a user runs it, for what cannot happen in-process: signals, a
/// terminal. It is built beside the tests (they reference it).
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private AppHostProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Everything the process printed so far.</summary>
    public StringBuilder Output { get; } = new();

    public string Text
    {
        get
        {
            lock (Output)
                return Output.ToString();
        }
    }

    /// <param name="terminal">Run under a pseudo-terminal (util-linux <c>script</c>), with stdin writable by the test.</param>
    public static Task<AppHostProcess> StartAsync(string manifestDirectory, string stateRoot, bool terminal = false, params string[] args) =>
        StartAsync(manifestDirectory, stateRoot, terminal, new Dictionary<string, string>(), args);

    /// <param name="environment">Variables for the process besides this one's (DOCKER_HOST, to point it at another engine).</param>
    public static async Task<AppHostProcess> StartAsync(string manifestDirectory, string stateRoot, bool terminal,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var command = await CommandAsync(manifestDirectory, stateRoot, args);
        var start = terminal
            ? new ProcessStartInfo("script", ["-qefc", command.Line, "/dev/null"])
            : new ProcessStartInfo(command.Binary, command.Arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = terminal;
        start.WorkingDirectory = manifestDirectory;
        foreach (var (name, value) in command.Environment.Concat(environment))
            start.Environment[name] = value;

        var host = new AppHostProcess(Process.Start(start)!);
        host.Process.OutputDataReceived += (_, e) => { lock (host.Output) host.Output.AppendLine(e.Data); };
        host.Process.ErrorDataReceived += (_, e) => { lock (host.Output) host.Output.AppendLine(e.Data); };
        host.Process.BeginOutputReadLine();
        host.Process.BeginErrorReadLine();
        return host;
    }

    /// <summary>How the tests run the app host as a user would: the binary, its arguments, and what its environment adds.</summary>
    public sealed record Command(string Binary, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
    {
        /// <summary>The command as one shell line.</summary>
        public string Line => string.Join(' ', [Quote(Binary), .. Arguments.Select(Quote)]);
    }

    public static async Task<Command> CommandAsync(string manifestDirectory, string stateRoot, params string[] args)
    {
        // Built once here, so that concurrent app hosts find them rather than each building them.
        await TestImages.ProbeAsync();
        await TestImages.EdgeAsync();
        if (args.Contains("--ClaudeBottle:Telemetry:Enabled=true"))
            await TestImages.SinkAsync();
        string[] appHostArgs =
        [
            "--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), "--yes",
            $"--ClaudeBottle:Pipelock:Image={await TestImages.ProxyAsync()}", $"--ClaudeBottle:StateRoot={stateRoot}",
            // These test agents' images have no Node for a telemetry sink; telemetry has tests of its own.
            "--ClaudeBottle:Telemetry:Enabled=false",
            // Images the product builds (the telemetry sink's, a bottle's standard base) come from the offline base.
            $"--ClaudeBottle:AgentBaseImage={TestEngine.BaseImage}", .. args,
        ];
        return new Command(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"), appHostArgs, new Dictionary<string, string>
        {
            // A plain run needs the dashboard on http, as the app host's launch profile sets it up; the app host picks
            // its own free ports for the dashboard and its OTLP endpoints.
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = AppHostRun.Token,
        });
    }

    public async Task WaitForOutputAsync(string text)
    {
        await AppHostCrashTests.WaitUntilAsync(() => Task.FromResult(Text.Contains(text, StringComparison.Ordinal)),
            $"the app host printed '{text}'; it printed:\n{Text}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }

    public static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";
}
