namespace ClaudeBottle.Launcher.Planning;

/// <summary>The <c>ClaudeBottle:Pipelock</c> settings.</summary>
public sealed class PipelockOptions
{
    /// <summary>A mirror of the pinned pipelock image; the pinned one when unset.</summary>
    public string Image { get; set; } = PipelockImage.Reference;
}
