using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// An agent that does its worst to the app host that supervises every bottle: a line of 64 MiB without a newline,
/// telemetry that would multiply and telemetry as large as the sink takes, as fast as it can; and output meant to
/// rewrite what a person sees. On the real engine, through the real app host.
/// </summary>
public sealed class HostileAgentTests(ITestOutputHelper output)
{
    /// <summary>
    /// The most the app host process may hold at its peak (VmHWM) through the flood: measured 270 MiB here, with the
    /// bounds (a relay queue of 16 MiB, a line of at most 1 MiB read per follower, a sink line of at most 6 MiB) and
    /// Aspire's own baseline; the rest is headroom. The same two agents against the code before the bounds: 2.8 GiB
    /// after 80 seconds and still growing, a core busy splitting the long line.
    /// </summary>
    private const long MaxPeakBytes = 400L * 1024 * 1024;

    private const string CalmEvent = "calm agent telemetry";

    /// <summary>Posts a file as OTLP logs to the bottle's sink, with bash alone (the base image has no curl).</summary>
    private const string Post = """
        endpoint=${OTEL_EXPORTER_OTLP_ENDPOINT#http://}; host=${endpoint%:*}; port=${endpoint##*:}
        post() {
          exec 3<>"/dev/tcp/$host/$port" || return 1
          printf 'POST /v1/logs HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-protobuf\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' "$host" "$(stat -c %s "$1")" >&3
          cat "$1" >&3
          cat <&3 >/dev/null
          exec 3>&-
        }
        """;

    /// <summary>
    /// The line first, then the flood until the test says stop (a file in /tmp), or five minutes at most (a slow CI
    /// machine took more than two to check the calm agent meanwhile). A MiB of
    /// empty parts is what the relay multiplied about 32 times; the other request is one record of a MiB. (Requests
    /// of the sink's limit, 4 MiB, as fast as bash sends them, exhaust the sink's 128 MiB within seconds: the engine
    /// restarts it, then the app host stops it, and the flood ends there.)
    /// </summary>
    private const string HostileScript = Post + """

        head -c 67108864 /dev/zero | tr '\0' 'x'
        printf '\nhostile: the long line is written\n'
        end=$((SECONDS + 300)); n=0; touch /tmp/flooding
        while [ ! -e /tmp/stop ] && [ $SECONDS -lt $end ]; do
          post /stand-in/empty-parts.bin; post /stand-in/big.bin; n=$((n + 2))
        done
        rm /tmp/flooding
        echo "hostile: flood over after $n requests"
        exec sleep infinity
        """;

    private const string CalmScript = Post + """

        echo "calm: running"
        while true; do post /stand-in/calm.bin; sleep 1; done
        """;

    private static byte[] Logs(string body) => new ExportLogsServiceRequest
    {
        ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = body } } } } } } },
    }.ToByteArray();

    private static byte[] EmptyParts()
    {
        var body = new byte[1024 * 1024];
        for (var i = 0; i < body.Length; i += 2)
            body[i] = 0x0a; // Field 1 (a part), length 0.
        return body;
    }

    private static long PeakBytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).Single();

    [SkippableFact]
    public async Task A_hostile_agents_long_line_and_telemetry_flood_cost_the_app_host_bounded_memory_while_another_bottle_runs_normally()
    {
        await TestEngine.RequireAsync();
        var hostile = await TestImages.StandInAgentAsync("claude-bottle-test/hostile-agent", HostileScript,
            new ContextFile("empty-parts.bin", EmptyParts()), new ContextFile("big.bin", Logs(new string('x', 1024 * 1024))));
        var calm = await TestImages.StandInAgentAsync("claude-bottle-test/calm-agent", CalmScript, new ContextFile("calm.bin", Logs(CalmEvent)));
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "rogue": { "image": "{{hostile}}" }, "quiet": { "image": "{{calm}}" } },
              "agents": { "hostile": { "bottle": "rogue", "prompt": "do your worst" }, "calm": { "bottle": "quiet", "prompt": "carry on" } } }
            """);
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using var host = await AppHostProcess.StartAsync(manifest, stateRoot, false, "--ClaudeBottle:Telemetry:Enabled=true");
        await host.WaitForOutputAsync("/login?t=");
        using var dashboard = await DashboardApi.LoginAsync(host.Text);
        await using var scope = new TestScope();

        // The flood is on: the hostile agent's line is written and its sink has passed requests on. The agent is looked up
        // again if it is gone before its log could be followed (a container found while its start was still being made
        // can be replaced), and the app host's output explains a bottle that ended instead.
        string? agent = null;
        using var engine = new DockerContainerEngine();
        for (var attempt = 1; ; attempt++)
        {
            await AppHostCrashTests.WaitUntilAsync(async () =>
                (agent = (await AppHostRun.ObjectsAsync(stateRoot)).FirstOrDefault(o => o.Kind == LabelledKind.Container && o.Name.EndsWith("-hostile-agent", StringComparison.Ordinal))?.Id) is not null,
                $"the hostile agent exists; the app host printed:\n{host.Text}");
            try
            {
                using var follow = new CancellationTokenSource(AppHostRun.Timeout);
                await foreach (var line in engine.FollowLogsAsync(agent!, null, LogLineSplitter.DefaultMaxLineBytes, follow.Token))
                    if (line.Text.StartsWith("hostile: the long line is written", StringComparison.Ordinal))
                        break;
                break;
            }
            catch (global::Docker.DotNet.DockerContainerNotFoundException) when (attempt < 3)
            {
                output.WriteLine($"the hostile agent {agent} was gone before its log could be followed; looking again");
            }
            catch (global::Docker.DotNet.DockerContainerNotFoundException e)
            {
                throw new InvalidOperationException($"the hostile agent keeps disappearing ({e.Message}); the app host printed:\n{host.Text}", e);
            }
        }

        // While it goes on, the other bottle runs and its telemetry reaches the dashboard.
        await AppHostCrashTests.WaitUntilAsync(async () => (await dashboard.LogsAsync("calm-agent")).Contains(CalmEvent, StringComparison.Ordinal),
            $"the calm agent's telemetry reaches the dashboard during the flood; the app host printed:\n{host.Text}");
        var before = (await dashboard.LogsAsync("calm-agent")).Split(CalmEvent).Length;
        await Task.Delay(TimeSpan.FromSeconds(10));
        (await dashboard.LogsAsync("calm-agent")).Split(CalmEvent).Length.Should().BeGreaterThan(before, "the calm agent's telemetry keeps arriving");
        (await scope.ExecAsync(agent!, "test -e /tmp/flooding")).ExitCode.Should().Be(0, "the flood was still on");
        (await dashboard.LogsAsync("hostile-agent")).Should().Contain(new string('x', 1024), "the flood's well-formed requests are relayed too, within the bottle's rate");

        host.Process.HasExited.Should().BeFalse();
        var peak = PeakBytes(host.Process.Id);
        output.WriteLine($"the app host's peak resident memory: {peak / 1024 / 1024} MiB");
        await scope.ExecAsync(agent!, "touch /tmp/stop");
        peak.Should().BeLessThan(MaxPeakBytes, "the app host's peak resident memory was {0} MiB", peak / 1024 / 1024);

        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", host.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using var exit = new CancellationTokenSource(AppHostRun.Timeout);
        await host.Process.WaitForExitAsync(exit.Token);
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("the app host, flooded, still removes what it made");
    }

    /// <summary>A carriage return and an erase (the line so far disappears), a right-to-left override, a zero-width space.</summary>
    private const string Marks = "\r\u001b[2K\u202eevil\u200b";
    private const string EscapedMarks = @"\u000d\u001b[2K\u202eevil\u200b";

    [SkippableFact]
    public async Task Escape_sequences_bidi_and_zero_width_marks_from_an_agent_or_a_path_reach_the_dashboard_escaped()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.StandInAgentAsync("claude-bottle-test/rewriting-agent", """
            printf 'done\r\033[2K\342\200\256evil\342\200\213\n'
            printf 'done\r\033[2K\342\200\256evil\342\200\213\n' >&2
            echo "rewriting: printed"
            exec sleep infinity
            """);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } },
              "agents": { "rewriter": { "prompt": "hide something", "workspace": "./ws\r\u001b[2K\u202eevil\u200b" } } }
            """);
        Directory.CreateDirectory(Path.Join(manifest, $"ws{Marks}"));

        await using var run = await AppHostRun.StartAsync(manifest);
        await run.WaitAsync("rewriter-agent", KnownResourceStates.Running);
        await run.WaitForLogAsync("rewriter-agent", "rewriting: printed");

        var loggers = run.App.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<(string Content, bool IsError)>();
        await foreach (var batch in loggers.GetAllAsync("rewriter-agent"))
            lines.AddRange(batch.Select(l => (l.Content, l.IsErrorMessage)));
        lines.Should().Contain(l => l.Content.EndsWith($" done{EscapedMarks}", StringComparison.Ordinal) && !l.IsError);
        lines.Should().Contain(l => l.Content.EndsWith($" done{EscapedMarks}", StringComparison.Ordinal) && l.IsError);
        lines.Should().NotContain(l => l.Content.Contains('\r') || l.Content.Contains('\u001b') || l.Content.Contains('\u202e') || l.Content.Contains('\u200b'));

        var mounts = AppHostRun.Property(run.Snapshot("rewriter"), "bottle.mounts");
        mounts.Should().Contain($"ws{EscapedMarks} -> /workspace").And.NotContain("\r");
    }
}
