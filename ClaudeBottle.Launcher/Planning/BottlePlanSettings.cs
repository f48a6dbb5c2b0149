namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// What a plan needs beyond the bottle: naming, images, and where the proxy's config file is. With a
/// <see cref="TelemetrySinkImage"/> the bottle gets a telemetry sink and Claude exports to it. Without a
/// <see cref="ProbeImage"/> it has no isolation probe, and without an <see cref="EdgeImage"/> no edge: run mode refuses to
/// start either. <see cref="ScanApiToken"/> null: one is made. <see cref="RunId"/> names a start's clone branch
/// (<c>claude-bottle/&lt;agent&gt;/&lt;run&gt;</c>); null: the time and a few random digits.
/// </summary>
public sealed record BottlePlanSettings(string Instance, string LeaseFile, string NamePrefix, string PipelockImage, string AgentImage,
    string PipelockConfigFile, string? ExtraCaCertificatesFile = null, string? TelemetrySinkImage = null, string? TraceParent = null,
    string? ProbeImage = null, string? EdgeImage = null, string? EdgeConfigFile = null, string? ScanApiToken = null,
    string? RunId = null);
