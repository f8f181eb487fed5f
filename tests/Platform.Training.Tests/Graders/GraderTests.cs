using System.Text.Json;
using Platform.Training.Graders;
using Platform.Training.Rl;

namespace Platform.Training.Tests.Graders;

public sealed class GraderTests
{
    private const string Item = """{"answer":"Paris","solution":"\\boxed{42}","n":7,"meta":{"city":"Paris"}}""";

    public static TheoryData<string, string, double> Cases => new()
    {
        // string_check
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}""", "Paris", 1 },
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}""", "paris", 0 },
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"ne"}""", "Lyon", 1 },
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.meta.city}}","operation":"like"}""", "It is Paris.", 1 },
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"like"}""", "it is paris", 0 },
        { """{"type":"string_check","name":"s","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"ilike"}""", "it is PARIS", 1 },
        { """{"type":"string_check","name":"s","input":"{{ sample.output_text }}","reference":"{{item.n}}","operation":"eq"}""", "7", 1 },
        // text_similarity
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"kitten","evaluation_metric":"fuzzy_match"}""", "sitting", 2.0 * 4 / 13 },
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"the cat sat on the mat","evaluation_metric":"bleu"}""", "the cat sat on the mat", 1 },
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"the cat sat on the mat","evaluation_metric":"rouge_1"}""", "The cat sat.", 2 * 1.0 * 0.5 / 1.5 },
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"the cat sat on the mat","evaluation_metric":"rouge_2"}""", "the cat sat", 2 * 1.0 * 0.4 / 1.4 },
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"a b c d","evaluation_metric":"rouge_l"}""", "a x c d", 0.75 },
        { """{"type":"text_similarity","name":"t","input":"{{sample.output_text}}","reference":"a b c d","evaluation_metric":"rouge_l","pass_threshold":0.8}""", "a x c d", 0 },
        // regex / format
        { """{"type":"regex","name":"f","input":"{{sample.output_text}}","pattern":"^\\s*<think>[\\s\\S]*?</think>\\s*\\S[\\s\\S]*$"}""", "<think>\n2+2</think>\n\n4", 1 },
        { """{"type":"regex","name":"f","input":"{{sample.output_text}}","pattern":"^\\s*<think>[\\s\\S]*?</think>\\s*\\S[\\s\\S]*$"}""", "<think>never closed 4", 0 },
        { """{"type":"regex","name":"f","input":"{{sample.output_text}}","pattern":"^ANSWER: \\d+$","ignore_case":true}""", "answer: 12", 1 },
        // accuracy
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"{{item.solution}}"}""", "so the answer is \\boxed{42}", 1 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"{{item.solution}}"}""", "40 + 2 = 42", 1 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"{{item.solution}}"}""", "42.0000000001", 1 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"{{item.solution}}"}""", "\\boxed{41} (not 42)", 0 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"{{item.solution}}"}""", "no idea", 0 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"0.5"}""", "\\boxed{\\frac{1}{2}}", 1 },
        { """{"type":"accuracy","name":"a","input":"{{sample.output_text}}","reference":"-1234.5"}""", "total: -1,234.5", 1 },
        // multi
        { """{"type":"multi","name":"m","graders":{"acc":{"type":"accuracy","input":"{{sample.output_text}}","reference":"{{item.n}}"},"fmt":{"type":"regex","input":"{{sample.output_text}}","pattern":"^\\d+$"}},"calculate_output":"0.75 * acc + 0.25 * fmt"}""", "7", 1 },
        { """{"type":"multi","name":"m","graders":{"acc":{"type":"accuracy","input":"{{sample.output_text}}","reference":"{{item.n}}"},"fmt":{"type":"regex","input":"{{sample.output_text}}","pattern":"^\\d+$"}},"calculate_output":"0.75 * acc + 0.25 * fmt"}""", "it is 7", 0.75 },
        { """{"type":"multi","name":"m","graders":{"a":{"type":"accuracy","input":"{{sample.output_text}}","reference":"{{item.n}}"}},"calculate_output":"max(0, min(1, 2 ^ 2 * a - (1 + 2) / 3)) + abs(-0.5) - sqrt(floor(0.5))"}""", "7", 1.5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Graders_score_samples_as_specified(string definition, string output, double expected)
    {
        var grader = GraderParser.Parse(definition);
        using var item = JsonDocument.Parse(Item);

        var score = grader.Grade(new GradingContext(item.RootElement, output));

        Assert.Equal(expected, score, 9);
    }

    public static TheoryData<string, string, string> Invalid => new()
    {
        { """{"type":"string_check","input":"{{sample.output_text}}","reference":"x","operation":"contains"}""", "operation", "'contains' is not one of eq, ne, like, ilike" },
        { """{"type":"string_check","input":"{{sample.output_text}}","operation":"eq"}""", "reference", "is required" },
        { """{"type":"text_similarity","input":"a","reference":"b","evaluation_metric":"meteor"}""", "evaluation_metric", "'meteor' is not supported" },
        { """{"type":"regex","input":"{{sample.output_text}}","pattern":"(unclosed"}""", "pattern", "not a valid regular expression" },
        { """{"type":"accuracy","input":"{{sample.text}}","reference":"1"}""", "input", "unknown template variable '{{sample.text}}'" },
        { """{"type":"accuracy","input":"{{sample.output_text","reference":"1"}""", "input", "unclosed or malformed" },
        { """{"type":"python","source":"def grade(s, i): return 1"}""", "type", "'python' graders are not supported here" },
        { """{"type":"multi","graders":{"a":{"type":"regex","input":"x","pattern":"x"}},"calculate_output":"a + b"}""", "calculate_output", "'b' is neither a grader (a)" },
        { """{"type":"multi","graders":{"a":{"type":"regex","input":"x","pattern":"x"}},"calculate_output":"(a + 1"}""", "calculate_output", "expected ')'" },
        { """{"type":"multi","graders":{"a":{"type":"string_check","input":"x","reference":"y","operation":"eq"},"b":{"type":"bogus"}},"calculate_output":"a"}""", "graders.b.type", "unknown grader type 'bogus'" },
        { """["not", "an", "object"]""", "grader", "a grader must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_definitions_say_where_and_what(string definition, string path, string message)
    {
        var e = Assert.Throws<GraderDefinitionException>(() => GraderParser.Parse(definition));

        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Problem);
    }

    [Fact]
    public void A_failing_part_scores_zero_is_counted_and_the_others_still_count()
    {
        var grader = GraderParser.Parse("""
            {"type":"multi","name":"total","calculate_output":"acc + fmt","graders":{
              "acc":{"type":"accuracy","input":"{{sample.output_text}}","reference":"{{item.missing}}"},
              "fmt":{"type":"regex","input":"{{sample.output_text}}","pattern":"^\\d+$"}}}
            """);
        var scorer = new GraderScorer(grader);
        using var item = JsonDocument.Parse(Item);

        var score = scorer.Score(new PromptItem([], item.RootElement), "7");

        Assert.Equal(["acc", "fmt", "total"], scorer.Components);
        Assert.Equal([0.0, 1.0, 1.0], score.Components);
        Assert.Equal([true, false, false], score.Failed);
        Assert.Equal(1.0, score.Reward);
        Assert.Equal(["missing"], grader.ItemFields.Distinct());
    }
}
