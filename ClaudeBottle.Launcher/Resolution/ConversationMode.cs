namespace ClaudeBottle.Launcher.Resolution;

/// <summary>What a start does with the agent's kept Claude state (<c>~/.claude</c>).</summary>
public enum ConversationMode
{
    /// <summary>Nothing is kept: the state lives in the home's volume and goes with the container.</summary>
    None,

    /// <summary>The state volume is mounted and Claude continues its most recent conversation in the workspace.</summary>
    Resume,

    /// <summary>The state volume is emptied first, then mounted: a new conversation, kept for the next resume.</summary>
    Fresh,
}
