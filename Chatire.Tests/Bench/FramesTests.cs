using System.Text;
using Chatire.Bench;

namespace Chatire.Tests.Bench;

/// <summary>The generator's frame parsing: single frames and batches split on line breaks.</summary>
public sealed class FramesTests
{
    [Fact]
    public void ParseEach_Batch_ParsesEveryLineInOrder()
    {
        var batch = """
            {"type":"message","data":{"id":7,"message":"b:100:2:5:xx"}}
            {"type":"ack","client_id":"2-5","id":7}
            {"type":"message","data":{"id":8,"message":"a line\nbreak, escaped"}}
            """.ReplaceLineEndings("\n");
        var frames = new List<Frame>();

        Frames.ParseEach(Encoding.UTF8.GetBytes(batch), frames.Add);

        Assert.Equal([FrameKind.Message, FrameKind.Ack, FrameKind.Message], frames.Select(f => f.Kind));
        Assert.Equal([7L, 7L, 8L], frames.Select(f => f.Id));
        Assert.Equal((100L, 2, 5L), (frames[0].SentTicks, frames[0].Slot, frames[0].Seq));
    }

    [Theory]
    [InlineData("""{"type":"message","data":{"id":42,"uri":"u","user":{"id":1,"username":"a"},"message":"b:123:4:56:xxxx","created":"2026-01-01T00:00:00Z"}}""")]
    [InlineData("""{"data":{"message":"b:123:4:56:xxxx","id":42},"type":"message"}""")]
    [InlineData("""{ "type": "message", "data": { "id": 42, "message": "b:123:4:56:" } }""")]
    public void Parse_MessageFrame_SameFieldsWhateverTheLayout(string json)
    {
        var frame = Frames.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new Frame(FrameKind.Message, 42, 123, 4, 56, null), frame);
    }

    [Fact]
    public void Parse_MessageWithoutStamp_IsAMessageWithoutSlot()
    {
        var frame = Frames.Parse("""{"type":"message","data":{"id":9,"message":"hello b:1:2:3"}}"""u8);

        Assert.Equal((FrameKind.Message, 9L, -1), (frame.Kind, frame.Id, frame.Slot));
    }

    [Fact]
    public void ParseEach_SingleFrame_IsOneFrame()
    {
        var frames = new List<Frame>();

        Frames.ParseEach("""{"type":"error","detail":"no"}"""u8, frames.Add);

        Assert.Equal("no", Assert.Single(frames).Detail);
    }
}
