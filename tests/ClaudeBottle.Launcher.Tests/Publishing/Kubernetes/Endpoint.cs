using System.Net;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// One end of a connection: a pod (its namespace and labels, its address, and the address of the node it runs on) or
/// an address outside the cluster (a node's among them).
/// </summary>
internal sealed record Endpoint(string? Namespace, IReadOnlyDictionary<string, string> Labels, IPAddress Address, IPAddress? Node = null)
{
    public static Endpoint External(string address) => new(null, new Dictionary<string, string>(), IPAddress.Parse(address));
}
