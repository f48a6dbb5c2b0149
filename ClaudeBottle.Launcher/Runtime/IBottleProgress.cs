namespace ClaudeBottle.Launcher.Runtime;

/// <summary>What <see cref="BottleRunner"/> reports while it works, so the dashboard can follow each container.</summary>
public interface IBottleProgress
{
    /// <summary>A step of the start, e.g. "pulling image …", "creating networks".</summary>
    void Step(string message);

    Task ProxyCreatedAsync(string containerId);

    Task ProxyHealthyAsync();

    Task AgentStartedAsync(string containerId);
}
