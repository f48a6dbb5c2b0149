using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;
using YamlDotNet.Serialization.NamingConventions;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>Serialises a <see cref="ComposeFile"/>: every string double-quoted, nulls left out, LF line ends.</summary>
public static class ComposeYaml
{
    // One serializer per file: its quoting emitter keeps the state of the document being written, so two publishes at
    // once (tests run in parallel) must not share one, or a key of one is taken for a value of the other.
    private static ISerializer Serializer() => new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithEventEmitter(next => new QuotedStrings(next))
        .WithIndentedSequences()
        .WithNewLine("\n")
        .DisableAliases()
        .Build();

    public static string Write(ComposeFile file) => Serializer().Serialize(file);

    /// <summary>
    /// Quoting every string value keeps YAML 1.1 readers (docker-compose v1 uses one) from reading "65534:65534" as a
    /// base-60 number or "no" as false. Keys stay plain.
    /// </summary>
    private sealed class QuotedStrings(IEventEmitter next) : ChainedEventEmitter(next)
    {
        // For each open mapping, whether its next node is a key; sequences hold null.
        private readonly Stack<bool?> _open = new();

        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            var isKey = NextIsKey();
            if (eventInfo.Source.Value is string text)
                Interpolation.Check(text, isKey);
            if (!isKey && eventInfo.Source.Type == typeof(string) && eventInfo.Source.Value is string)
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            base.Emit(eventInfo, emitter);
        }

        public override void Emit(MappingStartEventInfo eventInfo, IEmitter emitter)
        {
            NextIsKey();
            _open.Push(true);
            base.Emit(eventInfo, emitter);
        }

        public override void Emit(MappingEndEventInfo eventInfo, IEmitter emitter)
        {
            _open.Pop();
            base.Emit(eventInfo, emitter);
        }

        public override void Emit(SequenceStartEventInfo eventInfo, IEmitter emitter)
        {
            NextIsKey();
            _open.Push(null);
            base.Emit(eventInfo, emitter);
        }

        public override void Emit(SequenceEndEventInfo eventInfo, IEmitter emitter)
        {
            _open.Pop();
            base.Emit(eventInfo, emitter);
        }

        /// <summary>Whether the node being emitted is a mapping key; advances the enclosing mapping.</summary>
        private bool NextIsKey()
        {
            if (_open.Count == 0 || _open.Peek() is not { } expectKey)
                return false;
            _open.Pop();
            _open.Push(!expectKey);
            return expectKey;
        }
    }

    /// <summary>
    /// The last guard of what compose fills in from the deploying shell: nothing. The deployment reads no variable (the
    /// real values go in its secrets files), so a value may hold '$' only doubled, and a key none. Anything else means a
    /// name or path from the manifest reached the file unescaped, and nothing is written.
    /// </summary>
    private static class Interpolation
    {
        public static void Check(string text, bool isKey)
        {
            if (!text.Contains('$') || (!isKey && !text.Replace("$$", "", StringComparison.Ordinal).Contains('$')))
                return;
            throw new InvalidOperationException(
                $"'{Manifest.NameRules.Printable(text)}' would reach the compose file with a '$' that compose fills in from the shell of whoever " +
                "deploys it; nothing was published (this is a bug in claude-bottle's publisher: every value must be escaped)");
        }
    }
}
