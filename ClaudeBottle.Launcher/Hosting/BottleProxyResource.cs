using Aspire.Hosting.ApplicationModel;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>The bottle's pipelock proxy, on the internal network (as <c>pipelock</c>) and on the egress network.</summary>
public sealed class BottleProxyResource(string name, BottleResource bottle)
    : Resource(name), IResourceWithParent<BottleResource>
{
    public BottleResource Parent { get; } = bottle;
}
