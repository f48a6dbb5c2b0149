using Aspire.Hosting.ApplicationModel;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Finds bottles by name in the application model.</summary>
internal sealed class DistributedApplicationModelAccessor(DistributedApplicationModel model)
{
    public BottleResource? Find(string name) => model.Resources.OfType<BottleResource>().FirstOrDefault(b => b.Name == name);

    public IEnumerable<BottleResource> Bottles => model.Resources.OfType<BottleResource>();
}
