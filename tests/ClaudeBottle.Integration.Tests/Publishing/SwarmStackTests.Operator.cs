using System.Diagnostics;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>What the swarm test does as the operator does (docs/publish.md): publish, deploy, remove.</summary>
public sealed partial class SwarmStackTests
{
    /// <summary>A bottle's services on its node, driven through that node's engine (the worker's from inside its container).</summary>
    private sealed record Node(SwarmCluster? Cluster, string Stack, string Bottle)
    {
        private Task<(int Code, string Output)> DockerAsync(params string[] args) =>
            Cluster is null ? SwarmCluster.RunAsync("docker", args) : Cluster.OnWorkerAsync(args);

        private async Task<string> ContainerAsync(string role) =>
            (await DockerAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={Stack}_{Bottle}-{role}")).Output.Trim();

        /// <summary>Until the agent's container runs on this node (past its start gate, which the checks then look at).</summary>
        public async Task WaitForAgentAsync()
        {
            for (var i = 0; i < 240; i++)
            {
                var agent = await ContainerAsync("agent");
                if (agent.Length > 0 && (await DockerAsync("exec", agent, "test", "-f", "/var/lib/claude-bottle-gate/passed")).Code == 0)
                    return;
                await Task.Delay(1000);
            }
            throw new InvalidOperationException($"{Bottle}'s agent did not pass its gate: {await ProbeLogsAsync()}\n" +
                                                (await SwarmCluster.RunAsync("docker", "service", "ps", "--no-trunc", $"{Stack}_{Bottle}-agent-probe")).Output);
        }

        /// <summary>
        /// The agent's service started again (a new container) and that container past its gate; whether its gate ended
        /// (no process runs the start script: it exec'd Claude) within a minute.
        /// </summary>
        public async Task<bool> RestartAgentAsync()
        {
            var before = await ContainerAsync("agent");
            var (code, printed) = await SwarmCluster.RunAsync("docker", "service", "update", "--force", "--detach=false", $"{Stack}_{Bottle}-agent");
            code.Should().Be(0, printed);
            for (var i = 0; i < 60 && (await ContainerAsync("agent")) is var now && (now.Length == 0 || now == before); i++)
                await Task.Delay(1000);
            (await ContainerAsync("agent")).Should().NotBe(before, "{0}'s agent is a new container", Bottle);
            await WaitForAgentAsync();
            // A process whose command line begins as the gate's (docker-init's, pid 1, holds it after its `--`).
            const string gate = $$"""
                for c in /proc/[0-9]*/cmdline; do
                  case "$(tr "\0" " " < "$c")" in "/bin/sh {{ClaudeBottle.Launcher.Publishing.SwarmGate.ScriptPath}} "*) echo GATE-RUNS ;; esac
                done; echo CHECKED
                """;
            for (var i = 0; i < 30; i++)
            {
                var found = await ExecAsync(gate);
                if (found.Contains("CHECKED", StringComparison.Ordinal) && !found.Contains("GATE-RUNS", StringComparison.Ordinal))
                    return true;
                await Task.Delay(1000);
            }
            return false;
        }

        public async Task<string> ProbeLogsAsync() => (await SwarmCluster.RunAsync("docker", "service", "logs", "--raw", $"{Stack}_{Bottle}-agent-probe")).Output;

        public async Task<string> ExecAsync(string script, string role = "agent") => (await DockerAsync("exec", await ContainerAsync(role), "bash", "-c", script)).Output;

        public async Task<string> InspectAsync(string role, string format) =>
            (await DockerAsync("inspect", await ContainerAsync(role), "--format", format)).Output.Trim();

        /// <summary>The address of this bottle's <paramref name="role"/> container on its <paramref name="network"/>.</summary>
        public async Task<string> AddressAsync(string role, string network)
        {
            var address = (await DockerAsync("inspect", await ContainerAsync(role), "--format",
                $"{{{{(index .NetworkSettings.Networks \"{Stack}_{Bottle}-{network}\").IPAddress}}}}")).Output.Trim();
            address.Should().MatchRegex(@"^\d+\.\d+\.\d+\.\d+$");
            return address;
        }
    }

    private static async Task DeployAsync(string directory, string stack)
    {
        var start = new ProcessStartInfo("docker", ["stack", "deploy", "-c", "docker-stack.yaml", stack])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory,
        };
        using var process = Process.Start(start)!;
        var printed = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, printed);
    }

    /// <summary>As docs/publish.md says: <c>docker stack rm</c>, then, once the containers are gone, the node-local volumes.</summary>
    private static async Task RemoveAsync(SwarmCluster cluster, string stack)
    {
        await SwarmCluster.RunAsync("docker", "stack", "rm", stack);
        foreach (var engine in new Func<string[], Task<(int Code, string Output)>>[] { args => SwarmCluster.RunAsync("docker", args), cluster.OnWorkerAsync })
        {
            for (var i = 0; i < 60 && (await engine(["ps", "-aq", "--filter", $"label=com.docker.stack.namespace={stack}"])).Output.Trim().Length > 0; i++)
                await Task.Delay(1000);
            var volumes = (await engine(["volume", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}"])).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (volumes.Length > 0)
                await engine(["volume", "rm", .. volumes]);
        }
        for (var i = 0; i < 30 && (await SwarmCluster.RunAsync("docker", "network", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}")).Output.Trim().Length > 0; i++)
            await Task.Delay(1000);
    }

    private static async Task PublishAsync(string manifestDirectory, string output, IReadOnlyDictionary<string, string> environment)
    {
        var (code, printed) = await TryPublishAsync(manifestDirectory, output, environment);
        code.Should().Be(0, "publish printed:\n{0}", printed);
    }

    private static async Task<(int Code, string Printed)> TryPublishAsync(string manifestDirectory, string output, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"),
            ["--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), "--operation", "publish", "--step", "publish", "--output-path", output])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = manifestDirectory,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        using var process = Process.Start(start)!;
        var printed = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await printed + await errors);
    }

    /// <summary>Every file of a published folder, by relative path.</summary>
    private static Dictionary<string, string> Tree(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllText);
}
