using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Counts each proxy decision in its bottle's summary, relays it as a log record of the proxy, and says in the agent's console what was refused.</summary>
internal sealed class EgressRecorder(ResourcePublisher publisher, OtlpRelay? relay = null)
{
    /// <summary>How many refused hosts the agent's console names; the bottle's properties count the rest.</summary>
    private const int MaxNoted = 20;

    public async Task RecordAsync(BottleResource bottle, BottleSession session, EgressDecision decision)
    {
        if (session.Egress.Add(decision) && !decision.Allowed)
            NoteRefusal(bottle, decision, session.Egress.BlockedHosts);
        relay?.Egress(new TelemetrySource(bottle.Proxy.Name, bottle.Name), decision);
        await publisher.PublishAsync(bottle, null, properties: BottleProperties.ForEgress(session.Egress));
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
            ? $"; if the agent needs it, add \"{decision.Host}\" to bottles.{bottle.Bottle.BottleName}.egress.allowlist in the manifest"
            : "";
        log.LogWarning("The bottle's proxy refused {Target} ({Reason}){Fix}", decision.Target ?? decision.Host, decision.Reason ?? decision.Scanner ?? "blocked", fix);
        if (refusedHosts == MaxNoted)
            log.LogWarning("Further refused hosts are counted in the bottle's egress properties, not listed here");
    }
}
