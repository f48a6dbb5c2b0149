namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// What <c>aspire publish</c> writes (<c>ClaudeBottle:Publish</c>): one choice, in one place, for every target.
/// </summary>
public sealed class PublishOptions
{
    public const string TargetKey = ClaudeBottleOptions.Section + ":Publish:Target";

    /// <summary>The targets, as the setting spells them; the first is the default.</summary>
    public static readonly IReadOnlyList<string> Targets = ["compose", "swarm", "kubernetes"];

    /// <summary><c>compose</c> (the default), <c>swarm</c> or <c>kubernetes</c>, in any case.</summary>
    public string? Target { get; set; }

    /// <summary>The chosen target, or null when <see cref="Target"/> names none (<see cref="Problem"/> says so).</summary>
    public PublishTarget? Chosen => (Target is { Length: > 0 } target ? target.Trim().ToLowerInvariant() : Targets[0]) switch
    {
        "compose" => PublishTarget.Compose,
        "swarm" => PublishTarget.Swarm,
        "kubernetes" => PublishTarget.Kubernetes,
        _ => null,
    };

    public string? Problem => Chosen is null
        ? $"{TargetKey} is '{Target}', which is no publish target; write one of {string.Join(", ", Targets)} (compose when unset)"
        : null;
}
