using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Planning;

// The subset of pipelock's config (v2.3.0 internal/config/schema.go) that claude-bottle sets. Everything omitted
// keeps pipelock's default (DLP patterns, SSRF protection, response scanning).

/// <summary>pipelock's configuration file, as claude-bottle writes it.</summary>
public sealed class PipelockConfig
{
    public int Version { get; init; } = 1;

    /// <summary>Only strict mode enforces <see cref="ApiAllowlist"/>; balanced and audit let every host through.</summary>
    public string Mode { get; init; } = "strict";

    public bool Enforce { get; init; } = true;

    public required List<string> ApiAllowlist { get; init; }

    public FetchProxySection FetchProxy { get; init; } = new();

    public ForwardProxySection ForwardProxy { get; init; } = new();

    public LoggingSection Logging { get; init; } = new();

    public SentrySection Sentry { get; init; } = new();

    /// <summary>Attributes every request to the bottle, whatever the agent claims in headers.</summary>
    public required string DefaultAgentIdentity { get; init; }

    public bool BindDefaultAgentIdentity { get; init; } = true;

    /// <summary>
    /// Where <c>/metrics</c> and <c>/stats</c> are served: on pipelock's own loopback, so not on the port the agent uses
    /// (where they are served when this is unset) nor on any address the agent can reach. Nothing of the product reads them.
    /// </summary>
    public string MetricsListen { get; init; } = MetricsAddress;

    public const string MetricsAddress = "127.0.0.1:9091";

    /// <summary>The scan API the edge asks about what the agent sends and receives (pipelock sees only CONNECTs).</summary>
    public required ScanApiSection ScanApi { get; init; }
}

public sealed class FetchProxySection
{
    public string Listen { get; init; } = "0.0.0.0:8888";

    public MonitoringSection Monitoring { get; init; } = new();
}

public sealed class MonitoringSection
{
    /// <summary>Per host. pipelock's default of 60 also counts CONNECTs, which a busy Claude session exceeds.</summary>
    public int MaxRequestsPerMinute { get; init; } = 600;
}

public sealed class ForwardProxySection
{
    /// <summary>Off by default in pipelock; without it HTTPS_PROXY (CONNECT) is refused.</summary>
    public bool Enabled { get; init; } = true;
}

public sealed class LoggingSection
{
    public string Format { get; init; } = "json";
    public string Output { get; init; } = "stdout";
    public bool IncludeAllowed { get; init; } = true;
    public bool IncludeBlocked { get; init; } = true;
}

public sealed class SentrySection
{
    /// <summary>pipelock enables Sentry when the key is unset; a bottle reports to no one.</summary>
    public bool Enabled { get; init; }
}
