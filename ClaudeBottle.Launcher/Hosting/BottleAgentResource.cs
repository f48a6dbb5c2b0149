using Aspire.Hosting.ApplicationModel;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>The Claude Code container of a bottle, on the bottle's internal network only.</summary>
public sealed class BottleAgentResource(string name, BottleResource bottle)
    : Resource(name), IResourceWithParent<BottleResource>, IResourceWithWaitSupport
{
    public BottleResource Parent { get; } = bottle;
}
