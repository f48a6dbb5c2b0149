using System.Diagnostics;
using ClaudeBottle.Integration.Tests.Docker;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// A two-node swarm of the test's own: the machine's engine as the manager, advertised on a bridge network the test
/// makes, and a Docker-in-Docker container (Debian's docker.io on the offline base, privileged, its own dockerd) on that
/// network, joined as a worker. Images reach the worker by <c>docker save | docker load</c>: there is no registry.
/// Disposing leaves both engines as found: the worker's container and network removed, the manager out of the swarm.
/// </summary>
internal sealed class SwarmCluster : IAsyncDisposable
{
    private readonly string id = "cbt-swarm-" + Guid.NewGuid().ToString("N")[..8];
    private bool joined;

    public string Worker => $"{id}-worker";

    /// <summary>The manager's address on the test's network: where the worker reaches it (and the host, from a container).</summary>
    public string ManagerAddress { get; private set; } = "";

    public string WorkerAddress { get; private set; } = "";

    public static async Task<SwarmCluster> StartAsync()
    {
        await TestEngine.RequireAsync();
        var (_, state) = await RunAsync("docker", "info", "--format", "{{.Swarm.LocalNodeState}}");
        if (state.Trim() != "inactive")
            throw new InvalidOperationException($"the engine is already in a swarm ({state.Trim()}); this test makes its own and leaves it");
        var image = await TestImages.DerivedAsync("claude-bottle-test/swarm-node", $"""
            FROM {TestEngine.BaseImage}
            RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io iptables ca-certificates procps \
             && rm -rf /var/lib/apt/lists/*
            ENTRYPOINT ["dockerd", "--host=unix:///var/run/docker.sock"]
            """);
        var cluster = new SwarmCluster();
        try
        {
            await cluster.UpAsync(image);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task UpAsync(string image)
    {
        await MustAsync("docker", "network", "create", "--label", $"{TestEngine.TestLabel}={id}", id);
        ManagerAddress = (await MustAsync("docker", "network", "inspect", id, "--format", "{{(index .IPAM.Config 0).Gateway}}")).Trim();
        // Not --privileged: this machine's capability bounding set lacks CAP_SYS_RESOURCE, and a privileged container
        // asks for every capability (runc: "unable to apply caps"). Every capability but that one, no seccomp or
        // AppArmor profile, /proc and /sys unmasked, and the host's cgroups writable under a parent of its own (cgroup v1)
        // are what its dockerd needs. Its data on a volume: overlay2 does not stack on the container's own overlay root.
        await MustAsync("docker", "run", "-d", "--name", Worker, "--hostname", Worker, "--network", id, "--label", $"{TestEngine.TestLabel}={id}",
            "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "--security-opt", "systempaths=unconfined", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "-v", "/var/lib/docker", "--tmpfs", "/run",
            image, "--cgroup-parent", $"/{id}");
        WorkerAddress = (await MustAsync("docker", "inspect", Worker, "--format", $"{{{{(index .NetworkSettings.Networks \"{id}\").IPAddress}}}}")).Trim();
        for (var i = 0; ; i++)
        {
            if ((await RunAsync("docker", "exec", Worker, "docker", "info")).Code == 0)
                break;
            if (i > 120)
                throw new InvalidOperationException($"the worker's dockerd did not start: {(await RunAsync("docker", "logs", "--tail", "30", Worker)).Output}");
            await Task.Delay(500);
        }
        await MustAsync("docker", "swarm", "init", "--advertise-addr", ManagerAddress);
        joined = true;
        var token = (await MustAsync("docker", "swarm", "join-token", "-q", "worker")).Trim();
        await MustAsync("docker", "exec", Worker, "docker", "swarm", "join", "--token", token, "--advertise-addr", WorkerAddress, $"{ManagerAddress}:2377");
    }

    /// <summary>The images, from the manager's engine into the worker's.</summary>
    public Task LoadAsync(params string[] images) =>
        MustAsync("bash", "-c", $"set -o pipefail; docker save {string.Join(' ', images)} | docker exec -i {Worker} docker load -q");

    /// <summary>Runs <c>docker ARGS</c> on the worker's engine.</summary>
    public Task<(int Code, string Output)> OnWorkerAsync(params string[] args) => RunAsync("docker", ["exec", Worker, "docker", .. args]);

    public static async Task<string> MustAsync(string file, params string[] args)
    {
        var (code, output) = await RunAsync(file, args);
        if (code != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
        return output;
    }

    public static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (joined)
            await RunAsync("docker", "swarm", "leave", "--force");
        await RunAsync("docker", "rm", "-f", "-v", Worker);
        await RunAsync("docker", "network", "rm", id);
        // The worker's cgroup parent, empty once its containers are gone.
        await RunAsync("bash", "-c", $"for d in /sys/fs/cgroup/*/{id}; do [ -d \"$d\" ] && find \"$d\" -depth -type d -exec rmdir {{}} \\; ; done; true");
    }
}
