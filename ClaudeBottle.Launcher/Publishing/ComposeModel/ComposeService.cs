using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

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
    /// <summary>Short-form entries (strings) and, in a swarm stack, long-form ones (<see cref="ComposeMount"/>).</summary>
    public List<object>? Volumes { get; set; }
    [YamlMember(Alias = "volumes_from")]
    public List<string>? VolumesFrom { get; set; }
    public List<ComposeServiceSecret>? Secrets { get; set; }
    public List<ComposeServiceConfig>? Configs { get; set; }
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
    /// <summary>Only for a swarm stack: what swarm reads instead of the container-level limits and restart policy.</summary>
    public ComposeDeploy? Deploy { get; set; }
}
