using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// A compose model made into a swarm stack, for what swarm honours (measured on engine 20.10 with CLI 28):
/// <list type="bullet">
/// <item>networks: overlays, none attachable; <c>internal</c> held every isolation probe, and an overlay's gateway is not on the host;</item>
/// <item>limits and restarts in <c>deploy</c>; <c>endpoint_mode: dnsrr</c> (a kernel without IPVS has no virtual IPs);</item>
/// <item>no <c>security_opt</c> (dropped: the default seccomp profile stays; the agent, the edge and the probe set
/// no-new-privileges on themselves with <c>setpriv</c>; pipelock's image, not ours, runs without it), the pids limit in
/// <c>deploy</c> (format 3.9), no swap limit (swarm has none: the engine allows as much swap as memory), no <c>depends_on</c>, no service-level <c>tmpfs</c> (long-form tmpfs mounts instead),
/// no <c>build</c> (<see cref="SwarmImages"/>), no <c>volumes_from</c>;</item>
/// <item>a bottle's services on the node labelled <c>claude-bottle.&lt;agent&gt;=true</c>: the agent reads the edge's CA, and the
/// probe's verdict, from tmpfs volumes of that node (<see cref="SwarmGate"/>);</item>
/// <item>files as configs, the edge's secrets as a swarm secret owned by the edge's user.</item>
/// </list>
/// </summary>
internal static class SwarmServices
{
    /// <summary>Converts <paramref name="compose"/> in place; returns the image builds it held, by image.</summary>
    public static SortedDictionary<string, ComposeBuild> Convert(ComposeFile compose, IReadOnlyList<ResolvedBottle> bottles,
        SortedDictionary<string, byte[]> files, ISet<string> executables)
    {
        compose.Version = "3.9";
        compose.Configs = new(StringComparer.Ordinal);
        compose.Volumes ??= new(StringComparer.Ordinal);
        var builds = new SortedDictionary<string, ComposeBuild>(StringComparer.Ordinal);
        // No overlay is attachable: an attachable one lets any container on any node of the swarm join it
        // (`docker run --network`), the bottle's internal network included, beside its agent. A stack's own services
        // join their networks without it; nothing else has to. Nor encrypted: a bottle's services share one node, where
        // overlay traffic never leaves the host, and IPsec between nodes would be one more thing every node must allow.
        foreach (var (name, network) in compose.Networks.ToList())
            compose.Networks[name] = new ComposeNetwork { Driver = "overlay", Internal = network.Internal, Labels = network.Labels };
        foreach (var bottle in bottles)
        {
            var proxy = compose.Services[$"{bottle.Name}-proxy"];
            var edge = compose.Services[$"{bottle.Name}-edge"];
            var agent = compose.Services[$"{bottle.Name}-agent"];
            var probe = compose.Services[$"{bottle.Name}-agent-probe"];
            foreach (var service in new[] { proxy, edge, agent, probe })
            {
                if (service.Build is { } build)
                    builds[service.Image!] = build;
                Convert(service, bottle.Name, compose, files, executables);
            }
            Restart(proxy, "any");
            Restart(edge, "none");
            // A headless agent runs to completion; an interactive one comes back only if it failed.
            Restart(agent, bottle.IsHeadless ? "none" : "on-failure");
            // The probe may start before its edge answers (no depends_on): it tries again, a bounded number of times.
            // Once passed it stays up (SwarmGate), so it ends only when stopped or killed, and a kill runs it again.
            probe.Deploy = With(probe.Deploy!, new ComposeRestartPolicy { Condition = "on-failure", Delay = "3s", MaxAttempts = 10 });
            edge.Secrets = [.. edge.Secrets!.Select(s => new ComposeServiceSecret { Source = s.Source, Target = s.Target, Uid = "65534", Gid = "65534", Mode = 0b100_000_000 })];
            SwarmGate.Wire(compose, bottle.Name, edge, probe, agent);
            // What security_opt would have set, set by the edge and the probe on themselves (the agent: SwarmGate).
            edge.Entrypoint = [.. NoNewPrivileges, .. (IEnumerable<string>?)edge.Entrypoint ?? EdgeEntrypoint];
            probe.Entrypoint = [.. NoNewPrivileges, .. probe.Entrypoint!];
        }
        return builds;
    }

    /// <summary>A command's prefix that runs it with no new privileges: swarm drops <c>no-new-privileges</c>.</summary>
    public static readonly string[] NoNewPrivileges = ["setpriv", "--no-new-privs", "--"];

    /// <summary>The edge image's own entry point (<c>docker/edge/Dockerfile</c>), which a service's entry point replaces.</summary>
    public static readonly string[] EdgeEntrypoint = ["python3", "-u", "/usr/local/lib/claude-bottle-edge/entry.py"];

    private static void Convert(ComposeService service, string bottle, ComposeFile compose, SortedDictionary<string, byte[]> files, ISet<string> executables)
    {
        service.Build = null;
        service.SecurityOpt = null;
        service.Restart = null;
        service.DependsOn = null;
        service.VolumesFrom = null;
        var volumes = new List<object>();
        var configs = new List<ComposeServiceConfig>();
        foreach (var tmpfs in service.Tmpfs ?? [])
            volumes.Add(Tmpfs(tmpfs));
        service.Tmpfs = null;
        foreach (var volume in service.Volumes ?? [])
        {
            var parts = ((string)volume).Split(':');
            var source = parts[0].Replace("$$", "$", StringComparison.Ordinal);
            if (parts.Length == 3 && source.StartsWith("./", StringComparison.Ordinal))
                configs.AddRange(Configs(compose, source[2..], parts[1].Replace("$$", "$", StringComparison.Ordinal), files, executables));
            else
                volumes.Add(volume);
        }
        service.Volumes = volumes.Count > 0 ? volumes : null;
        service.Configs = configs.Count > 0 ? configs : null;
        service.Deploy = new ComposeDeploy
        {
            EndpointMode = "dnsrr",
            Placement = new ComposePlacement { Constraints = [$"node.labels.{PlacementLabel(bottle)} == true"] },
            Resources = service.Cpus is null && service.MemLimit is null && service.PidsLimit is null ? null
                : new ComposeResources { Limits = new ComposeLimits { Cpus = service.Cpus, Memory = service.MemLimit, Pids = service.PidsLimit } },
        };
        service.Cpus = null;
        service.MemLimit = null;
        service.MemswapLimit = null;
        service.PidsLimit = null;
    }

    /// <summary>The node label that places a bottle: <c>docker node update --label-add claude-bottle.&lt;agent&gt;=true NODE</c>.</summary>
    public static string PlacementLabel(string bottle) => $"claude-bottle.{bottle}";

    /// <summary>
    /// A published file (or each file of a published folder: a skill) as a swarm config, read-only, executable when
    /// its file is: the swarm hands it to whichever node runs the service.
    /// </summary>
    private static IEnumerable<ComposeServiceConfig> Configs(ComposeFile compose, string source, string target, SortedDictionary<string, byte[]> files,
        ISet<string> executables)
    {
        var paths = files.ContainsKey(source) ? [(source, target)]
            : files.Keys.Where(k => k.StartsWith(source + "/", StringComparison.Ordinal)).Select(k => (k, target + k[source.Length..])).ToList();
        if (paths.Count == 0)
            throw new InvalidOperationException($"the published deployment has no file {source} for the mount at {target}: this is a bug in claude-bottle's swarm publisher");
        foreach (var (path, at) in paths)
        {
            var name = ConfigName(path);
            compose.Configs![name] = new ComposeConfig { File = "./" + ComposeServices.Escape(path) };
            yield return new ComposeServiceConfig
            {
                Source = name,
                Target = ComposeServices.Escape(at),
                Mode = executables.Contains(path) ? 0b101_101_101 : 0b100_100_100,
            };
        }
    }

    /// <summary>A config's name from its file's path: readable, and short enough for the engine with the stack's prefix.</summary>
    private static string ConfigName(string path)
    {
        var name = new string([.. path.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
        return name.Length <= 40 ? name
            : $"{name[..28]}-{System.Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..11]}";
    }

    /// <summary>
    /// A tmpfs as a long-form mount: its size and mode; swarm sets no owner, so a tmpfs meant for one non-root user
    /// (the edge's private one) is world-writable and sticky instead, in a container where that user is the only one.
    /// </summary>
    private static ComposeMount Tmpfs(string entry)
    {
        var at = entry.IndexOf(':', StringComparison.Ordinal);
        var options = entry[(at + 1)..].Split(',').Select(o => o.Split('=', 2)).Where(o => o.Length == 2).ToDictionary(o => o[0], o => o[1]);
        long? size = options.TryGetValue("size", out var s) && MemorySize.TryParse(s, out var bytes) ? bytes : null;
        var mode = options.TryGetValue("mode", out var m) && !options.ContainsKey("uid") ? System.Convert.ToInt32(m, 8) : 0b1_111_111_111;
        return new ComposeMount { Type = "tmpfs", Target = entry[..at], Tmpfs = new ComposeTmpfs { Size = size, Mode = mode } };
    }

    private static void Restart(ComposeService service, string condition) =>
        service.Deploy = With(service.Deploy!, new ComposeRestartPolicy { Condition = condition, Delay = condition == "any" ? "5s" : null });

    private static ComposeDeploy With(ComposeDeploy deploy, ComposeRestartPolicy policy) => new()
    {
        EndpointMode = deploy.EndpointMode, Placement = deploy.Placement, Resources = deploy.Resources, RestartPolicy = policy,
    };

    /// <summary>The gate's and CA's tmpfs volumes' owner option, from a <c>uid:gid</c> user.</summary>
    public static string Owner(string user)
    {
        var parts = user.Split(':');
        return string.Create(CultureInfo.InvariantCulture, $"uid={parts[0]},gid={(parts.Length > 1 ? parts[1] : parts[0])}");
    }
}
