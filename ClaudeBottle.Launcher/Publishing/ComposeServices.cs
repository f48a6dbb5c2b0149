using System.Globalization;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A plan's containers and networks as compose services and networks: the same settings run mode gives the engine.</summary>
internal static class ComposeServices
{
    public static ComposeService Service(ContainerSpec spec, BottlePlan plan, ResolvedBottle bottle) => new()
    {
        Image = spec.Image,
        Entrypoint = spec.Entrypoint?.Select(Escape).ToList(),
        Command = spec.Command?.Select(Escape).ToList(),
        User = spec.User,
        Init = true,
        Tty = spec.Tty ? true : null,
        // Only for a terminal. The edge's open stdin is how run mode hands it its values; here it gets none, and reads
        // its secrets file instead.
        StdinOpen = spec.Tty ? true : null,
        ReadOnly = spec.ReadOnlyRootFilesystem ? true : null,
        CapDrop = spec.DropAllCapabilities ? ["ALL"] : null,
        SecurityOpt = spec.NoNewPrivileges ? ["no-new-privileges:true"] : null,
        // Every value escaped so compose fills in nothing: the agent's secrets are placeholders (the real values go to
        // the edge alone, from its secrets file), so no value is a reference.
        Environment = spec.Environment.Count == 0 ? null : new(spec.Environment.ToDictionary(e => e.Key, e => Escape(e.Value)), StringComparer.Ordinal),
        Volumes = spec.Binds.Count + spec.AnonymousVolumes.Count == 0 ? null
            : [.. spec.AnonymousVolumes.Select(Escape), .. spec.Binds.Select(b => VolumeText(b.Source, b.Target, b.ReadOnly, MountOf(b, bottle)))],
        VolumesFrom = spec.VolumesFrom.Count == 0 ? null : [.. spec.VolumesFrom.Select(Escape)],
        Tmpfs = spec.Tmpfs.Count == 0 ? null : [.. spec.Tmpfs.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}:{t.Value}")],
        Dns = spec.Dns.Count == 0 ? null : [.. spec.Dns],
        Restart = spec.RestartUnlessStopped ? "unless-stopped" : null,
        Networks = ServiceNetworks(spec, plan),
        Healthcheck = spec.Health is { } h ? new ComposeHealthcheck
        {
            Test = ["CMD", .. h.Command],
            Interval = Seconds(h.Interval),
            Timeout = Seconds(h.Timeout),
            Retries = h.Retries,
        } : null,
        Cpus = spec.Cpus?.ToString(CultureInfo.InvariantCulture),
        MemLimit = spec.MemoryBytes is { } m ? MemorySize.Format(m) : null,
        MemswapLimit = spec.MemoryBytes is { } swap ? MemorySize.Format(swap) : null,
        PidsLimit = spec.Pids,
        Logging = new ComposeLogging
        {
            Driver = LogRotation.Driver,
            Options = new(StringComparer.Ordinal) { ["max-size"] = spec.Logs.MaxSize, ["max-file"] = spec.Logs.Files.ToString(CultureInfo.InvariantCulture) },
        },
        Labels = Labels(spec.Labels),
    };

    /// <summary>
    /// The container's own network with its aliases, and the second network of the two that bridge a hop: pipelock also
    /// on the egress network, the edge also on the middle one (run mode connects them before start).
    /// </summary>
    private static SortedDictionary<string, ComposeServiceNetwork> ServiceNetworks(ContainerSpec spec, BottlePlan plan)
    {
        var networks = new SortedDictionary<string, ComposeServiceNetwork>(StringComparer.Ordinal)
        {
            [spec.Network] = new() { Aliases = spec.NetworkAliases.Count > 0 ? [.. spec.NetworkAliases] : null },
        };
        if (ReferenceEquals(spec, plan.Proxy))
            networks[plan.EgressNetwork.Name] = new();
        if (ReferenceEquals(spec, plan.Edge))
            networks[plan.MiddleNetwork.Name] = new();
        return networks;
    }

    public static ComposeNetwork Network(NetworkSpec spec) => new()
    {
        Internal = spec.Internal ? true : null,
        DriverOpts = spec.DriverOptions.Count > 0 ? new(spec.DriverOptions.ToDictionary(), StringComparer.Ordinal) : null,
        Labels = Labels(spec.Labels),
    };

    // Run-mode bookkeeping (run id, lease, machine) means nothing in a published deployment.
    private static SortedDictionary<string, string> Labels(IReadOnlyDictionary<string, string> labels) =>
        new(labels.Where(l => l.Key is BottleLabels.Project or BottleLabels.Bottle or BottleLabels.Role).ToDictionary(), StringComparer.Ordinal);

    /// <summary>
    /// A volume in compose's short form: '$' escaped so compose fills in nothing, and a ':' (which would split the
    /// entry into other fields) refused.
    /// </summary>
    public static string VolumeText(string source, string target, bool readOnly, BottleMount? mount = null)
    {
        if (source.Contains(':') || target.Contains(':'))
            throw new InvalidOperationException($"{Where(mount)}'{(source.Contains(':') ? source : target)}' holds a ':', which would split its compose " +
                                                "volume entry into other fields; rename it, then publish again");
        return $"{Escape(source)}:{Escape(target)}:{(readOnly ? "ro" : "rw")}";
    }

    public static BottleMount? MountOf(BindMount bind, ResolvedBottle bottle) =>
        bottle.Mounts.FirstOrDefault(m => m.Source == bind.Source && m.Target == bind.Target);

    public static string Where(BottleMount? mount) => mount?.Origin is { } origin ? $"{origin.File}: {origin.JsonPath}: " : "";

    public static string Escape(string value) => value.Replace("$", "$$", StringComparison.Ordinal);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
}
