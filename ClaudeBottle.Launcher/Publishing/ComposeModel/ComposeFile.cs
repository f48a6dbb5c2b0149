namespace ClaudeBottle.Launcher.Publishing;

// The subset of the Compose specification claude-bottle writes. Dictionaries are sorted so the output is stable.

public sealed class ComposeFile
{
    /// <summary>Only for a swarm stack: <c>docker stack deploy</c> reads the 3.x format; 3.9 for <c>deploy.resources.limits.pids</c>.</summary>
    public string? Version { get; set; }
    // No top-level "name": docker-compose v1 rejects it. The project name comes from COMPOSE_PROJECT_NAME in .env.
    public SortedDictionary<string, ComposeService> Services { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ComposeNetwork> Networks { get; } = new(StringComparer.Ordinal);
    /// <summary>Files the operator fills in, mounted under <c>/run/secrets/</c>: the only place a real value goes.</summary>
    public SortedDictionary<string, ComposeSecret> Secrets { get; } = new(StringComparer.Ordinal);
    /// <summary>The agents' kept Claude state, one named volume per agent that resumes; null when none does.</summary>
    public SortedDictionary<string, ComposeVolume>? Volumes { get; set; }
    /// <summary>Only for a swarm stack: files the swarm carries to whichever node runs a service (configuration, skills).</summary>
    public SortedDictionary<string, ComposeConfig>? Configs { get; set; }
}
