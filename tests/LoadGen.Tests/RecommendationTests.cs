using LlamaAspire.LoadGen.Tuning;

namespace LlamaAspire.LoadGen.Tests;

public sealed class RecommendationTests
{
    // 1,024 MB: 2,000 ms, $40 per 1M; 1,769: 1,100 ms, $38; 3,008: 800 ms, $50; 10,240: 700 ms, $150.
    private static readonly TuneCandidate[] Candidates =
    [
        new(1024, 2000, 0.000040m), new(1769, 1100, 0.000038m), new(3008, 800, 0.000050m), new(10240, 700, 0.000150m),
    ];

    [Theory]
    [InlineData(TuneStrategy.Cost, 0.5, 1769)]
    [InlineData(TuneStrategy.Speed, 0.5, 10240)]
    // Scores w·cost/150 + (1−w)·ms/2000 at w = 0.5: 1,024 → 0.633, 1,769 → 0.402, 3,008 → 0.367, 10,240 → 0.675.
    [InlineData(TuneStrategy.Balanced, 0.5, 3008)]
    [InlineData(TuneStrategy.Balanced, 1.0, 1769)]
    [InlineData(TuneStrategy.Balanced, 0.0, 10240)]
    // w = 0.9: 1,024 → 0.340, 1,769 → 0.283, 3,008 → 0.340, 10,240 → 0.935.
    [InlineData(TuneStrategy.Balanced, 0.9, 1769)]
    public void Each_strategy_picks_as_computed_by_hand(TuneStrategy strategy, double weight, int expected)
    {
        Assert.Equal(expected, Recommendation.Choose(Candidates, strategy, weight)!.Choice.MemorySizeMb);
    }

    [Fact]
    public void The_sentence_compares_with_the_smallest_size()
    {
        var recommendation = Recommendation.Choose(Candidates, TuneStrategy.Balanced, 0.5)!;

        Assert.Equal("Recommended 3008 MB (balanced, weight 0.5 on cost): p50 800 ms, $50.00 per 1M requests — 2.5× as fast as 1024 MB for 1.25× the cost.",
            recommendation.Sentence);
    }

    [Fact]
    public void Cost_ties_go_to_the_faster()
    {
        TuneCandidate[] tied = [new(1024, 900, 0.00002m), new(2048, 450, 0.00002m)];

        Assert.Equal(2048, Recommendation.Choose(tied, TuneStrategy.Cost, 0.5)!.Choice.MemorySizeMb);
    }

    [Fact]
    public void Sizes_where_nothing_answered_are_left_out()
    {
        TuneCandidate[] partly = [new(128, double.NaN, 0m), new(1024, 900, 0.00002m)];

        Assert.Equal(1024, Recommendation.Choose(partly, TuneStrategy.Cost, 0.5)!.Choice.MemorySizeMb);
        Assert.Null(Recommendation.Choose([new(128, double.NaN, 0m)], TuneStrategy.Speed, 0.5));
    }
}
