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

    [Fact]
    public void ParseEach_SingleFrame_IsOneFrame()
    {
        var frames = new List<Frame>();

        Frames.ParseEach("""{"type":"error","detail":"no"}"""u8, frames.Add);

        Assert.Equal("no", Assert.Single(frames).Detail);
    }
}
