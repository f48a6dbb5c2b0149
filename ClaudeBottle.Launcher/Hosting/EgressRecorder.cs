using System.Runtime.CompilerServices;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Counts each proxy decision in its bottle's summary, relays it as a log record of the proxy, and says in the agent's
/// console what was refused. The summary is published at most once a <see cref="PublishInterval"/>: an agent decides
/// how many decisions there are, and each publish goes to every watcher of the dashboard.
/// </summary>
internal sealed class EgressRecorder(ResourcePublisher publisher, OtlpRelay? relay = null, TimeProvider? time = null)
{
    /// <summary>How often a bottle's egress properties change at most.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many refused hosts the agent's console names; the bottle's properties count the rest.</summary>
    private const int MaxNoted = 20;

    private readonly ConditionalWeakTable<BottleSession, Coalescer> _publishing = [];

    public void Record(BottleResource bottle, BottleSession session, EgressDecision decision)
    {
        if (session.Egress.Add(decision) && !decision.Allowed)
            NoteRefusal(bottle, decision, session.Egress.BlockedHosts);
        relay?.Egress(new TelemetrySource(bottle.Proxy.Name, bottle.Name), decision);
        _publishing.GetValue(session, s => new Coalescer(PublishInterval,
            () => publisher.PublishAsync(bottle, null, properties: BottleProperties.ForEgress(s.Egress)), time ?? TimeProvider.System)).Signal();
    }

    /// <summary>
    /// Once per host: Claude reports only that "the proxy refused the tunnel", and the person reading its failure needs
    /// the host and the fix. A few dozen lines at most, whatever the agent tries.
    /// </summary>
    private void NoteRefusal(BottleResource bottle, EgressDecision decision, int refusedHosts)
    {
        if (refusedHosts > MaxNoted)
            return;
        var log = publisher.Log(bottle.Agent);
        var fix = decision.Scanner == "allowlist"
            ? $"; if the agent needs it, add \"{NameRules.Printable(decision.Host)}\" to bottles.{bottle.Bottle.BottleName}.egress.allowlist in the manifest, " +
              "or allow it for this run with the bottle's 'Allow a blocked host' command"
            : decision.Rule is { } rule ? $"; refused by {ConsoleText.Of(rule)} in the manifest" : "";
        log.LogWarning("The bottle's proxy refused {Target} ({Reason}){Fix}", ConsoleText.Of(decision.Target ?? decision.Host),
            ConsoleText.Of(decision.Reason ?? decision.Scanner ?? "blocked"), fix);
        if (refusedHosts == MaxNoted)
            log.LogWarning("Further refused hosts are counted in the bottle's egress properties, not listed here");
    }
}
