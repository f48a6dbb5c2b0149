using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

// The subset of the Compose specification claude-bottle writes. Dictionaries are sorted so the output is stable.

public sealed class ComposeFile
{
    // No top-level "name": docker-compose v1 rejects it. The project name comes from COMPOSE_PROJECT_NAME in .env.
    public SortedDictionary<string, ComposeService> Services { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ComposeNetwork> Networks { get; } = new(StringComparer.Ordinal);
    /// <summary>Files the operator fills in, mounted under <c>/run/secrets/</c>: the only place a real value goes.</summary>
    public SortedDictionary<string, ComposeSecret> Secrets { get; } = new(StringComparer.Ordinal);
    /// <summary>The agents' kept Claude state, one named volume per agent that resumes; null when none does.</summary>
    public SortedDictionary<string, ComposeVolume>? Volumes { get; set; }
}

/// <summary>A named volume of the deployment's; <c>docker compose down</c> keeps it (only <c>down -v</c> removes it).</summary>
public sealed class ComposeVolume
{
    public SortedDictionary<string, string>? Labels { get; init; }
}

public sealed class ComposeService
{
    public string? Image { get; set; }
    public ComposeBuild? Build { get; set; }
    public List<string>? Entrypoint { get; set; }
    public List<string>? Command { get; set; }
    public string? User { get; set; }
    public bool? Init { get; set; }
    public bool? Tty { get; set; }
    [YamlMember(Alias = "stdin_open")]
    public bool? StdinOpen { get; set; }
    [YamlMember(Alias = "read_only")]
    public bool? ReadOnly { get; set; }
    [YamlMember(Alias = "cap_drop")]
    public List<string>? CapDrop { get; set; }
    [YamlMember(Alias = "security_opt")]
    public List<string>? SecurityOpt { get; set; }
    public SortedDictionary<string, string>? Environment { get; set; }
    public List<string>? Volumes { get; set; }
    [YamlMember(Alias = "volumes_from")]
    public List<string>? VolumesFrom { get; set; }
    public List<ComposeServiceSecret>? Secrets { get; set; }
    public List<string>? Tmpfs { get; set; }
    public List<string>? Dns { get; set; }
    public string? Restart { get; set; }
    public SortedDictionary<string, ComposeServiceNetwork>? Networks { get; set; }
    [YamlMember(Alias = "depends_on")]
    public SortedDictionary<string, ComposeDependency>? DependsOn { get; set; }
    public ComposeHealthcheck? Healthcheck { get; set; }
    public string? Cpus { get; set; }
    [YamlMember(Alias = "mem_limit")]
    public string? MemLimit { get; set; }
    [YamlMember(Alias = "memswap_limit")]
    public string? MemswapLimit { get; set; }
    [YamlMember(Alias = "pids_limit")]
    public long? PidsLimit { get; set; }
    public ComposeLogging? Logging { get; set; }
    public SortedDictionary<string, string>? Labels { get; set; }
}

public sealed class ComposeLogging
{
    public required string Driver { get; init; }
    public required SortedDictionary<string, string> Options { get; init; }
}

public sealed class ComposeBuild
{
    public required string Context { get; init; }
    public string? Dockerfile { get; init; }
    public SortedDictionary<string, string>? Args { get; init; }
}

public sealed class ComposeServiceNetwork
{
    public List<string>? Aliases { get; init; }
}

public sealed class ComposeDependency
{
    public required string Condition { get; init; }
}

public sealed class ComposeHealthcheck
{
    public required List<string> Test { get; init; }
    public required string Interval { get; init; }
    public required string Timeout { get; init; }
    public required int Retries { get; init; }
}

public sealed class ComposeSecret
{
    public required string File { get; init; }
}

/// <summary>A secret in the long form: <see cref="Target"/> is its file's name under <c>/run/secrets/</c>.</summary>
public sealed class ComposeServiceSecret
{
    public required string Source { get; init; }
    public required string Target { get; init; }
}

public sealed class ComposeNetwork
{
    public string Driver { get; init; } = "bridge";
    public bool? Internal { get; init; }
    [YamlMember(Alias = "driver_opts")]
    public SortedDictionary<string, string>? DriverOpts { get; init; }
    public SortedDictionary<string, string>? Labels { get; init; }
}
